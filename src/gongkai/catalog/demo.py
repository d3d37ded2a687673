"""The demo county's catalogues: each department and township of 青山县 compiles the standard areas
of its functions, through the services. Idempotent: what exists is kept, only what is missing is
done (an unchanged catalogue writes no audit entry)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils import timezone

from gongkai.catalog.channels import ChannelMark
from gongkai.catalog.models import Catalogue, CatalogueItem, CatalogueStatus, StandardArea
from gongkai.catalog.services.catalogues import (
    add_local_item,
    adopt_areas,
    finalise_catalogue,
    mark_area_not_involved,
)
from gongkai.core.models import Body, BodyKind

# Department → area codes, by the department's functions (demo/data.py).
DEPARTMENT_AREAS: dict[str, tuple[str, ...]] = {
    "青山县发展和改革局": ("major-projects", "public-resource-trading"),
    "青山县教育局": ("compulsory-education",),
    "青山县公安局": ("household-registration",),
    "青山县民政局": ("social-assistance", "elderly-care"),
    "青山县司法局": ("public-legal-services",),
    "青山县财政局": ("budget",),
    "青山县人力资源和社会保障局": ("employment", "social-insurance"),
    "青山县自然资源局": ("urban-planning", "land-acquisition"),
    "青山县住房和城乡建设局": ("rural-housing", "affordable-housing", "housing-expropriation", "municipal-services"),
    "青山县农业农村局": ("agricultural-subsidies", "rural-revitalisation"),
    "青山县文化广电旅游体育局": ("public-culture",),
    "青山县卫生健康局": ("health",),
    "青山县应急管理局": ("work-safety", "disaster-relief"),
    "青山县市场监督管理局": ("food-drug",),
}
TOWNSHIP_AREAS = ("agricultural-subsidies", "social-assistance", "rural-housing", "rural-revitalisation",
                  "elderly-care", "disaster-relief")
NOT_INVOLVED = ("taxation", "乡镇不承担税收征收管理职能，税收管理事项由国家税务总局青山县税务局依法公开，本单位未涉及该领域。")
LOCAL_ITEM_TOWNSHIP = "青山县城关镇人民政府"
LOCAL_ITEM = {
    "level1": "农村人居环境整治",
    "level2": "“美丽庭院”创建评选",
    "content": "创建标准、评选程序、拟评选农户名单、奖补标准和发放情况",
    "basis": "《中华人民共和国乡村振兴促进法》《中华人民共和国政府信息公开条例》",
    "time_limit_text": "评选结果形成之日起10个工作日内公示，公示期不少于5个工作日",
    "subject": "青山县城关镇人民政府、村（居）民委员会",
    "channels": {"website": ChannelMark.REQUIRED, "new_media": ChannelMark.OPTIONAL,
                 "notice_board": ChannelMark.REQUIRED},
    "audience_public": True,
    "mode_proactive": True,
}
FINALISED = {"青山县农业农村局": dt.date(2026, 3, 20), "青山县城关镇人民政府": dt.date(2026, 3, 27)}


@dataclass
class DemoCatalogues:
    bodies: int = 0
    areas_adopted: int = 0
    items_created: int = 0


def ensure_demo_catalogues(actor, bodies: Mapping[str, Body] | Iterable[Body]) -> DemoCatalogues:
    """Compile the demo catalogues for ``bodies`` (the demo loader's bodies, by name or as a list;
    others are ignored): departments their areas (DEPARTMENT_AREAS), townships TOWNSHIP_AREAS plus
    税收管理 marked 未涉及 with its explanation, one local item (城关镇) and two catalogues finalised."""
    by_name = dict(bodies) if isinstance(bodies, Mapping) else {b.name: b for b in bodies}
    areas = {a.code: a for a in StandardArea.objects.all()}
    result = DemoCatalogues()
    for name, body in sorted(by_name.items(), key=lambda pair: pair[1].path):
        if body.kind == BodyKind.DEPARTMENT and name in DEPARTMENT_AREAS:
            codes = DEPARTMENT_AREAS[name]
        elif body.kind == BodyKind.TOWNSHIP:
            codes = TOWNSHIP_AREAS
        else:
            continue
        result.bodies += 1
        adopted = adopt_areas(actor, body, [areas[c] for c in codes])
        result.areas_adopted += len(adopted.areas)
        result.items_created += adopted.created
        if body.kind == BodyKind.TOWNSHIP:
            code, reason = NOT_INVOLVED
            mark_area_not_involved(actor, body, areas[code], reason)
        if name == LOCAL_ITEM_TOWNSHIP and not CatalogueItem.objects.filter(
                catalogue__body=body, level1=LOCAL_ITEM["level1"], level2=LOCAL_ITEM["level2"]).exists():
            add_local_item(actor, body, areas["rural-revitalisation"], **LOCAL_ITEM)
            result.items_created += 1
        if name in FINALISED and not Catalogue.objects.filter(body=body, status=CatalogueStatus.FINALISED).exists():
            finalise_catalogue(actor, body, min(FINALISED[name], timezone.localdate()))
    return result

