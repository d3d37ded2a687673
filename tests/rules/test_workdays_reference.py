"""Cross-check add_workdays against an independent implementation: chinesecalendar's
find_workday, on every start date it covers (every third for the slow long periods), for the
periods the 条例 uses."""

import datetime as dt

import chinese_calendar
import pytest

from gongkai.rules.calendar_seed import package_calendar
from gongkai.rules.workdays import CalendarYearMissing, add_workdays, is_workday

CAL = package_calendar()


def test_the_package_calendar_spans_2004_to_2026():
    assert min(CAL.years) == 2004 and max(CAL.years) >= 2026


@pytest.mark.parametrize(("n", "stride"), [(1, 1), (7, 1), (20, 1), (15, 3), (40, 3)])
def test_every_start_date_agrees_with_chinesecalendar(n, stride):
    # find_workday(k, d) is the k-th working day after the first working day on or after d, so the
    # n-th working day after d (d not counted) is find_workday(n - 1, d + 1 day).
    day, last, mismatches = dt.date(2004, 1, 1), dt.date(2026, 10, 15), []
    while day <= last:
        ours = add_workdays(day, n, CAL)
        theirs = chinese_calendar.find_workday(n - 1, day + dt.timedelta(days=1))
        if ours != theirs:
            mismatches.append((day, ours, theirs))
        day += dt.timedelta(days=stride)
    assert mismatches == []


def test_is_workday_agrees_on_every_day():
    day = dt.date(2004, 1, 1)
    while day.year <= 2026:
        assert is_workday(day, CAL) is chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    with pytest.raises(CalendarYearMissing):
        is_workday(day, CAL)
