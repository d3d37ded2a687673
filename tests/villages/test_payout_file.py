"""The pure payout-file checks: headers, encodings, money to the fen, ID check digit, duplicates."""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from gongkai.villages import payout_file, publicity
from tests.villages.conftest import csv_bytes, make_id, rows_for, xlsx_bytes

TODAY = dt.date(2026, 1, 10)
VILLAGES = {"甲村": "A", "甲二村": "B"}


def parse(data: bytes, name: str = "f.csv", **kw):
    return payout_file.parse_payouts(payout_file.read_table(data, name), year=2025, villages=VILLAGES,
                                     today=TODAY, **kw)


@pytest.mark.parametrize("module", ["payout_file.py", "publicity.py"])
def test_pure_modules_do_not_import_django(module):
    source = (Path(payout_file.__file__).parent / module).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            assert not any(n.startswith("django") for n in names)


def test_same_result_for_gbk_bom_utf8_and_xlsx():
    rows = rows_for(["甲村", "甲二村"], per_village=5)
    results = [parse(csv_bytes(rows, "gbk")), parse(csv_bytes(rows, "utf-8-sig")), parse(csv_bytes(rows, "utf-8")),
               parse(xlsx_bytes(rows), "f.xlsx")]
    first = [(r.row, r.name, r.id_number, r.account, r.village, r.area, r.standard, r.amount, r.paid_on)
             for r in results[0].rows]
    assert len(first) == 10 and all(r.ok for r in results)
    for other in results[1:]:
        assert [(r.row, r.name, r.id_number, r.account, r.village, r.area, r.standard, r.amount, r.paid_on)
                for r in other.rows] == first
    assert results[0].total == results[3].total == sum(Decimal(r[7]) for r in rows)


def test_header_synonyms_and_manual_mapping():
    header = ["姓名", "身份证号", "银行账号", "村", "金额（元）"]
    table = [(1, header), (2, ["李四", make_id(1), "6217000000001", "甲村", "100.5"])]
    parsed = payout_file.parse_payouts(table, year=2025, villages=VILLAGES, today=TODAY)
    assert parsed.ok and parsed.rows[0].amount == Decimal("100.50")
    table = [(1, ["领款人", "证号", "所属村", "钱"]), (2, ["李四", make_id(1), "甲村", "9"])]
    with pytest.raises(payout_file.PayoutFileError, match="表头"):
        payout_file.parse_payouts(table, year=2025, villages=VILLAGES, today=TODAY)
    parsed = payout_file.parse_payouts(table, year=2025, villages=VILLAGES, today=TODAY, mapping={
        "name": "领款人", "id_number": "证号", "village": "所属村", "amount": "钱"})
    assert parsed.ok and parsed.rows[0].village == "A"


def test_each_check_names_its_row():
    rows = rows_for(["甲村"], per_village=8)
    rows[0][2] = rows[0][2][:17] + ("0" if rows[0][2][17] != "0" else "1")  # check digit
    rows[1][7] = "1.005"  # more than the fen
    rows[2][7] = str(Decimal(rows[2][7]) + Decimal("0.01"))  # area × standard
    rows[3][4] = "乙村"  # other township
    rows[4][2] = rows[5][2]  # duplicate person
    rows[6][1] = "<script>alert(1)</script>"
    rows[7][8] = "2023-02-30"
    parsed = parse(csv_bytes(rows, total=False))
    reasons = {p.row: p.message for p in parsed.problems}
    assert sorted(reasons) == [3, 4, 5, 6, 8, 9, 10]  # title row 1, header row 2
    assert "校验位" in reasons[3] and "分" in reasons[4] and "不符" in reasons[5] and "不在本乡镇" in reasons[6]
    assert "第7行为同一人" in reasons[8] and "不允许的字符" in reasons[9] and "真实的日期" in reasons[10]


def test_total_row_checked_to_the_fen():
    rows = rows_for(["甲村"], per_village=3)
    data = csv_bytes(rows).replace(str(sum(Decimal(r[7]) for r in rows)).encode(), b"1.00")
    parsed = parse(data)
    assert parsed.bad_rows == [] and "合计" in parsed.file_problems[0].message
    assert parse(csv_bytes(rows), declared_total=Decimal("0.01")).file_problems


def test_bad_files_give_chinese_messages():
    with pytest.raises(payout_file.PayoutFileError, match="xls"):
        payout_file.read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls")
    with pytest.raises(payout_file.PayoutFileError, match="损坏"):
        list(payout_file.read_table(b"PK\x03\x04garbage", "a.xlsx"))
    with pytest.raises(payout_file.PayoutFileError):
        list(payout_file.read_table(b"\x89PNG\r\n\x1a\n\0\0\0", "a.png"))
    with pytest.raises(payout_file.PayoutFileError, match="表头"):
        parse("随便写点什么\n".encode())


def test_excel_number_id_is_refused():
    table = [(1, ["姓名", "身份证号", "村", "补贴金额"]), (2, ["李四", 3.60102196504121e17, "甲村", 5])]
    parsed = payout_file.parse_payouts(table, year=2025, villages=VILLAGES, today=TODAY)
    assert "文本格式" in parsed.problems[0].message


def test_publicity_period_and_phase():
    start, end = publicity.period(dt.date(2026, 2, 26), 7)
    assert end == dt.date(2026, 3, 4)
    assert publicity.phase(start, end, dt.date(2026, 3, 4)) is publicity.Phase.OPEN
    assert publicity.phase(start, end, dt.date(2026, 3, 5)) is publicity.Phase.ENDED
    assert publicity.retain_until(dt.date(2024, 2, 29), 5) == dt.date(2029, 2, 28)
    with pytest.raises(publicity.PeriodError):
        publicity.period(start, 0)
    with pytest.raises(publicity.PeriodError):
        publicity.retain_until(end, 1)
