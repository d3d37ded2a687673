"""条例第四十四条 through the service layer and the admin: detection by the tick job, idempotence,
accept (linked record) and decline (with reason), permissions and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from freezegun import freeze_time

from gongkai.core.models import AuditEvent, Role
from gongkai.core.services import ServiceError
from gongkai.disclosure.services.records import create_record
from gongkai.requests.models import ProactiveSuggestion, SuggestionStatus
from gongkai.requests.services.cases import transition
from gongkai.requests.services.jobs import tick
from gongkai.requests.services.proactive import accept_suggestion, decline_suggestion

SUBSIDY = "2025年耕地地力保护补贴发放名单"


def applicant(n: int) -> dict:
    return {"name": f"申请人{n}", "id_type": "resident_id", "id_number": f"36070219900101{n:04d}",
            "phone": f"1380000{n:04d}"}


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-03-10 10:00:00+08:00"):
        yield


@pytest.fixture
def answered(make_case, handler_a):
    def make(n: int, subject: str = SUBSIDY, disposition: str = "disclosed", **kw):
        case = make_case("2026-03-02", subject=subject, applicant=applicant(n), **kw)
        return transition(kw.get("actor") or handler_a, case, "decide", disposition=disposition)

    return make


@pytest.fixture
def officer_a(county, make_user):
    return make_user(Role.INFO_OFFICER, county.dept_a)


def suggested_events():
    return AuditEvent.objects.filter(event_type="request.proactive_suggested").count()


def test_two_applicants_raise_one_suggestion_once(answered):
    first = answered(1)
    assert tick().suggested == []  # one applicant is not "several"
    answered(1, subject="申请公开" + SUBSIDY)  # the same applicant again
    assert tick().suggested == []
    answered(2, subject="关于2025年度耕地地力保护补贴发放名单的信息")
    answered(3, subject=SUBSIDY, disposition="withheld.third_party_rights")  # not disclosable: not counted
    answered(4, subject="2024年耕地地力保护补贴发放名单")  # another year: other information
    result = tick()
    suggestion = ProactiveSuggestion.objects.get()
    assert result.suggested == [suggestion.pk] and "纳入主动公开建议 1 条" in result.summary()
    assert suggestion.status == SuggestionStatus.OPEN and suggestion.body == first.body
    assert suggestion.subject == SUBSIDY and suggestion.links.count() == 3
    event = AuditEvent.objects.get(event_type="request.proactive_suggested")
    assert event.data["applicants"] == 2 and event.scope_body_id == first.body_id
    # Idempotent: nothing new, nothing written.
    assert tick().suggested == [] and suggested_events() == 1 and ProactiveSuggestion.objects.count() == 1


def test_later_applicant_joins_and_doc_number_matches(answered):
    answered(1, subject="青农发〔2026〕12号文件")
    answered(2, subject="关于印发补贴实施方案的通知", description="文号：青农发[2026]12号")
    tick()
    suggestion = ProactiveSuggestion.objects.get()
    assert suggestion.doc_number == "青农发〔2026〕12号"
    answered(3, subject="请公开青农发（2026）12号")
    assert tick().suggested == [suggestion.pk]
    assert suggestion.links.count() == 3 and ProactiveSuggestion.objects.count() == 1
    last = AuditEvent.objects.filter(event_type="request.proactive_suggested").order_by("seq").last()
    assert len(last.data["added_cases"]) == 1


def test_min_applicants_setting(settings, answered):
    settings.GONGKAI_ART44_MIN_APPLICANTS = 3
    answered(1)
    answered(2)
    assert tick().suggested == []
    answered(3)
    assert len(tick().suggested) == 1 and ProactiveSuggestion.objects.get().links.count() == 3


def test_other_bodies_are_separate(answered, county, handler_b):
    answered(1)
    answered(2, body=county.dept_b, actor=handler_b)
    assert tick().suggested == []


def test_accept_links_the_record(answered, officer_a, handler_a, county, make_user):
    answered(1)
    answered(2)
    tick()
    suggestion = ProactiveSuggestion.objects.get()
    record = create_record(officer_a, body=county.dept_a, title=SUBSIDY, formed_date=dt.date(2026, 3, 9))
    other_officer = make_user(Role.INFO_OFFICER, county.dept_b)
    other = create_record(other_officer, body=county.dept_b, title="别的机关的信息", formed_date=dt.date(2026, 3, 9))
    with pytest.raises(PermissionDenied):
        accept_suggestion(handler_a, suggestion, record)  # handlers see suggestions, officers decide
    with pytest.raises(PermissionDenied):
        accept_suggestion(other_officer, suggestion, other)
    with pytest.raises(ServiceError):
        accept_suggestion(officer_a, suggestion, other)
    with pytest.raises(ServiceError):
        accept_suggestion(officer_a, suggestion, None)
    accept_suggestion(officer_a, suggestion, record)
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED and suggestion.record == record
    assert suggestion.decided_by and suggestion.decided_at
    with pytest.raises(ServiceError, match="已处理"):
        decline_suggestion(officer_a, suggestion, "重复")
    event = AuditEvent.objects.get(event_type="request.proactive_decided")
    assert event.data["status"] == "accepted" and event.data["record"] == record.pk


def test_decline_needs_a_reason_and_stays_declined(answered, officer_a):
    answered(1)
    answered(2)
    tick()
    suggestion = ProactiveSuggestion.objects.get()
    with pytest.raises(ServiceError, match="理由"):
        decline_suggestion(officer_a, suggestion, "  ")
    decline_suggestion(officer_a, suggestion, "名单含个人信息，已在村务公开栏公示，不宜在网站长期公开")
    answered(3)
    assert tick().suggested == [suggestion.pk]  # joins the declined suggestion, which is not raised again
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DECLINED and suggestion.links.count() == 3
    assert ProactiveSuggestion.objects.count() == 1


def test_admin_list_and_decide(client, answered, officer_a, handler_b, county, make_user):
    answered(1)
    answered(2)
    tick()
    suggestion = ProactiveSuggestion.objects.get()
    url = reverse("requests_admin:proactive")
    client.force_login(make_user(Role.INFO_OFFICER, county.dept_b))
    assert SUBSIDY not in client.get(url).content.decode()
    assert client.post(reverse("requests_admin:proactive_decide", args=[suggestion.pk]),
                       {"op": "decline", "reason": "x"}).status_code == 404
    client.force_login(officer_a)
    html = client.get(url).content.decode()
    assert SUBSIDY in html and "不纳入的理由" in html and "申请人1" not in html
    client.post(reverse("requests_admin:proactive_decide", args=[suggestion.pk]), {"op": "decline", "reason": ""})
    assert ProactiveSuggestion.objects.get().status == SuggestionStatus.OPEN
    record = create_record(officer_a, body=county.dept_a, title=SUBSIDY, formed_date=dt.date(2026, 3, 9))
    client.post(reverse("requests_admin:proactive_decide", args=[suggestion.pk]), {"op": "accept", "record": record.pk})
    assert ProactiveSuggestion.objects.get().record == record
    html = client.get(url + "?status=accepted").content.decode()
    assert "已纳入主动公开" in html and SUBSIDY in html


def test_suggestion_permission_matrix(county, make_user, officer_a, handler_a, handler_b, leader_a, office_admin):
    from django.contrib.auth.models import AnonymousUser

    from gongkai.core import rules

    citizen = make_user(None, county.county)
    expected = [(AnonymousUser(), False, False), (citizen, False, False), (handler_a, True, False),
                (handler_b, False, False), (leader_a, True, True), (officer_a, True, True),
                (make_user(Role.INFO_OFFICER, county.dept_b), False, False), (office_admin, True, True)]
    for user, view, decide in expected:
        assert rules.can_view_proactive_suggestions(user, county.dept_a) is view, user
        assert rules.can_decide_proactive_suggestion(user, county.dept_a) is decide, user


def test_unchanged_data_is_not_swept_again(answered, monkeypatch):
    from gongkai.requests.services import proactive

    answered(1)
    calls = []
    real = proactive._sweep_body
    monkeypatch.setattr(proactive, "_sweep_body", lambda *a: calls.append(a[1]) or real(*a))
    tick()
    tick()  # nothing changed: the grouping is not run again
    assert len(calls) == 1
    answered(2)
    assert len(tick().suggested) == 1 and len(calls) == 2


def test_case_screen_names_the_suggestion(client, answered, handler_a):
    case = answered(1)
    answered(2)
    tick()
    client.force_login(handler_a)
    html = client.get(reverse("requests_admin:detail", args=[case.pk])).content.decode()
    assert "本案已计入纳入主动公开建议" in html and "待研究" in html
