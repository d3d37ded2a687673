"""The public search page of a county site: the county's published records (their text and the
text of their attachments), found through :mod:`gongkai.search`, with the record lists' filters.

The index holds only public records (the review services add and remove them), and every page of
results is checked against the records once more, so that an entry left behind by an interrupted
re-index can never show a withdrawn record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gongkai.core.models import Body
from gongkai.portal import selectors

MAX_QUERY = 100
PAGE_SIZE = 20
EXAMPLES = ("耕地地力保护补贴", "低保", "政府信息公开 年度报告", "青农发〔2026〕12号")


@dataclass(frozen=True)
class Hit:
    title_html: str
    snippet_html: str
    url: str
    body_name: str
    doc_type: str
    doc_number: str
    index_number: str
    published_at: Any
    validity: str


@dataclass(frozen=True)
class ResultsPage:
    """What the template needs for the results and their pagination."""

    hits: list[Hit]
    total: int
    total_exact: bool
    number: int
    num_pages: int
    mode: str

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def _county_bodies(county: Body) -> list[int] | None:
    """Body ids to restrict the search to ``county``; None when the index holds only this county."""
    if not Body.objects.filter(depth=1).exclude(pk=county.pk).exists():
        return None
    return list(Body.objects.filter(path__startswith=county.path).values_list("pk", flat=True))


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < int(text) < 10_000 else 1


def search_records(column, request) -> dict[str, Any]:
    """The context of the search page for ``request`` on the county's 法定主动公开内容 ``column``."""
    from gongkai import search
    from gongkai.disclosure.models import DocumentType, Record, Validity
    from gongkai.search.api import MAX_PAGE_SIZE

    county = column.county
    problems: list[str] = []
    query = " ".join(request.GET.get("q", "").split())
    if len(query) > MAX_QUERY:
        problems.append(_("检索词过长，只按前 %(n)d 个字检索") % {"n": MAX_QUERY})
        query = query[:MAX_QUERY]
    listing = selectors.RecordListing.from_query(request.GET, county=county)
    problems.extend(listing.problems)
    context: dict[str, Any] = {
        "query": query, "listing": listing, "problems": problems, "results": None, "examples": EXAMPLES,
        "bodies": list(selectors.guide_bodies(county).values_list("code", "name")),
        "areas": _areas(), "doc_types": DocumentType.choices,
    }
    if not query and not listing.is_filtered:
        return context

    filters: dict[str, Any] = {"doc_type": listing.doc_type or None, "year": listing.year,
                               "area": listing.area_code or None}
    if listing.body_code:
        filters["body_id"] = Body.objects.get(path__startswith=county.path, code=listing.body_code).pk
    elif (scope := _county_bodies(county)) is not None:
        filters["body_id"] = scope
    number = _page_number(request.GET.get("page", ""))
    found = search.search(query, filters=filters, page=number, page_size=min(PAGE_SIZE, MAX_PAGE_SIZE))
    ids = {result.key: int(result.url.removeprefix("record:")) for result in found.results
           if result.url.startswith("record:")}
    live = set(Record.objects.filter(pk__in=ids.values(), live=True).values_list("pk", flat=True))
    names = dict(Body.objects.filter(pk__in={r.body_id for r in found.results}).values_list("pk", "name"))
    base = column.get_url(request)
    hits = [
        Hit(title_html=r.title_html, snippet_html=r.snippet_html,
            url=base + column.reverse_subpage("record", kwargs={"pk": ids[r.key]}),
            body_name=names.get(r.body_id, ""),
            doc_type=DocumentType(r.doc_type).label if r.doc_type in DocumentType.values else "",
            doc_number=r.doc_number, index_number=r.index_number, published_at=r.published_at,
            validity=Validity(r.attributes.get("validity")).label
            if r.attributes.get("validity") not in (None, Validity.VALID) else "")
        for r in found.results if ids.get(r.key) in live
    ]
    context["results"] = ResultsPage(hits, found.total, found.total_exact, found.page, found.num_pages, found.mode)
    return context


def _areas() -> list[tuple[str, str]]:
    from gongkai.catalog.models import StandardArea

    return list(StandardArea.objects.order_by("position").values_list("code", "name"))
