"""Read side of the 村务公开目录: each item's state on a date (derived on read from the postings,
``catalogue_schedule``), the township dashboard, the county overview and the public village page.
A few queries per screen whatever the number of villages (items and posting keys in bulk)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, Q

from gongkai.core.models import Body, BodyKind
from gongkai.villages import catalogue_schedule
from gongkai.villages.catalogue_schedule import ItemStatus, State
from gongkai.villages.models import (
    AffairsCategory,
    CataloguePosting,
    PostingPhoto,
    VillageCatalogue,
    VillageCatalogueItem,
)


@dataclass
class ItemRow:
    item: VillageCatalogueItem
    status: ItemStatus
    latest: CataloguePosting | None = None


@dataclass
class VillageRow:
    village: Body
    catalogue: VillageCatalogue | None
    items: list[ItemRow] = field(default_factory=list)

    @property
    def late(self) -> list[ItemRow]:
        return [r for r in self.items if r.status.state is State.LATE]

    @property
    def due(self) -> list[ItemRow]:
        return [r for r in self.items if r.status.state is State.DUE]

    @property
    def late_periods(self) -> int:
        return sum(len(r.status.late) for r in self.late)


def village_rows(villages: list[Body], today: dt.date, *, with_latest: bool = False,
                 with_stopped_postings: bool = False) -> list[VillageRow]:
    """One row per village (in the given order) with the state of each active item on ``today``;
    with ``with_stopped_postings`` also the stopped items that have postings (the public page keeps
    what was posted)."""
    catalogues = {c.village_id: c for c in VillageCatalogue.objects.filter(village__in=villages)}
    in_use = Q(is_active=True)
    if with_stopped_postings:
        in_use |= Q(is_active=False, postings__isnull=False)
    items = list(VillageCatalogueItem.objects.filter(in_use, catalogue__in=catalogues.values()).distinct()
                 .order_by("catalogue_id", "position", "pk"))
    keys: dict[int, set[str]] = defaultdict(set)
    last: dict[int, dt.date] = {}
    for item_id, key, posted_on in CataloguePosting.objects.filter(item__in=items).values_list(
            "item_id", "period_key", "posted_on"):
        keys[item_id].add(key)
        if item_id not in last or posted_on > last[item_id]:
            last[item_id] = posted_on
    latest: dict[int, CataloguePosting] = {}
    if with_latest:
        for posting in (CataloguePosting.objects.filter(item__in=items).order_by("item_id", "-posted_on", "-pk")
                        .prefetch_related(Prefetch("photos", queryset=PostingPhoto.objects.order_by("position")))):
            latest.setdefault(posting.item_id, posting)
    by_id = {c.pk: c for c in catalogues.values()}
    by_catalogue: dict[int, list[ItemRow]] = defaultdict(list)
    for item in items:
        catalogue = by_id[item.catalogue_id]
        status = catalogue_schedule.item_status(item.cadence, item.due_from(catalogue), keys.get(item.pk, ()),
                                                today, last.get(item.pk))
        posting = latest.get(item.pk)
        if posting is not None:
            posting.item = item  # the period label reads the item's cadence: no query per posting
        by_catalogue[item.catalogue_id].append(ItemRow(item, status, posting))
    rows = []
    for v in villages:
        c = catalogues.get(v.pk)
        rows.append(VillageRow(v, c, by_catalogue.get(c.pk, []) if c else []))
    return rows


def villages_of(body: Body) -> list[Body]:
    return list(Body.objects.filter(kind=BodyKind.VILLAGE, is_active=True, path__startswith=body.path)
                .order_by("path"))


def township_dashboard(township: Body, today: dt.date) -> list[VillageRow]:
    """The township's villages, each with its late and due items (the township's 村务公开 watch)."""
    return village_rows(villages_of(township), today)


@dataclass
class TownshipSummary:
    township: Body
    villages: int
    without_catalogue: int
    late_villages: int
    late_items: int
    due_items: int


def county_overview(county: Body, today: dt.date) -> list[TownshipSummary]:
    """Counts per township for the county office; each links to the township dashboard."""
    townships = list(Body.objects.filter(kind=BodyKind.TOWNSHIP, is_active=True, path__startswith=county.path)
                     .order_by("path"))
    rows = village_rows(villages_of(county), today)
    out = []
    for t in townships:
        mine = [r for r in rows if r.village.path.startswith(t.path)]
        out.append(TownshipSummary(t, len(mine), sum(1 for r in mine if r.catalogue is None),
                                   sum(1 for r in mine if r.late), sum(len(r.late) for r in mine),
                                   sum(len(r.due) for r in mine)))
    return out


@dataclass
class CategorySection:
    code: str
    label: str
    rows: list[ItemRow]


def public_catalogue(village: Body, today: dt.date) -> list[CategorySection]:
    """The village's catalogue for the public page: 党务, 村务, 财务, each item with its latest
    posting and photos (none of the lateness, which is the township's working view)."""
    row = village_rows([village], today, with_latest=True, with_stopped_postings=True)[0]
    if row.catalogue is None:
        return []
    return [CategorySection(code, str(label), [r for r in row.items if r.item.category == code])
            for code, label in AffairsCategory.choices]


def recent_postings(item: VillageCatalogueItem, limit: int = 12) -> list[CataloguePosting]:
    return list(item.postings.order_by("-posted_on", "-pk").prefetch_related("photos")[:limit])


def last_posted_on(villages: list[Body]) -> dict[int, dt.date]:
    """Village id → the date of its latest catalogue posting (the township's public page)."""
    return dict(CataloguePosting.objects.filter(item__catalogue__village__in=villages)
                .values("item__catalogue__village").annotate(last=Max("posted_on"))
                .values_list("item__catalogue__village", "last"))


def watch_scopes(user) -> tuple[list[Body], list[Body], list[Body]]:
    """(counties, townships, villages) whose catalogues ``user`` watches: counties and townships
    where rules.can_view_village_lateness, the villages where ``user`` is the clerk."""
    from gongkai.core import rules
    from gongkai.core.models import Membership, Role

    if rules.is_platform_operator(user):
        counties = list(Body.objects.filter(kind=BodyKind.COUNTY, is_active=True).order_by("path"))
    else:
        counties = [c for c in Body.objects.filter(kind=BodyKind.COUNTY, is_active=True).order_by("path")
                    if rules.can_view_village_lateness(user, c)]
    townships = [t for t in rules.bodies_visible_to(user).filter(kind=BodyKind.TOWNSHIP, is_active=True)
                 .order_by("path") if rules.can_view_village_lateness(user, t)]
    villages = [m.body for m in Membership.objects.select_related("body").filter(
        user=user, role=Role.VILLAGE_CLERK, body__is_active=True).order_by("body__path")]
    return counties, townships, villages


@dataclass
class LateItems:
    scope: Body  # the county, township or village whose screen lists them
    per_body: dict[int, int]  # township (county scope) or village id → late items


def late_items_for(user, today: dt.date) -> list[LateItems]:
    """Late catalogue items ``user`` watches, once each: the county office's by township
    (``county_overview``), a township's by village (``township_dashboard``), a clerk's own village."""
    counties, townships, villages = watch_scopes(user)
    out = [LateItems(c, {s.township.pk: s.late_items for s in county_overview(c, today) if s.late_items})
           for c in counties]
    covered = [c.path for c in counties]
    for t in townships:
        if not any(t.path.startswith(p) for p in covered):
            out.append(LateItems(t, {r.village.pk: len(r.late) for r in township_dashboard(t, today) if r.late}))
            covered.append(t.path)
    mine = [v for v in villages if not any(v.path.startswith(p) for p in covered)]
    out.extend(LateItems(r.village, {r.village.pk: len(r.late)} if r.late else {}) for r in village_rows(mine, today))
    return out


@dataclass
class MonthlyPostings:
    posted: list[int]
    on_time: list[int]


def monthly_posting_punctuality(county: Body, months: list[tuple[int, int]]) -> MonthlyPostings:
    """Per calendar month of ``months``: postings by the villages of ``county`` whose period was due
    that month (``catalogue_schedule.due_date``), and of them those posted by their due date."""
    first = dt.date(*months[0], 1)
    index = {m: k for k, m in enumerate(months)}
    out = MonthlyPostings([0] * len(months), [0] * len(months))
    rows = (CataloguePosting.objects.filter(item__catalogue__village__path__startswith=county.path,
                                            period_end__gte=first - dt.timedelta(days=400))
            .exclude(period_key="").values_list("item__cadence", "period_key", "posted_on"))
    for cadence, key, posted_on in rows:
        try:
            due = catalogue_schedule.due_date(catalogue_schedule.period_for_key(cadence, key))
        except catalogue_schedule.PeriodError:
            continue
        k = index.get((due.year, due.month))
        if k is not None:
            out.posted[k] += 1
            out.on_time[k] += posted_on <= due
    return out
