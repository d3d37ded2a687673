"""Working-day arithmetic for statutory time limits (工作日).

The 政府信息公开条例 counts its limits in working days (Art. 26, 30, 32, 33, 34) but does not define
the term. Gongkai follows the convention in docs (domain facts §10.1), consistent with 民法典
Arts. 201/203 and 行政复议法 Art. 88:

1. the start day (e.g. the day of receipt) is day 0; counting starts the next calendar day;
2. a working day is Monday-Friday, minus statutory holidays and 调休 days off, plus weekend days
   officially designated as make-up working days (调休上班), per the annual
   《国务院办公厅关于某年部分节假日安排的通知》;
3. a period of N working days ends at the end of the N-th working day.

The calendar is data passed in as an argument. A date in a year for which the calendar holds no
data raises :class:`CalendarYearMissing` naming that year: it is never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HOLIDAY = "holiday"
WORKDAY = "workday"
DAY_KINDS = {HOLIDAY: "放假", WORKDAY: "调休上班"}


class CalendarError(ValueError):
    """Base class for calendar errors; the message is fit to show a user."""


class CalendarYearMissing(CalendarError):
    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年没有节假日数据，无法计算工作日；请先载入{year}年的节假日安排 "
            f"(no holiday calendar for {year}; load it with `gongkai calendar load-year {year} FILE`)"
        )


@dataclass(frozen=True)
class WorkCalendar:
    """The holiday calendar for a set of years.

    ``years``: the years for which the calendar is complete.
    ``holidays``: dates off (法定节假日 and 调休 days off), weekend or not.
    ``makeup_workdays``: weekend dates that are working days (调休上班).
    """

    years: frozenset[int]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    makeup_workdays: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def build(cls, years: Iterable[int], days: Iterable[tuple[dt.date, str]]) -> WorkCalendar:
        """Build from ``(date, kind)`` pairs where kind is ``HOLIDAY`` or ``WORKDAY``."""
        years = frozenset(years)
        holidays, makeup = set(), set()
        for day, kind in days:
            if kind == HOLIDAY:
                holidays.add(day)
            elif kind == WORKDAY:
                makeup.add(day)
            else:
                raise CalendarError(f"{day.isoformat()}: unknown day kind {kind!r}")
        overlap = holidays & makeup
        if overlap:
            first = min(overlap).isoformat()
            raise CalendarError(f"{first} 同时被标为放假和调休上班 (marked both holiday and workday)")
        return cls(years=years, holidays=frozenset(holidays), makeup_workdays=frozenset(makeup))

    def require_year(self, year: int) -> None:
        if year not in self.years:
            raise CalendarYearMissing(year)


def is_workday(day: dt.date, cal: WorkCalendar) -> bool:
    """True if ``day`` is a working day under the calendar (条例 working-day limits; 国办 annual
    holiday notice for 调休). Raises CalendarYearMissing if ``day``'s year has no data."""
    cal.require_year(day.year)
    if day in cal.makeup_workdays:
        return True
    if day in cal.holidays:
        return False
    return day.weekday() < 5


def add_workdays(start: dt.date, n: int, cal: WorkCalendar) -> dt.date:
    """The n-th working day after ``start`` (``start`` itself is not counted).

    Implements the counting of 条例 Art. 33 ¶2 (20 working days from receipt), Art. 30 (7 working
    days for a 补正 notice), Art. 32/34 (15 working days) and Art. 26 (20 working days from
    formation). ``n`` must be >= 0; ``add_workdays(d, 0, cal)`` is ``d``.

    Raises CalendarYearMissing for any day walked through that has no calendar data.
    """
    if n < 0:
        raise CalendarError(f"工作日数不能为负数 (n must be >= 0, got {n})")
    cal.require_year(start.year)
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_workday(day, cal):
            counted += 1
    return day


def workdays_between(start: dt.date, end: dt.date, cal: WorkCalendar) -> int:
    """Number of working days d with start < d <= end, so that
    ``workdays_between(a, add_workdays(a, n, cal), cal) == n``. Negative if end < start."""
    if end < start:
        return -workdays_between(end, start, cal)
    cal.require_year(start.year)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day, cal):
            count += 1
    return count


def parse_iso_date(text: str) -> dt.date:
    """Parse YYYY-MM-DD strictly, with a message naming the bad value (e.g. 2025-02-30)."""
    value = text.strip()
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CalendarError(f"日期无效：{value!r}（应为存在的日期，格式 YYYY-MM-DD）") from None


def parse_year_file(year: int, text: str) -> list[tuple[dt.date, str, str]]:
    """Parse a calendar file for one year (the format of `gongkai calendar load-year`).

    One day per line: ``DATE,KIND[,NAME]``. KIND is ``holiday``/``休``/``放假`` for a day off or
    ``workday``/``班``/``上班`` for a make-up working day. Blank lines and lines starting with ``#``
    are ignored; a header line ``date,kind,name`` may come first. Every date must fall in ``year``.
    Returns ``(date, kind, name)`` triples; raises CalendarError naming the line of the first error.
    """
    kinds = {"holiday": HOLIDAY, "休": HOLIDAY, "放假": HOLIDAY, "workday": WORKDAY, "班": WORKDAY, "上班": WORKDAY}
    days: list[tuple[dt.date, str, str]] = []
    seen: dict[dt.date, int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.replace("\t", ",").split(",")]
        if not days and not seen and parts[0].lower() == "date":
            continue  # header line
        if len(parts) < 2 or len(parts) > 3:
            raise CalendarError(f"第{lineno}行格式错误：应为“日期,类型[,名称]”，实际为 {raw!r}")
        try:
            day = parse_iso_date(parts[0])
        except CalendarError as exc:
            raise CalendarError(f"第{lineno}行：{exc}") from None
        if day.year != year:
            raise CalendarError(f"第{lineno}行：日期 {day.isoformat()} 不属于 {year} 年")
        kind = kinds.get(parts[1].lower())
        if kind is None:
            raise CalendarError(
                f"第{lineno}行：类型 {parts[1]!r} 无效，应为 holiday/休/放假 或 workday/班/上班"
            )
        if kind == WORKDAY and day.weekday() < 5:
            raise CalendarError(f"第{lineno}行：{day.isoformat()} 是工作日（周一至周五），不能标为调休上班")
        if day in seen:
            raise CalendarError(f"第{lineno}行：{day.isoformat()} 与第{seen[day]}行重复")
        seen[day] = lineno
        days.append((day, kind, parts[2] if len(parts) == 3 else ""))
    if not days:
        raise CalendarError(f"文件中没有 {year} 年的任何节假日数据")
    return days
