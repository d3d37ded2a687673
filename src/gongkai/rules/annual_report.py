"""Arithmetic of the 政府信息公开工作年度报告 (条例 Art. 49–50; national format 国办公开办函〔2021〕30号).

Pure code (no Django): the tables are computed from plain facts, validated, and compared with last
year's report. The service layer (``gongkai.reports.services``) computes the same buckets in SQL;
its tests check it against the functions here.

Tables (domain facts §2.3–§2.5), as plain dicts with stable English keys (the JSON contract):

- table 二: ``{"regulation": {"issued", "repealed", "in_force"}, "normative": {...},
  "licensing", "penalty", "coercion", "fees_wan"}``;
- table 三: ``{ROW: {COLUMN: n}}``, ROW in :data:`TABLE3_ROWS` (``new``, ``carried_over``, the 21
  disposition codes of ``rules.dispositions``, ``results_total``, ``carried_forward``), COLUMN in
  :data:`TABLE3_COLUMNS` (the six applicant types, ``total``);
- table 四: ``{KIND: {RESULT: n}}``, KIND in :data:`TABLE4_KINDS`, RESULT in :data:`TABLE4_RESULTS`.

Decisions on ambiguous points (domain facts mark them INFERRED or leave them open):

- A case counts in the year of its receipt date (条例 Art. 31) and in the year of its decision date
  (``decided_on``: the 答复 or, for lapsed and withdrawn cases, the day processing stopped).
- 本年制发 counts a 规章 or 行政规范性文件 by its 成文日期 (the 形成日期 when no 成文日期 was entered);
  本年废止 counts documents whose 有效性 became 废止 **or** 失效 in the year, so that
  last year's 现行有效 + 本年制发 − 本年废止 = this year's 现行有效 (a document that is no longer in
  force left the stock either way).
- Table 四: a review counts in the year it was **filed** (issue 6); a result whose 审结日期 is after
  31 December counts as 尚未审结. A result without a 审结日期 counts as that result (the date was
  simply not recorded).
- 万元: the 行政事业性收费 amount is in 万元 (the template's column header 本年收费金额（单位：万元）;
  the template sets no precision). Published reports print up to six decimals, i.e. exact to the
  fen (1 分 = 0.000001 万元), so six decimals are kept as printed; a finer figure (below one fen) is a
  warning, never an error. An amount of 100 000 万元 (1 billion yuan) or more is a warning: it was
  probably entered in 元.
- Publication deadlines (Art. 49): 31 January for departments; 31 March for the county
  government. Townships have no statutory date (facts §1.1); they follow the practice of
  31 January (INFERRED, facts §11 point 6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from gongkai.rules.dispositions import ApplicantType, Disposition, DispositionGroup

FORMAT_2021 = "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）"
FORMAT_2019 = "政府信息公开工作年度报告格式（试行）（国办公开办函〔2019〕60号）"

# --- Table 三 layout ------------------------------------------------------------------------------

TOTAL = "total"
ROW_NEW = "new"
ROW_CARRIED_OVER = "carried_over"
ROW_RESULTS_TOTAL = "results_total"
ROW_CARRIED_FORWARD = "carried_forward"

#: Applicant columns in template order, then 总计.
APPLICANT_COLUMNS: tuple[str, ...] = tuple(t.value for t in ApplicantType)
TABLE3_COLUMNS: tuple[str, ...] = (*APPLICANT_COLUMNS, TOTAL)
DISPOSITION_ROWS: tuple[str, ...] = tuple(d.value for d in Disposition)
TABLE3_ROWS: tuple[str, ...] = (ROW_NEW, ROW_CARRIED_OVER, *DISPOSITION_ROWS, ROW_RESULTS_TOTAL,
                                ROW_CARRIED_FORWARD)

TABLE3_CHECK_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
TABLE3_ROW_LABELS: dict[str, str] = {
    ROW_NEW: "一、本年新收政府信息公开申请数量",
    ROW_CARRIED_OVER: "二、上年结转政府信息公开申请数量",
    **{d.value: d.row_label for d in Disposition},
    ROW_RESULTS_TOTAL: "（七）总计",
    ROW_CARRIED_FORWARD: "四、结转下年度继续办理",
}
TABLE3_RESULTS_HEADING = "三、本年度办理结果"
TABLE3_COLUMN_LABELS: dict[str, str] = {**{t.value: t.label for t in ApplicantType}, TOTAL: "总计"}

# --- Table 四 layout ------------------------------------------------------------------------------

TABLE4_KINDS: tuple[str, ...] = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
TABLE4_RESULTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", TOTAL)
TABLE4_KIND_LABELS = {
    "reconsideration": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_reconsideration": "复议后起诉",
}
TABLE4_RESULT_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果",
                        "pending": "尚未审结", TOTAL: "总计"}

# --- Table 二 layout ------------------------------------------------------------------------------

DOCUMENT_ROWS: tuple[str, ...] = ("regulation", "normative")
DOCUMENT_COLUMNS: tuple[str, ...] = ("issued", "repealed", "in_force")
DOCUMENT_ROW_LABELS = {"regulation": "规章", "normative": "行政规范性文件"}
DOCUMENT_COLUMN_LABELS = {"issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数"}
DECISION_ROWS: tuple[str, ...] = ("licensing", "penalty", "coercion")
DECISION_ROW_LABELS = {"licensing": "行政许可", "penalty": "行政处罚", "coercion": "行政强制"}
FEES_ROW = "fees_wan"
FEES_LABEL = "行政事业性收费"
TABLE2_BLOCKS = (  # (block header, row keys)
    ("第二十条第（一）项", ("regulation", "normative")),
    ("第二十条第（五）项", ("licensing",)),
    ("第二十条第（六）项", ("penalty", "coercion")),
    ("第二十条第（八）项", (FEES_ROW,)),
)
FEES_MAX_DECIMALS = 6  # 1 分 = 0.000001 万元
FEES_SUSPICIOUS_WAN = Decimal(100000)
FEN_IN_WAN = Decimal("0.000001")


class ReportError(ValueError):
    """Facts that cannot be counted (e.g. a decision without a disposition); message in Chinese."""


# --- Facts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFact:
    """What table 三 needs of one 依申请公开 case."""

    applicant_type: str
    received_on: dt.date
    decided_on: dt.date | None = None
    disposition: str | None = None


@dataclass(frozen=True)
class ReviewFact:
    """What table 四 needs of one 行政复议 / 行政诉讼 (the requests Review model)."""

    kind: str
    filed_on: dt.date
    result: str = "pending"
    concluded_on: dt.date | None = None


@dataclass(frozen=True)
class DocumentFact:
    """What table 二 needs of one 规章 or 行政规范性文件 (a published disclosure record)."""

    doc_type: str  # "regulation" | "normative"
    issued_on: dt.date
    validity: str = "valid"  # valid | expired | repealed
    validity_date: dt.date | None = None


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """1 January and 31 December of the report year (the report covers one calendar year, Art. 50)."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- Table 三 ---------------------------------------------------------------------------------------


def case_rows(fact: CaseFact, year: int) -> tuple[str, ...]:
    """The table 三 rows (without the sums) one case counts in for ``year``.

    Source: table 三 of the 2021 format (domain facts §2.4) and issue 6: 新收 = received in the year;
    上年结转 = received before 1 January and not decided before it; each disposition decided in the
    year in its row; 结转下年度 = received by 31 December and not decided by then. So every counted
    case is in exactly one of 新收/上年结转 and exactly one of (a result row)/结转下年度, which is the
    column identity printed in the table header. Raises ReportError for impossible facts.
    """
    start, end = year_bounds(year)
    if fact.applicant_type not in APPLICANT_COLUMNS:
        raise ReportError(f"申请人类型“{fact.applicant_type}”不是年报表三的列")
    if (fact.decided_on is None) != (not fact.disposition):
        raise ReportError("办结日期和办理结果须同时填写或同时为空")
    if fact.disposition and fact.disposition not in DISPOSITION_ROWS:
        raise ReportError(f"办理结果“{fact.disposition}”不是年报表三的行")
    if fact.decided_on is not None and fact.decided_on < fact.received_on:
        raise ReportError(f"办结日期 {fact.decided_on} 早于收到申请之日 {fact.received_on}")
    if fact.received_on > end or (fact.decided_on is not None and fact.decided_on < start):
        return ()
    rows = [ROW_NEW if fact.received_on >= start else ROW_CARRIED_OVER]
    if fact.decided_on is not None and fact.decided_on <= end:
        rows.append(fact.disposition)
    else:
        rows.append(ROW_CARRIED_FORWARD)
    return tuple(rows)


def empty_table3() -> dict[str, dict[str, int]]:
    return {row: dict.fromkeys(TABLE3_COLUMNS, 0) for row in TABLE3_ROWS}


def complete_table3(counts: Mapping[tuple[str, str], int]) -> dict[str, dict[str, int]]:
    """Table 三 from per-(row, applicant column) counts: fills （七）总计 and the 总计 column.

    （七）总计 = （一）+（二）+ Σ（三）+ Σ（四）+ Σ（五）+ Σ（六） (domain facts §2.6, INFERRED); 总计 =
    the sum of the six applicant columns (same source). ``counts`` keys are (row, column) with row
    one of new, carried_over, a disposition code or carried_forward.
    """
    table = empty_table3()
    for (row, column), n in counts.items():
        if row not in TABLE3_ROWS or row == ROW_RESULTS_TOTAL or column not in APPLICANT_COLUMNS:
            raise ReportError(f"表三没有“{row}/{column}”这一格")
        table[row][column] += n
    for column in APPLICANT_COLUMNS:
        table[ROW_RESULTS_TOTAL][column] = sum(table[row][column] for row in DISPOSITION_ROWS)
    for row in TABLE3_ROWS:
        table[row][TOTAL] = sum(table[row][column] for column in APPLICANT_COLUMNS)
    return table


def table3(facts: Iterable[CaseFact], year: int) -> dict[str, dict[str, int]]:
    """Table 三 (收到和处理政府信息公开申请情况, 2021 format) for ``year`` from case facts."""
    counts: dict[tuple[str, str], int] = {}
    for fact in facts:
        for row in case_rows(fact, year):
            counts[row, fact.applicant_type] = counts.get((row, fact.applicant_type), 0) + 1
    return complete_table3(counts)


# --- Table 四 ---------------------------------------------------------------------------------------


def review_cell(fact: ReviewFact, year: int) -> tuple[str, str] | None:
    """The (kind, result) cell of table 四 one review counts in for ``year``, or None.

    Source: table 四 of the format (domain facts §2.5) and issue 6: reviews and lawsuits **filed** in
    the report year, by result; a result that came after 31 December is 尚未审结.
    """
    start, end = year_bounds(year)
    if fact.kind not in TABLE4_KINDS:
        raise ReportError(f"复议诉讼类型“{fact.kind}”不是年报表四的类型")
    if fact.result not in TABLE4_RESULTS or fact.result == TOTAL:
        raise ReportError(f"复议诉讼结果“{fact.result}”不是年报表四的结果")
    if not start <= fact.filed_on <= end:
        return None
    if fact.result == "pending" or (fact.concluded_on is not None and fact.concluded_on > end):
        return fact.kind, "pending"
    return fact.kind, fact.result


def explain_review(fact: ReviewFact) -> str:
    """Where one review counts in table 四, in plain Chinese, from :func:`review_cell` for the year it
    was filed (the only report it counts in): the row (行政复议 / 未经复议直接起诉 / 复议后起诉) and
    the column (结果维持 / 结果纠正 / 其他结果 / 尚未审结), and why a result counts as 尚未审结."""
    year = fact.filed_on.year
    kind, result = review_cell(fact, year)
    where = (f"计入{year}年度报告表四「{TABLE4_KIND_LABELS[kind]}」中的「{TABLE4_RESULT_LABELS[result]}」"
             f"和「{TABLE4_RESULT_LABELS[TOTAL]}」")
    if result != "pending":
        return where
    if fact.result == "pending":
        return (f"{where}；审结后请登记结果和审结日期：{year}年12月31日前审结的，改计入相应结果，"
                f"此后审结的，{year}年度报告仍计为尚未审结")
    return f"{where}：审结日期在{year}年12月31日之后，{year}年度报告中计为尚未审结，以后年度报告不再计入"


def table4_guide(year: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """For a review filed in ``year``: each kind with the table 四 row it counts in, and each result
    with the column (when concluded within the year), both read off :func:`review_cell`."""
    day = dt.date(year, 1, 1)
    rows = [(kind, TABLE4_KIND_LABELS[review_cell(ReviewFact(kind, day), year)[0]]) for kind in TABLE4_KINDS]
    columns = [(result, TABLE4_RESULT_LABELS[review_cell(ReviewFact(TABLE4_KINDS[0], day, result, day), year)[1]])
               for result in TABLE4_RESULTS if result != TOTAL]
    return rows, columns


def empty_table4() -> dict[str, dict[str, int]]:
    return {kind: dict.fromkeys(TABLE4_RESULTS, 0) for kind in TABLE4_KINDS}


def complete_table4(counts: Mapping[tuple[str, str], int]) -> dict[str, dict[str, int]]:
    """Table 四 from per-(kind, result) counts, with each 总计 = 维持 + 纠正 + 其他 + 尚未审结 (§2.6)."""
    table = empty_table4()
    for (kind, result), n in counts.items():
        if kind not in TABLE4_KINDS or result not in TABLE4_RESULTS or result == TOTAL:
            raise ReportError(f"表四没有“{kind}/{result}”这一格")
        table[kind][result] += n
    for kind in TABLE4_KINDS:
        table[kind][TOTAL] = sum(table[kind][r] for r in TABLE4_RESULTS if r != TOTAL)
    return table


def table4(facts: Iterable[ReviewFact], year: int) -> dict[str, dict[str, int]]:
    """Table 四 (政府信息公开行政复议、行政诉讼情况) for ``year`` from review facts."""
    counts: dict[tuple[str, str], int] = {}
    for fact in facts:
        cell = review_cell(fact, year)
        if cell:
            counts[cell] = counts.get(cell, 0) + 1
    return complete_table4(counts)


# --- Table 二 ---------------------------------------------------------------------------------------


def document_cells(fact: DocumentFact, year: int) -> tuple[str, ...]:
    """The table 二 columns (issued / repealed / in_force) one 规章 or 规范性文件 counts in for ``year``.

    Source: 条例 Art. 20(一) and table 二 of the 2021 format (domain facts §2.3): 本年制发件数,
    本年废止件数, 现行有效件数 (as of 31 December). See the module docstring for 失效.
    """
    start, end = year_bounds(year)
    if fact.doc_type not in DOCUMENT_ROWS:
        raise ReportError(f"文件类型“{fact.doc_type}”不计入年报表二")
    cells = []
    if start <= fact.issued_on <= end:
        cells.append("issued")
    ended = fact.validity != "valid"
    if ended and fact.validity_date is None:
        raise ReportError("失效或废止的文件须有失效或废止日期")
    if ended and start <= fact.validity_date <= end:
        cells.append("repealed")
    if fact.issued_on <= end and (not ended or fact.validity_date > end):
        cells.append("in_force")
    return tuple(cells)


def table2(documents: Iterable[DocumentFact], year: int, *, licensing: int = 0, penalty: int = 0,
           coercion: int = 0, fees_wan: Decimal | int | str = 0) -> dict:
    """Table 二 (主动公开政府信息情况, 2021 format) for ``year``.

    规章/行政规范性文件 come from disclosure records (条例 Art. 20(一)); 行政许可 (Art. 20(五)),
    行政处罚 and 行政强制 (Art. 20(六)) decision counts and the 行政事业性收费 amount in 万元
    (Art. 20(八)) are entered by the body. ``fees_wan`` is kept as a decimal string.
    """
    table: dict = {row: dict.fromkeys(DOCUMENT_COLUMNS, 0) for row in DOCUMENT_ROWS}
    for fact in documents:
        for cell in document_cells(fact, year):
            table[fact.doc_type][cell] += 1
    table.update(licensing=licensing, penalty=penalty, coercion=coercion, fees_wan=str(Decimal(str(fees_wan))))
    return table


def wan_text(amount: Decimal) -> str:
    """An amount in 万元 as table 二 prints it: the stored six decimals without the trailing zeros the
    field adds (12.345600 → 12.3456, 0.000000 → 0), never in exponent notation (domain facts §2.3)."""
    text = f"{Decimal(amount).normalize():f}"
    return text


def yuan_to_wan(amount_yuan: Decimal | int | str) -> Decimal:
    """Convert yuan to 万元 for table 二 (1 万元 = 10 000 元), exact to the fen (six decimals; a
    finer amount is rounded half up: the format prints 行政事业性收费 in 万元, domain facts §2.3)."""
    from decimal import ROUND_HALF_UP

    return (Decimal(str(amount_yuan)) / 10000).quantize(FEN_IN_WAN, rounding=ROUND_HALF_UP)


# --- Validation -------------------------------------------------------------------------------------


class Level(StrEnum):
    ERROR = "error"  # blocks publication
    WARNING = "warning"  # needs an explanatory note before publication


@dataclass(frozen=True)
class Check:
    """One finding of :func:`validate`: ``cell`` is the JSON path (e.g. ``table3.carried_forward.total``),
    ``message`` names the cell in the table's own words."""

    level: Level
    code: str
    cell: str
    message: str

    def as_dict(self) -> dict:
        return {"level": self.level.value, "code": self.code, "cell": self.cell, "message": self.message}


def cell_name(table: str, row: str, column: str | None = None) -> str:
    """The Chinese name of a cell, e.g. 表三「四、结转下年度继续办理」行「总计」列."""
    if table == "table3":
        name = f"表三「{TABLE3_ROW_LABELS[row]}」行"
        return f"{name}「{TABLE3_COLUMN_LABELS[column]}」列" if column else name
    if table == "table4":
        return f"表四「{TABLE4_KIND_LABELS[row]}」「{TABLE4_RESULT_LABELS[column]}」"
    if row in DOCUMENT_ROWS:
        return f"表二「{DOCUMENT_ROW_LABELS[row]}」「{DOCUMENT_COLUMN_LABELS[column]}」"
    if row == FEES_ROW:
        return "表二「行政事业性收费」「本年收费金额（单位：万元）」"
    return f"表二「{DECISION_ROW_LABELS[row]}」「本年处理决定数量」"


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_counts(table_key: str, table: Mapping, rows, columns, found: list[Check]) -> bool:
    ok = True
    for row in rows:
        for column in columns:
            value = table.get(row, {}).get(column) if isinstance(table.get(row), Mapping) else None
            if not _is_count(value):
                found.append(Check(Level.ERROR, "not_a_count", f"{table_key}.{row}.{column}",
                                   f"{cell_name(table_key, row, column)}应为非负整数，现为“{value}”"))
                ok = False
    return ok


def validate_table3(t3: Mapping) -> list[Check]:
    """Hard checks of table 三 (domain facts §2.6):

    - every cell a non-negative integer;
    - for each column: 一 + 二 = 三（七）总计 + 四 (the note printed in the table header, CONFIRMED);
    - （七）总计 = the sum of the result rows, per column (INFERRED);
    - in each row: 总计 = the sum of the six applicant columns (INFERRED).
    """
    found: list[Check] = []
    if not _check_counts("table3", t3, TABLE3_ROWS, TABLE3_COLUMNS, found):
        return found
    for row in TABLE3_ROWS:
        parts = sum(t3[row][c] for c in APPLICANT_COLUMNS)
        if t3[row][TOTAL] != parts:
            found.append(Check(Level.ERROR, "row_total", f"table3.{row}.{TOTAL}",
                               f"{cell_name('table3', row, TOTAL)}为{t3[row][TOTAL]}，"
                               f"不等于各申请人类型之和{parts}"))
    for column in TABLE3_COLUMNS:
        results = sum(t3[r][column] for r in DISPOSITION_ROWS)
        if t3[ROW_RESULTS_TOTAL][column] != results:
            found.append(Check(Level.ERROR, "results_total", f"table3.{ROW_RESULTS_TOTAL}.{column}",
                               f"{cell_name('table3', ROW_RESULTS_TOTAL, column)}为"
                               f"{t3[ROW_RESULTS_TOTAL][column]}，不等于（一）至（六）各项之和{results}"))
        left = t3[ROW_NEW][column] + t3[ROW_CARRIED_OVER][column]
        right = t3[ROW_RESULTS_TOTAL][column] + t3[ROW_CARRIED_FORWARD][column]
        if left != right:
            found.append(Check(Level.ERROR, "column_balance", f"table3.{ROW_CARRIED_FORWARD}.{column}",
                               f"表三「{TABLE3_COLUMN_LABELS[column]}」列：第一项加第二项之和为{left}，"
                               f"第三项（七）总计加第四项之和为{right}，二者应相等；"
                               f"请核对{cell_name('table3', ROW_CARRIED_FORWARD, column)}"))
    return found


def validate_table4(t4: Mapping) -> list[Check]:
    """Hard checks of table 四: every cell a non-negative integer, and each 总计 = 结果维持 + 结果纠正
    + 其他结果 + 尚未审结 (domain facts §2.6, INFERRED from real reports)."""
    found: list[Check] = []
    if not _check_counts("table4", t4, TABLE4_KINDS, TABLE4_RESULTS, found):
        return found
    for kind in TABLE4_KINDS:
        parts = sum(t4[kind][r] for r in TABLE4_RESULTS if r != TOTAL)
        if t4[kind][TOTAL] != parts:
            found.append(Check(Level.ERROR, "review_total", f"table4.{kind}.{TOTAL}",
                               f"{cell_name('table4', kind, TOTAL)}为{t4[kind][TOTAL]}，"
                               f"不等于结果维持、结果纠正、其他结果、尚未审结之和{parts}"))
    return found


def validate_fees(value) -> list[Check]:
    """The 万元 unit of table 二's 行政事业性收费 (条例 Art. 20(八); template column 本年收费金额（单位：
    万元）, domain facts §2.3): a non-negative number (else an error). More than six decimals (finer
    than one fen) is a warning, as is 100 000 万元 or more (probably entered in 元); reports print up
    to six decimals, which are exact and never rounded."""
    cell = f"table2.{FEES_ROW}"
    name = cell_name("table2", FEES_ROW)
    try:
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        return [Check(Level.ERROR, "fees_not_a_number", cell, f"{name}应为数字，现为“{value}”")]
    if amount < 0:
        return [Check(Level.ERROR, "fees_negative", cell, f"{name}不能为负数")]
    found = []
    if -amount.as_tuple().exponent > FEES_MAX_DECIMALS and amount != amount.quantize(FEN_IN_WAN):
        found.append(Check(Level.WARNING, "fees_precision", cell,
                           f"{name}为{value}万元，小数超过六位（不足1分），请核对金额单位和小数位"))
    if amount >= FEES_SUSPICIOUS_WAN:
        found.append(Check(Level.WARNING, "fees_unit", cell,
                           f"{name}为{amount}万元（{amount / 10000}亿元），请确认是否误以“元”为单位填写"))
    return found


def validate_table2(t2: Mapping) -> list[Check]:
    """Hard checks of table 二: counts are non-negative integers; the 万元 amount (validate_fees)."""
    found: list[Check] = []
    _check_counts("table2", t2, DOCUMENT_ROWS, DOCUMENT_COLUMNS, found)
    for row in DECISION_ROWS:
        if not _is_count(t2.get(row)):
            found.append(Check(Level.ERROR, "not_a_count", f"table2.{row}",
                               f"{cell_name('table2', row)}应为非负整数，现为“{t2.get(row)}”"))
    found.extend(validate_fees(t2.get(FEES_ROW)))
    return found


def cross_year_checks(t3: Mapping, previous_t3: Mapping | None, year: int) -> list[Check]:
    """This year's 二、上年结转 must equal last year's 四、结转下年度继续办理, per column (domain facts
    §2.6, INFERRED; real reports sometimes break it, so a mismatch is a warning that needs a note)."""
    if previous_t3 is None:
        return []
    found = []
    for column in TABLE3_COLUMNS:
        now = t3.get(ROW_CARRIED_OVER, {}).get(column)
        before = previous_t3.get(ROW_CARRIED_FORWARD, {}).get(column)
        if now != before:
            found.append(Check(Level.WARNING, "cross_year", f"table3.{ROW_CARRIED_OVER}.{column}",
                               f"{cell_name('table3', ROW_CARRIED_OVER, column)}为{now}，"
                               f"{year - 1}年度报告「四、结转下年度继续办理」为{before}，二者不一致"))
    return found


def validate(t2: Mapping, t3: Mapping, t4: Mapping, *, year: int, previous_t3: Mapping | None = None) -> list[Check]:
    """All checks of a report (domain facts §2.6), hard errors first. A report with an error cannot be
    published; a warning needs an explanatory note (issue 6)."""
    found = [*validate_table2(t2), *validate_table3(t3), *validate_table4(t4),
             *cross_year_checks(t3, previous_t3, year)]
    return sorted(found, key=lambda c: c.level != Level.ERROR)


def errors(checks: Iterable[Check]) -> list[Check]:
    return [c for c in checks if c.level == Level.ERROR]


# --- Deadlines --------------------------------------------------------------------------------------


def publication_deadline(body_kind: str, year: int) -> dt.date:
    """The last day to publish the report for ``year`` (条例 Art. 49): 31 January of the next year for
    县级以上人民政府部门 (and, by practice, townships: INFERRED, domain facts §1.1), 31 March for the
    county government (published by its 政府信息公开工作主管部门)."""
    if body_kind == "county":
        return dt.date(year + 1, 3, 31)
    if body_kind in ("department", "township"):
        return dt.date(year + 1, 1, 31)
    raise ReportError(f"机构类型“{body_kind}”不编制政府信息公开工作年度报告")


def is_late(deadline: dt.date, published_on: dt.date | None, today: dt.date) -> bool:
    """Late: published after the deadline, or still unpublished after it (条例 Art. 49)."""
    return (published_on or today) > deadline


#: The level-2 groups of 三、本年度办理结果 with their rows, for the exports.
RESULT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (g.label, tuple(d.value for d in Disposition if d.group is g)) for g in DispositionGroup
)


def sum_tables(tables: Iterable[Mapping]) -> dict[str, dict[str, int]]:
    """Cell-by-cell sum of several table 三 (or table 四) dicts: the county summary (汇总) the office
    compiles across its bodies' reports (条例第四十九条 oversight). Identities that hold in each
    table hold in the sum."""
    total: dict[str, dict[str, int]] = {}
    for table in tables:
        for row, columns in table.items():
            target = total.setdefault(row, {})
            for column, n in columns.items():
                target[column] = target.get(column, 0) + n
    return total


REMINDER_DAYS = 14  # reminders start two weeks before the Art. 49 deadline


def reminder_kind(deadline: dt.date, today: dt.date, published: bool, days: int = REMINDER_DAYS) -> str | None:
    """Which reminder an unpublished report needs today (条例第四十九条 deadlines): ``"due_soon"``
    from ``days`` days before the deadline up to the deadline itself, ``"overdue"`` after it, None
    when published or too early. Each kind is sent once per body and year (the service's job)."""
    if published or today < deadline - dt.timedelta(days=days):
        return None
    return "due_soon" if today <= deadline else "overdue"


# --- Fidelity: sections, year-end stock, difference from the data (issue 15) ------------------------

#: The text sections of a report (条例第五十条 items (一), (五), (六)) with their headings.
SECTION_LABELS = {"overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况",
                  "other": "六、其他需要报告的事项"}

#: A drafted instruction to the body, e.g. "（请填写本年度存在的主要问题及改进措施。）": full-width
#: brackets opening with 请 + a verb of filling in. The drafts (reports.drafting) mark with it what only
#: the body can write; a report that still holds one is unfinished.
PLACEHOLDER_OPENINGS = ("（请填写", "（请补充", "（请说明", "（请核实", "（此处填写")


def placeholder_in(text: str) -> str | None:
    """The first drafted instruction left in ``text`` (from its opening bracket to the closing one),
    or None."""
    for opening in PLACEHOLDER_OPENINGS:
        start = text.find(opening)
        if start >= 0:
            end = text.find("）", start)
            return text[start:end + 1] if end >= 0 else text[start:]
    return None


def section_checks(sections: Mapping[str, str]) -> list[Check]:
    """Hard checks of the text (条例第五十条: the report states 总体情况, 存在的主要问题及改进情况 and
    其他需要报告的事项): a section that is empty, or still holds a drafted instruction to the body
    ("（请填写…）"), is an error naming the section. Nothing unfinished is published."""
    found = []
    for key, label in SECTION_LABELS.items():
        text = (sections.get(key) or "").strip()
        if not text:
            found.append(Check(Level.ERROR, "section_empty", f"sections.{key}", f"「{label}」尚未填写"))
            continue
        left = placeholder_in(text)
        if left:
            found.append(Check(Level.ERROR, "section_placeholder", f"sections.{key}",
                               f"「{label}」仍有待填写的提示文字“{left}”，请改写为实际情况"))
    return found


def public_at(moment: dt.datetime, first_published: dt.datetime | None, withdrawn: dt.datetime | None,
              republished: dt.datetime | None) -> bool:
    """Whether a record was public at ``moment`` (e.g. the end of 31 December, for section 一's
    "截至年底现行公开的政府信息" under 条例第五十条第（一）项), from its publication history: first
    published at or before ``moment``, and not inside its last withdrawal — withdrawn at or before
    ``moment`` and not published again by then. Only the last withdrawal is kept, so an earlier
    withdrawal that was later undone counts as public (the record's stored history)."""
    if first_published is None or first_published > moment:
        return False
    if withdrawn is None or withdrawn > moment:
        return True
    return republished is not None and withdrawn < republished <= moment


@dataclass(frozen=True)
class Difference:
    """One cell whose published value differs from the value computed from the data now."""

    table: str  # table2 | table3 | table4
    row: str
    column: str | None
    published: str
    computed: str

    @property
    def table_label(self) -> str:
        return {"table2": "表二", "table3": "表三", "table4": "表四"}[self.table]

    @property
    def row_label(self) -> str:
        if self.table == "table3":
            return TABLE3_ROW_LABELS[self.row]
        if self.table == "table4":
            return TABLE4_KIND_LABELS[self.row]
        if self.row in DOCUMENT_ROWS:
            return DOCUMENT_ROW_LABELS[self.row]
        return FEES_LABEL if self.row == FEES_ROW else DECISION_ROW_LABELS[self.row]

    @property
    def column_label(self) -> str:
        if self.table == "table3":
            return TABLE3_COLUMN_LABELS[self.column]
        if self.table == "table4":
            return TABLE4_RESULT_LABELS[self.column]
        if self.row in DOCUMENT_ROWS:
            return DOCUMENT_COLUMN_LABELS[self.column]
        return "本年收费金额（单位：万元）" if self.row == FEES_ROW else "本年处理决定数量"

    def as_dict(self) -> dict:
        return {"table": self.table, "row": self.row, "column": self.column, "table_label": self.table_label,
                "row_label": self.row_label, "column_label": self.column_label,
                "published": self.published, "computed": self.computed}


def _same(a, b) -> bool:
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError):
        return a == b


def table_differences(published: Mapping, computed: Mapping) -> list[Difference]:
    """The cells of tables 二, 三 and 四 (2021 format) where ``published`` (a report document or its
    tables) differs from ``computed`` (the tables from the data now), in the tables' order. Amounts
    compare as numbers ("0.5" equals "0.5000"); a cell missing on one side shows as "—"."""

    def cell(tables: Mapping, table: str, row: str, column: str | None):
        value = tables.get(table, {}).get(row)
        if column is not None:
            value = value.get(column) if isinstance(value, Mapping) else None
        return value

    places = [*(("table2", r, c) for r in DOCUMENT_ROWS for c in DOCUMENT_COLUMNS),
              *(("table2", r, None) for r in (*DECISION_ROWS, FEES_ROW)),
              *(("table3", r, c) for r in TABLE3_ROWS for c in TABLE3_COLUMNS),
              *(("table4", k, r) for k in TABLE4_KINDS for r in TABLE4_RESULTS)]
    found = []
    for table, row, column in places:
        before, now = cell(published, table, row, column), cell(computed, table, row, column)
        if not _same(before, now):
            found.append(Difference(table, row, column, "—" if before is None else str(before),
                                    "—" if now is None else str(now)))
    return found


def sum_table2(tables: Iterable[Mapping]) -> dict:
    """Table 二 of the county summary (汇总): documents and decisions added, fees added exactly in
    万元 (a string with four decimals, as in a report)."""
    total: dict = {row: dict.fromkeys(DOCUMENT_COLUMNS, 0) for row in DOCUMENT_ROWS}
    total.update(dict.fromkeys(DECISION_ROWS, 0))
    fees = Decimal("0")
    for table in tables:
        for row in DOCUMENT_ROWS:
            for column in DOCUMENT_COLUMNS:
                total[row][column] += table[row][column]
        for row in DECISION_ROWS:
            total[row] += table[row]
        fees += Decimal(str(table[FEES_ROW]))
    total[FEES_ROW] = str(fees.quantize(Decimal("0.0001")))
    return total
