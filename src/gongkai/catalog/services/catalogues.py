"""Compiling a body's 基层政务公开标准目录 from the standard catalogues.

国办发〔2019〕54号 asks every 基层政府 to compile its own 公开事项标准目录 against the 26 standard
guidelines (domain facts §4.1): it adopts the areas relevant to it, adapts their items, adds local
items (地方特色事项) and explains the areas it is not involved in (未涉及领域事项说明, §4.2). The
county and its departments take the 县级 items, townships the 乡级 items (公开层级, §4.3).

Permission: the body's information officer or the county office admin (rules.can_edit_catalogue,
rules.can_finalise_catalogue). Every function here writes one audit entry when it changes anything.

The catalogue's life cycle is one transition table (``TRANSITIONS``): 编制中 → 编制完成 (finalise, with
a date); any change to a finalised catalogue takes it back to 编制中 (revise), and the audit entry of
that change records ``"reopened": true``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gongkai.catalog.channels import ChannelError, validate_channels
from gongkai.catalog.models import (
    AreaStatus,
    Catalogue,
    CatalogueArea,
    CatalogueItem,
    CatalogueStatus,
    StandardArea,
    StandardItem,
)
from gongkai.catalog.rows import ROW_FIELDS, TEXT_FIELDS, ItemRow, row_errors
from gongkai.catalog.standard import item_model_fields
from gongkai.core import audit, rules
from gongkai.core.models import Body, BodyKind
from gongkai.core.services import ServiceError, require

# (state, action) → next state. The only statement of the catalogue's life cycle.
TRANSITIONS: dict[tuple[str, str], str] = {
    (CatalogueStatus.DRAFT, "revise"): CatalogueStatus.DRAFT,
    (CatalogueStatus.FINALISED, "revise"): CatalogueStatus.DRAFT,
    (CatalogueStatus.DRAFT, "finalise"): CatalogueStatus.FINALISED,
}
ITEM_FIELDS = (*ROW_FIELDS, "is_active")
MAX_REASON = 1000


def body_level_label(body: Body) -> str:
    return "乡级" if body.kind == BodyKind.TOWNSHIP else "县级"


def cn_date(day: dt.date) -> str:
    """A date as written in Chinese documents: 2026年3月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def default_levels(body: Body) -> tuple[bool, bool]:
    """(县级, 乡级) of a body's own items."""
    township = body.kind == BodyKind.TOWNSHIP
    return (not township, township)


def apply_transition(catalogue: Catalogue, action: str, **updates: Any) -> bool:
    """Apply ``action`` to the (locked) catalogue, setting ``updates`` with it; True when its state
    changed. Raises ServiceError when the action is not allowed in the current state."""
    target = TRANSITIONS.get((catalogue.status, action))
    if target is None:
        if catalogue.status == CatalogueStatus.FINALISED and action == "finalise":
            raise ServiceError({"finalised_on": [
                f"目录已于{cn_date(catalogue.finalised_on)}编制完成；修改目录后可重新确认编制完成"]})
        raise ServiceError({"status": [f"目录当前状态（{catalogue.get_status_display()}）不能执行该操作"]})
    changed = target != catalogue.status
    catalogue.status = target
    for name, value in updates.items():
        setattr(catalogue, name, value)
    catalogue.save(update_fields=["status", "finalised_on", "updated_at"])
    return changed


def lock_catalogue(body: Body) -> Catalogue:
    """The body's catalogue (created on first use), locked for the rest of the transaction."""
    Catalogue.objects.get_or_create(body=body)
    return Catalogue.objects.select_for_update().select_related("body").get(body=body)


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown catalogue item fields: {sorted(unknown)}")
    cleaned = dict(fields)
    for name in (*TEXT_FIELDS, "other_channels"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "channels" in cleaned:
        channels = {code: str(mark) for code, mark in (cleaned["channels"] or {}).items()}
        try:
            channels = validate_channels(channels)  # canonical order
        except ChannelError:
            pass  # reported with the other field errors by row_errors
        cleaned["channels"] = channels
    return cleaned


def _validate(row: ItemRow) -> None:
    errors = row_errors(row)
    if errors:
        raise ServiceError(errors)


def _check_unique(catalogue: Catalogue, area: StandardArea, row: ItemRow, exclude_pk: int | None = None) -> None:
    clash = CatalogueItem.objects.active().filter(catalogue=catalogue, area=area, level1=row.level1,
                                                  level2=row.level2)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        label = f"{row.level1} / {row.level2}" if row.level2 else row.level1
        raise ServiceError({"level2": [f"本单位“{area.name}”领域已有事项“{label}”"]})


def _summary(item: CatalogueItem) -> dict[str, Any]:
    return {"area": item.area.code, "level1": item.level1, "level2": item.level2,
            "time_limit": item.time_limit_text, "subject": item.subject}


@dataclass
class AdoptionResult:
    catalogue: Catalogue
    areas: list[StandardArea]
    created: int
    reactivated: int


@transaction.atomic
def adopt_areas(actor, body: Body, areas: Iterable[StandardArea]) -> AdoptionResult:
    """Compile ``areas`` into ``body``'s catalogue by copying their standard items of the body's level
    (县级 for the county and departments, 乡级 for townships).

    Idempotent: an area already compiled only gains the standard items it lacks (items the body
    停用'd stay so); an area marked 未涉及 is compiled again and its withdrawn standard items come
    back. Raises PermissionDenied, or ServiceError when no area is given or an area has no items of
    the body's level (mark it 未涉及 or add local items instead)."""
    require(rules.can_edit_catalogue(actor, body), "您没有编制该单位公开目录的权限")
    areas = sorted({a.pk: a for a in areas}.values(), key=lambda a: a.position)
    if not areas:
        raise ServiceError({"areas": ["请至少选择一个领域"]})
    standard: dict[int, list[StandardItem]] = {a.pk: [] for a in areas}
    for item in StandardItem.objects.filter(area__in=areas).order_by("position", "pk"):
        if item.applies_to(body):
            standard[item.area_id].append(item)
    empty = [a.name for a in areas if not standard[a.pk]]
    if empty:
        raise ServiceError({"areas": [
            f"“{'、'.join(empty)}”领域的标准目录没有{body_level_label(body)}事项，可标记为未涉及领域或添加地方特色事项"]})
    catalogue = lock_catalogue(body)
    decisions = {ca.area_id: ca for ca in CatalogueArea.objects.filter(catalogue=catalogue, area__in=areas)}
    copied = {i.standard_item_id: i for i in CatalogueItem.objects.filter(catalogue=catalogue, area__in=areas,
                                                                         standard_item__isnull=False)}
    # An item name (一级/二级事项) is used once among the items in use of an area.
    taken = set(CatalogueItem.objects.active().filter(catalogue=catalogue, area__in=areas)
                .values_list("area_id", "level1", "level2"))
    new_items: list[CatalogueItem] = []
    reactivate: list[int] = []
    changed_areas: list[StandardArea] = []
    for area in areas:
        decision = decisions.get(area.pk)
        was_not_involved = decision is not None and decision.status == AreaStatus.NOT_INVOLVED
        if decision is None:
            CatalogueArea.objects.create(catalogue=catalogue, area=area, status=AreaStatus.ADOPTED)
        elif was_not_involved:
            decision.status, decision.reason = AreaStatus.ADOPTED, ""
            decision.save(update_fields=["status", "reason", "updated_at"])
        area_changed = decision is None or was_not_involved
        for item in standard[area.pk]:
            existing = copied.get(item.pk)
            if existing is None:
                key = (area.pk, item.level1, item.level2)
                if key in taken:
                    continue  # the body already has an item of that name (local or imported)
                fields = {name: getattr(item, name) for name in (*ROW_FIELDS, "limit_kind", "limit_days",
                                                                 "limit_publish_within")}
                new_items.append(CatalogueItem(catalogue=catalogue, area=area, standard_item=item, is_local=False,
                                               position=item.position, **fields))
            elif was_not_involved and not existing.is_active:
                key = (area.pk, existing.level1, existing.level2)
                if key in taken:
                    continue
                reactivate.append(existing.pk)
            else:
                continue
            taken.add(key)
            area_changed = True
        if area_changed:
            changed_areas.append(area)
    if not changed_areas:
        return AdoptionResult(catalogue, [], 0, 0)
    CatalogueItem.objects.filter(pk__in=reactivate).update(is_active=True, updated_at=timezone.now())
    CatalogueItem.objects.bulk_create(new_items)
    reopened = apply_transition(catalogue, "revise")
    audit.record("catalogue.areas_adopted", actor, catalogue,
                 {"areas": [a.code for a in changed_areas], "created": len(new_items),
                  "reactivated": len(reactivate), "reopened": reopened})
    return AdoptionResult(catalogue, changed_areas, len(new_items), len(reactivate))


@transaction.atomic
def add_local_item(actor, body: Body, area: StandardArea, **fields: Any) -> CatalogueItem:
    """Add a 地方特色事项 to ``body``'s catalogue in ``area``.

    ``fields`` are the row fields (rows.ROW_FIELDS): level1, level2, content, basis, time_limit_text
    (the official wording; the machine-checkable TimeLimit is read from it), subject, channels
    ({code: "required"|"optional"}), other_channels, and the audience/mode/level flags (the levels
    default to the body's own). The area is compiled if it was not yet; an area marked 未涉及 is
    refused. Raises PermissionDenied or ServiceError (field → Chinese messages)."""
    require(rules.can_edit_catalogue(actor, body), "您没有编制该单位公开目录的权限")
    fields = _clean_fields(fields)
    if "is_active" in fields:
        raise TypeError("a new item is always active")
    if "level_county" not in fields and "level_township" not in fields:
        fields["level_county"], fields["level_township"] = default_levels(body)
    row = ItemRow(**{**dict.fromkeys(TEXT_FIELDS, ""), **fields})
    _validate(row)
    catalogue = lock_catalogue(body)
    decision, _created = CatalogueArea.objects.get_or_create(catalogue=catalogue, area=area,
                                                            defaults={"status": AreaStatus.ADOPTED})
    if decision.status == AreaStatus.NOT_INVOLVED:
        raise ServiceError({"area": [f"“{area.name}”已标记为未涉及领域，请先编制该领域再添加事项"]})
    _check_unique(catalogue, area, row)
    last = CatalogueItem.objects.filter(catalogue=catalogue, area=area).aggregate(m=Max("position"))["m"] or 0
    item = CatalogueItem.objects.create(catalogue=catalogue, area=area, is_local=True, position=last + 1,
                                        **item_model_fields(row))
    reopened = apply_transition(catalogue, "revise")
    audit.record("catalogue.item_added", actor, item, {**_summary(item), "reopened": reopened}, scope=body,
                 label=f"{body.name} · {item}")
    return item


@transaction.atomic
def update_item(actor, item: CatalogueItem, **changes: Any) -> CatalogueItem:
    """Change an item of a body's catalogue (e.g. its 公开主体 or 公开时限), or 停用/启用 it
    (``is_active``). The TimeLimit is read again from a changed wording. The audit entry records old
    and new values. Raises PermissionDenied, ServiceError, or TypeError for unknown fields."""
    changes = _clean_fields(changes)
    item = CatalogueItem.objects.select_for_update().select_related("catalogue__body", "area").get(pk=item.pk)
    body = item.catalogue.body
    require(rules.can_edit_catalogue(actor, body), "您没有修改该单位公开目录的权限")
    diff = {name: (getattr(item, name), value) for name, value in changes.items() if getattr(item, name) != value}
    if not diff:
        return item
    catalogue = Catalogue.objects.select_for_update().get(pk=item.catalogue_id)
    for name, (_old, new) in diff.items():
        setattr(item, name, new)
    row = ItemRow(**{name: getattr(item, name) for name in ROW_FIELDS})
    _validate(row)
    if item.is_active:
        decision = CatalogueArea.objects.filter(catalogue=catalogue, area=item.area).first()
        if decision is not None and decision.status == AreaStatus.NOT_INVOLVED:
            raise ServiceError({"is_active": [f"“{item.area.name}”已标记为未涉及领域，不能启用其中的事项"]})
        _check_unique(catalogue, item.area, row, exclude_pk=item.pk)
    limit = row.time_limit
    item.limit_kind, item.limit_days, item.limit_publish_within = limit.kind.value, limit.days, limit.publish_within
    item.save()
    reopened = apply_transition(catalogue, "revise")
    data = {name: {"old": old, "new": new} for name, (old, new) in diff.items()}
    audit.record("catalogue.item_updated", actor, item, {"area": item.area.code, "changes": data,
                                                         "reopened": reopened}, scope=body,
                 label=f"{body.name} · {item}")
    return item


@transaction.atomic
def mark_area_not_involved(actor, body: Body, area: StandardArea, reason: str) -> CatalogueArea:
    """Record that ``body`` is not involved in ``area`` (未涉及领域), with the required explanation.
    Items of the area are 停用'd (kept for the records that link to them); compiling the area again
    (adopt_areas) brings its standard items back. Raises PermissionDenied or ServiceError."""
    require(rules.can_edit_catalogue(actor, body), "您没有编制该单位公开目录的权限")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": ["标记未涉及领域须说明原因（如：本单位不承担该领域职能）"]})
    if len(reason) > MAX_REASON:
        raise ServiceError({"reason": [f"说明不能超过{MAX_REASON}字"]})
    catalogue = lock_catalogue(body)
    decision = CatalogueArea.objects.filter(catalogue=catalogue, area=area).first()
    previous = decision.status if decision else None
    if decision is not None and decision.status == AreaStatus.NOT_INVOLVED and decision.reason == reason:
        return decision
    withdrawn = CatalogueItem.objects.active().filter(catalogue=catalogue, area=area).update(
        is_active=False, updated_at=timezone.now())
    if decision is None:
        decision = CatalogueArea.objects.create(catalogue=catalogue, area=area, status=AreaStatus.NOT_INVOLVED,
                                                reason=reason)
    else:
        decision.status, decision.reason = AreaStatus.NOT_INVOLVED, reason
        decision.save(update_fields=["status", "reason", "updated_at"])
    reopened = apply_transition(catalogue, "revise")
    audit.record("catalogue.area_not_involved", actor, catalogue,
                 {"area": area.code, "reason": reason, "previous": previous, "withdrawn": withdrawn,
                  "reopened": reopened}, label=f"{catalogue} · {area.name}")
    return decision


@transaction.atomic
def finalise_catalogue(actor, body: Body, on: dt.date | None = None) -> Catalogue:
    """Declare ``body``'s catalogue 编制完成 on ``on`` (default today; not in the future). The
    catalogue must hold at least one item in use. Raises PermissionDenied or ServiceError."""
    require(rules.can_finalise_catalogue(actor, body), "您没有确认该单位公开目录编制完成的权限")
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ServiceError({"finalised_on": ["编制完成日期不能晚于今天"]})
    catalogue = Catalogue.objects.select_for_update().filter(body=body).first()
    if catalogue is None:
        raise ServiceError({"catalogue": ["该单位尚未编制公开目录"]})
    items = CatalogueItem.objects.active().filter(catalogue=catalogue).count()
    if not items:
        raise ServiceError({"catalogue": ["目录中没有在用的事项，不能确认编制完成"]})
    apply_transition(catalogue, "finalise", finalised_on=on)
    areas = dict(CatalogueArea.objects.filter(catalogue=catalogue).values_list("area__code", "status"))
    audit.record("catalogue.finalised", actor, catalogue,
                 {"finalised_on": on.isoformat(), "items": items,
                  "adopted": sorted(c for c, s in areas.items() if s == AreaStatus.ADOPTED),
                  "not_involved": sorted(c for c, s in areas.items() if s == AreaStatus.NOT_INVOLVED)})
    return catalogue

