"""The holiday data shipped by the `chinesecalendar` package, as (date, kind, name) triples.

Pure: no Django. Used by the seeding migration and by tests and benchmarks that need the official
calendar without a database.
"""

from __future__ import annotations

import datetime as dt

from gongkai.rules.workdays import HOLIDAY, WORKDAY, WorkCalendar

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def package_days() -> dict[int, list[tuple[dt.date, str, str]]]:
    """Every day the package lists, grouped by year."""
    from chinese_calendar import constants

    by_year: dict[int, list[tuple[dt.date, str, str]]] = {}
    for source, kind in ((constants.holidays, HOLIDAY), (constants.workdays, WORKDAY)):
        for day, name in source.items():
            by_year.setdefault(day.year, []).append((day, kind, HOLIDAY_NAMES.get(name, name)))
    return {year: sorted(days) for year, days in sorted(by_year.items())}


def package_calendar() -> WorkCalendar:
    days = package_days()
    return WorkCalendar.build(days, [(d, k) for year_days in days.values() for d, k, _n in year_days])


def package_version() -> str:
    import chinese_calendar

    return getattr(chinese_calendar, "__version__", "")
