"""Due and late village catalogue items (catalogue_schedule): grace days, month ends, leap years,
year boundaries, adoption mid-period, posting late."""

import datetime as dt

import pytest

from gongkai.villages.catalogue_schedule import (
    Cadence,
    PeriodError,
    State,
    due_date,
    item_status,
    period_containing,
    period_for_key,
    postable_periods,
    required_periods,
)

D = dt.date


@pytest.mark.parametrize(("cadence", "day", "key", "start", "end", "label"), [
    ("monthly", D(2026, 11, 20), "2026-11", D(2026, 11, 1), D(2026, 11, 30), "2026年11月"),
    ("monthly", D(2024, 2, 29), "2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024年2月"),
    ("monthly", D(2025, 2, 3), "2025-02", D(2025, 2, 1), D(2025, 2, 28), "2025年2月"),
    ("monthly", D(2026, 12, 31), "2026-12", D(2026, 12, 1), D(2026, 12, 31), "2026年12月"),
    ("quarterly", D(2026, 11, 20), "2026-Q4", D(2026, 10, 1), D(2026, 12, 31), "2026年第4季度"),
    ("quarterly", D(2026, 4, 1), "2026-Q2", D(2026, 4, 1), D(2026, 6, 30), "2026年第2季度"),
    ("quarterly", D(2026, 3, 31), "2026-Q1", D(2026, 1, 1), D(2026, 3, 31), "2026年第1季度"),
    ("yearly", D(2026, 7, 1), "2026", D(2026, 1, 1), D(2026, 12, 31), "2026年度"),
])
def test_periods(cadence, day, key, start, end, label):
    period = period_containing(cadence, day)
    assert (period.key, period.start, period.end, period.label) == (key, start, end, label)
    assert period_for_key(cadence, key) == period


@pytest.mark.parametrize(("cadence", "key", "due"), [
    # monthly: 10th of the following month
    ("monthly", "2026-10", D(2026, 11, 10)),
    ("monthly", "2026-12", D(2027, 1, 10)),  # across the year boundary
    ("monthly", "2024-01", D(2024, 2, 10)),
    # quarterly: 15th of the first month of the next quarter
    ("quarterly", "2026-Q1", D(2026, 4, 15)),
    ("quarterly", "2026-Q3", D(2026, 10, 15)),
    ("quarterly", "2026-Q4", D(2027, 1, 15)),
    # yearly: 31 January of the next year
    ("yearly", "2025", D(2026, 1, 31)),
    ("yearly", "2026", D(2027, 1, 31)),
])
def test_due_dates(cadence, key, due):
    assert due_date(period_for_key(cadence, key)) == due


@pytest.mark.parametrize(("cadence", "key"), [
    ("monthly", "2026-13"), ("monthly", "2026-00"), ("monthly", "2026-1"), ("quarterly", "2026-Q5"),
    ("quarterly", "2026-4"), ("yearly", "26"), ("yearly", "1899"), ("event", "2026"), ("monthly", ""),
])
def test_bad_period_keys(cadence, key):
    with pytest.raises(PeriodError):
        period_for_key(cadence, key)


def test_required_periods_start_with_the_one_containing_adoption():
    keys = [p.key for p in required_periods("monthly", D(2026, 8, 20), D(2026, 11, 5))]
    assert keys == ["2026-08", "2026-09", "2026-10"]  # November has not ended
    assert required_periods("quarterly", D(2026, 11, 20), D(2026, 12, 31)) == []
    assert [p.key for p in required_periods("quarterly", D(2026, 11, 20), D(2027, 1, 1))] == ["2026-Q4"]
    assert required_periods("event", D(2020, 1, 1), D(2026, 1, 1)) == []


# adopted, posted, today → state, late keys, days late
MONTHLY_CASES = [
    # adopted 2026-08-20; Aug, Sep posted; on 5 Nov October is due by 10 Nov: DUE
    (D(2026, 8, 20), {"2026-08", "2026-09"}, D(2026, 11, 5), State.DUE, [], 0),
    # the due day itself is still on time
    (D(2026, 8, 20), {"2026-08", "2026-09"}, D(2026, 11, 10), State.DUE, [], 0),
    # the day after: LATE by one day
    (D(2026, 8, 20), {"2026-08", "2026-09"}, D(2026, 11, 11), State.LATE, ["2026-10"], 1),
    # two months missing: both late, counted from the older due day (10 Oct)
    (D(2026, 8, 20), {"2026-08"}, D(2026, 11, 11), State.LATE, ["2026-09", "2026-10"], 32),
    # everything posted (October posted late, after its due day): POSTED, nothing late
    (D(2026, 8, 20), {"2026-08", "2026-09", "2026-10"}, D(2026, 11, 20), State.POSTED, [], 0),
    # adopted mid-November: nothing ended yet
    (D(2026, 11, 20), set(), D(2026, 11, 28), State.NOT_YET, [], 0),
    # December across the year boundary: due 10 Jan 2027
    (D(2026, 11, 20), {"2026-11"}, D(2027, 1, 10), State.DUE, [], 0),
    (D(2026, 11, 20), {"2026-11"}, D(2027, 1, 11), State.LATE, ["2026-12"], 1),
    # February of a leap year ends on the 29th; due 10 March
    (D(2024, 2, 1), set(), D(2024, 3, 11), State.LATE, ["2024-02"], 1),
]


@pytest.mark.parametrize(("adopted", "posted", "today", "state", "late", "days"), MONTHLY_CASES)
def test_monthly_status(adopted, posted, today, state, late, days):
    status = item_status(Cadence.MONTHLY, adopted, posted, today)
    assert status.state is state
    assert [p.key for p in status.late] == late
    assert status.days_late == days


@pytest.mark.parametrize(("cadence", "adopted", "posted", "today", "state", "late"), [
    # Q3 2026 due 15 Oct 2026
    ("quarterly", D(2026, 7, 1), set(), D(2026, 10, 15), State.DUE, []),
    ("quarterly", D(2026, 7, 1), set(), D(2026, 10, 16), State.LATE, ["2026-Q3"]),
    ("quarterly", D(2026, 7, 1), {"2026-Q3"}, D(2026, 10, 16), State.POSTED, []),
    # posted early, during the quarter: nothing ended yet but the current period is posted
    ("quarterly", D(2026, 10, 1), {"2026-Q4"}, D(2026, 11, 20), State.POSTED, []),
    ("quarterly", D(2026, 10, 1), set(), D(2026, 11, 20), State.NOT_YET, []),
    # yearly 2025 due 31 Jan 2026
    ("yearly", D(2025, 3, 1), set(), D(2026, 1, 31), State.DUE, []),
    ("yearly", D(2025, 3, 1), set(), D(2026, 2, 1), State.LATE, ["2025"]),
    ("yearly", D(2024, 3, 1), {"2025"}, D(2026, 2, 1), State.LATE, ["2024"]),
    # 事时: never due or late
    ("event", D(2020, 1, 1), set(), D(2026, 11, 20), State.EVENT, []),
])
def test_other_cadences(cadence, adopted, posted, today, state, late):
    status = item_status(cadence, adopted, posted, today)
    assert status.state is state
    assert [p.key for p in status.late] == late


def test_next_period_is_the_oldest_missing_one():
    status = item_status("monthly", D(2026, 8, 20), {"2026-08"}, D(2026, 11, 11))
    assert status.next_period.key == "2026-09"
    assert status.due_on == D(2026, 10, 10)
    status = item_status("monthly", D(2026, 8, 20), {"2026-08", "2026-09", "2026-10"}, D(2026, 11, 11))
    assert status.next_period.key == "2026-11"


def test_postable_periods():
    keys = [p.key for p in postable_periods("monthly", D(2026, 1, 15), D(2026, 11, 20))]
    assert keys == ["2026-11", "2026-10", "2026-09", "2026-08", "2026-07"]
    assert [p.key for p in postable_periods("monthly", D(2026, 10, 15), D(2026, 11, 20))] == ["2026-11", "2026-10"]
    assert [p.key for p in postable_periods("yearly", D(2025, 6, 1), D(2026, 3, 1))] == ["2026", "2025"]
    assert postable_periods("event", D(2025, 6, 1), D(2026, 3, 1)) == []
