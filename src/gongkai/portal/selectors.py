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
