"""Importing real published reports (tests/reports/published.py, sources in tests/reports/data/README.md):
the stored tables equal what was published, blank cells read as 0 and are noted, nothing is refused
or changed; unmappable rows refuse naming the row; six-decimal fees are kept end to end."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from gongkai.core.services import ServiceError
from gongkai.reports import services
from gongkai.reports.history import HistoryError, parse
from gongkai.reports.models import AnnualReport
from gongkai.rules import annual_report as ar
from tests.reports import published as pub


def _shanghai_expected_t2():
    return {"layout": "2019", "rows": {"规章": ["13", "13", "524"], "规范性文件": ["60", "60", "368"],
                                       "行政许可": ["0", "0", "0"], "其他对外管理服务事项": ["0", "0", "0"],
                                       "行政处罚": ["0", "0", "0"], "行政强制": ["0", "0", "0"],
                                       "行政事业性收费": ["0", "0"], "政府集中采购": ["6", "251000元"]}}


@pytest.mark.parametrize("build", [
    lambda: pub.to_docx("2019年上海市人民政府办公厅政府信息公开工作年度报告", pub.shanghai_2019_tables()),
    lambda: pub.to_xlsx(pub.shanghai_2019_tables()),
    lambda: pub.to_xlsx(pub.shanghai_2019_tables(), one_sheet=True, typed=False),
], ids=["docx", "xlsx", "xlsx-one-sheet-text"])
def test_shanghai_2019_imports_as_published(county, office_admin, build):
    report = services.import_history(office_admin, county.dept_a, 2019, build())
    report.refresh_from_db()
    assert (report.layout, report.status, report.source) == ("2019", "published", "imported")
    assert report.table3 == pub.expected_table3(pub.SH_T3_VALUES)
    assert report.table4 == pub.expected_table4(pub.SH_T4)
    assert report.table2 == _shanghai_expected_t2()  # 251000元 kept as printed
    details = services.import_details(report)
    assert "表三「一、本年新收政府信息公开申请数量」行的「科研机构」列、「社会公益组织」列为空白，按0计" in details["notes"]
    assert "表四「行政复议」的「结果纠正」、「其他结果」为空白，按0计" in details["notes"]
    # The published 总计 column is blank on most result rows: kept as printed (0), recorded as errors.
    cells = {c["cell"] for c in report.checks if c["code"] == "row_total"}
    assert "table3.disclosed.total" in cells and "table3.new.total" not in cells
    new_person = next(c for c in details["cells"] if c["cell"] == "table3.new.natural_person")
    assert (new_person["raw"], new_person["value"], new_person["label"]) == ("821", 821, "一、本年新收政府信息公开申请数量")
    assert sum(c["cell"].startswith("table3.") for c in details["cells"]) == 23 * 7


@pytest.mark.parametrize("build", [
    lambda: pub.to_docx("2025年政府信息公开工作年度报告", pub.hangzhou_2025_tables()),
    lambda: pub.to_xlsx(pub.hangzhou_2025_tables()),
], ids=["docx", "xlsx"])
def test_2021_layout_with_label_variants_imports_as_published(county, office_admin, build):
    report = services.import_history(office_admin, county.dept_a, 2024, build())
    assert report.layout == "2021"
    assert report.table3 == pub.expected_table3(pub.HZ_T3_VALUES)
    assert report.table4 == pub.expected_table4(pub.HZ_T4)
    assert report.table2 == {"regulation": {"issued": 3, "repealed": 5, "in_force": 74},
                             "normative": {"issued": 564, "repealed": 984, "in_force": 4185},  # 规范性文件
                             "licensing": 11398889, "penalty": 6937489, "coercion": 166105, "fees_wan": "316441"}
    assert [c for c in report.checks if c["level"] == "error"] == []
    assert services.import_details(report)["notes"] == []


def test_every_blank_township_report_reads_zero_and_says_so(county, office_admin):
    report = services.import_history(office_admin, county.township_a, 2019, pub.to_xlsx(pub.xiongxian_2019_tables()))
    assert report.table3 == ar.empty_table3() and report.table4 == ar.empty_table4()
    assert report.table2["rows"]["规章"] == ["0", "0", "0"]
    notes = services.import_details(report)["notes"]
    assert len([n for n in notes if n.startswith("表三")]) == 23 and report.checks == []


def test_merged_word_cells_are_never_counted_twice():
    parsed = parse(pub.to_docx("t", pub.hangzhou_2025_tables()))
    licensing = [c for c in parsed.cells if c["cell"] == "table2.licensing"]
    assert [(c["raw"], c["value"]) for c in licensing] == [("11398889", 11398889)]
    # A number merged across two columns of table 三 cannot be placed: refused, never doubled.
    grid = pub.table3_grid(pub.HZ_T3_VALUES, other_rows=pub.OTHER_2021)
    row = grid[3]
    grid[3] = [*row[:1], ("13612", 2, 1), *row[3:]]
    with pytest.raises(HistoryError, match="合并"):
        parse(pub.to_docx("t", [("二", pub.HZ_T2), ("三", grid), ("四", pub.table4_grid(pub.HZ_T4))]))


def test_unmapped_rows_refuse_naming_them(county, office_admin):
    # 武汉市某局2020年报 printed an extra row 其他主动公开文件 in table 二.
    t2 = [*pub.HZ_T2[:4], [("其他主动公开文件", 1, 1), ("186", 1, 1), ("86", 1, 1), ("255", 1, 1)], *pub.HZ_T2[4:]]
    with pytest.raises(ServiceError, match="表二「其他主动公开文件」行无法对应"):
        services.import_history(office_admin, county.dept_a, 2024, pub.to_xlsx(pub.hangzhou_2025_tables(t2)))
    # A table 二 row present but worded unrecognisably is refused, never stored as 0.
    t2 = [*pub.HZ_T2[:3], [("规范文件", 1, 1), ("8", 1, 1), ("0", 1, 1), ("18", 1, 1)], *pub.HZ_T2[4:]]
    with pytest.raises(ServiceError, match="表二「规范文件」行无法对应"):
        services.import_history(office_admin, county.dept_a, 2024, pub.to_xlsx(pub.hangzhou_2025_tables(t2)))
    # A numbered row under the wrong group does not match any row of the format.
    labels = {**pub.HZ_VARIANT_LABELS, "1.本机关不掌握相关政府信息": "1.属于国家秘密"}
    tables = pub.hangzhou_2025_tables()
    tables[1] = ("三", pub.table3_grid(pub.HZ_T3_VALUES, other_rows=pub.OTHER_2021, labels=labels))
    with pytest.raises(ServiceError, match="表三「1.属于国家秘密」行无法对应"):
        services.import_history(office_admin, county.dept_a, 2024, pub.to_xlsx(tables))
    assert AnnualReport.objects.count() == 0


def test_six_decimal_fee_is_kept_exactly_end_to_end(county, office_admin):
    t2 = [*pub.HZ_T2[:-1], [("行政事业性收费", 1, 1), ("24252.311082", 3, 1)]]
    for build in (lambda: pub.to_docx("t", pub.hangzhou_2025_tables(t2)),
                  lambda: pub.to_xlsx(pub.hangzhou_2025_tables(t2))):
        AnnualReport.objects.all().delete()
        report = services.import_history(office_admin, county.dept_a, 2024, build())
        report.refresh_from_db()
        assert report.table2["fees_wan"] == "24252.311082"
        assert report.snapshot["table2"]["fees_wan"] == "24252.311082"
        assert not [c for c in report.checks if c["code"].startswith("fees")]
    assert json.loads(services.export(office_admin, report, "json"))["table2"]["fees_wan"] == "24252.311082"
    assert "24252.311082" in services.export(office_admin, report, "html")
    with zipfile.ZipFile(io.BytesIO(services.export(office_admin, report, "docx"))) as docx:
        assert "24252.311082" in docx.read("word/document.xml").decode()
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(services.export(office_admin, report, "xlsx")))["表二"]
    cell = next(c for row in sheet.iter_rows() for c in row if isinstance(c.value, float))
    assert (repr(cell.value), cell.number_format) == ("24252.311082", "0.000000")


def test_fee_precision_is_a_warning():
    assert ar.validate_fees("24252.311082") == []
    [check] = ar.validate_fees("24252.3110825")
    assert (check.level, check.code) == ("warning", "fees_precision")
    assert [c.level for c in ar.validate_fees("-1")] == ["error"]


@pytest.mark.parametrize(("data", "message"), [
    ("政府信息公开工作年度报告".encode("gbk"), "不是 XLSX 工作簿或 DOCX 文档"),
    (b"\x00\xff" * 100, "不是 XLSX 工作簿或 DOCX 文档"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Word/Excel"),
    (b"PK" + b"\x00" * (10 * 1024 * 1024), "文件超过 10 MB"),
])
def test_bad_files_get_a_chinese_error(county, office_admin, data, message):
    with pytest.raises(ServiceError, match=message):
        services.import_history(office_admin, county.dept_a, 2024, data)


def test_zip_bomb_and_foreign_zip_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (101 * 1024 * 1024))
    with pytest.raises(HistoryError, match="解压后超过"):
        parse(buffer.getvalue())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "x")
    with pytest.raises(HistoryError, match="不是 XLSX 工作簿或 DOCX 文档"):
        parse(buffer.getvalue())


def test_command_shows_stored_cells_beside_the_file(county, tmp_path):
    path = tmp_path / "2019.docx"
    path.write_bytes(pub.to_docx("t", pub.shanghai_2019_tables()))
    out = io.StringIO()
    call_command("report", "import", str(path), "--body", county.dept_a.code, "--year", "2019", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "读取（未保存）" in text and AnnualReport.objects.count() == 0
    assert "table3.new.natural_person = 821\t← 「一、本年新收政府信息公开申请数量」 821\tWord第2个表格第4行第4列" in text
    assert "table3.new.research = 0\t← 「一、本年新收政府信息公开申请数量」 （空白）" in text
    assert "说明：表三「一、本年新收政府信息公开申请数量」行的「科研机构」列、「社会公益组织」列为空白，按0计" in text
    call_command("report", "import", str(path), "--body", county.dept_a.code, "--year", "2019", stdout=io.StringIO())
    assert AnnualReport.objects.get().source == "imported"


def test_admin_import_screen(client, county, make_user, officer_b):
    from gongkai.core.models import Role

    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    url = reverse("reports_admin:import", args=[county.dept_a.pk, 2019])
    client.force_login(officer_b)
    assert client.get(url).status_code in (403, 404)
    client.force_login(officer)
    page = client.get(reverse("reports_admin:detail", args=[county.dept_a.pk, 2019])).content.decode()
    assert url in page
    bad = client.post(url, {"file": io.BytesIO("年报".encode("gbk"))}, follow=True).content.decode()
    assert "不是 XLSX 工作簿或 DOCX 文档" in bad
    upload = io.BytesIO(pub.to_docx("t", pub.shanghai_2019_tables()))
    upload.name = "2019.docx"
    page = client.post(url, {"file": upload}, follow=True).content.decode()
    assert "已导入" in page and "表三「一、本年新收政府信息公开申请数量」行「自然人」列" in page
    assert "Word第2个表格第4行第4列" in page and "（空白，按0计）" in page and "251000元" in page


def _t2(regulation, normative, licensing, penalty, coercion, fees):
    keys = ("issued", "repealed", "in_force")
    return {"regulation": dict(zip(keys, regulation, strict=True)), "normative": dict(zip(keys, normative, strict=True)),
            "licensing": licensing, "penalty": penalty, "coercion": coercion, "fees_wan": fees}


@pytest.mark.parametrize(("t2", "expected", "notes"), [
    # 盐边县新九镇 2021: header 现行有效件 (no 数) still names the 现行有效 column.
    (pub.XINJIU_2021_T2, _t2([0, 0, 0], [0, 0, 0], 0, 0, 0, "0"), []),
    # 会仪镇 2021: 规范性文件, and 行政事业型收费 read as 行政事业性收费, saying so.
    (pub.HUIYI_2021_T2, _t2([0, 0, 0], [2, 0, 2], 213, 5, 2, "0"),
     ["表二「行政事业型收费」行与格式的「行政事业性收费」相差一字，按「行政事业性收费」读取"]),
    # 汉阳区政府办 2022: 现行有效件数 (历史累计); 规章's 现行有效 cell blank.
    (pub.HANYANG_2022_T2, _t2([0, 0, 0], [5, 12, 8], 0, 0, 0, "0"), ["表二「规章」的「现行有效件数」为空白，按0计"]),
    # 区统计局 2023: 规章 printed "/" in all three cells.
    (pub.TONGJI_2023_T2, _t2([0, 0, 0], [0, 0, 0], 0, 0, 0, "0"),
     ["表二「规章」的「本年制发件数」、「本年废止件数」、「现行有效件数」为空白，按0计"]),
], ids=["xinjiu-2021", "huiyi-2021", "hanyang-2022", "tongji-2023"])
@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_table2_as_printed_in_real_reports(county, office_admin, t2, expected, notes, fmt):
    tables = pub.hangzhou_2025_tables(t2)
    data = pub.to_docx("t", tables) if fmt == "docx" else pub.to_xlsx(tables)
    report = services.import_history(office_admin, county.township_a, 2022, data)
    report.refresh_from_db()
    assert report.layout == "2021"
    assert report.table2 == expected
    assert report.table3 == pub.expected_table3(pub.HZ_T3_VALUES)  # tables 三/四 untouched by the variants
    assert report.table4 == pub.expected_table4(pub.HZ_T4)
    assert services.import_details(report)["notes"] == notes


def test_one_character_slips_in_numbered_rows_read_as_the_row_and_are_noted():
    # 长春市二道区房屋征收工作管理办公室 2022 printed 5.属于三类内容事务信息 (内部) and 只计这一情况 (情形).
    labels = {**pub.HZ_VARIANT_LABELS, **pub.ERDAO_2022_LABELS}
    tables = pub.hangzhou_2025_tables()
    tables[1] = ("三", pub.table3_grid(pub.HZ_T3_VALUES, other_rows=pub.OTHER_2021, labels=labels))
    parsed = parse(pub.to_docx("t", tables))
    assert parsed.table3 == pub.expected_table3(pub.HZ_T3_VALUES)
    assert parsed.notes == ["表三「5.属于三类内容事务信息」行与格式的「5.属于三类内部事务信息」相差一字，按该行读取"]
    # That report left the row blank: a blank slipped row is still found (not reported missing).
    blank = {key: [pub.B] * 7 for key in pub.HZ_T3_VALUES}
    tables[1] = ("三", pub.table3_grid(blank, other_rows=pub.OTHER_2021, labels=labels))
    parsed = parse(pub.to_xlsx(tables))
    assert parsed.table3 == ar.empty_table3()
    assert "表三「5.属于三类内容事务信息」行与格式的「5.属于三类内部事务信息」相差一字，按该行读取" in parsed.notes
    assert "表三「5.属于三类内部事务信息」行的「自然人」列、「商业企业」列、「科研机构」列、「社会公益组织」列、「法律服务机构」列、「其他」列、「总计」列为空白，按0计" in parsed.notes
    assert len([n for n in parsed.notes if n.endswith("为空白，按0计") and n.startswith("表三")]) == 25


def test_slips_that_could_be_another_row_still_refuse():
    # Two characters off, or a short label, is not taken for a row.
    t2 = [*pub.HZ_T2[:-1], [("行政事业收费款", 1, 1), ("316441", 3, 1)]]
    with pytest.raises(HistoryError, match="表二「行政事业收费款」行无法对应"):
        parse(pub.to_xlsx(pub.hangzhou_2025_tables(t2)))
    labels = {**pub.HZ_VARIANT_LABELS, "5.属于三类内部事务信息": "5.属于两类内容事务信息"}
    tables = pub.hangzhou_2025_tables()
    tables[1] = ("三", pub.table3_grid(pub.HZ_T3_VALUES, other_rows=pub.OTHER_2021, labels=labels))
    with pytest.raises(HistoryError, match="表三「5.属于两类内容事务信息」行无法对应"):
        parse(pub.to_xlsx(tables))
    # A 信息内容 header that names no column of the format refuses, naming the header.
    t2 = [pub.HZ_T2[0], [("信息内容", 1, 1), ("本年制发件数", 1, 1), ("本年新公开数量", 1, 1), ("现行有效件数", 1, 1)],
          *pub.HZ_T2[2:]]
    with pytest.raises(HistoryError, match="表头「本年新公开数量」无法对应"):
        parse(pub.to_xlsx(pub.hangzhou_2025_tables(t2)))
