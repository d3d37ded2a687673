"""The one place a case's due date is computed (style practice 4) and its status derived on read.

``refresh_due_date`` feeds the stored rows (receipt date, 补正 dates, pauses, the extension) to
``rules.deadlines.compute_due_date``, caches the result on the case and records every new step of
the trail as a DueDateChange row (old value, new value, legal basis). When the count runs into a
year without holiday data the due date is left empty and ``due_error`` carries the Chinese message
(CalendarYearMissing): never a guessed date. Status (on time / due soon / overdue / paused /
closed) is derived when read (``case_clock``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from gongkai.core.selectors import work_calendar
from gongkai.requests.models import Case, DueDateChange
from gongkai.rules.case_flow import CLOSED_STATES, CaseState
from gongkai.rules.deadlines import (
    ClockInputs,
    ClockStatus,
    Correction,
    DueDate,
    Extension,
    Pause,
    PauseKind,
    clock_status,
    compute_due_date,
)
from gongkai.rules.workdays import CalendarError, WorkCalendar


def fee_pause_enabled() -> bool:
    """Whether a fee notice stops the reply clock: ``GONGKAI_REQUEST_FEE_PAUSE``, on by default
    (domain facts §3.4 recalls that the 办法 excludes the payment period; UNCONFIRMED, so a
    deployment that reads it otherwise turns it off)."""
    return bool(getattr(settings, "GONGKAI_REQUEST_FEE_PAUSE", True))


def chinese_message(exc: Exception) -> str:
    """The Chinese part of a rules error (CalendarYearMissing appends an English hint)."""
    return str(exc).split(" (no holiday")[0]


def clock_inputs(case: Case) -> ClockInputs:
    correction = None
    if case.correction_requested_on:
        correction = Correction(case.correction_requested_on, case.correction_received_on)
    extension = None
    if case.extension_approved_on:
        extension = Extension(case.extension_approved_on, case.extension_workdays or 20)
    pauses = tuple(Pause(PauseKind(p.kind), p.start, p.end) for p in case.pauses.order_by("start", "pk"))
    return ClockInputs(case.received_on, correction, pauses, extension)


def compute(case: Case, cal: WorkCalendar | None = None) -> DueDate:
    """Pure computation from the stored rows; raises DeadlineError or CalendarError."""
    return compute_due_date(clock_inputs(case), cal or work_calendar(), fee_pause=fee_pause_enabled())


def refresh_due_date(case: Case, cal: WorkCalendar | None = None) -> list[DueDateChange]:
    """Recompute and cache ``case.due_on``; return the DueDateChange rows written now.

    Call inside the service's transaction. Raises DeadlineError (inconsistent dates, e.g. an
    extension approved after the due date) for the service to turn into a ServiceError. A missing
    calendar year is not raised: it is stored in ``due_error`` and shown on the case screen.
    """
    try:
        result = compute(case, cal)
    except CalendarError as exc:
        case.due_on, case.due_error = None, chinese_message(exc)[:300]
        case.save(update_fields=["due_on", "due_error", "updated_at"])
        return []
    case.due_on, case.due_error = result.due, ""
    case.save(update_fields=["due_on", "due_error", "updated_at"])
    existing = list(case.due_changes.order_by("seq"))
    written: list[DueDateChange] = []
    for seq, step in enumerate(result.trail):
        if seq < len(existing):
            row = existing[seq]
            if (row.on, row.effect, row.old_due, row.new_due) == (step.on, step.effect.value, step.old_due,
                                                                    step.new_due):
                continue
            # The inputs were corrected (an import update): the rest of the trail is recorded anew.
            DueDateChange.objects.filter(case=case, seq__gte=seq).delete()
            existing = existing[:seq]
        written.append(DueDateChange.objects.create(
            case=case, seq=seq, on=step.on, effect=step.effect.value, old_due=step.old_due, new_due=step.new_due,
            basis=step.basis[:200], note=step.note[:300], warning=step.warning[:300]))
    if len(existing) > len(result.trail):
        DueDateChange.objects.filter(case=case, seq__gte=len(result.trail)).delete()
    return written


@dataclass(frozen=True)
class ClockView:
    status: ClockStatus | None  # None: cannot be computed (see error)
    due: dt.date | None
    error: str = ""

    @property
    def label(self) -> str:
        return self.status.label if self.status else "期限无法计算"

    @property
    def code(self) -> str:
        return self.status.value if self.status else "error"


def today() -> dt.date:
    return timezone.localdate()


def case_clock(case: Case, cal: WorkCalendar, on: dt.date | None = None) -> ClockView:
    """The case's deadline status today (derived on read, 条例第三十三条)."""
    if CaseState(case.state) in CLOSED_STATES:
        return ClockView(ClockStatus.CLOSED, case.due_on)
    if case.due_error:
        return ClockView(None, None, case.due_error)
    try:
        return ClockView(clock_status(case.due_on, on or today(), cal), case.due_on)
    except CalendarError as exc:
        return ClockView(None, case.due_on, chinese_message(exc))
