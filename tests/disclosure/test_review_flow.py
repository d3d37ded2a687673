"""先审查、后公开: a draft goes through 保密审查 and 审核 before it is public; every step is audited."""

import pytest
from django.core.exceptions import PermissionDenied

from gongkai.core.models import AuditEvent
from gongkai.core.services import ServiceError
from gongkai.disclosure import publication
from gongkai.disclosure.models import ConfidentialityReview, Record
from gongkai.disclosure.services.records import set_validity, update_record
from gongkai.disclosure.services.review import (
    decide_approval,
    decide_confidentiality,
    publish_revision,
    submit_for_review,
    withdraw_record,
)


def current_task_state(record):
    record.refresh_from_db()
    return record.current_workflow_task_state.specific


def events(record):
    return list(AuditEvent.objects.filter(object_type="disclosure.record", object_id=str(record.pk))
                .order_by("seq").values_list("event_type", flat=True))


def review_and_approve(record, staff):
    submit_for_review(staff.officer, record)
    decide_confidentiality(staff.reviewer, current_task_state(record), outcome="passed", basis="no_secret")
    return decide_approval(staff.leader, current_task_state(record), approve=True, comment="同意发布")


def test_draft_is_normalised_and_not_public(draft):
    assert draft.doc_number == "青农发〔2026〕12号"
    assert not draft.live and draft.index_number is None
    assert not Record.objects.filter(live=True).exists()


def test_full_review_publishes_with_an_index_number(draft, staff, county):
    assert review_and_approve(draft, staff) is True
    draft.refresh_from_db()
    assert draft.live
    assert draft.index_number == f"{county.dept_a.code}/{draft.first_published_at.year}-00001"
    assert events(draft) == ["record.created", "record.submitted", "record.confidentiality_reviewed",
                             "record.approved", "record.published"]
    review = ConfidentialityReview.objects.get(record=draft)
    assert review.reviewer == staff.reviewer and review.revision_id == draft.live_revision_id


def test_reviewer_of_another_body_cannot_decide(draft, staff):
    submit_for_review(staff.officer, draft)
    with pytest.raises(PermissionDenied):
        decide_confidentiality(staff.other_reviewer, current_task_state(draft), outcome="passed", basis="no_secret")
    with pytest.raises(PermissionDenied):  # the leader is not the confidentiality reviewer (一事一审)
        decide_confidentiality(staff.leader, current_task_state(draft), outcome="passed", basis="no_secret")


def test_returned_record_needs_a_comment_and_goes_back(draft, staff):
    submit_for_review(staff.officer, draft)
    with pytest.raises(ServiceError, match="审查意见"):
        decide_confidentiality(staff.reviewer, current_task_state(draft), outcome="needs_changes", basis="art_15")
    decide_confidentiality(staff.reviewer, current_task_state(draft), outcome="needs_changes", basis="art_15",
                           comment="附件含有身份证号码，请脱敏后重新送审")
    draft.refresh_from_db()
    assert not draft.live and not draft.workflow_in_progress


def test_publication_gate_blocks_a_revision_without_a_passed_review(draft, staff):
    with pytest.raises(ServiceError, match="尚未经过保密审查"):
        publish_revision(staff.leader, draft, draft.get_latest_revision())
    assert not Record.objects.get(pk=draft.pk).live


def test_an_extra_gate_sends_the_record_back_at_approval(draft, staff):
    def privacy_guard(record, revision):
        return ["正文含未脱敏的身份证号码"] if "身份证" in record.content else []

    publication.register_gate(privacy_guard)
    try:
        update_record(staff.officer, draft, content="<p>身份证 430102199001011234</p>")
        assert review_and_approve(draft, staff) is False
        draft.refresh_from_db()
        assert not draft.live
        assert "record.returned" in events(draft)
    finally:
        publication.unregister_gate(privacy_guard)


def test_edits_after_publication_need_a_new_review(draft, staff):
    review_and_approve(draft, staff)
    update_record(staff.officer, draft, title="关于下达2026年耕地地力保护补贴资金的通知（更正）")
    draft.refresh_from_db()
    assert draft.title == "关于下达2026年耕地地力保护补贴资金的通知"  # the public still sees the approved text
    assert draft.has_unpublished_changes
    with pytest.raises(ServiceError, match="保密审查"):
        publish_revision(staff.leader, draft, draft.get_latest_revision())


def test_withdrawal_and_repeal(draft, staff):
    import datetime as dt

    review_and_approve(draft, staff)
    with pytest.raises(PermissionDenied):
        withdraw_record(staff.officer, draft, reason="误发")
    set_validity(staff.leader, draft, "repealed", date=dt.date(2026, 6, 1), note="被青农发〔2026〕30号废止")
    draft.refresh_from_db()
    assert draft.live and draft.validity == "repealed"
    withdraw_record(staff.leader, draft, reason="内容有误，撤回更正")
    draft.refresh_from_db()
    assert not draft.live
    assert events(draft)[-2:] == ["record.validity_changed", "record.withdrawn"]


def test_other_bodies_cannot_draft_or_edit(draft, staff, county):
    from gongkai.disclosure.services.records import create_record

    with pytest.raises(PermissionDenied):
        update_record(staff.other_officer, draft, title="改")
    with pytest.raises(PermissionDenied):
        create_record(staff.other_officer, body=county.dept_a, title="x", formed_date=draft.formed_date)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("doc_number", "青农发〔2026〕012号", "虚位"),
    ("formed_date", None, "null|空"),
])
def test_bad_metadata_is_refused(draft, staff, field, value, message):
    with pytest.raises(ServiceError, match=message):
        update_record(staff.officer, draft, **{field: value})


def test_duplicate_index_numbers_are_refused(draft, staff, county):
    from gongkai.disclosure.services.records import create_record

    update_record(staff.officer, draft, index_number="X/2026-00001")
    with pytest.raises(ServiceError, match="已被其他政府信息使用"):
        create_record(staff.officer, body=county.dept_a, title="另一条", formed_date=draft.formed_date,
                      index_number="X/2026-00001")


def test_catalogue_items_set_the_time_limit(draft, staff, county):
    import datetime as dt

    from gongkai.catalog.models import StandardArea
    from gongkai.catalog.services.catalogues import adopt_areas
    from gongkai.core.actors import SYSTEM
    from gongkai.disclosure.selectors import timeliness
    from gongkai.disclosure.services.records import save_draft
    from gongkai.rules.timeliness import LimitKind, Timeliness

    adopt_areas(SYSTEM, county.dept_a, [StandardArea.objects.get(code="social-assistance")])
    ten_days = next(item for item in county.dept_a.catalogue.items.all()
                    if item.time_limit.kind == LimitKind.WORKDAYS_FROM_FORMATION and item.time_limit.days == 10)
    draft = draft.get_latest_revision_as_object()
    draft.catalogue_items = [ten_days]
    draft.formed_date = dt.date(2026, 3, 2)
    save_draft(staff.officer, draft, creating=False)
    review_and_approve(draft, staff)
    record = Record.objects.get(pk=draft.pk)
    assert list(record.catalogue_items.all()) == [ten_days]
    record.first_published_at = record.first_published_at.replace(year=2026, month=3, day=20)
    assert timeliness(record) == Timeliness.LATE  # 14 WD after formation > 10
    record.first_published_at = record.first_published_at.replace(day=13)
    assert timeliness(record) == Timeliness.ON_TIME


def test_items_of_another_body_are_refused(draft, staff, county):
    from gongkai.catalog.models import StandardArea
    from gongkai.catalog.services.catalogues import adopt_areas
    from gongkai.core.actors import SYSTEM
    from gongkai.disclosure.services.records import save_draft

    adopt_areas(SYSTEM, county.dept_b, [StandardArea.objects.get(code="compulsory-education")])
    foreign = county.dept_b.catalogue.items.first()
    draft = draft.get_latest_revision_as_object()
    draft.catalogue_items = [foreign]
    with pytest.raises(ServiceError, match="不属于"):
        save_draft(staff.officer, draft, creating=False)


def test_each_reviewer_sees_only_their_bodys_tasks(draft, staff):
    from gongkai.disclosure.models import ConfidentialityReviewTask

    submit_for_review(staff.officer, draft)
    task = ConfidentialityReviewTask.objects.get()
    assert task.get_task_states_user_can_moderate(staff.reviewer).count() == 1
    assert task.get_task_states_user_can_moderate(staff.other_reviewer).count() == 0
    assert task.get_task_states_user_can_moderate(staff.officer).count() == 0
    assert task.locked_for_user(draft, staff.officer) and not task.locked_for_user(draft, staff.reviewer)


def test_search_finds_published_records_only(draft, staff):
    from gongkai import search

    assert search.search("耕地地力保护补贴").total == 0  # a draft is not findable
    review_and_approve(draft, staff)
    draft.refresh_from_db()
    for query in ("补贴", "耕地地力保护补贴", "青农发[2026]12号", draft.index_number):
        page = search.search(query)
        assert [r.key for r in page.results] == [search.key_for(draft)], query
    assert "<mark>" in str(search.search("补贴").results[0].title_html)
    withdraw_record(staff.leader, draft, reason="撤回")
    assert search.search("耕地地力保护补贴").total == 0


def test_withdrawal_and_republication_times_are_kept(draft, staff):
    """The annual report counts records public at the end of 31 December (issue 15): withdrawing
    keeps the time, publishing again after it keeps that time too, and publishing any revision later
    never rewrites them (they belong to the record, not to a revision)."""
    import datetime as dt

    from freezegun import freeze_time

    with freeze_time("2025-03-01 09:00:00+08:00"):
        review_and_approve(draft, staff)
    with freeze_time("2025-12-31 23:30:00+08:00"):
        withdraw_record(staff.leader, draft, reason="内容有误，撤回更正")
    draft.refresh_from_db()
    withdrawn = dt.datetime(2025, 12, 31, 15, 30, tzinfo=dt.UTC)
    assert (draft.live, draft.withdrawn_at, draft.republished_at) == (False, withdrawn, None)
    with freeze_time("2026-01-05 10:00:00+08:00"):
        update_record(staff.officer, draft, title="关于下达2026年耕地地力保护补贴资金的通知（更正）")
        review_and_approve(draft, staff)
    draft.refresh_from_db()
    back = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)
    assert (draft.live, draft.withdrawn_at, draft.republished_at) == (True, withdrawn, back)
    assert draft.first_published_at == dt.datetime(2025, 3, 1, 1, 0, tzinfo=dt.UTC)
    with freeze_time("2026-02-01 10:00:00+08:00"):
        update_record(staff.officer, draft, summary="补充说明")
        review_and_approve(draft, staff)
    draft.refresh_from_db()
    assert (draft.withdrawn_at, draft.republished_at) == (withdrawn, back)
