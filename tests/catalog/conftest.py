"""Fixtures for the catalogue tests: the standard areas (loaded by the data migration), officers of
the test county, and helpers to build XLSX files in memory."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from gongkai.catalog.models import StandardArea
from gongkai.core.models import Role


@pytest.fixture
def areas(db) -> dict[str, StandardArea]:
    return {a.code: a for a in StandardArea.objects.all()}


@pytest.fixture
def officer(county, make_user):
    """Information officer of 测试县农业农村局 (county.dept_a)."""
    return make_user(Role.INFO_OFFICER, county.dept_a)


@pytest.fixture
def town_officer(county, make_user):
    """Information officer of 测试县甲镇人民政府 (county.township_a)."""
    return make_user(Role.INFO_OFFICER, county.township_a)


def workbook_bytes(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    """An XLSX file with the given sheets (rows of cell values) and merged ranges."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cell_range in (merges or {}).get(name, []):
            ws.merge_cells(cell_range)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_values(data: bytes, name: str, min_row: int = 1) -> list[tuple]:
    ws = load_workbook(io.BytesIO(data))[name]
    return [tuple(row) for row in ws.iter_rows(min_row=min_row, values_only=True)]
