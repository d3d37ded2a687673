"""公示期 arithmetic for subsidy payout notices. Pure: no Django imports.

Basis (domain facts §5): no national rule fixes the length of a subsidy 公示期; counties commonly use
5–7 days, and other name lists in the standard catalogues use 7. The county configures the length;
the default is 7 calendar days, counted inclusively from the first day the notice is posted (a notice
posted on 1 March with 7 days runs to 7 March, and is archived from 8 March).

Archiving (issue 7 §5): after the period the materials stay at the village committee for villagers to
consult for the configured retention period (default 5 years; 个人信息保护法 Art. 56 asks records of an
impact assessment be kept ≥ 3 years, so shorter settings are refused).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

DEFAULT_DAYS = 7
MAX_DAYS = 60
DEFAULT_RETENTION_YEARS = 5
MIN_RETENTION_YEARS = 3


class PeriodError(ValueError):
    """A bad period; the message is fit to show a user."""


class Phase(StrEnum):
    PENDING = "pending"  # not yet started
    OPEN = "open"  # in the 公示期: the full masked list is public, objections are accepted
    ENDED = "ended"  # period over: archive (summary only in public)


def period(start: dt.date, days: int = DEFAULT_DAYS) -> tuple[dt.date, dt.date]:
    """``(start, end)`` of a 公示期 of ``days`` calendar days beginning on ``start`` (inclusive)."""
    if not isinstance(days, int) or days < 1 or days > MAX_DAYS:
        raise PeriodError(f"公示期天数应为 1 至 {MAX_DAYS} 天")
    return start, start + dt.timedelta(days=days - 1)


def check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise PeriodError("公示期结束日期不能早于开始日期")
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError(f"公示期不能超过 {MAX_DAYS} 天")


def phase(start: dt.date, end: dt.date, today: dt.date) -> Phase:
    """Where ``today`` falls: before, inside (both ends included) or after the period."""
    if today < start:
        return Phase.PENDING
    if today <= end:
        return Phase.OPEN
    return Phase.ENDED


def retain_until(end: dt.date, years: int = DEFAULT_RETENTION_YEARS) -> dt.date:
    """Last day the archived materials are kept: ``years`` after the end of the period (29 Feb → 28 Feb)."""
    if years < MIN_RETENTION_YEARS:
        raise PeriodError(f"保存期限不得少于 {MIN_RETENTION_YEARS} 年")
    try:
        return end.replace(year=end.year + years)
    except ValueError:
        return end.replace(year=end.year + years, day=28)
