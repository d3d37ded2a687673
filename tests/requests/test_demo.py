"""The demo county's 依申请公开 cases: every stage and disposition, overdue and carried-over cases,
all created through the services, deterministic and idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from gongkai.core.models import AuditEvent
from gongkai.core.selectors import work_calendar
from gongkai.demo.loader import load_demo
from gongkai.requests.demo import TOTAL, ensure_demo_cases
from gongkai.requests.models import Case, Review
from gongkai.requests.services.clock import case_clock
from gongkai.rules.case_flow import CaseState
from gongkai.rules.dispositions import Disposition

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def demo_cases(db):
    with freeze_time("2026-11-28 12:00:00+08:00"):
        load_demo(records=False)
        yield ensure_demo_cases(TODAY)


def test_demo_cases_cover_every_stage_and_disposition(demo_cases):
    assert demo_cases == TOTAL == Case.objects.count()
    states = set(Case.objects.values_list("state", flat=True))
    assert states == {s.value for s in CaseState}
    assert set(Case.objects.exclude(disposition="").values_list("disposition", flat=True)) == {
        d.value for d in Disposition}
    cal = work_calendar()
    statuses = {case_clock(c, cal, TODAY).code for c in Case.objects.all()}
    assert {"overdue", "on_time", "paused", "closed"} <= statuses
    assert Case.objects.filter(received_on__year=2025, decided_on__year=2026).exists()  # carried over, closed
    assert Case.objects.filter(received_on__year=2025, decided_on__isnull=True).exists()  # carried over, open
    assert Case.objects.filter(published_at__isnull=False).exists() and Review.objects.exists()
    assert AuditEvent.objects.filter(event_type="request.registered").count() == TOTAL
    assert ensure_demo_cases(TODAY) == 0  # idempotent
