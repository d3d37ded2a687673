"""Working-day arithmetic, table-driven with real dates (domain facts §10.2)."""

import datetime as dt

import pytest

from gongkai.rules.workdays import (
    HOLIDAY,
    WORKDAY,
    CalendarError,
    CalendarYearMissing,
    WorkCalendar,
    add_workdays,
    is_workday,
    parse_iso_date,
    parse_year_file,
    workdays_between,
)

D = dt.date

# The 2025 and 2026 calendars as published by the State Council General Office (domain facts §10.2).
OFF_2025 = [D(2025, 1, 1)] + [D(2025, 1, 28) + dt.timedelta(days=i) for i in range(8)] + [
    D(2025, 4, 4), D(2025, 4, 5), D(2025, 4, 6)] + [D(2025, 5, i) for i in range(1, 6)] + [
    D(2025, 5, 31), D(2025, 6, 1), D(2025, 6, 2)] + [D(2025, 10, i) for i in range(1, 9)]
ON_2025 = [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]
OFF_2026 = [D(2026, 1, i) for i in (1, 2, 3)] + [D(2026, 2, i) for i in range(15, 24)] + [
    D(2026, 4, 4), D(2026, 4, 5), D(2026, 4, 6)] + [D(2026, 5, i) for i in range(1, 6)] + [
    D(2026, 6, 19), D(2026, 6, 20), D(2026, 6, 21), D(2026, 9, 25), D(2026, 9, 26), D(2026, 9, 27)] + [
    D(2026, 10, i) for i in range(1, 8)]
ON_2026 = [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]

CAL = WorkCalendar.build(
    [2025, 2026],
    [(d, HOLIDAY) for d in OFF_2025 + OFF_2026] + [(d, WORKDAY) for d in ON_2025 + ON_2026],
)


@pytest.mark.parametrize(
    ("received", "n", "deadline"),
    [
        # Every worked example of domain facts §10.2.
        (D(2025, 9, 26), 7, D(2025, 10, 13)),  # 补正 notice, counts the 28 Sep and 11 Oct make-up days
        (D(2025, 9, 26), 20, D(2025, 10, 30)),  # Art. 33 reply
        (D(2025, 9, 26), 40, D(2025, 11, 27)),  # with the Art. 33 extension
        (D(2026, 2, 6), 7, D(2026, 2, 24)),  # counts the 14 Feb make-up day
        (D(2026, 2, 6), 20, D(2026, 3, 12)),
        (D(2025, 12, 31), 20, D(2026, 1, 29)),  # year boundary, counts 4 Jan 2026
        (D(2026, 9, 18), 20, D(2026, 10, 22)),  # counts 20 Sep and 10 Oct
        # More edges: month end, a start on a holiday, a start on a make-up Saturday, zero days.
        (D(2025, 1, 31), 1, D(2025, 2, 5)),  # Spring Festival 28 Jan-4 Feb
        (D(2025, 2, 7), 1, D(2025, 2, 8)),  # Saturday 8 Feb is a make-up working day
        (D(2026, 10, 3), 1, D(2026, 10, 8)),  # started inside the National Day break
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # from a make-up Saturday across Spring Festival
        (D(2025, 4, 30), 2, D(2025, 5, 7)),
        (D(2026, 3, 31), 1, D(2026, 4, 1)),
        (D(2026, 1, 30), 0, D(2026, 1, 30)),
    ],
)
def test_add_workdays(received, n, deadline):
    assert add_workdays(received, n, CAL) == deadline
    assert workdays_between(received, deadline, CAL) == n


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 1, 26), True),  # Sunday, make-up working day
        (D(2025, 1, 27), True),
        (D(2025, 1, 28), False),  # 除夕, first day of the 2025 Spring Festival holiday
        (D(2025, 10, 8), False),
        (D(2025, 10, 11), True),
        (D(2026, 5, 9), True),  # Saturday make-up
        (D(2026, 5, 10), False),  # ordinary Sunday
        (D(2026, 11, 27), True),  # ordinary Friday
        (D(2026, 11, 28), False),  # ordinary Saturday
    ],
)
def test_is_workday(day, expected):
    assert is_workday(day, CAL) is expected


def test_year_without_data_is_an_error_naming_the_year():
    with pytest.raises(CalendarYearMissing, match="2027") as info:
        add_workdays(D(2026, 12, 20), 20, CAL)
    assert info.value.year == 2027
    with pytest.raises(CalendarYearMissing, match="2024"):
        is_workday(D(2024, 6, 3), CAL)
    with pytest.raises(CalendarYearMissing, match="2027"):
        workdays_between(D(2026, 12, 1), D(2027, 1, 10), CAL)


def test_days_near_the_end_of_a_known_year_still_answer():
    assert add_workdays(D(2026, 12, 1), 5, CAL) == D(2026, 12, 8)


def test_negative_counts_and_reverse_ranges():
    with pytest.raises(CalendarError):
        add_workdays(D(2026, 3, 2), -1, CAL)
    assert workdays_between(D(2026, 3, 9), D(2026, 3, 2), CAL) == -5


def test_a_day_cannot_be_both_holiday_and_workday():
    with pytest.raises(CalendarError, match="同时"):
        WorkCalendar.build([2026], [(D(2026, 1, 4), HOLIDAY), (D(2026, 1, 4), WORKDAY)])


@pytest.mark.parametrize("text", ["2025-02-30", "2025-13-01", "20250101", "昨天", ""])
def test_parse_iso_date_rejects_bad_dates_with_the_value(text):
    with pytest.raises(CalendarError, match="日期无效"):
        parse_iso_date(text)


def test_parse_year_file_accepts_the_documented_format():
    text = "\ufeffdate,kind,name\n# 2027 安排\n2027-01-01,休,元旦\n2027-02-06,holiday,春节\n\n2027-02-20,班,春节\n"
    assert parse_year_file(2027, text) == [
        (D(2027, 1, 1), HOLIDAY, "元旦"),
        (D(2027, 2, 6), HOLIDAY, "春节"),
        (D(2027, 2, 20), WORKDAY, "春节"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-02-30,休", "第1行"),
        ("2027-01-01,休\n2026-12-31,休", "不属于 2027 年"),
        ("2027-01-01,放松", "类型"),
        ("2027-01-01", "格式错误"),
        ("2027-01-01,休\n2027-01-01,休", "重复"),
        ("2027-01-04,班", "不能标为调休上班"),  # a Monday cannot be a make-up working day
        ("# nothing\n", "没有"),
    ],
)
def test_parse_year_file_rejects_malformed_files(text, message):
    with pytest.raises(CalendarError, match=message):
        parse_year_file(2027, text)
