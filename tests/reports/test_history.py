"""History import: earlier reports from XLSX in the 2019 trial layout and the 2021 layout feed the
cross-year check (this year's 上年结转 against last year's 结转下年度)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from gongkai.core.services import ServiceError
from gongkai.reports import services
from gongkai.reports.exports import to_xlsx
from gongkai.reports.history import HistoryError, parse_xlsx
from gongkai.reports.models import AnnualReport
from gongkai.rules import annual_report as ar
from tests.reports.test_exports import sample_document

# Table 三 of the 2019 trial layout: (六)其他处理 is one row. Columns: 自然人, 商业企业, 科研机构,
# 社会公益组织, 法律服务机构, 其他, 总计. Hand-checked: for every column 一 + 二 = 三(七) + 四.
T3_2019 = [
    ("一、本年新收政府信息公开申请数量", None, None, [800, 40, 5, 4, 6, 4, 859]),
    ("二、上年结转政府信息公开申请数量", None, None, [15, 2, 0, 0, 1, 0, 18]),
    ("三、本年度办理结果", "（一）予以公开", None, [500, 20, 3, 2, 3, 2, 530]),
    (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None, [50, 5, 0, 0, 1, 0, 56]),
    (None, "（三）不予公开", "1.属于国家秘密", [2, 0, 0, 0, 0, 0, 2]),
    *[(None, None, label, [0] * 7) for label in ("2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                                                 "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
                                                 "7.属于行政执法案卷", "8.属于行政查询事项")],
    (None, "（四）无法提供", "1.本机关不掌握相关政府信息", [150, 10, 1, 1, 2, 1, 165]),
    (None, None, "2.没有现成信息需要另行制作", [0] * 7),
    (None, None, "3.补正后申请内容仍不明确", [0] * 7),
    (None, "（五）不予处理", "1.信访举报投诉类申请", [0] * 7),
    (None, None, "2.重复申请", [20, 2, 0, 0, 0, 0, 22]),
    (None, None, "3.要求提供公开出版物", [0] * 7),
    (None, None, "4.无正当理由大量反复申请", [0] * 7),
    (None, None, "5.要求行政机关确认或重新出具已获取信息", [0] * 7),
    (None, "（六）其他处理", None, [25, 2, 1, 1, 0, 1, 30]),
    (None, "（七）总计", None, [747, 39, 5, 4, 6, 4, 805]),
    ("四、结转下年度继续办理", None, None, [68, 3, 0, 0, 1, 0, 72]),
]


def t3_2020() -> list:
    """2020: 上年结转 typed as 71 (法律服务机构 0) although 2019 carried 72 forward (法律服务机构 1)."""
    rows = [list(r) for r in T3_2019]
    values = {
        "一、本年新收政府信息公开申请数量": [600, 30, 2, 2, 3, 1, 638],
        "二、上年结转政府信息公开申请数量": [68, 3, 0, 0, 0, 0, 71],
        "（一）予以公开": [550, 30, 2, 2, 3, 1, 588],
        "（七）总计": [550, 30, 2, 2, 3, 1, 588],
        "四、结转下年度继续办理": [118, 3, 0, 0, 0, 0, 121],
    }
    for row in rows:
        label = row[1] if row[1] in values else row[0]
        row[3] = values.get(label, [0] * 7)
    return rows


def workbook_2019(t3_rows, reviews=(5, 0, 0, 2, 7, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0)) -> bytes:
    """A report typed by hand in the 2019 trial layout: title rows, merged label cells."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "年报表格"
    ws.append(["测试县农业农村局政府信息公开工作年度报告"])
    ws.append(["二、主动公开政府信息情况"])
    ws.append(["第二十条第（一）项"])
    ws.append(["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"])
    ws.append(["规章", 0, 0, 0])
    ws.append(["规范性文件", 3, 3, 41])
    ws.append(["第二十条第（五）项"])
    ws.append(["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"])
    ws.append(["行政许可", 12, "+1", 356])
    ws.append(["第二十条第（八）项"])
    ws.append(["行政事业性收费", 2, 0])
    ws.append([])
    ws.append(["三、收到和处理政府信息公开申请情况"])
    ws.append(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", None, None, "申请人情况"])
    ws.append([None, None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"])
    ws.append([None, None, None, None, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])
    first = ws.max_row + 1
    for a, b, c, numbers in t3_rows:
        ws.append([a, b, c, *numbers])
    ws.merge_cells(start_row=first + 2, start_column=1, end_row=first + 20, end_column=1)
    ws.append([])
    ws.append(["四、政府信息公开行政复议、行政诉讼情况"])
    ws.append(["行政复议", None, None, None, None, "行政诉讼"])
    ws.append(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", None, None, None, None,
               "复议后起诉"])
    ws.append([None] * 5 + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)
    ws.append(list(reviews))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_parse_2019_layout():
    parsed = parse_xlsx(workbook_2019(T3_2019))
    assert parsed.layout == "2019"
    t3 = parsed.table3
    assert t3["new"] == dict(zip(ar.TABLE3_COLUMNS, [800, 40, 5, 4, 6, 4, 859], strict=True))
    assert t3["carried_forward"]["total"] == 72 and t3["carried_forward"]["legal_service"] == 1
    assert t3["unavailable.not_held"]["commercial"] == 10
    assert t3["other.other"]["total"] == 30  # 2019 (六)其他处理 kept under 3.其他
    assert t3["other.no_correction"]["total"] == 0
    assert ar.validate_table3(t3) == []
    assert parsed.table4["reconsideration"] == {"upheld": 5, "corrected": 0, "other": 0, "pending": 2, "total": 7}
    assert parsed.table4["litigation_direct"]["total"] == 1
    assert parsed.table2 == {"layout": "2019", "rows": {"规章": ["0", "0", "0"], "规范性文件": ["3", "3", "41"],
                                                       "行政许可": ["12", "+1", "356"], "行政事业性收费": ["2", "0"]}}


def test_import_2019_then_2020_feeds_the_cross_year_check(county, office_admin):
    body = county.dept_a
    first = services.import_history(office_admin, body, 2019, workbook_2019(T3_2019))
    assert (first.status, first.source, first.layout, first.checks) == ("published", "imported", "2019", [])
    second = services.import_history(office_admin, body, 2020, workbook_2019(t3_2020()))
    assert [(c["level"], c["cell"]) for c in second.checks] == [
        ("warning", "table3.carried_over.legal_service"), ("warning", "table3.carried_over.total")]
    assert "2019年度报告「四、结转下年度继续办理」为72" in second.checks[1]["message"]
    # The first generated year is checked against the imported 2020 (nothing carried on the platform).
    generated = services.generate(office_admin, body, 2021)
    assert [c["cell"] for c in generated.checks if c["level"] == "warning"] == ["table3.carried_over.natural_person",
                                                     "table3.carried_over.commercial", "table3.carried_over.total"]
    assert "2020年度报告「四、结转下年度继续办理」为118" in generated.checks[-3]["message"]


def test_own_2021_export_reads_back():
    document = sample_document()
    parsed = parse_xlsx(to_xlsx(document))
    assert parsed.layout == "2021"
    assert parsed.table3 == document["table3"]
    assert parsed.table4 == document["table4"]
    assert parsed.table2 == document["table2"]


def test_import_refusals(county, office_admin):
    with pytest.raises(ServiceError, match="不是 XLSX 工作簿或 DOCX 文档"):
        services.import_history(office_admin, county.dept_a, 2019, b"not a workbook")
    broken = [r for r in T3_2019 if r[2] != "2.重复申请"]
    with pytest.raises(ServiceError, match="表三缺少「2.重复申请」"):
        services.import_history(office_admin, county.dept_a, 2019, workbook_2019(broken))
    short = parse_xlsx(workbook_2019(T3_2019, reviews=(1, 2)))  # the rest of table 四 printed blank
    assert short.table4["reconsideration"] == {"upheld": 1, "corrected": 2, "other": 0, "pending": 0, "total": 0}
    assert "表四「行政复议」的「其他结果」、「尚未审结」、「总计」为空白，按0计" in short.notes
    services.import_history(office_admin, county.dept_a, 2019, workbook_2019(T3_2019))
    with pytest.raises(ServiceError, match="已在平台上"):
        services.import_history(office_admin, county.dept_a, 2019, workbook_2019(T3_2019))
    assert AnnualReport.objects.count() == 1


def test_fractional_count_is_refused():
    rows = [list(r) for r in T3_2019]
    rows[0][3] = [800.5, 40, 5, 4, 6, 4, 859]
    with pytest.raises(HistoryError, match="表三「一、本年新收政府信息公开申请数量」行「自然人」列应为非负整数"):
        parse_xlsx(workbook_2019(rows))


def test_cli_import(county, tmp_path):
    path = tmp_path / "2019.xlsx"
    path.write_bytes(workbook_2019(T3_2019))
    out = io.StringIO()
    call_command("report", "import", str(path), "--body", county.dept_a.code, "--year", "2019", stdout=out)
    assert "已导入测试县农业农村局2019年政府信息公开工作年度报告" in out.getvalue()
    with pytest.raises(CommandError, match="已在平台上"):
        call_command("report", "import", str(path), "--body", county.dept_a.code, "--year", "2019")
    data = io.StringIO()
    call_command("report", "annual", "--body", county.dept_a.code, "--year", "2019", "--format", "json", stdout=data)
    assert '"layout": "2019"' in data.getvalue()
    with pytest.raises(CommandError, match="只能导出 JSON"):
        call_command("report", "annual", "--body", county.dept_a.code, "--year", "2019", "--format", "html")
