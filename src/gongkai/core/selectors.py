"""Read-side helpers: build domain values from the database for the pure rules."""

from __future__ import annotations

from gongkai.core.models import CalendarDay, CalendarYear
from gongkai.rules.workdays import WorkCalendar


def work_calendar() -> WorkCalendar:
    """The stored holiday calendar as a pure :class:`WorkCalendar` (about 30 rows a year)."""
    years = CalendarYear.objects.values_list("year", flat=True)
    days = CalendarDay.objects.values_list("date", "kind")
    return WorkCalendar.build(years, days)
