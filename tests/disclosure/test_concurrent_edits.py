"""Issue 13 §4: two officers saving the same record: the second save is refused with
"该信息已被他人修改，请刷新后再改" and changes nothing; a double 送审 starts one review, never a 500."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from gongkai.core.models import AuditEvent, Role
from gongkai.core.services import STALE_EDIT_MESSAGE, ServiceError
from gongkai.disclosure.models import Record
from gongkai.disclosure.services.review import submit_for_review
from tests.conftest import PASSWORD
from tests.disclosure.test_admin import form_data


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _open_editor(user, record):
    """Log in as ``user`` in a browser of their own and load the edit page: (client, its form's
    loaded revision)."""
    browser = Client()
    assert browser.login(username=user.username, password=PASSWORD)
    page = browser.get(reverse("wagtailsnippets_disclosure_record:edit", args=[record.pk])).content.decode()
    loaded = re.search(r'name="loaded_revision_id" value="(\d+)"', page)
    assert loaded, "the edit form carries the version it was loaded from"
    return browser, {"loaded_revision_id": loaded.group(1)}


def test_second_of_two_concurrent_saves_is_refused(county, draft, staff, make_user):
    second_officer = make_user(Role.INFO_OFFICER, county.dept_a)
    url = reverse("wagtailsnippets_disclosure_record:edit", args=[draft.pk])
    first, first_version = _open_editor(staff.officer, draft)
    second, second_version = _open_editor(second_officer, draft)

    ok = first.post(url, form_data(county, title="第一位修改的标题", doc_number=draft.doc_number, **first_version))
    assert ok.status_code == 302
    refused = second.post(url, form_data(county, title="第二位修改的标题", doc_number=draft.doc_number,
                                         **second_version))
    assert refused.status_code == 200
    assert STALE_EDIT_MESSAGE in refused.content.decode()

    draft = Record.objects.get(pk=draft.pk)
    assert draft.get_latest_revision_as_object().title == "第一位修改的标题"
    assert draft.title == "第一位修改的标题"
    updates = AuditEvent.objects.filter(event_type="record.updated", object_id=str(draft.pk))
    assert updates.count() == 1

    # After reloading, the second officer's edit goes through.
    second, fresh = _open_editor(second_officer, draft)
    assert second.post(url, form_data(county, title="第二位修改的标题", doc_number=draft.doc_number,
                                      **fresh)).status_code == 302
    assert Record.objects.get(pk=draft.pk).get_latest_revision_as_object().title == "第二位修改的标题"


def test_forged_version_is_refused(county, draft, staff):
    url = reverse("wagtailsnippets_disclosure_record:edit", args=[draft.pk])
    browser, _version = _open_editor(staff.officer, draft)
    response = browser.post(url, form_data(county, title="改", doc_number=draft.doc_number, loaded_revision_id="x"))
    assert STALE_EDIT_MESSAGE in response.content.decode()
    assert Record.objects.get(pk=draft.pk).title == draft.title


def test_double_submit_for_review_starts_one_review(county, draft, staff):
    url = reverse("wagtailsnippets_disclosure_record:edit", args=[draft.pk])
    first, version = _open_editor(staff.officer, draft)
    second, same_version = _open_editor(staff.officer, draft)
    data = form_data(county, title=draft.title, doc_number=draft.doc_number, **{"action-submit": "1"})
    assert first.post(url, {**data, **version}).status_code == 302
    again = second.post(url, {**data, **same_version}, follow=True)
    assert again.status_code == 200
    page = again.content.decode()
    assert STALE_EDIT_MESSAGE in page or "审核" in page
    states = WorkflowState.objects.for_instance(Record.objects.get(pk=draft.pk))
    assert states.count() == 1 and states.get().status == WorkflowState.STATUS_IN_PROGRESS
    assert AuditEvent.objects.filter(event_type="record.submitted", object_id=str(draft.pk)).count() == 1


def test_submit_service_refuses_a_record_already_in_review(draft, staff):
    submit_for_review(staff.officer, draft)
    with pytest.raises(ServiceError) as refused:
        submit_for_review(staff.officer, Record.objects.get(pk=draft.pk))
    assert "已在审核中" in "".join(refused.value.messages)
    assert WorkflowState.objects.for_instance(draft).count() == 1


def test_submit_after_changes_requested_resumes_the_review(draft, staff):
    """退回修改 then 送审 again: the review resumes (the one-review constraint gave a 500 before)."""
    from gongkai.disclosure.services.review import decide_confidentiality

    submit_for_review(staff.officer, draft)
    state = Record.objects.get(pk=draft.pk).current_workflow_task_state
    decide_confidentiality(staff.reviewer, state, outcome="needs_changes", basis="no_secret", comment="请删除手机号")
    record = Record.objects.get(pk=draft.pk)
    assert WorkflowState.objects.for_instance(record).get().status == WorkflowState.STATUS_NEEDS_CHANGES
    submit_for_review(staff.officer, record)
    assert WorkflowState.objects.for_instance(record).get().status == WorkflowState.STATUS_IN_PROGRESS


def test_repeated_workflow_action_is_harmless(county, draft, staff):
    """A reviewer's double click on 审查通过: the second post finds the task done, no 500, one decision."""
    from gongkai.disclosure.models import ConfidentialityReview

    submit_for_review(staff.officer, draft)
    state = Record.objects.get(pk=draft.pk).current_workflow_task_state
    url = reverse("wagtailsnippets_disclosure_record:workflow_action", args=[draft.pk, "passed", state.pk])
    browser = Client()
    assert browser.login(username=staff.reviewer.username, password=PASSWORD)
    data = {"basis": "no_secret", "comment": "不涉密"}
    assert browser.post(url, data).status_code == 302
    again = browser.post(url, data)
    assert again.status_code < 500
    assert ConfidentialityReview.objects.filter(record=draft).count() == 1
