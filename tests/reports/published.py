"""Tables of real published annual reports, transcribed cell by cell (a blank cell is ``None``: the
report printed nothing there), and builders that lay them out as the files counties keep: the
template's XLSX (openpyxl, merged cells) and the published report's DOCX (python-docx, merged
cells as Word stores them). Sources: tests/reports/data/README.md.

Each grid row is a list of ``(text, colspan, rowspan)`` placed the way an HTML table places them,
which is how the reports were published.
"""

from __future__ import annotations

import io

from gongkai.reports.layout import Cell, positions

B = None  # a blank cell as printed


def _row(label_cells, numbers):
    return [*label_cells, *((("" if n is None else str(n)), 1, 1) for n in numbers)]


# --- 2019年上海市人民政府办公厅政府信息公开工作年度报告 (2019 trial layout) ------------------------------
# Published 2020-01-31 on www.shanghai.gov.cn ("中国上海"). Blank cells as printed: the 法人或其他组织
# columns, and the 总计 column of most result rows, are empty.

SH_T2 = [
    [("第二十条第（一）项", 4, 1)],
    [("信息内容", 1, 1), ("本年新制作数量", 1, 1), ("本年新公开数量", 1, 1), ("对外公开总数量", 1, 1)],
    [("规章", 1, 1), ("13", 1, 1), ("13", 1, 1), ("524", 1, 1)],
    [("规范性文件", 1, 1), ("60", 1, 1), ("60", 1, 1), ("368", 1, 1)],
    [("第二十条第（五）项", 4, 1)],
    [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 1), ("处理决定数量", 1, 1)],
    [("行政许可", 1, 1), ("0", 1, 1), ("0", 1, 1), ("0", 1, 1)],
    [("其他对外管理服务事项", 1, 1), ("0", 1, 1), ("0", 1, 1), ("0", 1, 1)],
    [("第二十条第（六）项", 4, 1)],
    [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 1), ("处理决定数量", 1, 1)],
    [("行政处罚", 1, 1), ("0", 1, 1), ("0", 1, 1), ("0", 1, 1)],
    [("行政强制", 1, 1), ("0", 1, 1), ("0", 1, 1), ("0", 1, 1)],
    [("第二十条第（八）项", 4, 1)],
    [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 2, 1)],
    [("行政事业性收费", 1, 1), ("0", 1, 1), ("0", 2, 1)],
    [("第二十条第（九）项", 4, 1)],
    [("信息内容", 1, 1), ("采购项目数量", 1, 1), ("采购总金额", 2, 1)],
    [("政府集中采购", 1, 1), ("6", 1, 1), ("251000元", 2, 1)],
]

T3_HEAD = [
    [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 7, 1)],
    [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
    [("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1), ("其他", 1, 1)],
]

SH_T3_VALUES = {  # 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
    "new": [821, 35, B, B, 2, 1, 859],
    "carried_over": [18, B, B, B, B, B, 18],
    "disclosed": [258, 12, B, B, 1, 1, B],
    "partial": [3, B, B, B, B, B, B],
    "withheld.state_secret": [14, B, B, B, B, B, B],
    "withheld.law_prohibited": [B] * 7,
    "withheld.three_security_one_stability": [B] * 7,
    "withheld.third_party_rights": [B] * 7,
    "withheld.internal_affairs": [5, B, B, B, B, B, B],
    "withheld.process_info": [3, 1, B, B, B, B, B],
    "withheld.enforcement_file": [B] * 7,
    "withheld.administrative_query": [10, 2, B, B, B, B, B],
    "unavailable.not_held": [252, 12, B, B, 1, B, B],
    "unavailable.needs_creation": [44, 3, B, B, B, B, B],
    "unavailable.unclear_after_correction": [25, B, B, B, B, B, B],
    "not_processed.petition_complaint": [148, 1, B, B, B, B, B],
    "not_processed.repeat": [5, 4, B, B, B, B, B],
    "not_processed.publication": [B] * 7,
    "not_processed.excessive": [B] * 7,
    "not_processed.confirm_or_reissue": [B] * 7,
    "other.other": [B] * 7,  # 2019: （六）其他处理 is one row
    "results_total": [767, 35, B, B, 2, 1, 805],
    "carried_forward": [72, B, B, B, B, B, 72],
}
SH_T4 = [5, B, B, 2, 7, 8, B, B, 1, 9, B, B, B, B, B]

GROUP_ROWS = (  # (group label, [(sub-label, key)]) in the order of table 三
    ("（三）不予公开", [("1.属于国家秘密", "withheld.state_secret"), ("2.其他法律行政法规禁止公开", "withheld.law_prohibited"),
                  ("3.危及“三安全一稳定”", "withheld.three_security_one_stability"),
                  ("4.保护第三方合法权益", "withheld.third_party_rights"), ("5.属于三类内部事务信息", "withheld.internal_affairs"),
                  ("6.属于四类过程性信息", "withheld.process_info"), ("7.属于行政执法案卷", "withheld.enforcement_file"),
                  ("8.属于行政查询事项", "withheld.administrative_query")]),
    ("（四）无法提供", [("1.本机关不掌握相关政府信息", "unavailable.not_held"),
                  ("2.没有现成信息需要另行制作", "unavailable.needs_creation"),
                  ("3.补正后申请内容仍不明确", "unavailable.unclear_after_correction")]),
    ("（五）不予处理", [("1.信访举报投诉类申请", "not_processed.petition_complaint"), ("2.重复申请", "not_processed.repeat"),
                  ("3.要求提供公开出版物", "not_processed.publication"),
                  ("4.无正当理由大量反复申请", "not_processed.excessive"),
                  ("5.要求行政机关确认或重新出具已获取信息", "not_processed.confirm_or_reissue")]),
)
OTHER_2021 = [("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other.no_correction"),
              ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other.no_fee_payment"),
              ("3.其他", "other.other")]


def table3_grid(values: dict, *, other_rows=None, labels: dict | None = None) -> list:
    """Table 三 in the published layout: 三、本年度办理结果 spans the result rows, each group label
    spans its rows. ``other_rows`` splits （六） (2021); ``labels`` replaces labels as a report wrote them."""
    labels = labels or {}

    def lab(text):
        return labels.get(text, text)

    groups = [*GROUP_ROWS, *((("（六）其他处理", other_rows),) if other_rows else ())]
    result_rows = 2 + sum(len(rows) for _g, rows in groups) + (0 if other_rows else 1) + 1
    grid = [*T3_HEAD,
            _row([(lab("一、本年新收政府信息公开申请数量"), 3, 1)], values["new"]),
            _row([(lab("二、上年结转政府信息公开申请数量"), 3, 1)], values["carried_over"]),
            _row([(lab("三、本年度办理结果"), 1, result_rows), (lab("（一）予以公开"), 2, 1)], values["disclosed"]),
            _row([(lab("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), 2, 1)], values["partial"])]
    for group, rows in groups:
        for i, (label, key) in enumerate(rows):
            head = [(lab(group), 1, len(rows))] if i == 0 else []
            grid.append(_row([*head, (lab(label), 1, 1)], values[key]))
    if not other_rows:
        grid.append(_row([(lab("（六）其他处理"), 2, 1)], values["other.other"]))
    grid.append(_row([(lab("（七）总计"), 2, 1)], values["results_total"]))
    grid.append(_row([(lab("四、结转下年度继续办理"), 3, 1)], values["carried_forward"]))
    return grid


def table4_grid(numbers) -> list:
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return [[("行政复议", 5, 1), ("行政诉讼", 10, 1)],
            [*((r, 1, 2) for r in results), ("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)],
            [(r, 1, 1) for r in results * 2],
            [("" if n is None else str(n), 1, 1) for n in numbers]]


def _placed(grid):
    return positions([[Cell(t, colspan=cs, rowspan=rs) for t, cs, rs in row] for row in grid])


def to_docx(title: str, tables: list[tuple[str, list]]) -> bytes:
    """A Word document: the title, and each table under its heading, merged as published."""
    from docx import Document

    doc = Document()
    doc.add_paragraph(title)
    for heading, grid in tables:
        doc.add_paragraph(heading)
        placed = _placed(grid)
        columns = max(c + cell.colspan for _r, c, cell in placed)
        table = doc.add_table(rows=len(grid), cols=columns)
        for r, c, cell in placed:
            target = table.cell(r, c)
            if cell.colspan > 1 or cell.rowspan > 1:
                target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            target.text = cell.text
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _typed(text: str):
    try:
        return int(text)
    except ValueError:
        return text or None


def to_xlsx(tables: list[tuple[str, list]], *, one_sheet: bool = False, typed: bool = True) -> bytes:
    """A workbook with one sheet per table (or all on one sheet), merged as published; numbers typed
    as numbers unless ``typed`` is false (text cells, as some offices type them)."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)  # ruled like a real table: blank cells exist
    wb = Workbook()
    wb.remove(wb.active)
    ws = None
    offset = 0
    for heading, grid in tables:
        if ws is None or not one_sheet:
            ws = wb.create_sheet(heading[:2] if not one_sheet else "年报")
            offset = 0
        ws.cell(offset + 1, 1, heading)
        for r, c, cell in _placed(grid):
            row = offset + r + 2
            ws.cell(row, c + 1, _typed(cell.text) if typed else (cell.text or None)).border = border
            if cell.colspan > 1 or cell.rowspan > 1:
                ws.merge_cells(start_row=row, start_column=c + 1, end_row=row + cell.rowspan - 1,
                               end_column=c + cell.colspan)
        offset = ws.max_row + 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def shanghai_2019_tables():
    return [("二、主动公开政府信息情况", SH_T2), ("三、收到和处理政府信息公开申请情况", table3_grid(SH_T3_VALUES)),
            ("四、政府信息公开行政复议、行政诉讼情况", table4_grid(SH_T4))]


# --- 2021 layout: the 2025 report of a prefecture-level city (Hangzhou style) ---------------------------
# Transcribed from the report fixture in a public repository (domain facts §2.4/§2.6 cite it:
# 14069 + 560 = 13810 + 819; table 四 376 + 97 + 196 + 121 = 790). Written here with the variants
# real reports use: 1、2、3、 numbering of （六）, half-width brackets, spaces, 规范性文件.

HZ_T2 = [
    [("第二十条第（一）项", 4, 1)],
    [("信息内容", 1, 1), ("本年制发件数", 1, 1), ("本年废止件数", 1, 1), ("现行有效件数", 1, 1)],
    [("规章", 1, 1), ("3", 1, 1), ("5", 1, 1), ("74", 1, 1)],
    [("规范性文件", 1, 1), ("564", 1, 1), ("984", 1, 1), ("4185", 1, 1)],
    [("第二十条第（五）项", 4, 1)],
    [("信息内容", 1, 1), ("本年处理决定数量", 3, 1)],
    [("行政许可", 1, 1), ("11398889", 3, 1)],
    [("第二十条第（六）项", 4, 1)],
    [("信息内容", 1, 1), ("本年处理决定数量", 3, 1)],
    [("行政处罚", 1, 1), ("6937489", 3, 1)],
    [("行政强制", 1, 1), ("166105", 3, 1)],
    [("第二十条第（八）项", 4, 1)],
    [("信息内容", 1, 1), ("本年收费金额（单位：万元）", 3, 1)],
    [("行政事业性收费", 1, 1), ("316441", 3, 1)],
]
HZ_T3_VALUES = {
    "new": [13612, 252, 0, 45, 128, 32, 14069],
    "carried_over": [535, 6, 0, 1, 18, 0, 560],
    "disclosed": [5345, 129, 0, 41, 19, 14, 5548],
    "partial": [2120, 39, 0, 1, 6, 2, 2168],
    "withheld.state_secret": [13, 0, 0, 0, 0, 0, 13],
    "withheld.law_prohibited": [30, 0, 0, 0, 0, 0, 30],
    "withheld.three_security_one_stability": [11, 0, 0, 0, 0, 0, 11],
    "withheld.third_party_rights": [49, 2, 0, 0, 0, 0, 51],
    "withheld.internal_affairs": [103, 1, 0, 0, 0, 0, 104],
    "withheld.process_info": [84, 1, 0, 0, 0, 0, 85],
    "withheld.enforcement_file": [282, 4, 0, 0, 0, 0, 286],
    "withheld.administrative_query": [147, 0, 0, 0, 1, 2, 150],
    "unavailable.not_held": [3075, 50, 0, 0, 89, 8, 3222],
    "unavailable.needs_creation": [177, 3, 0, 0, 0, 0, 180],
    "unavailable.unclear_after_correction": [19, 0, 0, 0, 0, 0, 19],
    "not_processed.petition_complaint": [199, 1, 0, 0, 3, 0, 203],
    "not_processed.repeat": [147, 1, 0, 0, 0, 0, 148],
    "not_processed.publication": [0, 0, 0, 0, 0, 0, 0],
    "not_processed.excessive": [100, 1, 0, 0, 0, 0, 101],
    "not_processed.confirm_or_reissue": [5, 0, 0, 0, 0, 0, 5],
    "other.no_correction": [315, 3, 0, 0, 0, 0, 318],
    "other.no_fee_payment": [202, 0, 0, 1, 0, 0, 203],
    "other.other": [941, 17, 0, 1, 3, 3, 965],
    "results_total": [13364, 252, 0, 44, 121, 29, 13810],
    "carried_forward": [783, 6, 0, 2, 25, 3, 819],
}
HZ_T4 = [376, 97, 196, 121, 790, 16, 1, 12, 27, 56, 74, 1, 30, 51, 156]
HZ_VARIANT_LABELS = {  # as real reports print them
    "（三）不予公开": "(三) 不予公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开(区分处理的,只计这一情形,不计其他情形)",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他": "3、其他",
    "1.属于国家秘密": "1．属于国家秘密",
    "3.危及“三安全一稳定”": "3.危及\"三安全一稳定\"",
    "四、结转下年度继续办理": "四、结转下年度继续办理 ",
}


def hangzhou_2025_tables(t2=None):
    return [("二、主动公开政府信息情况", t2 or HZ_T2),
            ("三、收到和处理政府信息公开申请情况",
             table3_grid(HZ_T3_VALUES, other_rows=OTHER_2021, labels=HZ_VARIANT_LABELS)),
            ("四、政府信息公开行政复议、行政诉讼情况", table4_grid(HZ_T4))]


# --- 2019 layout, every cell blank: a township of 雄县 (xiongxian.gov.cn, zwgkcontent-888888040-56270) ----
# Its 2019 report printed the tables with no figures but 规章's first cell (0); the text states no
# request, review or lawsuit. Labels as printed, e.g. "(三) 不予公开" with a space.

XX_T2 = [
    [("第二十条第(一)项", 4, 1)],
    [("信息内容", 1, 1), ("本年新制作数量", 1, 1), ("本年新公开数量", 1, 1), ("对外公开总数量", 1, 1)],
    [("规章", 1, 1), ("0", 1, 1), ("", 1, 1), ("", 1, 1)],
    [("规范性文件", 1, 1), ("", 1, 1), ("", 1, 1), ("", 1, 1)],
    [("第二十条第(五)项", 4, 1)],
    [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 1), ("处理决定数量", 1, 1)],
    [("行政许可", 1, 1), ("", 1, 1), ("", 1, 1), ("", 1, 1)],
    [("其他对外管理服务事项", 1, 1), ("", 1, 1), ("", 1, 1), ("", 1, 1)],
    [("第二十条第(六)项", 4, 1)],
    [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 1), ("处理决定数量", 1, 1)],
    [("行政处罚", 1, 1), ("", 1, 1), ("", 1, 1), ("", 1, 1)],
    [("行政强制", 1, 1), ("", 1, 1), ("", 1, 1), ("", 1, 1)],
    [("第二十条第(八)项", 4, 1)],
    [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 2, 1)],
    [("行政事业性收费", 1, 1), ("", 1, 1), ("", 2, 1)],
    [("第二十条第(九)项", 4, 1)],
    [("信息内容", 1, 1), ("采购项目数量", 1, 1), ("采购总金额", 2, 1)],
    [("政府集中采购", 1, 1), ("", 1, 1), ("", 2, 1)],
]


def xiongxian_2019_tables():
    blank = {key: [B] * 7 for key in SH_T3_VALUES}
    labels = {"（三）不予公开": "(三) 不予公开", "（一）予以公开": "(一)予以公开", "（四）无法提供": "(四)无法提供",
              "（五）不予处理": "(五)不予处理", "（六）其他处理": "(六)其他处理", "（七）总计": "(七)总计",
              "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"}
    return [("二、主动公开政府信息情况", XX_T2), ("三、收到和处理政府信息公开申请情况", table3_grid(blank, labels=labels)),
            ("四、政府信息公开行政复议、行政诉讼情况", table4_grid([B] * 15))]


def expected_table3(values: dict) -> dict:
    from gongkai.rules import annual_report as ar

    table = ar.empty_table3()
    for key, numbers in values.items():
        table[key] = dict(zip(ar.TABLE3_COLUMNS, [n or 0 for n in numbers], strict=True))
    return table


def expected_table4(numbers) -> dict:
    from gongkai.rules import annual_report as ar

    values = [n or 0 for n in numbers]
    return {kind: dict(zip(ar.TABLE4_RESULTS, values[k * 5:k * 5 + 5], strict=True))
            for k, kind in enumerate(ar.TABLE4_KINDS)}


# --- Table 二 as printed in real 2021-layout reports whose tables 三 and 四 are not held -------------------
# Only the opening of each report (up to table 二 and the head of table 三) is held in the stored copies
# we could read, so these are NOT complete reports: each table 二 is transcribed as printed and laid
# beside the Hangzhou-style tables 三 and 四 above, to test the reader on the variants they print.
# Sources: tests/reports/data/README.md. Brackets as in the stored copies (half-width).

def _t2_2021(doc_headers, regulation, normative, licensing, penalty, coercion, fees, *, normative_label="行政规范性文件",
             fees_label="行政事业性收费"):
    def row(label, numbers, span=1):
        return [(label, 1, 1), *((n, span, 1) for n in numbers)]

    return [
        [("第二十条第(一)项", 4, 1)],
        [("信息内容", 1, 1), *((h, 1, 1) for h in doc_headers)],
        row("规章", regulation), row(normative_label, normative),
        [("第二十条第(五)项", 4, 1)], [("信息内容", 1, 1), ("本年处理决定数量", 3, 1)], row("行政许可", [licensing], 3),
        [("第二十条第(六)项", 4, 1)], [("信息内容", 1, 1), ("本年处理决定数量", 3, 1)],
        row("行政处罚", [penalty], 3), row("行政强制", [coercion], 3),
        [("第二十条第(八)项", 4, 1)], [("信息内容", 1, 1), ("本年收费金额(单位:万元)", 3, 1)],
        row(fees_label, [fees], 3),
    ]


DOC_HEADERS = ("本年制发件数", "本年废止件数", "现行有效件数")
#: 盐边县新九镇人民政府, 2021: the third header printed 现行有效件 (no 数); every figure 0.
XINJIU_2021_T2 = _t2_2021(("本年制发件数", "本年废止件数", "现行有效件"), ["0", "0", "0"], ["0", "0", "0"],
                          "0", "0", "0", "0")
#: 绥江县会仪镇人民政府, 2021: 规范性文件 for 行政规范性文件, and the fee row printed 行政事业型收费.
HUIYI_2021_T2 = _t2_2021(DOC_HEADERS, ["0", "0", "0"], ["2", "0", "2"], "213", "5", "2", "0",
                         normative_label="规范性文件", fees_label="行政事业型收费")
#: 武汉市汉阳区人民政府办公室, 2022: 现行有效件数 (历史累计); 规章's 现行有效 cell printed blank.
HANYANG_2022_T2 = _t2_2021(("本年制发件数", "本年废止件数", "现行有效件数 (历史累计)"), ["0", "0", ""],
                           ["5", "12", "8"], "0", "0", "0", "0")
#: A district statistics bureau (区统计局), 2023: 规章's three cells printed "/".
TONGJI_2023_T2 = _t2_2021(DOC_HEADERS, ["/", "/", "/"], ["0", "0", "0"], "0", "0", "0", "0")

#: Table 三 labels as printed by 长春市二道区房屋征收工作管理办公室, 2022 (a one-character slip in each).
ERDAO_2022_LABELS = {
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "(二)部分公开(区分处理的,只计这一情况,不计其他情形)",
    "5.属于三类内部事务信息": "5.属于三类内容事务信息",
}
