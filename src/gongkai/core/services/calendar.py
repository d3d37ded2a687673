"""Services for the working-day calendar (data behind every statutory deadline).

Loading a year sends :data:`calendar_loaded` after the commit; apps whose dates wait for the
calendar connect to it (the request cases' due dates: ``requests.services.jobs``). From
1 November, while next year's days are missing, office admins and platform operators are told on
the admin home and by a weekly mail (:func:`remind_missing_year`, run by the scheduler and by
``gongkai calendar remind``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.actors import SystemActor
from gongkai.core.models import CalendarDay, CalendarReminder, CalendarSource, CalendarYear, Membership, Role
from gongkai.core.services import ServiceError, require
from gongkai.rules.holiday_notice import missing_year
from gongkai.rules.workdays import CalendarError, WorkCalendar

#: Sent after a year is loaded and committed, with ``year`` and ``actor``. Receivers return a short
#: Chinese summary of what they recomputed (shown to whoever loaded the year) or None.
calendar_loaded = Signal()

REMINDER_ACTOR = SystemActor("节假日数据提醒任务")


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


def after_load(actor, year: int) -> list[str]:
    """Tell the apps waiting for ``year`` (call after the load's transaction has committed); return
    their summaries, e.g. "已重新计算 7 件依申请公开案件的答复期限"."""
    replies = calendar_loaded.send(sender=CalendarYear, year=year, actor=actor)
    return [summary for _receiver, summary in replies if summary]


def awaited_year(today: dt.date | None = None) -> int | None:
    """The year of holiday data that is missing and needed now (rules.holiday_notice.missing_year)."""
    today = today or timezone.localdate()
    return missing_year(today, CalendarYear.objects.values_list("year", flat=True))


def _reminder_emails() -> list[str]:
    from django.contrib.auth import get_user_model

    admins = Membership.objects.filter(role=Role.OFFICE_ADMIN, user__is_active=True).values_list("user__email", flat=True)
    operators = get_user_model().objects.filter(is_superuser=True, is_active=True).values_list("email", flat=True)
    return sorted({e for e in (*admins, *operators) if e})


def remind_missing_year(today: dt.date | None = None, actor=REMINDER_ACTOR) -> int | None:
    """Once a week while a needed year is missing, mail every office admin and platform operator
    (and audit it). Returns the missing year if a reminder went out now, else None."""
    today = today or timezone.localdate()
    year = awaited_year(today)
    if year is None:
        return None
    emails = _reminder_emails()
    try:
        with transaction.atomic():
            CalendarReminder.objects.create(year=year, week_of=today - dt.timedelta(days=today.weekday()),
                                            recipients=len(emails))
            audit.record("calendar.reminder_sent", actor, None, {"year": year, "recipients": len(emails)},
                         label=f"{year}年节假日安排", scope=None)
    except IntegrityError:
        return None  # sent this week already
    if emails:
        subject = f"【政务公开】请载入{year}年节假日安排"
        text = (f"系统尚未载入{year}年的节假日安排。依申请公开的答复期限按工作日计算，"
                f"缺少该年数据时，新收申请的答复期限无法计算。国务院办公厅公布《关于{year}年部分节假日安排的通知》后，"
                f"请在 管理后台 → 设置 → 节假日 中粘贴通知正文载入。载入前每周提醒一次。")
        transaction.on_commit(lambda: send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, emails,
                                                fail_silently=True))
    return year
