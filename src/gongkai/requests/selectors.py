"""Read-side queries for 依申请公开 cases: what a user may see, dashboard counts, status filters."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from gongkai.core import rules
from gongkai.core.models import Body, BodyKind, Membership, Role
from gongkai.requests.models import Case, Letter
from gongkai.requests.services.clock import case_clock
from gongkai.rules.case_flow import CLOSED_STATES
from gongkai.rules.deadlines import DUE_SOON_WORKDAYS
from gongkai.rules.workdays import CalendarError, WorkCalendar, add_workdays

CASE_ROLES = rules.CASE_ROLES
CLOSED = [s.value for s in CLOSED_STATES]


def cases_visible_to(user):
    """Cases ``user`` may see in the admin (rules.can_view_case), oldest receipt first."""
    qs = Case.objects.select_related("body").order_by("received_on", "pk")
    if rules.is_platform_operator(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    ids: set[int] = set()
    for m in Membership.objects.select_related("body").filter(user=user, role__in=CASE_ROLES, body__is_active=True):
        if m.role == Role.OFFICE_ADMIN:
            county = m.body.get_county()
            if county is not None:
                ids.update(Body.get_tree(county).values_list("pk", flat=True))
        else:
            ids.add(m.body.pk)
            ids.update(m.body.get_descendants().filter(kind=BodyKind.SECTION).values_list("pk", flat=True))
    return qs.filter(body_id__in=ids)


def case_submitted_with(token: str) -> Case | None:
    """The case an online form with this one-time token already registered (a resubmission)."""
    return Case.objects.filter(submission_token=token).first() if token else None


def filter_status(qs, status: str, today: dt.date, cal: WorkCalendar):
    """Narrow ``qs`` to a derived status (the same thresholds as rules.deadlines.clock_status)."""
    open_qs = qs.exclude(state__in=CLOSED)
    if status == "closed":
        return qs.filter(state__in=CLOSED)
    if status == "error":
        return open_qs.exclude(due_error="")
    if status == "paused":
        return open_qs.filter(due_on__isnull=True, due_error="")
    if status == "overdue":
        return open_qs.filter(due_on__lt=today)
    try:
        horizon = add_workdays(today, DUE_SOON_WORKDAYS, cal)
    except CalendarError:
        return open_qs.none()
    if status == "due_soon":
        return open_qs.filter(due_on__gte=today, due_on__lte=horizon)
    if status == "on_time":
        return open_qs.filter(due_on__gt=horizon)
    return qs


def status_counts(qs, today: dt.date, cal: WorkCalendar) -> Counter:
    counts: Counter = Counter()
    for case in qs.select_related(None).only("state", "due_on", "due_error"):
        counts[case_clock(case, cal, today).code] += 1
    return counts


def handled_cases(user):
    """The visible cases ``user`` may also handle (rules.can_handle_case): a 审核领导 sees cases to
    approve extensions but does not answer them, so their deadlines are not their to-do."""
    qs = cases_visible_to(user)
    if rules.is_platform_operator(user):
        return qs
    bodies = Body.objects.filter(pk__in=qs.order_by().values("body_id"))
    return qs.filter(body_id__in=[b.pk for b in bodies if rules.can_handle_case(user, b)])


def unsent_letters(cases):
    """Letters generated for ``cases`` and not yet recorded as sent (送达登记)."""
    return Letter.objects.filter(case__in=cases.order_by().values("pk"), sent_at__isnull=True)


def with_unsent_letters(cases):
    return cases.filter(pk__in=unsent_letters(cases).values("case_id"))


def counts_by_body(qs) -> dict[int, int]:
    """{body id: number of rows} of a queryset of cases or letters."""
    return {row["body_id"]: row["n"] for row in qs.order_by().values("body_id").annotate(n=Count("pk"))}


@dataclass
class MonthlyCases:
    received: list[int]
    answered: list[int]
    answered_late: list[int]


def monthly_cases(county: Body, months: list[tuple[int, int]]) -> MonthlyCases:
    """Per calendar month of ``months``: cases received (收到申请之日), answered (答复（办结）日期) and
    answered after their due date (答复期限, as the clock left it), for the bodies of ``county``."""
    first = dt.date(*months[0], 1)
    index = {m: k for k, m in enumerate(months)}
    out = MonthlyCases([0] * len(months), [0] * len(months), [0] * len(months))
    in_county = Case.objects.filter(body__path__startswith=county.path).order_by()
    for received_on in in_county.filter(received_on__gte=first).values_list("received_on", flat=True):
        k = index.get((received_on.year, received_on.month))
        if k is not None:
            out.received[k] += 1
    for decided_on, due_on in in_county.filter(decided_on__gte=first).values_list("decided_on", "due_on"):
        k = index.get((decided_on.year, decided_on.month))
        if k is not None:
            out.answered[k] += 1
            out.answered_late[k] += bool(due_on and decided_on > due_on)
    return out
