"""The standard catalogues (基层政务公开标准目录) shipped as package data, and their loader.

``data/standard/areas.csv`` lists the 26 areas in the order of domain facts §4.2 (the 25 pilot areas of
国办发〔2017〕42号 plus 保障性住房), with the name used as catalogue title (乡村振兴 for the former 扶贫,
生态环境 for 环境保护, 卫生健康 for 医疗卫生; the former names are kept), the issuing ministry and the
title of its 2019 guideline. The guideline titles follow the naming of the 2019 guidelines; of their
document numbers only 发改办投资〔2019〕621号 (重大建设项目) is confirmed (§4.1), so the others are
left blank rather than guessed.

``data/standard/<code>.csv`` holds each area's rows in the standard column layout of §4.3, one row
per 二级事项, channels written as in the printed catalogues ("■政府网站 □两微一端"), √ in the 公开对象,
公开方式 and 公开层级 columns. The concrete rows of §4.4 appear with their exact 公开时限.

The reader has no Django imports; :func:`seed_standard` takes the model classes so that a data
migration can pass its historical models (see migrations/0002_seed_standard.py).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from importlib import resources

from gongkai.catalog.channels import parse_channels
from gongkai.catalog.rows import FLAG_FIELDS, ItemRow, row_errors

AREA_COLUMNS = ["代码", "领域", "原名称", "发布部门", "标准指引", "文号"]
ITEM_COLUMNS = ["一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
                "全社会", "特定群体", "主动", "依申请", "县级", "乡级"]


class StandardDataError(ValueError):
    """The shipped data files are inconsistent (a packaging bug, caught by the test suite)."""


@dataclass
class StandardAreaData:
    code: str
    name: str
    former_name: str
    ministry: str
    guideline_title: str
    guideline_number: str
    position: int
    items: list[ItemRow] = field(default_factory=list)


def _read(name: str) -> list[list[str]]:
    text = resources.files("gongkai.catalog").joinpath("data", "standard", name).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def read_standard_data() -> list[StandardAreaData]:
    """All 26 areas with their rows, in catalogue order. Raises StandardDataError on a bad file."""
    rows = _read("areas.csv")
    if rows[0] != AREA_COLUMNS:
        raise StandardDataError(f"areas.csv: unexpected header {rows[0]}")
    areas = []
    for position, values in enumerate(rows[1:], start=1):
        area = StandardAreaData(*values, position=position)
        area.items = _read_items(area.code)
        areas.append(area)
    return areas


def _read_items(code: str) -> list[ItemRow]:
    rows = _read(f"{code}.csv")
    if rows[0] != ITEM_COLUMNS:
        raise StandardDataError(f"{code}.csv: unexpected header {rows[0]}")
    items, seen = [], set()
    for lineno, values in enumerate(rows[1:], start=2):
        if len(values) != len(ITEM_COLUMNS):
            raise StandardDataError(f"{code}.csv line {lineno}: {len(values)} columns")
        level1, level2, content, basis, time_limit, subject, channel_text, *marks = values
        channels, other = parse_channels(channel_text)
        flags = dict(zip(FLAG_FIELDS, (m == "√" for m in marks), strict=True))
        row = ItemRow(level1, level2, content, basis, time_limit, subject, channels, other, **flags)
        errors = row_errors(row)
        if errors or row.key in seen:
            raise StandardDataError(f"{code}.csv line {lineno}: {errors or 'duplicate item'}")
        seen.add(row.key)
        items.append(row)
    return items


def item_model_fields(row: ItemRow) -> dict:
    """The values an ItemFields model stores for ``row``: its fields plus the derived TimeLimit."""
    limit = row.time_limit
    return {**row.as_dict(), "limit_kind": limit.kind.value, "limit_days": limit.days,
            "limit_publish_within": limit.publish_within}


def seed_standard(area_model, item_model) -> tuple[int, int]:
    """Create or update the standard areas and rows from the package data (idempotent: rows are
    matched by area code and 一级/二级事项). Returns (areas, items) written."""
    n_areas = n_items = 0
    for data in read_standard_data():
        area, _created = area_model.objects.update_or_create(
            code=data.code,
            defaults={"name": data.name, "former_name": data.former_name, "ministry": data.ministry,
                      "guideline_title": data.guideline_title, "guideline_number": data.guideline_number,
                      "position": data.position},
        )
        n_areas += 1
        existing = {(i.level1, i.level2): i for i in item_model.objects.filter(area=area)}
        new = []
        for position, row in enumerate(data.items, start=1):
            values = {**item_model_fields(row), "position": position}
            item = existing.get(row.key)
            if item is None:
                new.append(item_model(area=area, **values))
            else:
                for name, value in values.items():
                    setattr(item, name, value)
                item.save()
            n_items += 1
        item_model.objects.bulk_create(new)
    return n_areas, n_items
