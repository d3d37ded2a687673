"""Read-side queries for the catalogues: what a user may see, and looking areas up by name."""

from __future__ import annotations

from django.db.models import Count, Q

from gongkai.catalog.models import Catalogue, CatalogueItem, StandardArea
from gongkai.core import rules
from gongkai.core.models import Body


class UnknownArea(LookupError):
    pass


def resolve_area(text: str) -> StandardArea:
    """The standard area named by its code (``agricultural-subsidies``), name (涉农补贴) or former
    name (扶贫). Raises UnknownArea with a Chinese message."""
    text = (text or "").strip()
    area = StandardArea.objects.filter(Q(code=text) | Q(name=text) | Q(former_name=text)).first() if text else None
    if area is None:
        raise UnknownArea(f"未知的领域“{text}”（可用 gongkai catalog areas 查看领域代码和名称）")
    return area


def areas_with_counts():
    """Standard areas with their item counts: ``items``, ``county_items``, ``township_items``."""
    return StandardArea.objects.annotate(
        items_count=Count("items"),
        county_items=Count("items", filter=Q(items__level_county=True)),
        township_items=Count("items", filter=Q(items__level_township=True)),
    ).order_by("position")


def catalogue_bodies_visible_to(user):
    """Bodies whose catalogues ``user`` may see (county, departments, townships)."""
    return rules.bodies_visible_to(user).filter(kind__in=rules.CATALOGUE_BODY_KINDS)


def catalogue_bodies_editable_by(user):
    """Bodies whose catalogues ``user`` may compile, in tree order."""
    return Body.objects.filter(pk__in=[b.pk for b in catalogue_bodies_visible_to(user).filter(is_active=True)
                                       if rules.can_edit_catalogue(user, b)]).order_by("path")


def catalogues_visible_to(user):
    return Catalogue.objects.filter(body__in=catalogue_bodies_visible_to(user)).select_related("body")


def items_visible_to(user):
    return CatalogueItem.objects.filter(catalogue__body__in=catalogue_bodies_visible_to(user)).select_related(
        "catalogue__body", "area")


def items_for_body(body: Body, *, active_only: bool = True):
    """The items of ``body``'s catalogue in catalogue order (what records link to)."""
    items = CatalogueItem.objects.for_body(body).select_related("area").order_by("area__position", "position", "pk")
    return items.active() if active_only else items


def county_area_catalogues(county: Body, area: StandardArea):
    """For the public 基层政务公开标准化规范化 column: each body of ``county`` that compiled ``area``,
    with its active items (catalogue order) and the items' published records."""
    from django.db.models import Prefetch

    from gongkai.catalog.models import AreaStatus, CatalogueArea
    from gongkai.disclosure.models import Record

    live = Record.objects.filter(live=True).order_by("-first_published_at")
    areas = (CatalogueArea.objects
             .filter(area=area, status=AreaStatus.ADOPTED, catalogue__body__path__startswith=county.path,
                     catalogue__body__is_active=True)
             .select_related("catalogue__body").order_by("catalogue__body__path"))
    result = []
    for catalogue_area in areas:
        items = (CatalogueItem.objects.active().filter(catalogue=catalogue_area.catalogue, area=area)
                 .order_by("position", "pk").prefetch_related(Prefetch("records", queryset=live)))
        result.append((catalogue_area.catalogue.body, list(items)))
    return result


def county_areas(county: Body) -> list[tuple[StandardArea, int]]:
    """The standard areas in order, each with how many of ``county``'s bodies compiled it."""
    from django.db.models import Count

    from gongkai.catalog.models import AreaStatus, CatalogueArea

    counts = dict(CatalogueArea.objects
                  .filter(status=AreaStatus.ADOPTED, catalogue__body__path__startswith=county.path)
                  .values("area_id").annotate(n=Count("pk")).values_list("area_id", "n"))
    return [(area, counts.get(area.pk, 0)) for area in StandardArea.objects.order_by("position")]
