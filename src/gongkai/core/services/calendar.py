"""Services for the working-day calendar (data behind every statutory deadline)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gongkai.core import audit, rules
from gongkai.core.models import CalendarDay, CalendarSource, CalendarYear
from gongkai.core.services import ServiceError, require
from gongkai.rules.workdays import CalendarError, WorkCalendar


@transaction.atomic
def load_calendar_year(actor, year: int, days: list[tuple[dt.date, str, str]], *, notice: str = "",
                       source: str = CalendarSource.ADMIN) -> CalendarYear:
    """Store (or replace) the holiday calendar of ``year`` from ``(date, kind, name)`` triples, as
    parsed by ``gongkai.rules.workdays.parse_year_file``. All-or-nothing: on any error nothing changes.
    """
    require(rules.can_load_calendar(actor), "只有公开办管理员可以维护节假日数据")
    if not 2000 <= year <= 2100:
        raise ServiceError({"year": [f"年份 {year} 超出范围（2000–2100）"]})
    try:
        WorkCalendar.build([year], [(d, k) for d, k, _n in days])
    except CalendarError as exc:
        raise ServiceError({"file": [str(exc)]}) from None
    wrong = [d for d, _k, _n in days if d.year != year]
    if wrong:
        raise ServiceError({"file": [f"日期 {wrong[0].isoformat()} 不属于 {year} 年"]})
    calendar_year, created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source, "notice": notice}
    )
    previous = {} if created else {
        d.date.isoformat(): d.kind for d in CalendarDay.objects.filter(calendar_year=calendar_year)
    }
    CalendarDay.objects.filter(calendar_year=calendar_year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar_year=calendar_year, date=d, kind=k, name=n[:40]) for d, k, n in days
    )
    audit.record(
        "calendar.year_loaded", actor, calendar_year,
        {"year": year, "source": source, "notice": notice, "days": len(days), "replaced": not created,
         "previous_days": len(previous)},
        scope=None,  # the national calendar concerns every body
    )
    return calendar_year
