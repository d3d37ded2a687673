"""GONGKAI_REQUEST_FEE_PAUSE: whether the fee notice stops the reply clock (domain facts §3.4)."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from gongkai.core.selectors import work_calendar
from gongkai.requests.services.cases import transition
from gongkai.requests.services.clock import fee_pause_enabled
from gongkai.rules.workdays import add_workdays

D = dt.date.fromisoformat


def test_fee_pause_is_on_by_default():
    from django.conf import settings

    assert settings.GONGKAI_REQUEST_FEE_PAUSE is True and fee_pause_enabled() is True


@pytest.mark.parametrize("pause", [True, False])
def test_fee_notice_and_the_clock(settings, make_case, handler_a, pause):
    settings.GONGKAI_REQUEST_FEE_PAUSE = pause
    cal = work_calendar()
    with freeze_time("2026-03-02 10:00:00+08:00"):
        case = make_case("2026-03-02")
    first_due = add_workdays(D("2026-03-02"), 20, cal)  # 2026-03-30
    assert case.due_on == first_due
    with freeze_time("2026-03-05 10:00:00+08:00"):
        case = transition(handler_a, case, "notify_fee", mode="per_item", units=11, notice_received_on="2026-03-05")
    # While the notice is unpaid the due date is open when the pause is on, unchanged when off.
    assert case.due_on == (None if pause else first_due)
    with freeze_time("2026-03-12 10:00:00+08:00"):
        case = transition(handler_a, case, "receive_payment")
    paused = 5  # working days 03-06 … 03-12 not counted (pause start < d <= end)
    assert case.due_on == (add_workdays(first_due, paused, cal) if pause else first_due)
    assert case.due_changes.last().basis.startswith("《政府信息公开信息处理费管理办法》")
