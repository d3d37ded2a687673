"""Read-side queries for the public site: which bodies a county shows, and where their guides live."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Body, BodyKind

# Bodies that publish a 政府信息公开指南 and accept applications: every level of local government
# including 乡镇, and county departments (Art. 27 of the 条例). 村（居）委会 are self-governing
# organisations, not administrative organs; their 村务公开 follows the 村民委员会组织法 instead.
GUIDE_KINDS = (BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP)

GROUP_LABELS = {
    BodyKind.COUNTY: _("县政府"),
    BodyKind.DEPARTMENT: _("县直部门"),
    BodyKind.TOWNSHIP: _("乡镇（街道）"),
}


@dataclass(frozen=True)
class BodyGroup:
    kind: str
    label: str
    bodies: list[Body]


def place_name(county: Body) -> str:
    """The county's place name: 青山县人民政府 → 青山县 (a name without the suffix is kept)."""
    name = county.name.strip()
    return name.removesuffix("人民政府") or name


def guide_bodies(county: Body | None) -> QuerySet[Body]:
    """Active disclosure bodies of ``county`` (itself included) in tree order."""
    if county is None:
        return Body.objects.none()
    return Body.objects.filter(
        path__startswith=county.path, kind__in=GUIDE_KINDS, is_active=True, code__isnull=False
    ).order_by("path")


def body_groups(county: Body | None) -> list[BodyGroup]:
    """The county's disclosure bodies grouped 县政府 / 县直部门 / 乡镇（街道）, empty groups kept."""
    by_kind: dict[str, list[Body]] = {kind: [] for kind in GUIDE_KINDS}
    for body in guide_bodies(county):
        by_kind[body.kind].append(body)
    return [BodyGroup(kind, GROUP_LABELS[kind], bodies) for kind, bodies in by_kind.items()]


def competent_office(county: Body | None) -> Body | None:
    """The county's 政府信息公开工作主管部门 (县政府办公室), which takes complaints (Art. 47, 51)."""
    if county is None:
        return None
    return (
        Body.objects.filter(path__startswith=county.path, is_competent_office=True, is_active=True)
        .order_by("path")
        .first()
    )


LATEST_RECORDS = 10


def latest_records(county: Body | None, limit: int = LATEST_RECORDS) -> list:
    """最新公开: the county's most recently published records (public_records: live only), newest
    first, with their bodies, for the home page and the 政府信息公开 column."""
    from gongkai.disclosure.selectors import public_records

    if county is None:
        return []
    return list(public_records(county)[:limit])


def body_profile(body: Body) -> dict:
    """机构信息 of a disclosure body for its public page: the registered profile (the same fields
    the 政府信息公开指南 is generated from), its internal sections (内设机构), and its published
    personnel information (人事信息: 领导信息, 任免), newest first."""
    from gongkai.disclosure.models import DocumentType
    from gongkai.disclosure.selectors import public_records

    sections = list(body.get_children().filter(kind=BodyKind.SECTION, is_active=True).order_by("path"))
    personnel = list(public_records().filter(body=body, doc_type=DocumentType.PERSONNEL)[:10])
    return {"sections": sections, "personnel": personnel}


def guide_index_for(body: Body, request=None):
    """The live GuideIndexPage of ``body``'s county site, or None. Cached on the request."""
    from gongkai.portal.models import GuideIndexPage, HomePage

    county_path = body.path[: Body.steplen]  # counties are tree roots
    cache = getattr(request, "_portal_guide_index", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._portal_guide_index = cache
    if county_path not in cache:
        home = HomePage.objects.filter(county__path=county_path).live().first()
        cache[county_path] = GuideIndexPage.objects.descendant_of(home).live().first() if home else None
    return cache[county_path]


def guide_url(body: Body, request=None) -> str | None:
    """URL of ``body``'s 政府信息公开指南 (``<guide index url><code>/``), or None if it has none."""
    if not body.code or body.kind not in GUIDE_KINDS:
        return None
    index = guide_index_for(body, request)
    return index.body_url(body, request) if index else None


# --- record lists: filters and the area → item navigation ---------------------------------------

YEAR_RANGE = (2000, 2100)


@dataclass(frozen=True)
class RecordListing:
    """The filters of a public record list, read leniently from a query string: a value that is
    not valid is dropped (the list shows everything rather than an error page), and ``problems``
    says what was dropped so the page can tell the visitor."""

    doc_type: str = ""
    year: int | None = None
    area_code: str = ""
    item_id: int | None = None
    body_code: str = ""
    problems: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query, *, body: Body | None = None, county: Body | None = None) -> RecordListing:
        from gongkai.catalog.models import StandardArea
        from gongkai.disclosure.models import DocumentType

        problems: list[str] = []
        doc_type = query.get("type", "").strip()
        if doc_type and doc_type not in DocumentType.values:
            problems.append(str(_("文件类型无效，已忽略")))
            doc_type = ""
        year_text = query.get("year", "").strip()
        year = None
        if year_text:
            if year_text.isdigit() and YEAR_RANGE[0] <= int(year_text) <= YEAR_RANGE[1]:
                year = int(year_text)
            else:
                problems.append(str(_("年份应为四位数字，如 2026，已忽略")))
        area_code = query.get("area", "").strip()
        if area_code and not StandardArea.objects.filter(code=area_code).exists():
            problems.append(str(_("领域无效，已忽略")))
            area_code = ""
        item_text = query.get("item", "").strip()
        item_id = int(item_text) if item_text.isdigit() and area_code else None
        body_code = query.get("body", "").strip()
        if body_code and county is not None and not guide_bodies(county).filter(code=body_code).exists():
            problems.append(str(_("发布机构无效，已忽略")))
            body_code = ""
        return cls(doc_type, year, area_code, item_id, body_code, tuple(problems))

    @property
    def is_filtered(self) -> bool:
        return bool(self.doc_type or self.year or self.area_code or self.body_code)


@dataclass(frozen=True)
class NavEntry:
    label: str
    count: int
    params: str  # query string selecting this entry (other filters kept)
    current: bool


@dataclass(frozen=True)
class AreaNavigation:
    areas: list[NavEntry]
    items: list[NavEntry]  # the catalogue items of the selected area
    total: int
    all_params: str  # query string for every area (other filters kept)


def area_navigation(body: Body, records, listing: RecordListing) -> AreaNavigation:
    """法定主动公开内容 of one body as body → area → catalogue item: the areas of its catalogue and,
    for the selected area, its items, each with the number of ``records`` (the body's public
    records) linked to it. Areas and items without records are listed too (a visitor sees what
    the body must publish), except that a body with no catalogue shows only the areas it has
    records in."""
    from urllib.parse import urlencode

    from gongkai.catalog.selectors import items_for_body
    from gongkai.disclosure.selectors import area_counts, item_counts

    def params(**changes) -> str:
        values = {"type": listing.doc_type, "year": listing.year or "", "area": listing.area_code,
                  "item": listing.item_id or ""}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    items = list(items_for_body(body))
    by_area = area_counts(records)
    areas: dict[str, str] = {}
    for item in items:
        areas.setdefault(item.area.code, item.area.name)
    if not items:
        from gongkai.catalog.models import StandardArea

        areas = dict(StandardArea.objects.filter(code__in=by_area).order_by("position").values_list("code", "name"))
    area_entries = [NavEntry(name, by_area.get(code, 0), params(area=code, item=""), code == listing.area_code)
                    for code, name in areas.items()]
    item_entries: list[NavEntry] = []
    if listing.area_code:
        per_item = item_counts(records)
        item_entries = [
            NavEntry(item.level2 or item.level1, per_item.get(item.pk, 0), params(item=item.pk), item.pk == listing.item_id)
            for item in items if item.area.code == listing.area_code
        ]
    return AreaNavigation(area_entries, item_entries, records.count(), params(area="", item=""))
