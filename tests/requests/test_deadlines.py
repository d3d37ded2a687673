"""The statutory clock through the service layer, with frozen time (条例第三十条至第三十三条)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from freezegun import freeze_time

from gongkai.core.selectors import work_calendar
from gongkai.core.services import ServiceError
from gongkai.requests.models import Case
from gongkai.requests.services.cases import transition
from gongkai.requests.services.clock import case_clock
from gongkai.requests.services.jobs import tick
from gongkai.rules.case_flow import CaseState
from gongkai.rules.deadlines import BASIS_CORRECTION, BASIS_EXTENSION, ClockStatus
from gongkai.rules.workdays import add_workdays

D = dt.date.fromisoformat


def wd(start: str, n: int) -> dt.date:
    return add_workdays(D(start), n, work_calendar())


@freeze_time("2026-03-10 09:00:00+08:00")
@pytest.mark.parametrize("channel, confirmed, received, late", [
    ("in_person", None, "2026-03-02", False),
    ("letter_signed", None, "2026-03-02", False),
    ("letter", "2026-03-03", "2026-03-03", True),
    ("letter", "2026-03-02", "2026-03-02", False),
    ("online", "2026-03-04", "2026-03-04", False),
    ("fax", "2026-03-05", "2026-03-05", False),
])
def test_receipt_date_by_channel(make_case, channel, confirmed, received, late):
    case = make_case("2026-03-02", channel, confirmed)
    assert case.arrived_at.date() == D("2026-03-02")
    assert case.received_on == D(received)
    assert case.late_confirmation is late
    assert case.due_on == wd(received, 20)
    assert case.due_changes.get().new_due == case.due_on
    assert case.events.get().action == "register"


@freeze_time("2026-03-10 09:00:00+08:00")
@pytest.mark.parametrize("channel", ["letter", "online", "fax"])
def test_confirmation_required(make_case, channel):
    with pytest.raises(ServiceError) as err:
        make_case("2026-03-02", channel)
    assert "确认" in str(err.value)
    assert not Case.objects.exists()


def test_correction_restarts_the_clock(make_case, handler_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
    assert case.due_on == D("2026-03-30")
    with freeze_time("2026-03-04 10:00:00+08:00"):
        case = transition(handler_a, case, "request_correction", period_end="2026-03-20")
    assert case.state == CaseState.CORRECTION_REQUESTED and case.due_on is None
    assert case_clock(case, work_calendar()).status is ClockStatus.PAUSED
    with freeze_time("2026-03-16 10:00:00+08:00"):
        case = transition(handler_a, case, "receive_correction")
    assert case.due_on == wd("2026-03-16", 20) == D("2026-04-14")  # 清明 4 Apr–6 Apr 2026
    steps = list(case.due_changes.values_list("old_due", "new_due", "basis"))
    assert steps[1] == (D("2026-03-30"), None, BASIS_CORRECTION)
    assert steps[2] == (None, D("2026-04-14"), BASIS_CORRECTION)
    assert [e.to_state for e in case.events.all()] == ["registered", "correction_requested", "correction_received"]


def test_consultation_pause_across_spring_festival(make_case, handler_a):
    with freeze_time("2026-02-02 10:00:00+08:00"):
        case = make_case("2026-02-02")
    plain = case.due_on
    assert plain == D("2026-03-06")  # 春节 15–23 Feb 2026, 调休 14 and 28 Feb
    with freeze_time("2026-02-06 10:00:00+08:00"):
        case = transition(handler_a, case, "start_consultation", kind="third_party")
    assert case.due_on is None
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = transition(handler_a, case, "end_consultation")
    # 4 working days counted (3–6 Feb); 16 remain from 2 March.
    assert case.state == CaseState.PROCESSING
    assert case.due_on == wd("2026-03-02", 16) == D("2026-03-24")
    assert case.due_changes.count() == 3


def test_extension_once_by_office_head(make_case, handler_a, leader_a, office_admin):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
    with freeze_time("2026-03-20 10:00:00+08:00"):
        with pytest.raises(PermissionDenied):
            transition(handler_a, case, "extend")
        case = transition(leader_a, case, "extend", workdays=20)
        assert case.due_on == wd("2026-03-02", 40)
        last = case.due_changes.last()
        assert (last.old_due, last.new_due, last.basis) == (D("2026-03-30"), case.due_on, BASIS_EXTENSION)
        case = transition(handler_a, case, "start_consultation", kind="co_producer")
        case = transition(handler_a, case, "end_consultation")
        assert case.state == CaseState.PROCESSING
        with pytest.raises(ServiceError) as err:
            transition(office_admin, case, "extend")
        assert "只能延长一次" in str(err.value)
    assert Case.objects.get().extension_workdays == 20


def test_extension_after_due_date_refused(make_case, leader_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
    with freeze_time("2026-04-01 10:00:00+08:00"):
        with pytest.raises(ServiceError) as err:
            transition(leader_a, case, "extend")
    assert "期限届满后不能延长" in str(err.value)
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED and case.extension_approved_on is None
    assert case.events.count() == 1


def test_fee_lapse(make_case, handler_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
    with freeze_time("2026-03-05 10:00:00+08:00"):
        case = transition(handler_a, case, "notify_fee", mode="per_item", units=11, notice_received_on="2026-03-06")
    last_day = wd("2026-03-06", 20)
    with freeze_time(f"{last_day.isoformat()} 20:00:00+08:00"):
        assert tick().lapsed == []
    with freeze_time(f"{(last_day + dt.timedelta(days=1)).isoformat()} 08:00:00+08:00"):
        assert tick().lapsed == [case.number]
        assert tick().lapsed == []  # idempotent
    case.refresh_from_db()
    assert case.state == CaseState.LAPSED and case.disposition == "other.no_fee_payment"
    assert case.events.last().actor is None and "定时任务" in case.events.last().actor_label


def test_late_payment_refused(make_case, handler_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
        case = transition(handler_a, case, "notify_fee", mode="per_page", units=31)
    with freeze_time("2026-05-20 10:00:00+08:00"):
        with pytest.raises(ServiceError):
            transition(handler_a, case, "receive_payment")


def test_correction_lapse(make_case, handler_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
        case = transition(handler_a, case, "request_correction", period_end="2026-03-10")
    with freeze_time("2026-03-11 10:00:00+08:00"):
        tick()
    case.refresh_from_db()
    assert case.state == CaseState.LAPSED and case.disposition == "other.no_correction"


def test_december_case_without_next_year_calendar(make_case, handler_a):
    with freeze_time("2026-12-21 10:00:00+08:00"):
        case = make_case("2026-12-21")
        assert case.due_on is None
        assert "2027年没有节假日数据" in case.due_error
        view = case_clock(case, work_calendar())
        assert view.status is None and view.label == "期限无法计算" and "2027年" in view.error
        # The case keeps moving; the date stays empty, never guessed.
        case = transition(handler_a, case, "start_consultation")
        assert case.due_on is None and "2027年" in case.due_error


def test_decide_deliver_archive(make_case, handler_a):
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
        with pytest.raises(ServiceError):
            transition(handler_a, case, "decide")
        with pytest.raises(ServiceError):
            transition(handler_a, case, "decide", disposition="other.no_correction")
        case = transition(handler_a, case, "decide", disposition="withheld.state_secret")
        case = transition(handler_a, case, "deliver")
        case = transition(handler_a, case, "archive")
    assert case.state == CaseState.ARCHIVED and case.decided_on == D("2026-03-02")
    assert case_clock(case, work_calendar()).status is ClockStatus.CLOSED


def test_reminders_idempotent(make_case, handler_a, mailoutbox, django_capture_on_commit_callbacks):
    handler_a.email = "handler@example.com"
    handler_a.save()
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
    with freeze_time("2026-03-24 10:00:00+08:00"):
        with django_capture_on_commit_callbacks(execute=True):
            assert tick().reminded == [case.number]
            assert tick().reminded == []
    assert len(mailoutbox) == 1 and case.number in mailoutbox[0].subject
    assert case.reminders.count() == 1


def test_tick_command(make_case):
    from io import StringIO

    from django.core.management import call_command

    with freeze_time("2026-03-02 10:00:00+08:00"):
        make_case("2026-03-02")
        out = StringIO()
        call_command("requests", "tick", stdout=out)
    assert "依申请公开" in out.getvalue()
