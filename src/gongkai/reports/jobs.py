"""Reminders before and after the annual-report deadline (条例第四十九条), for a daily run
(``gongkai report remind``, cron). Each body and year gets at most one ``due_soon`` and one
``overdue`` reminder: a DeadlineReminder row, unique per body, year and kind, is inserted before
the mail goes out (after commit), so reruns send nothing twice. The lateness itself is computed on
read (``selectors.overview``); this job only sends mail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.actors import SystemActor
from gongkai.core.models import Body, Membership, Role
from gongkai.reports import selectors
from gongkai.reports.models import DeadlineReminder
from gongkai.rules import annual_report as ar

REMINDER_ACTOR = SystemActor("年度报告提醒任务")
RECIPIENT_ROLES = (Role.INFO_OFFICER, Role.APPROVING_LEADER)


@dataclass
class RemindResult:
    year: int
    sent: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.year}年度报告：发出提醒{len(self.sent)}条" + (f"（{'、'.join(self.sent)}）" if self.sent else "")


def _emails(body: Body) -> list[str]:
    own = Membership.objects.filter(body=body, role__in=RECIPIENT_ROLES, user__is_active=True)
    county = body.get_county()
    office = Membership.objects.filter(role=Role.OFFICE_ADMIN, user__is_active=True,
                                       body__path__startswith=county.path if county else body.path)
    return sorted({*own.exclude(user__email="").values_list("user__email", flat=True),
                   *office.exclude(user__email="").values_list("user__email", flat=True)})


def remind(today: dt.date | None = None, actor=REMINDER_ACTOR) -> RemindResult:
    """Send the reminders due today for last year's reports of every county."""
    today = today or timezone.localdate()
    result = RemindResult(today.year - 1)
    for county in Body.objects.filter(kind="county", is_active=True).order_by("path"):
        for state in selectors.overview(county, result.year, today):
            kind = ar.reminder_kind(state.deadline, today, state.state == "published")
            if kind:
                _send(actor, state, kind, result)
    return result


def _send(actor, state, kind: str, result: RemindResult) -> None:
    body = state.body
    emails = _emails(body)
    try:
        with transaction.atomic():
            DeadlineReminder.objects.create(body=body, year=result.year, kind=kind, recipients=len(emails))
            audit.record("report.reminder_sent", actor, body, {
                "year": result.year, "kind": kind, "deadline": state.deadline, "recipients": len(emails)},
                label=f"{body.name} {result.year}")
    except IntegrityError:
        return  # already sent
    result.sent.append(body.name)
    if not emails:
        return
    deadline = state.deadline.isoformat()
    if kind == "due_soon":
        subject = f"【政府信息公开年报】{body.name}{result.year}年度报告须于{deadline}前发布"
        text = (f"{body.name}{result.year}年度政府信息公开工作年度报告当前状态：{state.label}。"
                f"依《中华人民共和国政府信息公开条例》第四十九条，须于{deadline}前向社会公布，请及时编制、校验和发布。")
    else:
        subject = f"【政府信息公开年报】{body.name}{result.year}年度报告已逾期"
        text = (f"{body.name}{result.year}年度政府信息公开工作年度报告的发布期限为{deadline}，"
                f"目前仍未发布（{state.label}）。请尽快发布。")
    transaction.on_commit(lambda: send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, emails, fail_silently=True))
