"""Time limits for proactive disclosure (公开时限) and whether a record met them.

条例 Art. 26: information within the scope of proactive disclosure is made public within 20
working days from the day it is formed or changed (形成或者变更之日); where laws or regulations set a
different period, that period prevails. Standard catalogues (基层政务公开标准目录, domain facts §4.4)
state each item's own limit: most repeat the Art. 26 formula, social-assistance items use 10
working days, name lists put up for public comment add a 公示期 (commonly 7 working days), and some
items say only "及时公开"/"实时公开", which carries no checkable number.

Some items follow a law that counts in days (日) rather than working days (工作日): 预算法 Art. 14
makes approved budgets, final accounts and departments' budgets public "在批准后二十日内" / "批复后
二十日内", and 招标投标法实施条例 Art. 54 has bid-winner candidates published "自收到评标报告之日起3日内".
Where a law says "日" (or "天") without "工作日" it means calendar days (自然日): the laws that count
working days say so, and several say so expressly because plain days would otherwise be meant
(行政许可法 Art. 82, 行政处罚法 Art. 85, 行政复议法 Art. 88). Such a period is counted as 民法典
Arts. 201 and 203 count any period in days: the start day is not counted, and a period whose last
day is a 法定休假日 (a weekend or holiday day off) ends on the day after the days off, i.e. the next
working day under the calendar. That rule is why calendar-day limits still take the calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from gongkai.rules.workdays import WorkCalendar, add_workdays, is_workday

ART_26_WORKDAYS = 20


class LimitKind(StrEnum):
    """How a catalogue item's 公开时限 can be checked. Labels are the official wording's gist."""

    WORKDAYS_FROM_FORMATION = "workdays"  # 自形成或变更之日起 N 个工作日内公开
    PUBLICITY_PERIOD = "publicity"  # 公示 N 个工作日 (published within the limit, kept up N WD)
    CALENDAR_DAYS = "calendar_days"  # 自然日: 批准后 N 日内公开 (预算法 Art. 14)
    NONE = "none"  # 及时公开 / 长期公开 / 实时公开: no number to check

    @property
    def label(self) -> str:
        return {
            "workdays": "形成或变更之日起N个工作日内公开",
            "publicity": "公示期N个工作日",
            "calendar_days": "形成或变更之日起N日内公开（自然日）",
            "none": "无明确时限（及时公开等）",
        }[self.value]


@dataclass(frozen=True)
class TimeLimit:
    """A machine-checkable 公开时限.

    ``days``: the working days for WORKDAYS_FROM_FORMATION (default Art. 26's 20), the calendar
    days for CALENDAR_DAYS, and for PUBLICITY_PERIOD the length of the 公示期; ``publish_within``:
    for PUBLICITY_PERIOD, the working days from formation within which the notice must go up
    (Art. 26's 20 unless the item says otherwise); other kinds ignore it.
    """

    kind: LimitKind = LimitKind.WORKDAYS_FROM_FORMATION
    days: int = ART_26_WORKDAYS
    publish_within: int = ART_26_WORKDAYS

    def __post_init__(self):
        if self.days < 0 or self.publish_within < 0:
            raise ValueError("time limits must be non-negative")

    @classmethod
    def art_26(cls) -> TimeLimit:
        """The statutory default of 条例 Art. 26: 20 working days from formation or change."""
        return cls()


class Timeliness(StrEnum):
    ON_TIME = "on_time"  # published within the limit
    LATE = "late"  # published after the limit
    PENDING = "pending"  # not yet published, limit not yet passed
    OVERDUE = "overdue"  # not yet published, limit passed
    UNCHECKED = "unchecked"  # the item states no checkable limit

    @property
    def label(self) -> str:
        return {"on_time": "按时公开", "late": "逾期公开", "pending": "待公开", "overdue": "已超期未公开",
                "unchecked": "无明确时限"}[self.value]


def add_calendar_days(start: dt.date, n: int, cal: WorkCalendar) -> dt.date:
    """Last day of a period of ``n`` days (日, calendar days) from ``start``.

    民法典 Art. 201: the start day is not counted, counting begins the next day, so the period
    ends on ``start + n``. 民法典 Art. 203: when that day is a 法定休假日 (weekend or holiday day off
    under the calendar), the period ends on the day after the days off, i.e. the next working day
    (a 调休上班 weekend day is a working day and ends the period). Raises CalendarYearMissing when
    the last day falls in a year without calendar data: it is never guessed.
    """
    if n < 0:
        raise ValueError("time limits must be non-negative")
    day = start + dt.timedelta(days=n)
    while not is_workday(day, cal):
        day += dt.timedelta(days=1)
    return day


def publication_deadline(formed: dt.date, limit: TimeLimit, cal: WorkCalendar) -> dt.date | None:
    """Last day to publish information formed or changed on ``formed`` (条例 Art. 26, or the item's
    own limit: N working days, or N calendar days where a law such as 预算法 Art. 14 counts in 日).
    None when the item has no checkable limit. Raises CalendarYearMissing when the period runs into
    a year without calendar data."""
    if limit.kind == LimitKind.NONE:
        return None
    if limit.kind == LimitKind.CALENDAR_DAYS:
        return add_calendar_days(formed, limit.days, cal)
    within = limit.days if limit.kind == LimitKind.WORKDAYS_FROM_FORMATION else limit.publish_within
    return add_workdays(formed, within, cal)


def publicity_end(published: dt.date, limit: TimeLimit, cal: WorkCalendar) -> dt.date | None:
    """Last day of the 公示期 that starts on the publication day (the publication day counts as
    day 0, as every period here). None unless the limit is a PUBLICITY_PERIOD."""
    if limit.kind != LimitKind.PUBLICITY_PERIOD:
        return None
    return add_workdays(published, limit.days, cal)


def assess(formed: dt.date, published: dt.date | None, today: dt.date, limit: TimeLimit,
           cal: WorkCalendar) -> Timeliness:
    """Whether a record met its 公开时限 (条例 Art. 26, or the item's own limit in working or
    calendar days). ``published`` None: not yet public."""
    deadline = publication_deadline(formed, limit, cal)
    if deadline is None:
        return Timeliness.UNCHECKED
    if published is None:
        return Timeliness.PENDING if today <= deadline else Timeliness.OVERDUE
    return Timeliness.ON_TIME if published <= deadline else Timeliness.LATE
