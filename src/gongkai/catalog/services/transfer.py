"""Catalogue tables in and out: XLSX export of a body's catalogue and import of an official table.

Both use the standard column layout of domain facts §4.3 (see gongkai.catalog.xlsx). Export needs
rules.can_view_catalogue (the same rule as the catalogue screen); import rules.can_edit_catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from gongkai.catalog import xlsx
from gongkai.catalog.models import (
    AreaStatus,
    Catalogue,
    CatalogueArea,
    CatalogueItem,
    StandardArea,
    StandardItem,
)
from gongkai.catalog.rows import ROW_FIELDS, ItemRow
from gongkai.catalog.services.catalogues import apply_transition, default_levels, lock_catalogue
from gongkai.catalog.standard import item_model_fields
from gongkai.core import audit, rules
from gongkai.core.models import Body
from gongkai.core.services import ServiceError, require


def _row_of(item) -> ItemRow:
    return ItemRow(**{name: getattr(item, name) for name in ROW_FIELDS})


def export_catalogue_xlsx(actor, body: Body) -> bytes:
    """``body``'s catalogue as an XLSX workbook: one sheet per compiled area (its items in use, in
    order) titled "<单位><领域>领域基层政务公开标准目录", and the sheet 未涉及领域说明. Raises
    PermissionDenied, or ServiceError when the body has no catalogue yet."""
    require(rules.can_view_catalogue(actor, body), "您没有查看该单位公开目录的权限")
    catalogue = Catalogue.objects.filter(body=body).first()
    decisions = list(CatalogueArea.objects.filter(catalogue=catalogue).select_related("area")) if catalogue else []
    if not decisions:
        raise ServiceError({"catalogue": ["该单位尚未编制公开目录"]})
    items: dict[int, list[ItemRow]] = {}
    for item in CatalogueItem.objects.active().filter(catalogue=catalogue).order_by("area__position", "position",
                                                                                       "pk"):
        items.setdefault(item.area_id, []).append(_row_of(item))
    sheets = [xlsx.Sheet(d.area.name, f"{body.name}{d.area.name}领域基层政务公开标准目录", items[d.area_id])
              for d in decisions if d.status == AreaStatus.ADOPTED and items.get(d.area_id)]
    not_involved = [(d.area.name, d.reason) for d in decisions if d.status == AreaStatus.NOT_INVOLVED]
    data = xlsx.write_workbook(sheets, (f"{body.name}未涉及领域说明", not_involved),
                               title=f"{body.name}基层政务公开标准目录")
    audit.record("catalogue.exported", actor, catalogue, {
        "format": "xlsx", "areas": len(sheets), "items": sum(len(s.rows) for s in sheets),
        "not_involved": len(not_involved)}, label=f"{body.name}基层政务公开标准目录", scope=body)
    return data


def export_standard_xlsx(area: StandardArea, actor=None) -> bytes:
    """The standard catalogue of ``area`` as an XLSX workbook (public reference data: a template
    for bodies that fill in their tables offline). Audited when ``actor`` is given (the admin
    screen and the command line always give it)."""
    rows = [_row_of(item) for item in StandardItem.objects.filter(area=area).order_by("position", "pk")]
    data = xlsx.write_workbook([xlsx.Sheet(area.name, f"{area.name}领域基层政务公开标准目录", rows)],
                               title=f"{area.name}领域基层政务公开标准目录（{area.guideline_display}）")
    if actor is not None:
        audit.record("catalogue.exported", actor, area, {"format": "xlsx", "standard": area.code, "items": len(rows)},
                     label=f"{area.name}领域基层政务公开标准目录", scope=audit.actor_scope(actor))
    return data


@dataclass
class ImportResult:
    area: StandardArea
    sheets: list[str]
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        verb = "校验通过（未写入）" if self.dry_run else "已导入"
        return (f"“{self.area.name}”领域{verb}：共 {self.rows} 项，新增 {self.created} 项，更新 {self.updated} 项，"
                f"未变 {self.unchanged} 项，停用 {self.withdrawn} 项")


def import_catalogue_xlsx(actor, body: Body, area: StandardArea, data: bytes, *, filename: str = "",
                          sheet: str | None = None, all_sheets: bool = False,
                          dry_run: bool = False) -> ImportResult:
    """Load an official catalogue table into ``body``'s catalogue as its items of ``area``.

    The table replaces the area's items: rows are matched to existing items by 一级事项 and 二级事项
    (updated, or 启用'd again), new rows become items (linked to the standard item of the same name,
    else 地方特色事项), and items in use that the table no longer lists are 停用'd (never deleted:
    records may link to them). An area marked 未涉及 becomes compiled. Sheets: see xlsx.read_workbook
    (by default the sheet named after the area, else the first one). All-or-nothing: any problem in
    the file raises ServiceError({"file": [messages naming sheet and row]}) and nothing is written.
    ``dry_run`` checks and counts without writing (and without an audit entry)."""
    require(rules.can_edit_catalogue(actor, body), "您没有编制该单位公开目录的权限")
    try:
        parsed = xlsx.read_workbook(data, sheet=sheet, all_sheets=all_sheets,
                                    preferred=(area.name, area.former_name), default_levels=default_levels(body))
    except xlsx.XlsxError as exc:
        raise ServiceError({"file": exc.messages}) from None
    result = ImportResult(area=area, sheets=parsed.sheets, rows=len(parsed.rows), warnings=parsed.warnings,
                          dry_run=dry_run)
    with transaction.atomic():
        if dry_run:
            catalogue = Catalogue.objects.filter(body=body).first()
        else:
            catalogue = lock_catalogue(body)
        existing = list(CatalogueItem.objects.filter(catalogue=catalogue, area=area).order_by("-is_active", "-pk")
                        ) if catalogue else []
        by_key: dict[tuple[str, str], CatalogueItem] = {}
        for item in existing:
            by_key.setdefault((item.level1, item.level2), item)  # the active one, else the latest
        standard = {(s.level1, s.level2): s for s in StandardItem.objects.filter(area=area)}
        linked = {i.standard_item_id for i in existing if i.standard_item_id}
        keys = {row.key for row in parsed.rows}
        to_withdraw = [i for i in existing if i.is_active and (i.level1, i.level2) not in keys]
        to_create: list[CatalogueItem] = []
        to_update: list[CatalogueItem] = []
        for position, row in enumerate(parsed.rows, start=1):
            values = {**item_model_fields(row), "position": position, "is_active": True}
            item = by_key.get(row.key)
            if item is None:
                match = standard.get(row.key)
                use = match if match is not None and match.pk not in linked else None
                if use is not None:
                    linked.add(use.pk)
                to_create.append(CatalogueItem(area=area, standard_item=use, is_local=match is None, **values))
            elif any(getattr(item, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(item, name, value)
                to_update.append(item)
            else:
                result.unchanged += 1
        result.created, result.updated, result.withdrawn = len(to_create), len(to_update), len(to_withdraw)
        if dry_run:
            return result
        now = timezone.now()
        CatalogueItem.objects.filter(pk__in=[i.pk for i in to_withdraw]).update(is_active=False, updated_at=now)
        for item in to_update:
            item.save()
        for item in to_create:
            item.catalogue = catalogue
        CatalogueItem.objects.bulk_create(to_create)
        decision, created = CatalogueArea.objects.get_or_create(catalogue=catalogue, area=area,
                                                               defaults={"status": AreaStatus.ADOPTED})
        previous = None if created else decision.status
        if decision.status == AreaStatus.NOT_INVOLVED:
            decision.status, decision.reason = AreaStatus.ADOPTED, ""
            decision.save(update_fields=["status", "reason", "updated_at"])
        reopened = False
        if result.created or result.updated or result.withdrawn or previous != AreaStatus.ADOPTED:
            reopened = apply_transition(catalogue, "revise")
        audit.record("catalogue.imported", actor, catalogue,
                     {"area": area.code, "filename": filename, "sheets": parsed.sheets, "rows": result.rows,
                      "created": result.created, "updated": result.updated, "withdrawn": result.withdrawn,
                      "previous_area_status": previous, "reopened": reopened})
    return result
