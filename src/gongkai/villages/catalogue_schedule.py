"""When a village catalogue item is due and when it is late (村务公开的时限). Pure: no Django imports.

Cadences (村民委员会组织法第三十条第二款: "一般事项至少每季度公布一次；集体财务往来较多的，财务收支
情况应当每月公布一次；涉及村民利益的重大事项应当随时公布"):

- ``monthly`` — a calendar month (``2026-11``, 2026年11月);
- ``quarterly`` — a calendar quarter (``2026-Q4``, 2026年第4季度);
- ``yearly`` — a calendar year (``2026``, 2026年度);
- ``event`` — 事时 (随时): posted whenever the matter arises. Nothing tells the system that a
  matter arose, so a 事时 item is never computed as due or late; the township sees its latest posting.

Grace period (``GRACE``). Neither the 组织法 nor the domain facts fix a day by which a period must be
on the board, so this is our decision, stated once here and in docs/villages.md:

- monthly items by the **10th of the following month** (the month's accounts are closed in its
  first days; the 10th is the usual local 财务公开日);
- quarterly items by the **15th of the first month of the following quarter** (local practice seen in
  village 财务公开 rules: "每季的首月15日为统一的财务公开日");
- yearly items by **31 January of the following year** (the day the 政府信息公开工作年度报告 is due
  under 条例第五十条, so the township collects both together).

An item is required for every period that ends on or after the village adopted its catalogue;
a period that is posted (even after its due day) is no longer late. Periods not yet ended may be
posted early (a quarter's general items are often posted during the quarter).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Cadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    EVENT = "event"


class State(StrEnum):
    POSTED = "posted"  # every required period is posted
    DUE = "due"  # the last ended period is not posted yet, its due day has not passed
    LATE = "late"  # at least one required period is past its due day and not posted
    NOT_YET = "not_yet"  # no period has ended since adoption and nothing is posted
    EVENT = "event"  # 事时: no schedule


STATE_LABELS = {
    State.POSTED: "已按时公开",
    State.DUE: "待公开",
    State.LATE: "逾期未公开",
    State.NOT_YET: "尚未到期",
    State.EVENT: "事时公开",
}


class PeriodError(ValueError):
    """A period key or date that does not fit the cadence (message in Chinese)."""


@dataclass(frozen=True, order=True)
class Grace:
    """Due day of a period ending in month ``m``: ``day`` of the month ``months`` after ``m``."""

    months: int
    day: int


GRACE: dict[Cadence, Grace] = {
    Cadence.MONTHLY: Grace(months=1, day=10),
    Cadence.QUARTERLY: Grace(months=1, day=15),
    Cadence.YEARLY: Grace(months=1, day=31),
}


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    cadence: Cadence
    key: str

    @property
    def label(self) -> str:
        if self.cadence is Cadence.MONTHLY:
            return f"{self.start.year}年{self.start.month}月"
        if self.cadence is Cadence.QUARTERLY:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.cadence is Cadence.YEARLY:
            return f"{self.start.year}年度"
        return f"{self.start:%Y年%m月%d日}" if self.start == self.end else f"{self.start}至{self.end}"

    @property
    def due_on(self) -> dt.date:
        return due_date(self)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> dt.date:
    y, m = _add_months(year, month, 1)
    return dt.date(y, m, 1) - dt.timedelta(days=1)


def period_containing(cadence: Cadence | str, day: dt.date) -> Period:
    """The period of ``cadence`` that contains ``day`` (not defined for 事时)."""
    cadence = Cadence(cadence)
    if cadence is Cadence.MONTHLY:
        return Period(dt.date(day.year, day.month, 1), _month_end(day.year, day.month), cadence,
                      f"{day.year:04d}-{day.month:02d}")
    if cadence is Cadence.QUARTERLY:
        q = (day.month - 1) // 3
        return Period(dt.date(day.year, 3 * q + 1, 1), _month_end(day.year, 3 * q + 3), cadence,
                      f"{day.year:04d}-Q{q + 1}")
    if cadence is Cadence.YEARLY:
        return Period(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), cadence, f"{day.year:04d}")
    raise PeriodError("事时公开的事项没有固定期次")


_KEY = {
    Cadence.MONTHLY: re.compile(r"^(\d{4})-(\d{2})$"),
    Cadence.QUARTERLY: re.compile(r"^(\d{4})-Q([1-4])$"),
    Cadence.YEARLY: re.compile(r"^(\d{4})$"),
}


def period_for_key(cadence: Cadence | str, key: str) -> Period:
    """Parse a period key (``2026-11``, ``2026-Q4``, ``2026``) of ``cadence``."""
    cadence = Cadence(cadence)
    if cadence is Cadence.EVENT:
        raise PeriodError("事时公开的事项没有固定期次")
    match = _KEY[cadence].match(key.strip())
    if not match:
        raise PeriodError(f"期次“{key}”的格式不对")
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise PeriodError(f"期次“{key}”的年份不对")
    if cadence is Cadence.MONTHLY:
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"期次“{key}”的月份不对")
        return period_containing(cadence, dt.date(year, month, 1))
    if cadence is Cadence.QUARTERLY:
        return period_containing(cadence, dt.date(year, 3 * int(match.group(2)) - 2, 1))
    return period_containing(cadence, dt.date(year, 1, 1))


def following(period: Period) -> Period:
    return period_containing(period.cadence, period.end + dt.timedelta(days=1))


def preceding(period: Period) -> Period:
    return period_containing(period.cadence, period.start - dt.timedelta(days=1))


def due_date(period: Period) -> dt.date:
    """The last day on which ``period`` is on time (see ``GRACE``)."""
    grace = GRACE.get(period.cadence)
    if grace is None:
        raise PeriodError("事时公开的事项没有公开期限")
    y, m = _add_months(period.end.year, period.end.month, grace.months)
    return min(dt.date(y, m, 1) + dt.timedelta(days=grace.day - 1), _month_end(y, m))


def required_periods(cadence: Cadence | str, adopted_on: dt.date, today: dt.date) -> list[Period]:
    """Every period that has ended by ``today`` (exclusive) and ends on or after ``adopted_on``,
    oldest first."""
    cadence = Cadence(cadence)
    if cadence is Cadence.EVENT:
        return []
    out: list[Period] = []
    period = period_containing(cadence, adopted_on)
    while period.end < today:
        out.append(period)
        period = following(period)
    return out


def postable_periods(cadence: Cadence | str, adopted_on: dt.date, today: dt.date, back: int = 4) -> list[Period]:
    """The periods a clerk may pick when posting, newest first: the current one and ``back``
    earlier ones, never before the one containing the adoption date."""
    cadence = Cadence(cadence)
    if cadence is Cadence.EVENT:
        return []
    first = period_containing(cadence, adopted_on)
    period = period_containing(cadence, today)
    out = [period]
    while len(out) <= back and period > first:
        period = preceding(period)
        out.append(period)
    return out


@dataclass(frozen=True)
class ItemStatus:
    state: State
    late: tuple[Period, ...] = ()  # required periods past their due day, not posted (oldest first)
    pending: Period | None = None  # the ended period waiting within its grace (state DUE)
    next_period: Period | None = None  # the period to post next (current or oldest unposted)
    last_posted_on: dt.date | None = None
    days_late: int = 0  # days since the oldest late period's due day

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def due_on(self) -> dt.date | None:
        if self.late:
            return self.late[0].due_on
        if self.pending:
            return self.pending.due_on
        return None


def item_status(cadence: Cadence | str, adopted_on: dt.date, posted_keys: Iterable[str], today: dt.date,
                last_posted_on: dt.date | None = None) -> ItemStatus:
    """Where an item stands on ``today``: posted, due (within grace), late (with the missing
    periods) or not yet due; 事时 items are ``EVENT``.

    ``posted_keys`` are the period keys already posted; ``last_posted_on`` is only carried through."""
    cadence = Cadence(cadence)
    if cadence is Cadence.EVENT:
        return ItemStatus(State.EVENT, last_posted_on=last_posted_on)
    posted = set(posted_keys)
    required = required_periods(cadence, adopted_on, today)
    missing = [p for p in required if p.key not in posted]
    late = tuple(p for p in missing if p.due_on < today)
    pending = next((p for p in missing if p.due_on >= today), None)
    current = period_containing(cadence, today)
    next_period = missing[0] if missing else current
    if late:
        return ItemStatus(State.LATE, late, pending, next_period, last_posted_on,
                          days_late=(today - late[0].due_on).days)
    if pending:
        return ItemStatus(State.DUE, (), pending, next_period, last_posted_on)
    if required or current.key in posted:
        return ItemStatus(State.POSTED, (), None, next_period, last_posted_on)
    return ItemStatus(State.NOT_YET, (), None, next_period, last_posted_on)
