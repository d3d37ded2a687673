"""Read-side queries for records: what the public may see, and each record's timeliness."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.utils import timezone

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
