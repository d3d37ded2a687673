"""What the public may read about 依申请公开 cases: the status of one's own application (query
code + last 4 digits of the ID number or phone), and the reading room of published answers.

Never applicant data: the status view carries the state, the stage dates and the due date only;
the reading room only the title and summary the body wrote when it chose to publish.

The status lookup is rate-limited in the shared cache (``gongkai.core.limits``, the same counts
for every worker): per client address and per query code, so neither guessing codes from one
address nor guessing the 4 digits of one code from many addresses gets far. An unknown code and
wrong digits give the same answer.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from gongkai.core import limits
from gongkai.core.selectors import work_calendar
from gongkai.requests.models import Case
from gongkai.requests.services.cases import CODE_ALPHABET
from gongkai.requests.services.clock import case_clock
from gongkai.rules.case_flow import Action, CaseState
from gongkai.rules.deadlines import REPLY_WORKDAYS
from gongkai.rules.workdays import CalendarYearMissing, add_workdays

PER_ADDRESS = limits.STATUS_LOOKUPS_PER_ADDRESS  # every lookup counts
PER_CODE = limits.STATUS_FAILURES_PER_CODE  # failed lookups only
_PUBLIC_ACTIONS = {"register": "收到申请"} | {a.value: a.label for a in Action}


@dataclass(frozen=True)
class Stage:
    on: dt.date
    label: str


@dataclass(frozen=True)
class PublicStatus:
    """The applicant's view of their case: no names, no notes, no other applicant's data."""

    query_code: str
    body_name: str
    state_label: str
    received_on: dt.date
    due_on: dt.date | None
    clock_label: str
    clock_code: str
    decided_on: dt.date | None
    stages: tuple[Stage, ...]
    closed: bool
    correction_due: dt.date | None = None  # the applicant's last day to correct, while awaited


def normalise_code(code: str) -> str:
    code = (code or "").strip().upper().replace(" ", "")
    if len(code) == 12 and code[4] != "-":
        code = f"{code[:4]}-{code[4:]}"
    return code


def is_well_formed(code: str) -> bool:
    return (len(code) == 13 and code[:4].isdigit() and code[4] == "-"
            and all(c in CODE_ALPHABET for c in code[5:]))


def refusal(ip: str, code: str) -> limits.Decision | None:
    """The refusal when this address or this code has used up its attempts (checked before the
    lookup, which counts), else None."""
    return limits.first_refusal(PER_ADDRESS.check(ip), PER_CODE.check(normalise_code(code)))


def _matches(case: Case, digits: str) -> bool:
    applicant = getattr(case, "applicant", None)
    if applicant is None:
        return False
    wanted = digits.strip().upper()
    tails = [applicant.id_number.strip().upper()[-4:], "".join(c for c in applicant.phone if c.isdigit())[-4:]]
    ok = False
    for tail in tails:
        # Compare every candidate in constant time; an empty field never matches.
        ok |= len(tail) == 4 and hmac.compare_digest(tail.encode(), wanted.encode())
    return ok


def awaited_calendar_year(on: dt.date | None = None) -> int | None:
    """The year whose holiday days are not yet loaded, if a reply period starting ``on`` (today)
    runs into it (条例第三十三条第二款, 20 working days): the applicant is told that the date is set
    when that year's arrangement is published, instead of a bare "另行告知"."""
    from django.utils import timezone

    try:
        add_workdays(on or timezone.localdate(), REPLY_WORKDAYS, work_calendar())
    except CalendarYearMissing as exc:
        return exc.year
    return None


def lookup(ip: str, code: str, digits: str) -> PublicStatus | None:
    """The status of the case with query ``code`` if ``digits`` are the last 4 of its applicant's ID
    number or phone, else None (the same for an unknown code). Counts the attempt against ``ip``
    and, when it fails, against the code; call :func:`refusal` first."""
    code = normalise_code(code)
    PER_ADDRESS.hit(ip)
    case = None
    if is_well_formed(code) and len(digits.strip()) == 4:
        case = Case.objects.select_related("body", "applicant").filter(query_code=code).first()
    if case is None or not _matches(case, digits):
        PER_CODE.hit(code)
        return None
    view = case_clock(case, work_calendar())
    clock_label = view.label
    if view.status is None and case.due_error:
        waiting = awaited_calendar_year(case.received_on)
        if waiting:
            clock_label = f"待{waiting}年节假日安排公布后确定"
    stages = tuple(Stage(e.on, _PUBLIC_ACTIONS.get(e.action, "办理")) for e in case.events.order_by("on", "at", "pk"))
    return PublicStatus(
        query_code=case.query_code, body_name=case.body.name, state_label=CaseState(case.state).label,
        received_on=case.received_on, due_on=case.due_on, clock_label=clock_label, clock_code=view.code,
        decided_on=case.decided_on, stages=stages, closed=case.decided_on is not None,
        correction_due=case.correction_period_end if case.state == CaseState.CORRECTION_REQUESTED else None)


def published_answers(county):
    """Answered cases of ``county`` that their body chose to publish (services.publication), newest
    first; only the public fields are loaded."""
    if county is None:
        return Case.objects.none()
    return (Case.objects.filter(published_at__isnull=False, body__path__startswith=county.path)
            .select_related("body").only("public_title", "public_summary", "received_on", "decided_on",
                                         "disposition", "published_at", "body__name")
            .order_by("-decided_on", "-pk"))
