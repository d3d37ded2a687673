"""Exports of the annual report: the JSON contract through the command line, XLSX (layout, merges,
formula-safe cells), DOCX (official table layout, GB/T 9704 basics, fonts) and its conversion to PDF
by LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command

from gongkai.reports import services
from gongkai.reports.exports import safe_cell, to_docx, to_html, to_xlsx
from gongkai.rules import annual_report as ar
from tests.reports.conftest import generate_finished
from tests.rules.test_annual_report import (
    ALL_CASES,
    DOCUMENTS,
    EXPECTED_2025,
    EXPECTED_T4,
    REVIEWS,
    full,
)


def sample_document(**extra) -> dict:
    """A report document built from the hand-computed tables of the rules tests (no database)."""
    return {
        "body": "11990101000000034X", "name": "测试县农业农村局", "year": 2025, "version": 1, "status": "draft",
        "layout": "2021", "published_at": None,
        "table2": ar.table2(DOCUMENTS, 2025, licensing=312, penalty=45, coercion=3, fees_wan="12.3456"),
        "table3": ar.table3(ALL_CASES, 2025), "table4": ar.table4(REVIEWS, 2025),
        "sections": {"overview": "第一段。\n第二段。", "problems": "一是目录更新不及时。", "other": "未收取信息处理费。"},
        "checks": [], "note": "", **extra,
    }


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_cli_json_contract(facts_in_db, officer_a):
    services.save_figures(officer_a, facts_in_db, 2025, licensing=312, penalty=45, coercion=3, fees_wan="12.3456")
    data = json.loads(run("annual", "--body", facts_in_db.code, "--year", "2025", "--format", "json"))
    assert {"body", "year", "table2", "table3", "table4", "sections", "checks"} <= set(data)
    assert (data["body"], data["year"]) == (facts_in_db.code, 2025)
    assert list(data["table3"]) == ["new", "carried_over", *[d for d in ar.DISPOSITION_ROWS], "results_total",
                                    "carried_forward"]
    assert all(list(cols) == [*ar.APPLICANT_COLUMNS, "total"] for cols in data["table3"].values())
    assert data["table3"] == full(EXPECTED_2025)
    assert data["table4"] == EXPECTED_T4[2025]
    assert list(data["table4"]) == ["reconsideration", "litigation_direct", "litigation_after_reconsideration"]
    assert list(data["table4"]["reconsideration"]) == ["upheld", "corrected", "other", "pending", "total"]
    assert data["table2"]["regulation"] == {"issued": 1, "repealed": 1, "in_force": 2}
    assert (data["table2"]["licensing"], data["table2"]["fees_wan"]) == (312, "12.3456")
    assert set(data["sections"]) == {"overview", "problems", "other"}
    # Computed tables add up; only section 五 is left for the body to write.
    assert [(c["code"], c["cell"]) for c in data["checks"]] == [("section_placeholder", "sections.problems")]
    assert data["status"] == "draft"  # computed, nothing saved
    from gongkai.reports.models import AnnualReport

    assert not AnnualReport.objects.exists()


def test_cli_exports_the_published_version(facts_in_db, officer_a, leader_a):
    report = generate_finished(officer_a, facts_in_db, 2025)
    services.publish(leader_a, report, today=dt.date(2026, 1, 20))
    v2 = services.start_correction(officer_a, report, "更正")
    services.edit(officer_a, v2, sections={"other": "更正中的草稿"})
    data = json.loads(run("annual", "--body", facts_in_db.code, "--year", "2025", "--format", "json"))
    assert (data["status"], data["version"]) == ("published", 1)
    assert data["sections"]["other"] != "更正中的草稿"


def test_cli_writes_files(facts_in_db, tmp_path):
    for fmt in ("docx", "xlsx", "html", "json"):
        target = tmp_path / f"r.{fmt}"
        run("annual", "--body", facts_in_db.code, "--year", "2025", "--format", fmt, "-o", str(target))
        assert target.stat().st_size > 0
    assert (tmp_path / "r.docx").read_bytes()[:2] == b"PK"
    assert "<caption" in (tmp_path / "r.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (("--body", "91000000000000000X", "--year", "2025", "--format", "json"), "没有统一社会信用代码"),
    (("--year", "2025", "--format", "docx"), "须用 -o 指定输出文件"),
    (("--year", "1999", "--format", "json"), "年度须在2008年至今年之间"),
])
def test_cli_errors_are_clear(facts_in_db, args, message):
    if "--body" not in args:
        args = ("--body", facts_in_db.code, *args)
    with pytest.raises(CommandError, match=message):
        run("annual", *args)


def test_cli_refuses_a_village(county):
    with pytest.raises(CommandError, match="不单独编制"):
        run("annual", "--body", county.village_a.code, "--year", "2025", "--format", "json")


# --- XLSX -----------------------------------------------------------------------------------------


def test_xlsx_layout_merges_and_values():
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(to_xlsx(sample_document(note="=HYPERLINK(\"http://x\")"))))
    assert wb.sheetnames == ["表二", "表三", "表四", "校验"]
    t3 = wb["表三"]
    merged = {str(r) for r in t3.merged_cells.ranges}
    # Row 1 is the title; the official header starts on row 2: the note over 3×3, 申请人情况 over 7 columns.
    assert {"A2:C4", "D2:J2", "D3:D4", "E3:I3", "J3:J4", "A5:C5", "A6:C6", "A7:A28", "B7:C7", "B9:B16",
            "B28:C28", "A29:C29"} <= merged
    assert t3["A2"].value == ar.TABLE3_CHECK_NOTE
    assert (t3["D3"].value, t3["E4"].value, t3["J3"].value) == ("自然人", "商业企业", "总计")
    assert (t3["A5"].value, t3["D5"].value, t3["J5"].value) == ("一、本年新收政府信息公开申请数量", 6, 25)
    assert (t3["C9"].value, t3["E9"].value) == ("1.属于国家秘密", 2)
    assert (t3["B28"].value, t3["J28"].value, t3["J29"].value) == ("（七）总计", 25, 4)
    t4 = wb["表四"]
    assert {"A2:E2", "F2:O2", "A3:A4", "F3:J3", "K3:O3"} <= {str(r) for r in t4.merged_cells.ranges}
    assert [t4.cell(5, c).value for c in range(1, 16)] == [1, 1, 0, 2, 4, 0, 0, 1, 1, 2, 1, 1, 0, 0, 2]
    t2 = wb["表二"]
    assert [t2.cell(4, c).value for c in range(1, 5)] == ["规章", 1, 1, 2]
    assert (t2["A15"].value, t2["B15"].value) == ("行政事业性收费", 12.3456)
    checks = wb["校验"]
    assert checks["C2"].value == "'=HYPERLINK(\"http://x\")"  # formula-safe
    assert checks["C2"].data_type == "s"


@pytest.mark.parametrize(("value", "safe"), [("=1+1", "'=1+1"), ("+86", "'+86"), ("-3", "'-3"), ("@x", "'@x"),
                                             ("正常", "正常"), (5, 5)])
def test_safe_cell(value, safe):
    assert safe_cell(value) == safe


# --- DOCX and PDF --------------------------------------------------------------------------------


def test_docx_tables_fonts_and_page():
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(to_docx(sample_document())))
    section = doc.sections[0]
    mm = [round(v.mm) for v in (section.page_width, section.page_height, section.top_margin, section.left_margin)]
    assert mm == [210, 297, 37, 28]  # A4, 天头 37 mm, 订口 28 mm (stored in twips)
    assert doc.paragraphs[0].text == "测试县农业农村局2025年政府信息公开工作年度报告"
    fonts = doc.paragraphs[0].runs[0]._r.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Noto Serif CJK SC"
    headings = [p.text for p in doc.paragraphs if p.text[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    t2, t3, t4 = doc.tables
    assert (len(t3.rows), len(t3.columns)) == (28, 10)  # 3 header rows + 一、二 + 22 result rows + 四
    assert t3.cell(0, 0).text == ar.TABLE3_CHECK_NOTE and t3.cell(2, 2).text == ar.TABLE3_CHECK_NOTE  # merged 3×3
    assert t3.cell(5, 0).text == "三、本年度办理结果" and t3.cell(26, 0).text == "三、本年度办理结果"
    assert (t3.cell(3, 3).text, t3.cell(3, 9).text, t3.cell(27, 9).text) == ("6", "25", "4")
    assert (len(t4.rows), len(t4.columns)) == (4, 15)
    assert [c.text for c in t4.rows[3].cells] == ["1", "1", "0", "2", "4", "0", "0", "1", "1", "2", "1", "1", "0",
                                                 "0", "2"]
    assert t4.cell(0, 14).text == "行政诉讼" and t2.cell(13, 1).text == "12.3456"
    cell_font = t3.cell(3, 3).paragraphs[0].runs[0]._r.rPr.find(qn("w:rFonts"))
    assert cell_font.get(qn("w:eastAsia")) == "Noto Serif CJK SC"


SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_docx_opens_in_libreoffice_and_converts_to_pdf(tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(to_docx(sample_document()))
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")
    assert "测试县农业农村局2025年政府信息公开工作年度报告" in text and "四、结转下年度继续办理" in text
    fonts = {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()
             if "/BaseFont" in f.get_object()}
    assert any("NotoSerifCJK" in f for f in fonts) and any("NotoSansCJK" in f for f in fonts), fonts


def test_html_layout_headers_and_escaping():
    html = to_html(sample_document(name="<script>x</script>县"))
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert html.count("<caption") == 3 and '<html lang="zh-CN">' in html
    assert '<th id="t3-results" scope="rowgroup" rowspan="22">三、本年度办理结果</th>' in html
    assert '<th id="t3-applicants" scope="colgroup" colspan="7">申请人情况</th>' in html
    assert 'headers="t3-applicants t3-orgs t3-c-commercial t3-results t3-g2 t3-withheld.state_secret" class="num">2</td>' in html
