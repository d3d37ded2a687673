"""Role matrix: who sees a case and its applicant, who may register and move it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from freezegun import freeze_time

from gongkai.core import rules
from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, Role
from gongkai.requests.services.cases import allowed_actions, record_review, transition


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time("2026-03-10 10:00:00+08:00"):
        yield


@pytest.fixture
def cast(county, make_user, handler_a, handler_b, leader_a, office_admin, django_user_model):
    citizen = django_user_model.objects.create_user("citizen", password="x-pass-2026")
    return {
        "handler_a": (handler_a, True, True),
        "office_admin": (office_admin, True, True),
        "system": (SYSTEM, True, True),
        "leader_a": (leader_a, True, False),
        "handler_b": (handler_b, False, False),
        "info_officer_a": (make_user(Role.INFO_OFFICER, county.dept_a), False, False),
        "citizen": (citizen, False, False),
        "anonymous": (AnonymousUser(), False, False),
    }


def test_role_matrix(make_case, cast):
    case = make_case("2026-03-02")
    for name, (user, sees_case, sees_applicant) in cast.items():
        assert rules.can_view_case(user, case) is sees_case, name
        assert rules.can_view_applicant(user, case) is sees_applicant, name


def test_other_body_cannot_register_or_move(make_case, county, handler_b):
    with pytest.raises(PermissionDenied):
        make_case("2026-03-02", actor=handler_b)
    case = make_case("2026-03-02")
    with pytest.raises(PermissionDenied):
        transition(handler_b, case, "decide", disposition="disclosed")
    with pytest.raises(PermissionDenied):
        record_review(handler_b, case, kind="reconsideration", filed_on="2026-03-05")


def test_allowed_actions_by_role(make_case, handler_a, leader_a):
    case = make_case("2026-03-02")
    handler = {t.action.value for t in allowed_actions(handler_a, case)}
    assert "extend" not in handler and "request_correction" in handler and "lapse_fee" not in handler
    assert {t.action.value for t in allowed_actions(leader_a, case)} == {"extend"}


def test_audit_never_carries_applicant_data(make_case, handler_a):
    case = make_case("2026-03-02")
    transition(handler_a, case, "decide", disposition="disclosed")
    record_review(handler_a, case, kind="reconsideration", filed_on="2026-03-05", result="upheld",
                  concluded_on="2026-03-09")
    events = AuditEvent.objects.filter(event_type__startswith="request.").order_by("seq")
    assert [e.event_type for e in events] == ["request.registered", "request.query_code_mailed",
                                              "request.transitioned", "request.review_recorded"]
    for e in events:
        text = str(e.data) + e.object_label
        assert "张三" not in text and "13800001234" not in text and "360702" not in text
        assert "zhangsan@example.com" not in text
        assert e.scope_body_id == case.body_id
