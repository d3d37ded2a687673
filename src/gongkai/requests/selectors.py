"""Read-side queries for 依申请公开 cases: what a user may see, dashboard counts, status filters."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from gongkai.core import rules
from gongkai.core.models import Body, BodyKind, Membership, Role
from gongkai.requests.models import Case
from gongkai.requests.services.clock import case_clock
from gongkai.rules.case_flow import CLOSED_STATES
from gongkai.rules.deadlines import DUE_SOON_WORKDAYS
from gongkai.rules.workdays import CalendarError, WorkCalendar, add_workdays

CASE_ROLES = {Role.REQUEST_HANDLER, Role.APPROVING_LEADER, Role.OFFICE_ADMIN}
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
