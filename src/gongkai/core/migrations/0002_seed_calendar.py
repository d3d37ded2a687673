"""Seed the holiday calendar from the `chinesecalendar` package (2004 to its last year), so a fresh
database can compute deadlines as soon as `gongkai migrate` has run."""

from django.db import migrations

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


def seed(apps, schema_editor):
    import chinese_calendar
    from chinese_calendar import constants

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    years = sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})
    version = getattr(chinese_calendar, "__version__", "")
    for year in years:
        if CalendarYear.objects.filter(year=year).exists():
            continue
        cy = CalendarYear.objects.create(year=year, source="chinesecalendar",
                                         notice=f"chinesecalendar {version}（国务院办公厅节假日安排通知）".strip())
        days = [
            CalendarDay(calendar_year=cy, date=d, kind="holiday", name=HOLIDAY_NAMES.get(name, name))
            for d, name in constants.holidays.items() if d.year == year
        ] + [
            CalendarDay(calendar_year=cy, date=d, kind="workday", name=HOLIDAY_NAMES.get(name, name))
            for d, name in constants.workdays.items() if d.year == year
        ]
        CalendarDay.objects.bulk_create(days)


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarYear").objects.filter(source="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
