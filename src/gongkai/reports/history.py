"""Reading earlier years' reports from XLSX, in the 2021 layout and in the 2019 trial layout
(domain facts §2.3–§2.5), so that the cross-year check works from the platform's first year.

Rows are found by their official labels, not by position: a workbook as exported by Gongkai, or one
typed by hand in the official layout (merged label cells, extra title rows, one or several sheets),
reads the same. For each table 三 row the last seven numbers of the row are its seven columns; table
四 is the first row holding fifteen numbers after the 行政复议 header; table 二 rows are read by
their labels with their numbers in order.

Decisions: in the 2019 layout （六）其他处理 is a single row; it is kept under ``other.other``
(the 2021 layout's （六）3.其他), so the sums and the column identity stay as printed. The 2019 table
二 is kept as printed (label → numbers), since its columns differ from 2021's.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gongkai.rules import annual_report as ar
from gongkai.rules.dispositions import Disposition

MAX_BYTES = 10 * 1024 * 1024

TABLE2_2019_ROWS = ("规章", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制",
                    "行政事业性收费", "政府集中采购")
_SPACES = re.compile(r"\s+")


class HistoryError(ValueError):
    """The workbook cannot be read as an annual report; the message says where."""


@dataclass
class ParsedReport:
    layout: str  # "2021" | "2019"
    table2: dict
    table3: dict
    table4: dict


def _norm(text) -> str:
    text = _SPACES.sub("", str(text or "")).replace("(", "（").replace(")", "）").replace("．", ".")
    return text.replace('"', "").replace("“", "").replace("”", "")


def _number(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None


def _rows(data: bytes) -> list[tuple[str, list[str], list]]:
    """(sheet, the row's text cells normalised, the row's numbers) for every row of every sheet."""
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise HistoryError("文件超过 10 MB")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise HistoryError("文件不是有效的 XLSX 工作簿") from exc
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            texts = [_norm(v) for v in row if isinstance(v, str) and _number(v) is None and v.strip()]
            numbers = [n for n in (_number(v) for v in row) if n is not None]
            out.append((ws.title, texts, numbers))
    wb.close()
    return out


def _count(value, where: str) -> int:
    if value != int(value) or value < 0:
        raise HistoryError(f"{where}应为非负整数，现为{value}")
    return int(value)


def _label_matches(texts: list[str], label: str) -> bool:
    target = _norm(label)
    return any(t == target or t.endswith(target) and len(target) > 6 for t in texts)


def _table3(rows, layout: str) -> dict:
    # key → (label, the level-2 group the row must sit under, or None)
    wanted: dict[str, tuple[str, str | None]] = {
        key: (ar.TABLE3_ROW_LABELS[key], None) for key in (ar.ROW_NEW, ar.ROW_CARRIED_OVER, ar.ROW_CARRIED_FORWARD)}
    wanted[ar.ROW_RESULTS_TOTAL] = ("（七）总计", None)
    for d in Disposition:
        if layout == "2019" and d.group.value == "other":
            continue
        numbered = d.row_label[0].isdigit()
        wanted[d.value] = (d.row_label, d.group.label[:4] if numbered else None)
    if layout == "2019":
        wanted[Disposition.OTHER_OTHER.value] = ("（六）其他处理", None)
    table = ar.empty_table3()
    seen_group: str | None = None
    found: set[str] = set()
    for _sheet, texts, numbers in rows:
        for text in texts:  # the level-2 group label sits on the first row of its merged cell only
            if text.startswith("（") and "）" in text[:4]:
                seen_group = text[:4]
        for key, (label, group) in wanted.items():
            if key in found or not _label_matches(texts, label) or (group and seen_group != group):
                continue
            if len(numbers) < 7:
                raise HistoryError(f"表三「{label}」行应有7个数字，只找到{len(numbers)}个")
            for column, value in zip(ar.TABLE3_COLUMNS, numbers[-7:], strict=True):
                table[key][column] = _count(value, ar.cell_name("table3", key, column))
            found.add(key)
    missing = [label for key, (label, _group) in wanted.items() if key not in found]
    if missing:
        raise HistoryError(f"表三缺少「{missing[0]}」等{len(missing)}行")
    return table


def _table4(rows) -> dict:
    after_header = False
    for _sheet, texts, numbers in rows:
        if any("行政复议" in t for t in texts):
            after_header = True
        if after_header and len(numbers) == 15:
            table = {}
            for i, kind in enumerate(ar.TABLE4_KINDS):
                table[kind] = {r: _count(numbers[i * 5 + j], ar.cell_name("table4", kind, r))
                               for j, r in enumerate(ar.TABLE4_RESULTS)}
            return table
    raise HistoryError("没有找到表四（行政复议、行政诉讼情况）的15个数字")


def _table2(rows, layout: str) -> dict:
    if layout == "2019":
        table = {}
        for _sheet, texts, numbers in rows:
            for label in TABLE2_2019_ROWS:
                if label not in table and _norm(label) in texts and numbers:
                    table[label] = [str(n) for n in numbers]
        return {"layout": "2019", "rows": table}
    table: dict = {row: dict.fromkeys(ar.DOCUMENT_COLUMNS, 0) for row in ar.DOCUMENT_ROWS}
    labels = {**ar.DOCUMENT_ROW_LABELS, **ar.DECISION_ROW_LABELS, ar.FEES_ROW: ar.FEES_LABEL}
    for _sheet, texts, numbers in rows:
        for key, label in labels.items():
            if _norm(label) not in texts or not numbers:
                continue
            if key in ar.DOCUMENT_ROWS:
                table[key] = {c: _count(v, ar.cell_name("table2", key, c))
                              for c, v in zip(ar.DOCUMENT_COLUMNS, numbers[-3:], strict=False)}
            elif key == ar.FEES_ROW:
                table[key] = str(Decimal(str(numbers[-1])).quantize(Decimal("0.0001")))
            else:
                table[key] = _count(numbers[-1], ar.cell_name("table2", key))
    table.setdefault(ar.FEES_ROW, "0")
    for key in ar.DECISION_ROWS:
        table.setdefault(key, 0)
    return table


def detect_layout(rows) -> str:
    texts = {t for _s, ts, _n in rows for t in ts}
    if any(t.startswith("1.申请人无正当理由逾期不补正") for t in texts) or "本年制发件数" in texts:
        return "2021"
    if "（六）其他处理" in texts or "本年新制作数量" in texts:
        return "2019"
    raise HistoryError("无法识别年报格式（2021年格式或2019年试行格式）")


def parse_xlsx(data: bytes) -> ParsedReport:
    """Read the three tables of an earlier report from an XLSX workbook (either layout)."""
    rows = _rows(data)
    layout = detect_layout(rows)
    return ParsedReport(layout, _table2(rows, layout), _table3(rows, layout), _table4(rows))
