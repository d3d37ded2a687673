"""Seed the holiday calendar from the `chinesecalendar` package (2004 to its last year), so a fresh
database can compute deadlines as soon as `gongkai migrate` has run."""

from django.db import migrations


def seed(apps, schema_editor):
    from gongkai.rules.calendar_seed import package_days, package_version

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    notice = f"chinesecalendar {package_version()}（国务院办公厅节假日安排通知）"
    for year, days in package_days().items():
        if CalendarYear.objects.filter(year=year).exists():
            continue
        cy = CalendarYear.objects.create(year=year, source="chinesecalendar", notice=notice)
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=cy, date=day, kind=kind, name=name) for day, kind, name in days
        )


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarYear").objects.filter(source="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
