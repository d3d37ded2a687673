"""The record screen (issue 14 §2): reviewers and leaders decide there, without changing content;
the catalogue-item chooser offers only the record's body's catalogue; an officer's only body is
preselected; keywords are what the officer typed."""

import json

import pytest
from django.urls import reverse

from gongkai.core.actors import SYSTEM
from gongkai.disclosure.models import ConfidentialityReview, Record
from gongkai.disclosure.services.review import submit_for_review
from tests.conftest import PASSWORD
from tests.disclosure.test_admin import form_data

NS = "wagtailsnippets_disclosure_record"


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def edit_url(record):
    return reverse(f"{NS}:edit", args=[record.pk])


def decide(client, record, action, extra, county, **changes):
    """POST the edit form as the footer's task action does (the dialog's data in extra-data)."""
    data = form_data(county, title=changes.pop("title", record.title), doc_number=record.doc_number, **changes)
    data.update({"action-workflow-action": "1", "workflow-action-name": action,
                 "workflow-action-extra-data": json.dumps(extra)})
    return client.post(edit_url(record), data)


@pytest.fixture
def submitted(draft, staff):
    submit_for_review(staff.officer, draft)
    draft.refresh_from_db()
    return draft


def test_reviewer_sees_a_read_only_record_with_only_the_task_actions(client, submitted, staff):
    html = login(client, staff.reviewer).get(edit_url(submitted)).content.decode()
    assert 'name="action-save"' not in html and 'name="action-submit"' not in html
    assert "保密审查通过" in html and "退回修改" in html
    title_input = html.split('name="title"', 1)[1].split(">", 1)[0]
    assert "disabled" in title_input


def test_reviewer_decides_from_the_record_screen_without_saving_content(client, submitted, staff, county):
    revisions = submitted.revisions.count()
    response = decide(login(client, staff.reviewer), submitted, "passed", {"basis": "no_secret", "comment": "不涉密"},
                      county, title="审查员改过的标题")
    assert response.status_code == 302
    review = ConfidentialityReview.objects.get(record=submitted)
    assert (review.outcome, review.reviewer, review.comment) == ("passed", staff.reviewer, "不涉密")
    assert review.revision_id == submitted.latest_revision_id
    assert submitted.revisions.count() == revisions  # nothing saved
    assert submitted.get_latest_revision_as_object().title == "关于下达2026年耕地地力保护补贴资金的通知"
    submitted.refresh_from_db()
    assert submitted.current_workflow_task.specific.step == "approve"


def test_reviewer_cannot_save_content_with_the_plain_save(client, submitted, staff, county):
    revisions = submitted.revisions.count()
    data = form_data(county, title="审查员改过的标题", doc_number=submitted.doc_number)
    login(client, staff.reviewer).post(edit_url(submitted), data)
    assert submitted.revisions.count() == revisions
    assert submitted.get_latest_revision_as_object().title != "审查员改过的标题"


def test_sending_back_needs_a_comment_and_is_recorded(client, submitted, staff, county):
    login(client, staff.reviewer)
    response = decide(client, submitted, "needs_changes", {"basis": "art_15", "comment": ""}, county)
    assert response.status_code == 302
    assert "必须填写审查意见" in client.get(response["Location"]).content.decode()
    assert not ConfidentialityReview.objects.exists()
    decide(client, submitted, "needs_changes", {"basis": "art_15", "comment": "删除身份证号"}, county)
    review = ConfidentialityReview.objects.get()
    assert review.outcome == "needs_changes" and review.comment == "删除身份证号"
    submitted.refresh_from_db()
    assert submitted.current_workflow_state.status == "needs_changes"


def test_leader_approves_from_the_record_screen_and_it_is_published(client, submitted, staff, county):
    decide(login(client, staff.reviewer), submitted, "passed", {"basis": "no_secret", "comment": ""}, county)
    html = login(client, staff.leader).get(edit_url(submitted)).content.decode()
    assert "审核同意发布" in html and 'name="action-save"' not in html
    assert decide(client, submitted, "approve", {"comment": "同意"}, county).status_code == 302
    submitted.refresh_from_db()
    assert submitted.live and submitted.index_number


@pytest.mark.parametrize("who", ["officer", "leader", "other_reviewer", "office_admin"])
def test_only_the_bodys_reviewer_may_take_the_review_action(client, submitted, staff, county, who):
    response = decide(login(client, getattr(staff, who)), submitted, "passed", {"basis": "no_secret"}, county)
    assert response.status_code in (200, 302, 403, 404)
    assert not ConfidentialityReview.objects.exists()
    submitted.refresh_from_db()
    assert submitted.current_workflow_task.specific.step == "review"


def test_reviewer_may_not_approve_in_the_leaders_place(client, submitted, staff, county):
    decide(login(client, staff.reviewer), submitted, "passed", {"basis": "no_secret"}, county)
    decide(client, submitted, "approve", {"comment": "同意"}, county)
    submitted.refresh_from_db()
    assert not submitted.live and submitted.current_workflow_task.specific.step == "approve"


def test_an_editor_who_changed_the_form_is_asked_to_save_first(client, submitted, superuser, county):
    """A superuser may draft and review: a decision with unsaved changes is refused, nothing lost."""
    response = decide(login(client, superuser), submitted, "passed", {"basis": "no_secret"}, county,
                      title="改过的标题")
    assert "未保存的修改" in client.get(response["Location"]).content.decode()
    assert not ConfidentialityReview.objects.exists()


# --- Catalogue items ------------------------------------------------------------------------------

@pytest.fixture
def catalogues(county):
    from gongkai.catalog.models import StandardArea
    from gongkai.catalog.services.catalogues import adopt_areas

    adopt_areas(SYSTEM, county.dept_a, [StandardArea.objects.get(code="social-assistance")])
    adopt_areas(SYSTEM, county.dept_b, [StandardArea.objects.get(code="compulsory-education")])
    return county.dept_a.catalogue.items.all(), county.dept_b.catalogue.items.all()


def chooser(client, **params):
    return client.get(reverse("catalogue_item_chooser:choose"), params)


def test_the_chooser_offers_only_the_bodys_catalogue(client, staff, county, catalogues):
    own, foreign = catalogues
    login(client, staff.officer)
    response = chooser(client, body=county.dept_a.pk, multiple=1)
    html = json.loads(response.content)["html"]
    assert str(own.first()) in html and 'type="checkbox"' in html
    assert not any(str(item) in html for item in foreign)
    html = json.loads(chooser(client, body=county.dept_b.pk).content)["html"]
    assert not any(str(item) in html for item in foreign)  # another body's catalogue: nothing
    html = json.loads(chooser(client).content)["html"]
    assert not any(str(item) in html for item in [*own, *foreign])  # no body: nothing
    # the office admin sees both bodies, but each listing is one body's catalogue
    login(client, staff.office_admin)
    html = json.loads(chooser(client, body=county.dept_b.pk).content)["html"]
    assert str(foreign.first()) in html and not any(str(item) in html for item in own)


def test_the_chooser_searches_and_returns_chosen_items(client, staff, county, catalogues):
    own, foreign = catalogues
    login(client, staff.officer)
    target = own.last()
    results = client.get(reverse("catalogue_item_chooser:choose_results"),
                         {"body": county.dept_a.pk, "q": target.level2 or target.level1}).content.decode()
    assert str(target) in results
    chosen = client.get(reverse("catalogue_item_chooser:chosen_multiple"),
                        {"id": [target.pk, foreign.first().pk]})
    result = json.loads(chosen.content)["result"]
    assert [r["id"] for r in result] == [str(target.pk)]
    assert result[0]["title"].startswith(target.area.name)


def test_the_record_form_uses_the_chooser_and_refuses_foreign_items(client, staff, county, catalogues, draft):
    own, foreign = catalogues
    login(client, staff.officer)
    html = client.get(edit_url(draft)).content.decode()
    assert "data-gk-catalogue-items" in html and "添加公开目录事项" in html
    assert '<select name="catalogue_items"' not in html
    data = form_data(county, title=draft.title, doc_number=draft.doc_number, catalogue_items=[foreign.first().pk])
    response = client.post(edit_url(draft), data)
    assert response.status_code == 200
    assert draft.get_latest_revision_as_object().catalogue_items.count() == 0
    data["catalogue_items"] = [own.first().pk]
    assert client.post(edit_url(draft), data).status_code == 302
    assert list(Record.objects.get(pk=draft.pk).get_latest_revision_as_object().catalogue_items.all()) == [own.first()]
    html = client.get(edit_url(draft)).content.decode()
    assert f'name="catalogue_items" value="{own.first().pk}"' in html


def test_an_officer_with_one_body_finds_it_preselected(client, staff, county, make_user):

    html = login(client, staff.officer).get(reverse(f"{NS}:add")).content.decode()
    select = html.split('name="body"', 1)[1].split("</select>", 1)[0]
    assert f'value="{county.dept_a.pk}" selected' in select and "---------" not in select
    html = login(client, staff.office_admin).get(reverse(f"{NS}:add")).content.decode()
    select = html.split('name="body"', 1)[1].split("</select>", 1)[0]
    assert " selected" not in select.split(">", 1)[1] or "---------" in select


def test_keywords_stay_empty_unless_typed(client, staff, county):
    login(client, staff.officer)
    html = client.get(reverse(f"{NS}:add")).content.decode()
    keywords = html.split('name="keywords"', 1)[1].split(">", 1)[0]
    assert "value=" not in keywords
    client.post(reverse(f"{NS}:add"), form_data(county, keywords=""))
    assert Record.objects.get().keywords == ""


@pytest.mark.parametrize("who", ["officer", "reviewer"])
def test_the_rich_text_editor_is_named_after_its_field(client, submitted, staff, who):
    """axe (issue 14 §8): Draftail's editable area had no accessible name, its field's label
    pointing at the hidden input; the editor now carries the label as aria-label."""
    html = login(client, getattr(staff, who)).get(edit_url(submitted)).content.decode()
    assert "ariaLabel" in html
    option = html.split("ariaLabel", 1)[1][:60]  # the widget's options, JSON in the page
    assert "正文" in option or "\\u6b63\\u6587" in option, option


def test_the_new_record_editor_is_named_too(client, staff):
    html = login(client, staff.officer).get(reverse(f"{NS}:add")).content.decode()
    option = html.split("ariaLabel", 1)[1][:60]
    assert "正文" in option or "\\u6b63\\u6587" in option, option
