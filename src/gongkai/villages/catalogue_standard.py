"""The standard 村务公开目录 every village adopts (``data/village_catalogue.csv``). Pure: no Django.

The file has one row per item: 编号, 类别 (党务/村务/财务), 公开事项, 公开内容, 公开依据, 公开时间
(每月/每季度/每年/事时). A county replaces or extends the file and bumps ``VERSION``; villages that
adopted earlier keep their own copy of the items (adoption copies, so local changes stay local).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from gongkai.villages.catalogue_schedule import Cadence

VERSION = "2026.1"
DATA_FILE = "village_catalogue.csv"
HEADER = ["编号", "类别", "公开事项", "公开内容", "公开依据", "公开时间"]
CATEGORIES = {"党务": "party", "村务": "village", "财务": "finance"}
CADENCES = {"每月": Cadence.MONTHLY, "每季度": Cadence.QUARTERLY, "每年": Cadence.YEARLY, "事时": Cadence.EVENT}


class StandardCatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class StandardItem:
    code: str
    category: str  # AffairsCategory value
    name: str
    content: str
    basis: str
    cadence: Cadence
    position: int


def parse(text: str) -> list[StandardItem]:
    """Read the catalogue table; every bad row is an error naming its line."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip() for c in rows[0]] != HEADER:
        raise StandardCatalogueError(f"村务公开标准目录的表头应为：{'，'.join(HEADER)}")
    items: list[StandardItem] = []
    codes, names = set(), set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(HEADER):
            raise StandardCatalogueError(f"第{line}行应有{len(HEADER)}列")
        code, category, name, content, basis, cadence = (c.strip() for c in row)
        if category not in CATEGORIES:
            raise StandardCatalogueError(f"第{line}行类别“{category}”应为党务、村务或财务")
        if cadence not in CADENCES:
            raise StandardCatalogueError(f"第{line}行公开时间“{cadence}”应为每月、每季度、每年或事时")
        if not code or not name or code in codes or name in names:
            raise StandardCatalogueError(f"第{line}行编号或公开事项为空或重复")
        codes.add(code)
        names.add(name)
        items.append(StandardItem(code, CATEGORIES[category], name, content, basis, CADENCES[cadence],
                                  position=len(items) + 1))
    return items


@cache
def standard_items() -> tuple[StandardItem, ...]:
    text = files("gongkai.villages").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return tuple(parse(text))
