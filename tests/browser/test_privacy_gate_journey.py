"""Acceptance journey of the privacy gate (issue 12): an officer types a bullet list of two ID numbers
into a record's 正文 in the admin's rich-text editor and submits it; the reviewer passes the
confidentiality review and the leader approves in the admin — and the gate stops it: the record
is not published, the 隐私检查 screen names both numbers masked, and the public page has nothing.
After 一键遮盖 the masked revision goes through and the public page shows only the masked numbers."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gongkai.core.models import Role
from gongkai.disclosure.models import Record
from gongkai.disclosure.services.records import create_record
from gongkai.disclosure.services.review import decide_approval, decide_confidentiality
from gongkai.portal.setup import ensure_county_site
from tests.browser.support import axe_violations, describe, require_browser, sign_in
from tests.privacy.corpus import gb11643_check

require_browser()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 900}
SHOTS = os.environ.get("GONGKAI_BROWSER_SHOTS")
ID_A = "36042819780615331" + gb11643_check("36042819780615331")
ID_B = "53010219851124002" + gb11643_check("53010219851124002")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"gate-{name}.png"), full_page=True)


@pytest.fixture
def world(county, make_user):
    ensure_county_site(county.county)
    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    record = create_record(officer, body=county.dept_a, title="2026年城乡低保对象公示", summary="低保对象公示",
                           content="<p>经审核，以下对象符合条件。</p>", formed_date=dt.date(2026, 3, 2),
                           doc_type="other_document", topic="civil")
    return {"record": record, "officer": officer,
            "reviewer": make_user(Role.CONFIDENTIALITY_REVIEWER, county.dept_a),
            "leader": make_user(Role.APPROVING_LEADER, county.dept_a)}


def test_a_bullet_list_of_id_numbers_is_stopped_by_the_gate(browser, live_server, county, world):
    record = world["record"]
    page = sign_in(browser, live_server.url, world["officer"].username, DESKTOP)
    page.goto(f"{live_server.url}/admin/snippets/disclosure/record/edit/{record.pk}/")
    shot(page, "edit-page")
    editor = page.locator(".Draftail-Editor [contenteditable=true]").first
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("- ")  # Draftail turns "- " at the start of a line into a bullet list
    page.keyboard.type(f"张三 {ID_A}")
    page.keyboard.press("Enter")
    page.keyboard.type(f"李四 {ID_B}")
    assert editor.locator("li").count() == 2
    page.locator("#id_summary").click()  # leave the editor: Draftail writes its hidden input
    # (expect, not wait_for_function: the admin's CSP forbids the eval that the latter needs)
    expect(page.locator("input[name=content]")).to_have_value(re.compile("unordered-list-item"))
    shot(page, "editor")
    page.locator("button.action-save ~ [data-w-dropdown-target=toggle], .w-dropdown__toggle.button").last.click()
    page.locator("button[name=action-submit]").click()
    page.wait_for_load_state("networkidle")
    shot(page, "submitted")
    record = Record.objects.get(pk=record.pk)
    draft = record.get_latest_revision_as_object()
    assert "<ul>" in draft.content and ID_A in draft.content, draft.content
    assert record.workflow_in_progress

    decide_confidentiality(world["reviewer"], record.current_workflow_task_state.specific, outcome="passed",
                           basis="no_secret", comment="不涉密")
    record.refresh_from_db()
    leader = sign_in(browser, live_server.url, world["leader"].username, DESKTOP)
    state = record.current_workflow_task_state
    leader.goto(f"{live_server.url}/admin/snippets/disclosure/record/edit/{record.pk}/")
    decide_approval(world["leader"], state.specific, approve=True, comment="同意发布")
    record.refresh_from_db()
    assert not record.live  # the gate sent it back

    leader.goto(f"{live_server.url}/admin/privacy/records/{record.pk}/")
    text = leader.locator("main").inner_text()
    shot(leader, "check")
    assert "身份证号" in text and ID_A not in text and ID_B not in text
    assert ID_A[:6] in text or ID_A[-4:] in text  # shown masked, as the mask policy keeps the ends
    violations = axe_violations(leader)
    assert not violations, describe(violations)

    public = browser.new_context(locale="zh-CN").new_page()
    column = public.goto(f"{live_server.url}/")
    assert column.status == 200
    from gongkai.portal.models import ProactiveIndexPage

    url = ProactiveIndexPage.objects.get().url + f"info/{record.pk}/"
    assert public.goto(f"{live_server.url}{url}").status == 404

    page.goto(f"{live_server.url}/admin/privacy/records/{record.pk}/")
    page.get_by_role("button", name=re.compile("一键遮盖")).first.click()
    page.wait_for_load_state("networkidle")
    masked = Record.objects.get(pk=record.pk).get_latest_revision_as_object().content
    assert "<ul>" in masked and ID_A not in masked and ID_B not in masked
    assert page.console_errors == [] and leader.console_errors == []
