"""公开时限 (条例 Art. 26 and catalogue limits) with real dates and the official calendar."""

import datetime as dt

import pytest

from gongkai.rules.calendar_seed import package_calendar
from gongkai.rules.timeliness import (
    LimitKind,
    TimeLimit,
    Timeliness,
    add_calendar_days,
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
BUDGET = TimeLimit(LimitKind.CALENDAR_DAYS, 20)  # 预算法 Art. 14: 批准后二十日内
BID = TimeLimit(LimitKind.CALENDAR_DAYS, 3)  # 招标投标法实施条例 Art. 54: 收到评标报告之日起3日内


@pytest.mark.parametrize(
    ("formed", "limit", "deadline"),
    [
        (D(2025, 9, 26), ART26, D(2025, 10, 30)),  # across National Day, counting 28 Sep and 11 Oct
        (D(2026, 2, 6), ART26, D(2026, 3, 12)),  # across Spring Festival
        (D(2025, 12, 31), ART26, D(2026, 1, 29)),  # across the year boundary
        (D(2026, 4, 30), TEN, D(2026, 5, 18)),  # social assistance: 10 WD, across Labour Day, 9 May worked
        (D(2026, 6, 1), PUBLICITY, D(2026, 6, 15)),
        (D(2026, 6, 1), NONE, None),
        # calendar days (民法典 Art. 201: the start day is not counted; Art. 203: a last day off moves
        # to the next working day)
        (D(2026, 2, 5), BUDGET, D(2026, 2, 25)),  # Wednesday after Spring Festival: a working day
        (D(2026, 1, 30), BUDGET, D(2026, 2, 24)),  # 19 Feb falls in Spring Festival (15-23 Feb off)
        (D(2025, 9, 12), BUDGET, D(2025, 10, 9)),  # 2 Oct falls in National Day (1-8 Oct off)
        (D(2026, 3, 1), BUDGET, D(2026, 3, 23)),  # Saturday 21 Mar -> Monday
        (D(2026, 2, 8), BUDGET, D(2026, 2, 28)),  # Saturday 28 Feb is a make-up working day
        (D(2025, 12, 12), BUDGET, D(2026, 1, 4)),  # 1 Jan off (1-3 Jan), Sunday 4 Jan worked
        (D(2025, 12, 20), BUDGET, D(2026, 1, 9)),  # across the year boundary, no day off at the end
        (D(2026, 4, 30), BID, D(2026, 5, 6)),  # 3 May in Labour Day (1-5 May off)
        (D(2026, 6, 8), BID, D(2026, 6, 11)),
        (D(2026, 6, 8), TimeLimit(LimitKind.CALENDAR_DAYS, 0), D(2026, 6, 8)),
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
        # a county budget approved Friday 30 Jan 2026: due 24 Feb (19 Feb is in Spring Festival)
        (D(2026, 1, 30), D(2026, 2, 24), D(2026, 3, 1), BUDGET, Timeliness.ON_TIME),
        (D(2026, 1, 30), D(2026, 2, 25), D(2026, 3, 1), BUDGET, Timeliness.LATE),
        (D(2026, 1, 30), None, D(2026, 2, 24), BUDGET, Timeliness.PENDING),
        (D(2026, 1, 30), None, D(2026, 2, 25), BUDGET, Timeliness.OVERDUE),
        # 20 calendar days are fewer than 20 working days: late here, on time under Art. 26
        (D(2026, 3, 2), D(2026, 3, 25), D(2026, 4, 1), BUDGET, Timeliness.LATE),
        (D(2026, 3, 2), D(2026, 3, 25), D(2026, 4, 1), ART26, Timeliness.ON_TIME),
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
    with pytest.raises(CalendarYearMissing, match="2027"):  # the last day must be checked for days off
        publication_deadline(D(2026, 12, 15), BUDGET, CAL)


def test_calendar_days_need_only_the_last_days_year():
    assert add_calendar_days(D(2026, 6, 8), 20, CAL) == D(2026, 6, 29)
    with pytest.raises(ValueError):
        add_calendar_days(D(2026, 6, 8), -1, CAL)


def test_every_limit_kind_has_a_label():
    assert {kind: kind.label for kind in LimitKind}[LimitKind.CALENDAR_DAYS] == "形成或变更之日起N日内公开（自然日）"
    assert len({kind.label for kind in LimitKind}) == len(LimitKind)


def test_negative_limits_are_refused():
    with pytest.raises(ValueError):
        TimeLimit(LimitKind.WORKDAYS_FROM_FORMATION, -1)
