"""公开时限 (条例 Art. 26 and catalogue limits) with real dates and the official calendar."""

import datetime as dt

import pytest

from gongkai.rules.calendar_seed import package_calendar
from gongkai.rules.timeliness import (
    LimitKind,
    TimeLimit,
    Timeliness,
    assess,
    publication_deadline,
    publicity_end,
)
from gongkai.rules.workdays import CalendarYearMissing

CAL = package_calendar()
D = dt.date
ART26 = TimeLimit.art_26()
TEN = TimeLimit(LimitKind.WORKDAYS_FROM_FORMATION, 10)
PUBLICITY = TimeLimit(LimitKind.PUBLICITY_PERIOD, days=7, publish_within=10)
NONE = TimeLimit(LimitKind.NONE)


@pytest.mark.parametrize(
    ("formed", "limit", "deadline"),
    [
        (D(2025, 9, 26), ART26, D(2025, 10, 30)),  # across National Day, counting 28 Sep and 11 Oct
        (D(2026, 2, 6), ART26, D(2026, 3, 12)),  # across Spring Festival
        (D(2025, 12, 31), ART26, D(2026, 1, 29)),  # across the year boundary
        (D(2026, 4, 30), TEN, D(2026, 5, 18)),  # social assistance: 10 WD, across Labour Day, 9 May worked
        (D(2026, 6, 1), PUBLICITY, D(2026, 6, 15)),
        (D(2026, 6, 1), NONE, None),
    ],
)
def test_publication_deadline(formed, limit, deadline):
    assert publication_deadline(formed, limit, CAL) == deadline


@pytest.mark.parametrize(
    ("formed", "published", "today", "limit", "expected"),
    [
        (D(2025, 9, 26), D(2025, 10, 30), D(2025, 11, 3), ART26, Timeliness.ON_TIME),  # the last day
        (D(2025, 9, 26), D(2025, 10, 31), D(2025, 11, 3), ART26, Timeliness.LATE),
        (D(2025, 9, 26), None, D(2025, 10, 30), ART26, Timeliness.PENDING),
        (D(2025, 9, 26), None, D(2025, 10, 31), ART26, Timeliness.OVERDUE),
        (D(2026, 4, 30), D(2026, 5, 20), D(2026, 6, 1), TEN, Timeliness.LATE),
        (D(2026, 6, 1), D(2026, 6, 30), D(2026, 7, 1), NONE, Timeliness.UNCHECKED),
    ],
)
def test_assess(formed, published, today, limit, expected):
    assert assess(formed, published, today, limit, CAL) is expected


def test_publicity_period_runs_from_publication():
    # 公示 7 WD from Friday 2026-09-18: 20 Sep is a make-up working day, 25-27 Sep 中秋 are off.
    assert publicity_end(D(2026, 9, 18), PUBLICITY, CAL) == D(2026, 9, 29)
    assert publicity_end(D(2026, 9, 18), ART26, CAL) is None


def test_a_deadline_in_an_unknown_year_is_an_error():
    with pytest.raises(CalendarYearMissing, match="2027"):
        publication_deadline(D(2026, 12, 15), ART26, CAL)


def test_negative_limits_are_refused():
    with pytest.raises(ValueError):
        TimeLimit(LimitKind.WORKDAYS_FROM_FORMATION, -1)
