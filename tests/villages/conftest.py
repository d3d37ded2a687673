"""Payout files for the subsidy tests: valid ID numbers built with the GB 11643 check character."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from gongkai.core.actors import SYSTEM
from gongkai.core.models import BodyKind, Role
from gongkai.core.services.bodies import create_body
from gongkai.privacy.checksums import id_check_char
from gongkai.villages.models import SubsidyProgramme

HEADER = ["序号", "户主姓名", "身份证号码", "一卡通账号", "村（社区）", "补贴面积", "补贴标准", "补贴金额", "发放日期", "联系电话"]


def make_id(n: int, born: str = "19650412") -> str:
    first = f"360102{born}{n % 1000:03d}"
    return first + id_check_char(first)


def account(n: int) -> str:
    return f"6217{n:015d}"


def rows_for(villages: list[str], per_village: int = 4, start: int = 1) -> list[list]:
    rows = []
    n = start
    for village in villages:
        for i in range(per_village):
            area = Decimal("3.25") + i
            standard = Decimal("105.50")
            amount = (area * standard).quantize(Decimal("0.01"))
            rows.append([n, f"张{'一二三四五六七八九十'[n % 10]}{'甲乙丙丁'[i % 4]}", make_id(n), account(n), village,
                         str(area), str(standard), str(amount), "2025-03-15", f"1390797{n:04d}"])
            n += 1
    return rows


def csv_bytes(rows: list[list], encoding: str = "utf-8", title: bool = True, total: bool = True) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    if title:
        w.writerow(["2025年耕地地力保护补贴发放清册"])
    w.writerow(HEADER)
    w.writerows(rows)
    if total:
        w.writerow(["合计", "", "", "", "", "", "", str(sum(Decimal(r[7]) for r in rows)), "", ""])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], title: bool = True, total: bool = True) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["2025年耕地地力保护补贴发放清册"])
    sheet.append(HEADER)
    for r in rows:
        # Numbers as numbers (as the 一卡通 system exports them), ID and account as text.
        sheet.append([r[0], r[1], r[2], r[3], r[4], *(float(v) if v else None for v in r[5:8]), r[8], r[9]])
    if total:
        sheet.append(["合计", None, None, None, None, None, None, float(sum(Decimal(r[7]) for r in rows))])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.fixture
def villages(county):
    """甲村 and 甲二村 under 甲镇, 乙村 under 乙乡."""
    extra = create_body(SYSTEM, parent=county.township_a, kind=BodyKind.VILLAGE, name="甲二村")
    return {"甲村": county.village_a, "甲二村": extra, "乙村": county.village_b}


@pytest.fixture
def programme(db):
    return SubsidyProgramme.objects.get(name="耕地地力保护补贴")


@pytest.fixture
def programme2(db):
    return SubsidyProgramme.objects.get(name="生态公益林补偿")


@pytest.fixture
def officer_a(county, make_user):
    return make_user(Role.INFO_OFFICER, county.township_a)


@pytest.fixture
def officer_b(county, make_user):
    return make_user(Role.INFO_OFFICER, county.township_b)


@pytest.fixture
def clerk_a(county, make_user):
    return make_user(Role.VILLAGE_CLERK, county.village_a)
