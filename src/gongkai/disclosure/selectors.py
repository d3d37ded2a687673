"""Read-side queries for records: what the public may see, and each record's timeliness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet
from django.utils import timezone
from wagtail.models import WorkflowState

from gongkai.core.models import Body
from gongkai.core.selectors import work_calendar
from gongkai.disclosure.models import Record
from gongkai.rules.timeliness import TimeLimit, Timeliness, assess
from gongkai.rules.workdays import CalendarError


def public_records(county: Body | None = None) -> QuerySet[Record]:
    """Records the public may see: live ones only. Drafts, records in review and withdrawn
    records are never returned, whatever the filters."""
    records = Record.objects.filter(live=True).select_related("body")
    if county is not None:
        records = records.filter(body__path__startswith=county.path)
    return records.order_by("-first_published_at", "-pk")


def filter_records(records: QuerySet[Record], *, body: Body | None = None, doc_type: str = "",
                   year: int | None = None, area: str = "", item: int | None = None) -> QuerySet[Record]:
    """Narrow ``records`` by body, document type, publication year, standard area (its code:
    records linked to any item of that area) and catalogue item."""
    if body is not None:
        records = records.filter(body=body)
    links = Record.catalogue_items.through.objects
    if area:
        records = records.filter(pk__in=links.filter(catalogueitem__area__code=area).values("record_id"))
    if item:
        records = records.filter(pk__in=links.filter(catalogueitem_id=item).values("record_id"))
    if doc_type:
        records = records.filter(doc_type=doc_type)
    if year:
        records = records.filter(first_published_at__year=year)
    return records


def area_counts(records: QuerySet[Record]) -> dict[str, int]:
    """How many of ``records`` are linked to each standard area (by area code)."""
    rows = (Record.catalogue_items.through.objects.filter(record_id__in=records.order_by().values("pk"))
            .values("catalogueitem__area__code").annotate(n=Count("record_id", distinct=True)))
    return {row["catalogueitem__area__code"]: row["n"] for row in rows}


def item_counts(records: QuerySet[Record]) -> dict[int, int]:
    """How many of ``records`` are linked to each catalogue item (by item id)."""
    rows = (Record.catalogue_items.through.objects.filter(record_id__in=records.order_by().values("pk"))
            .values("catalogueitem_id").annotate(n=Count("record_id", distinct=True)))
    return {row["catalogueitem_id"]: row["n"] for row in rows}


def record_counts(county: Body) -> dict[int, int]:
    """Public record count per body id."""
    rows = public_records(county).order_by().values("body_id").annotate(n=Count("pk"))
    return {row["body_id"]: row["n"] for row in rows}


_SEVERITY = [Timeliness.OVERDUE, Timeliness.LATE, Timeliness.PENDING, Timeliness.ON_TIME, Timeliness.UNCHECKED]


def time_limits(record: Record) -> list[TimeLimit]:
    """The 公开时限 that apply: those of the record's catalogue items, or 条例 Art. 26's 20 working
    days when it is linked to none."""
    limits = [item.time_limit for item in record.catalogue_items.all()]
    return limits or [TimeLimit.art_26()]


def timeliness(record: Record, today: dt.date | None = None, cal=None) -> Timeliness | None:
    """Whether the record met its 公开时限 (the strictest verdict over its catalogue items; 条例
    Art. 26 by default). None when the calendar cannot answer: a year without holiday data is never
    guessed."""
    published = record.first_published_at and timezone.localtime(record.first_published_at).date()
    try:
        cal = cal or work_calendar()
        verdicts = [assess(record.formed_date, published, today or timezone.localdate(), limit, cal)
                    for limit in time_limits(record)]
    except CalendarError:
        return None
    return min(verdicts, key=_SEVERITY.index)


# --- The admin workbench (issue 14 §1) -----------------------------------------------------------

def _record_ids(states) -> list[int]:
    """The records of workflow or task states (WorkflowState.object_id is text)."""
    field = "object_id" if states.model is WorkflowState else "workflow_state__object_id"
    return [int(k) for k in states.values_list(field, flat=True) if str(k).isdigit()]


def _by_body(record_ids: list[int]) -> dict[int, int]:
    rows = Record.objects.filter(pk__in=record_ids).order_by().values("body_id").annotate(n=Count("pk"))
    return {row["body_id"]: row["n"] for row in rows}


def reviews_awaiting(user) -> dict[int, int]:
    """{body id: records waiting at a 保密审查 or 审核 step ``user`` may decide} — the steps' own
    scope (disclosure.workflow.moderatable_states, through Wagtail's task API)."""
    from gongkai.disclosure.models import ConfidentialityReviewTask, LeaderApprovalTask

    ids: list[int] = []
    for model in (ConfidentialityReviewTask, LeaderApprovalTask):
        for task in model.objects.filter(active=True):
            ids.extend(_record_ids(task.get_task_states_user_can_moderate(user)))
    return _by_body(ids)


def reviews_in_county(county: Body) -> dict[int, int]:
    """{body id: records of ``county`` in review} (the county office's oversight)."""
    states = WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS,
                                          base_content_type=ContentType.objects.get_for_model(Record))
    ids = set(_record_ids(states))
    return _by_body(list(Record.objects.filter(pk__in=ids, body__path__startswith=county.path)
                         .values_list("pk", flat=True)))


def sent_back_to(user) -> dict[int, int]:
    """{body id: records ``user`` submitted that a reviewer or leader sent back (退回修改) and that
    ``user`` may still draft (rules.can_draft_record)}."""
    from gongkai.core import rules

    states = WorkflowState.objects.filter(status=WorkflowState.STATUS_NEEDS_CHANGES, requested_by=user,
                                          base_content_type=ContentType.objects.get_for_model(Record))
    counts = _by_body(_record_ids(states))
    bodies = Body.objects.in_bulk(list(counts))
    return {pk: n for pk, n in counts.items() if rules.can_draft_record(user, bodies[pk])}


@dataclass
class MonthlyPublication:
    published: list[int]
    on_time: list[int]
    unchecked: list[int]  # no verdict: the calendar of that year is missing


def monthly_publication(county: Body, months: list[tuple[int, int]], cal=None) -> MonthlyPublication:
    """Per calendar month of ``months``: records of ``county`` first published that month, and of
    them those published within their 公开时限 (``timeliness``: the catalogue items' limits, 条例第
    二十六条's 20 working days by default)."""
    first = dt.date(*months[0], 1)
    start = timezone.make_aware(dt.datetime(first.year, first.month, 1))
    index = {m: k for k, m in enumerate(months)}
    out = MonthlyPublication([0] * len(months), [0] * len(months), [0] * len(months))
    cal = cal or work_calendar()
    records = (Record.objects.filter(body__path__startswith=county.path, first_published_at__gte=start)
               .only("pk", "formed_date", "first_published_at").prefetch_related("catalogue_items").order_by())
    for record in records:
        day = timezone.localtime(record.first_published_at).date()
        k = index.get((day.year, day.month))
        if k is None:
            continue
        out.published[k] += 1
        verdict = timeliness(record, day, cal)
        if verdict is None or verdict is Timeliness.UNCHECKED:
            out.unchecked[k] += 1
        elif verdict is Timeliness.ON_TIME:
            out.on_time[k] += 1
    return out
