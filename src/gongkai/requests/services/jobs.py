"""The background sweep of 依申请公开 cases (`gongkai requests tick`, also run by the scheduler).

Idempotent: lapses go through ``transition`` (a lapsed case is no longer in the source state),
reminders are claimed by inserting a Reminder row unique per case and due date before the mail is
sent (on commit), and due dates that could not be computed for want of calendar data are retried.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from gongkai.core import audit
from gongkai.core.actors import SystemActor
from gongkai.core.models import Membership, Role
from gongkai.core.selectors import work_calendar
from gongkai.core.services import ServiceError
from gongkai.requests.models import Case, Reminder
from gongkai.requests.services import clock, proactive
from gongkai.requests.services.cases import transition
from gongkai.rules.case_flow import CLOSED_STATES, Action, CaseState
from gongkai.rules.deadlines import DUE_SOON_WORKDAYS, fee_payment_due, has_lapsed
from gongkai.rules.workdays import CalendarError, add_workdays

logger = logging.getLogger("gongkai.requests")
TICK_ACTOR = SystemActor("依申请公开定时任务")


@dataclass
class TickResult:
    lapsed: list[str] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    recomputed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    suggested: list[int] = field(default_factory=list)  # 条例第四十四条 suggestions created or extended

    def summary(self) -> str:
        return (f"依申请公开：视为放弃 {len(self.lapsed)} 件，提醒 {len(self.reminded)} 件，"
                f"重新计算期限 {len(self.recomputed)} 件，纳入主动公开建议 {len(self.suggested)} 条，"
                f"问题 {len(self.problems)} 件")

    def as_dict(self) -> dict:
        return {"lapsed": self.lapsed, "reminded": self.reminded, "recomputed": self.recomputed,
                "suggested": self.suggested, "problems": self.problems}


def tick(today: dt.date | None = None, actor: SystemActor = TICK_ACTOR) -> TickResult:
    """Lapse cases whose 补正 or payment period ran out (条例第三十条, 国办函〔2020〕109号), retry due
    dates missing calendar data, raise 条例第四十四条 suggestions (services.proactive), and remind
    handlers of cases due within 5 working days."""
    today = today or clock.today()
    result = TickResult()
    result.suggested = [s.pk for s in proactive.raise_suggestions(actor, today)]
    cal = work_calendar()
    for case in Case.objects.filter(state=CaseState.CORRECTION_REQUESTED, correction_period_end__lt=today):
        _lapse(actor, case, Action.LAPSE_CORRECTION, result)
    for case in Case.objects.filter(state=CaseState.FEE_NOTIFIED).prefetch_related("fee_notices"):
        fee = next((f for f in case.fee_notices.all() if f.paid_on is None), None)
        if fee is None:
            continue
        try:
            lapsed = has_lapsed(fee_payment_due(fee.notice_received_on, cal), None, today)
        except CalendarError as exc:
            result.problems.append(f"{case.number}：{clock.chinese_message(exc)}")
            continue
        if lapsed:
            _lapse(actor, case, Action.LAPSE_FEE, result)
    open_states = [s.value for s in CaseState if s not in CLOSED_STATES]
    result.recomputed = recompute_waiting_due_dates(actor, cal)
    try:
        horizon = add_workdays(today, DUE_SOON_WORKDAYS, cal)
    except CalendarError as exc:
        result.problems.append(clock.chinese_message(exc))
        return result
    due_soon = Case.objects.filter(state__in=open_states, due_on__gte=today, due_on__lte=horizon).select_related("body")
    for case in due_soon:
        _remind(actor, case, result)
    return result


def recompute_waiting_due_dates(actor, cal=None) -> list[str]:
    """Compute the due dates that waited for holiday data (open cases with ``due_error``), each in
    its own transaction with a ``request.due_date_changed`` entry; return the case numbers whose
    date is now known. Run by the tick and as soon as a calendar year is loaded."""
    cal = cal or work_calendar()
    open_states = [s.value for s in CaseState if s not in CLOSED_STATES]
    recomputed = []
    for case in Case.objects.filter(state__in=open_states).exclude(due_error="").order_by("pk"):
        with transaction.atomic():
            before = case.due_on
            clock.refresh_due_date(case, cal)
            if not case.due_error:
                audit.record("request.due_date_changed", actor, case, {"old": before, "new": case.due_on,
                                                                     "reason": "节假日数据已载入"}, label=case.number)
                recomputed.append(case.number)
    return recomputed


def on_calendar_loaded(sender, *, year: int, actor, **kwargs) -> str | None:
    """Receiver of ``core.services.calendar.calendar_loaded``: the waiting cases get their dates at once."""
    recomputed = recompute_waiting_due_dates(actor)
    return f"已计算 {len(recomputed)} 件依申请公开案件的答复期限" if recomputed else None


def _lapse(actor, case: Case, action: Action, result: TickResult) -> None:
    try:
        transition(actor, case, action)
        result.lapsed.append(case.number)
    except ServiceError as exc:
        result.problems.append(f"{case.number}：{'；'.join(exc.messages)}")


def _remind(actor, case: Case, result: TickResult) -> None:
    handlers = (Membership.objects.filter(body=case.body, role=Role.REQUEST_HANDLER, user__is_active=True)
                .exclude(user__email="").values_list("user__email", flat=True))
    emails = sorted(set(handlers))
    try:
        with transaction.atomic():
            Reminder.objects.create(case=case, due_on=case.due_on, recipients=len(emails))
            audit.record("request.reminder_sent", actor, case, {"due_on": case.due_on, "recipients": len(emails)},
                         label=case.number)
    except IntegrityError:
        return  # already reminded for this due date
    result.reminded.append(case.number)
    if emails:
        subject = f"【依申请公开】{case.number} 将于 {case.due_on.isoformat()} 到期"
        body = (f"政府信息公开申请 {case.number}（{case.subject}）的答复期限为 {case.due_on.isoformat()}，"
                f"当前状态：{CaseState(case.state).label}。请及时办理。")
        transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails,
                                                fail_silently=True))
