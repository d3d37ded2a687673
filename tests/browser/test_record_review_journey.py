"""A reviewer decides from the record screen in headless Chromium at 1280 px (issue 14 §8): an
officer has submitted a record for review; the confidentiality reviewer of the body opens the
record screen, finds the form read-only with only the task's actions in the footer, and passes it
(保密审查通过) with a basis in the dialog; the approving leader then approves (审核同意发布) from the
same screen and the record is live with an index number. Every admin screen visited has no
serious or critical axe-core findings (Wagtail's own decision dialog is not checked: see decide),
and no page logs a console error."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from gongkai.core.models import Role
from gongkai.disclosure.models import ConfidentialityReview, Record
from tests.browser import support
from tests.browser.support import axe_violations, describe, require_browser

require_browser()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 900}
TITLE = "关于下达2026年耕地地力保护补贴资金的通知"


def check_a11y(page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{label}:\n{describe(violations)}"


def sign_in(browser, live_server, user):
    page = support.sign_in(browser, live_server.url, user.username, DESKTOP)
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    check_a11y(page, f"dashboard of {user.username}")
    return page


@pytest.fixture
def submitted(county, make_user):
    """A record of 测试县农业农村局 submitted for review by its officer (the services, as the
    officer's 提交审核 does)."""
    from gongkai.disclosure.services.records import create_record
    from gongkai.disclosure.services.review import submit_for_review

    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    record = create_record(officer, body=county.dept_a, title=TITLE, summary="下达2026年耕地地力保护补贴资金",
                           content="<p>各乡镇：现将补贴资金下达如下。</p>", doc_number="青农发[2026]12号",
                           formed_date=dt.date(2026, 3, 2), doc_type="other_document", topic="agriculture")
    submit_for_review(officer, record)
    record.refresh_from_db()
    assert record.current_workflow_task.specific.step == "review"
    return record


def decide(page, action: str, **fields) -> None:
    """Take the task action ``action`` from the record screen's footer: its dialog asks for the
    fields (label → value); its own button confirms, and the decision returns to the dashboard."""
    page.get_by_role("button", name=action, exact=True).click()
    dialog = page.get_by_role("dialog")
    confirm = dialog.get_by_role("button", name=action)
    expect(confirm).to_be_visible()
    # Not axe-checked: Wagtail's own workflow-action dialog has no accessible name and lists its
    # fields as <div>s inside a <ul> (wagtailadmin/shared/workflow_action_modal.html); the screens
    # before and after it are checked.
    for label, value in fields.items():
        control = dialog.get_by_label(label)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    with page.expect_navigation(url="**/admin/"):
        confirm.click()
    expect(page.locator(".messages[role=status]")).to_contain_text(f"已对“{TITLE}”作出决定：{action}")


def test_reviewer_and_leader_decide_from_the_read_only_record_screen(browser, live_server, county, make_user,
                                                                     submitted):
    reviewer_user = make_user(Role.CONFIDENTIALITY_REVIEWER, county.dept_a)
    leader_user = make_user(Role.APPROVING_LEADER, county.dept_a)
    edit_url = f"{live_server.url}/admin/snippets/disclosure/record/edit/{submitted.pk}/"
    revisions = submitted.revisions.count()

    # --- The confidentiality reviewer: read-only form, only the review actions --------------------
    reviewer = sign_in(browser, live_server, reviewer_user)
    reviewer.goto(edit_url)
    title = reviewer.locator("input[name=title]")
    expect(title).to_have_value(TITLE)
    expect(title).to_be_disabled()
    expect(reviewer.locator("input[name=doc_number]")).to_be_disabled()
    expect(reviewer.locator("input[name=summary], textarea[name=summary]")).to_be_disabled()
    assert reviewer.locator("[name=action-save], [name=action-submit]").count() == 0
    expect(reviewer.get_by_role("button", name="保密审查通过", exact=True)).to_be_visible()  # the footer's default
    for action in ("退回修改", "不予公开"):  # folded in the footer's menu
        assert reviewer.get_by_role("button", name=action, exact=True, include_hidden=True).count() == 1, action
    check_a11y(reviewer, "record screen (reviewer)")
    decide(reviewer, "保密审查通过", 审查依据="不涉及国家秘密、工作秘密", 审查意见="不涉密，可以公开")
    check_a11y(reviewer, "dashboard after the review")

    review = ConfidentialityReview.objects.get(record=submitted)
    assert (review.outcome, review.basis, review.reviewer_id, review.comment) == (
        "passed", "no_secret", reviewer_user.pk, "不涉密，可以公开")
    submitted.refresh_from_db()
    assert submitted.current_workflow_task.specific.step == "approve" and not submitted.live

    # --- The approving leader: the same screen, the approval action ------------------------------
    leader = sign_in(browser, live_server, leader_user)
    leader.goto(edit_url)
    expect(leader.locator("input[name=title]")).to_be_disabled()
    assert leader.locator("[name=action-save], [name=action-submit]").count() == 0
    assert leader.get_by_role("button", name="保密审查通过", exact=True).count() == 0
    check_a11y(leader, "record screen (leader)")
    decide(leader, "审核同意发布", 审核意见="同意发布")
    check_a11y(leader, "dashboard after the approval")

    record = Record.objects.get(pk=submitted.pk)
    assert record.live and record.index_number
    assert record.title == TITLE and record.revisions.count() >= revisions  # content as submitted
    assert record.get_latest_revision_as_object().title == TITLE
    assert record.current_workflow_state is None

    for page in (reviewer, leader):
        assert page.console_errors == [], page.console_errors
        page.context.close()
