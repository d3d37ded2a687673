"""Reading published annual reports (tables 二, 三, 四) from the files counties keep: the XLSX of the
2021 template, or the DOCX of the published report (domain facts §2.3–§2.5), in the 2021 layout or
the 2019 trial layout, so that the cross-year check works from the platform's first year.

The file becomes rows of cells (each sheet of a workbook, each table of a Word document, in order).
Merged cells are continuations of the cell they start from: python-docx repeats the merged cell in
every grid column and row it covers, openpyxl gives ``MergedCell`` placeholders; neither is ever
read as a second number. Tables are found by their headers and read by position:

- table 二: blocks under 第二十条第（X）项; the 信息内容 header row of a block says which column holds
  which figure; rows are found by their label;
- table 三: the header rows (自然人, 商业企业 … 总计) fix the seven columns; every row with a label
  between 一、本年新收 and 四、结转下年度 is matched to one row of the format;
- table 四: the header rows under 行政复议 fix the fifteen result columns; the next row holds them.

Strictness (never change or drop a number silently):

- labels are compared after Unicode NFKC (full-width brackets, digits and dots become half-width),
  without spaces, quotes and punctuation, and without explanatory brackets (e.g. 规章（设区的市…）);
  the enumerators 一、 （一） 1. 1、 1． must agree with the format's when present, and a numbered
  row must sit under its group (（三）不予公开 …); 规范性文件 reads as 行政规范性文件. A label of
  five or more characters that differs from exactly one row of the format in one character (a typo
  seen in published reports: 行政事业型收费, 5.属于三类内容事务信息) reads as that row and is noted;
  for table 三 only when the enumerator and group pin the row. A row with figures whose label cannot
  be matched refuses the import, naming the row; so does a row that matches twice, a missing row and
  a merged cell across two number columns;
- the 信息内容 header of table 二 may shorten or extend the format's column names (现行有效件,
  现行有效件数（历史累计）, 本年（2023）制发件数); a header that fits no column refuses, naming it;
- a blank cell (or one holding only - — / 无) reads as 0 and is listed in ``notes``;
- counts must be whole numbers; the 行政事业性收费 amount is kept as the decimal string printed
  (24252.311082 stays 24252.311082); the 2019 layout's table 二 is kept cell by cell as printed.

Every stored cell is listed in ``cells`` with the label and the raw text it came from, so the
officer can compare the stored tables with the file after import.

Decisions: in the 2019 layout （六）其他处理 is a single row; it is kept under ``other.other``
(the 2021 layout's （六）3.其他), so the sums and the column identity stay as printed. A table 三
with the three （六） sub-rows is read as such even when table 二 is in the 2019 layout (real 2022
reports mix them); the report's layout follows table 二, whose shape differs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.rules import annual_report as ar
from gongkai.rules.dispositions import Disposition

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a zip bomb is refused before it is opened

TABLE2_2019_ROWS = ("规章", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制",
                    "行政事业性收费", "政府集中采购")
#: Cells that print "nothing here": read as 0 and noted.
BLANK_MARKS = frozenset({"", "-", "--", "—", "——", "/", "无", "空"})
#: Wording variants of row labels seen in published reports → the format's wording.
LABEL_VARIANTS = {"规范性文件": "行政规范性文件"}

_NUMERALS = "一二三四五六七八九十"
_ENUM = re.compile(rf"^(?:(?P<l1>[{_NUMERALS}]+)[、.,]|\((?P<l2>[{_NUMERALS}]+)\)|\(?(?P<l3>\d{{1,2}})[、.,)](?=\D)"
                   rf"|(?P<l3b>\d{{1,2}})(?=[^\d.,]))")
_PUNCT = re.compile(r"[\s、,，。.:：;；“”\"'‘’「」《》·]")
_BRACKETED = re.compile(r"\([^()]*\)")
_COUNT = re.compile(r"^\+?\d+(?:\.0+)?$")
_AMOUNT = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


class HistoryError(ValueError):
    """The file cannot be read as an annual report; the message says where."""


@dataclass(frozen=True)
class SourceCell:
    text: str  # as in the file
    where: str  # e.g. 工作表「表三」第5行第4列
    col: int
    continued: bool = False  # covered by a merged cell that starts to the left or above


@dataclass
class ParsedReport:
    layout: str  # "2021" | "2019"
    table2: dict
    table3: dict
    table4: dict
    notes: list[str] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)  # {"cell", "label", "raw", "value", "where"}
    source: str = ""  # "xlsx" | "docx"


# --- Reading the file into rows of cells --------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[SourceCell]]:
    from openpyxl import load_workbook
    from openpyxl.cell.cell import MergedCell

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise HistoryError("文件不是有效的 XLSX 工作簿") from exc
    out = []
    for ws in wb.worksheets:
        anchors = {}
        for rng in ws.merged_cells.ranges:
            anchor = _text(ws.cell(rng.min_row, rng.min_col).value)
            for row in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    anchors[row, col] = anchor
        for r, row in enumerate(ws.iter_rows(), start=1):
            cells = []
            for c, cell in enumerate(row, start=1):
                merged = isinstance(cell, MergedCell)
                text = anchors.get((r, c), "") if merged else _text(cell.value)
                cells.append(SourceCell(text, f"工作表「{ws.title}」第{r}行第{c}列", c - 1, merged))
            out.append(cells)
        out.append([])  # a sheet ends a table region's rows
    return out


def _docx_rows(data: bytes) -> list[list[SourceCell]]:
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged document
        raise HistoryError("文件不是有效的 DOCX 文档") from exc
    out = []
    for t, table in enumerate(document.tables, start=1):
        # Hold the cell elements while comparing them: lxml keeps one proxy per live element, so
        # `is` tells a merged cell repeated by python-docx from a neighbour with the same text.
        grid = [[cell._tc for cell in row.cells] for row in table.rows]
        texts = [[cell.text for cell in row.cells] for row in table.rows]
        for r, row in enumerate(grid):
            cells = []
            for c, tc in enumerate(row):
                continued = (c > 0 and tc is row[c - 1]) or (r > 0 and c < len(grid[r - 1]) and tc is grid[r - 1][c])
                cells.append(SourceCell(texts[r][c], f"Word第{t}个表格第{r + 1}行第{c + 1}列", c, continued))
            out.append(cells)
        out.append([])
    return out


def read_rows(data: bytes) -> tuple[str, list[list[SourceCell]]]:
    """("xlsx" | "docx", rows of cells) of an uploaded file; HistoryError in Chinese otherwise."""
    if len(data) > MAX_BYTES:
        raise HistoryError("文件超过 10 MB")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise HistoryError("这是旧版 Word/Excel 文件（.doc/.xls），请另存为 .docx 或 .xlsx 后再导入")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise HistoryError("文件解压后超过 100 MB，不是正常的年度报告文件")
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        if isinstance(exc, HistoryError):
            raise
        raise HistoryError("文件不是 XLSX 工作簿或 DOCX 文档（请上传 Excel 或 Word 文件）") from exc
    if "word/document.xml" in names:
        return "docx", _docx_rows(data)
    if "xl/workbook.xml" in names:
        return "xlsx", _xlsx_rows(data)
    raise HistoryError("文件不是 XLSX 工作簿或 DOCX 文档（请上传 Excel 或 Word 文件）")


# --- Labels -------------------------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _parse_label(text: str) -> tuple[str | None, str | None, str]:
    """(enumerator level l1/l2/l3 or None, enumerator, core) of a label cell."""
    norm = _nfkc(text)
    match = _ENUM.match(norm)
    level = number = None
    rest = norm
    if match:
        level = next(k for k in ("l1", "l2", "l3", "l3b") if match.group(k))
        number = match.group(level)
        level = "l3" if level == "l3b" else level
        rest = norm[match.end():]
    core = _PUNCT.sub("", _BRACKETED.sub("", rest))
    core = LABEL_VARIANTS.get(core, core)
    return level, number, core


def _is_number_text(text: str) -> bool:
    norm = _nfkc(text).replace(",", "")
    return bool(_AMOUNT.match(norm))


def _is_label(cell: SourceCell) -> bool:
    norm = _nfkc(cell.text)
    return bool(norm) and norm not in BLANK_MARKS and not _is_number_text(cell.text)


def _plain(text: str) -> str:
    return _PUNCT.sub("", _BRACKETED.sub("", _nfkc(text)))


@dataclass(frozen=True)
class _Spec:
    key: str  # a table 三 row key, or "" for a heading
    level: str
    number: str
    core: str
    group: str | None = None  # the （X） a numbered row sits under


def _table3_specs(split_other: bool) -> list[_Spec]:
    def parts(label: str) -> tuple[str, str, str]:
        level, number, core = _parse_label(label)
        return level, number, core

    specs = [_Spec(ar.ROW_NEW, *parts(ar.TABLE3_ROW_LABELS[ar.ROW_NEW])),
             _Spec(ar.ROW_CARRIED_OVER, *parts(ar.TABLE3_ROW_LABELS[ar.ROW_CARRIED_OVER])),
             _Spec("", *parts(ar.TABLE3_RESULTS_HEADING)),
             _Spec(ar.ROW_RESULTS_TOTAL, *parts(ar.TABLE3_ROW_LABELS[ar.ROW_RESULTS_TOTAL])),
             _Spec(ar.ROW_CARRIED_FORWARD, *parts(ar.TABLE3_ROW_LABELS[ar.ROW_CARRIED_FORWARD]))]
    for d in Disposition:
        group_level, group_number, group_core = parts(d.group.label)
        if d.row_label[0].isdigit():
            if d.group.value == "other" and not split_other:
                continue
            specs.append(_Spec(d.value, *parts(d.row_label), group=group_number))
        else:
            specs.append(_Spec(d.value, group_level, group_number, group_core))
    for group_label in {d.group.label for d in Disposition if d.row_label[0].isdigit()}:
        level, number, core = parts(group_label)
        if number == "六" and not split_other:
            specs.append(_Spec(Disposition.OTHER_OTHER.value, level, number, core))
        else:
            specs.append(_Spec("", level, number, core))
    return specs


def _one_typo(found: str, wanted: str) -> bool:
    """Same length (five or more characters) and exactly one character different: a typo, not
    another row (the format's rows of that length differ in two or more characters)."""
    return len(found) == len(wanted) >= 5 and sum(a != b for a, b in zip(found, wanted, strict=True)) == 1


def _core_matches(found: str, wanted: str, loose: bool) -> bool:
    if found == wanted:
        return True
    short = min(found, wanted, key=len)
    return loose and len(short) >= 2 and (found.startswith(wanted) or wanted.startswith(found))


def _match(specs: list[_Spec], label: str, group: str | None, *, typo: bool = False) -> list[_Spec]:
    """The specs a row label can be. With an enumerator the core may be shortened or extended (the
    enumerator and group pin the row), or with ``typo`` differ in one character; without one the
    core must be exact."""
    level, number, core = _parse_label(label)
    found = []
    for spec in specs:
        if number is not None and (spec.level, spec.number) != (level, number):
            continue
        if typo:
            if number is None or not _one_typo(core, spec.core):
                continue
        elif not _core_matches(core, spec.core, loose=number is not None):
            continue
        if spec.group is not None and spec.group != group:
            continue
        found.append(spec)
    return found


def _typo_of(core: str, wanted) -> str | None:
    """The one wanted label ``core`` is a one-character typo of, or None."""
    candidates = {w for w in wanted if _one_typo(core, w)}
    return candidates.pop() if len(candidates) == 1 else None


# --- Values -------------------------------------------------------------------------------------------


class _Reader:
    """Collects the stored cells, their sources and the notes while the tables are read."""

    def __init__(self):
        self.notes: list[str] = []
        self.cells: list[dict] = []

    def _record(self, path: str, label: str, cell: SourceCell | None, value) -> None:
        self.cells.append({"cell": path, "label": label, "raw": cell.text if cell else "",
                           "value": value, "where": cell.where if cell else ""})

    def blank(self, cell: SourceCell | None) -> bool:
        return cell is None or _nfkc(cell.text) in BLANK_MARKS

    def read(self, kind: str, cell: SourceCell | None, path: str, name: str, label: str, blanks: list[str]):
        """The value of one cell: ``count`` (a whole number), ``amount`` (万元, kept as the printed
        decimal string) or ``printed`` (the text as printed). A blank reads as 0 and is added to
        ``blanks``; the cell and its source are recorded either way."""
        self._merged(cell, name)
        if self.blank(cell):
            blanks.append(name)
            value = 0 if kind == "count" else "0"
        else:
            norm = _nfkc(cell.text).replace(",", "")
            if kind == "count" and not _COUNT.match(norm):
                raise HistoryError(f"{name}应为非负整数，现为“{cell.text.strip()}”（{cell.where}）")
            if kind == "amount" and not _AMOUNT.match(norm):
                raise HistoryError(f"{name}应为以万元为单位的数字，现为“{cell.text.strip()}”（{cell.where}）")
            value = {"count": lambda: int(Decimal(norm)), "amount": lambda: norm.lstrip("+"),
                     "printed": lambda: cell.text.strip()}[kind]()
        self._record(path, label, cell, value)
        return value

    def note_blanks(self, row_name: str, blanks: list[str]) -> None:
        if blanks:
            columns = "、".join(f"「{b.rsplit('「', 1)[-1]}" if "「" in b else b for b in blanks)
            self.notes.append(f"{row_name}的{columns}为空白，按0计")

    @staticmethod
    def _merged(cell: SourceCell | None, name: str) -> None:
        if cell is not None and cell.continued and _nfkc(cell.text) not in BLANK_MARKS:
            raise HistoryError(f"{name}所在的单元格与相邻的数字单元格合并（{cell.where}），"
                               "无法确定数字属于哪一列，请拆分合并单元格后再导入")


def _at(row: list[SourceCell], col: int) -> SourceCell | None:
    return next((c for c in row if c.col == col), None)


def _row_label(row: list[SourceCell], before: int) -> tuple[str, list[SourceCell]]:
    """(the last label left of column ``before``, every label cell left of it incl. merged ones)."""
    labels = [c for c in row if c.col < before and _is_label(c)]
    return (labels[-1].text if labels else ""), labels


# --- Table regions ------------------------------------------------------------------------------------


def _contains(row: list[SourceCell], *needles: str) -> bool:
    return any(any(n in _nfkc(c.text) for n in needles) for c in row if c.text)


def _split_regions(rows):
    """Rows of table 二, 三 and 四 (each a list of (index, row))."""
    regions = {"table2": [], "table3": [], "table4": []}
    current = None
    for i, row in enumerate(rows):
        if _contains(row, "第二十条第(一)项") and current is None:
            current = "table2"
        elif _contains(row, "勾稽关系", "钩稽关系", "申请人情况", "本年新收") and current in (None, "table2"):
            current = "table3"
        elif current == "table3" and any(_plain(c.text) == "行政复议" for c in row if not c.continued):
            current = "table4"
        if current:
            regions[current].append((i, row))
    return regions


def _table2(reader: _Reader, region) -> tuple[str, dict]:
    headers: dict[int, str] = {}
    layout = None
    found_2021: dict = {}
    found_2019: dict = {}
    wanted_2021 = {**{ar.DOCUMENT_ROW_LABELS[k]: k for k in ar.DOCUMENT_ROWS},
                   **{v: k for k, v in ar.DECISION_ROW_LABELS.items()}, ar.FEES_LABEL: ar.FEES_ROW}
    wanted_2019 = {LABEL_VARIANTS.get(label, label): label for label in TABLE2_2019_ROWS}
    for _i, row in region:
        plain = [(c, _plain(c.text)) for c in row if not c.continued and _is_label(c)]
        if any(p.startswith("第二十条第") for _c, p in plain):
            headers = {}
            continue
        info = next((c for c, p in plain if p == "信息内容"), None)
        if info is not None:
            headers = {c.col: p for c, p in plain if c.col > info.col}
            cores = set(headers.values())
            if cores & {"本年制发件数", "本年废止件数", "现行有效件数"}:
                layout = layout or "2021"
            elif cores & {"本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量"}:
                layout = layout or "2019"
            continue
        if not plain:
            if any(_is_number_text(c.text) for c in row):
                raise HistoryError(f"表二有数字但没有行名（{row[0].where if row else ''}）")
            continue
        label_cell, core = plain[0]
        core = LABEL_VARIANTS.get(core, core)
        after = [c for c in row if c.col > label_cell.col]
        numbers = [c for c in after if _is_number_text(c.text)]
        if core not in wanted_2021 and core not in wanted_2019:
            typo = _typo_of(core, {*wanted_2021, *wanted_2019})
            if typo is not None:
                reader.notes.append(f"表二「{label_cell.text.strip()}」行与格式的「{typo}」相差一字，按「{typo}」读取")
                core = typo
        if core not in wanted_2021 and core not in wanted_2019:
            if numbers:
                raise HistoryError(f"表二「{label_cell.text.strip()}」行无法对应到年报格式的行"
                                   f"（{label_cell.where}），请核对行名")
            continue
        if headers:
            positions = sorted(headers)
            cells = [_at(row, col) for col in positions]
            names = [headers[col] for col in positions]
        else:  # a block typed without its 信息内容 header: the cells after the label, as printed
            cells = [c for c in after if not c.continued]
            while cells and reader.blank(cells[-1]):
                cells.pop()
            names = [f"第{n + 1}个数" for n in range(len(cells))]
        if layout == "2019":
            key = wanted_2019.get(core) or wanted_2019.get(_parse_label(label_cell.text)[2]) or core
            if key in found_2019:
                raise HistoryError(f"表二「{label_cell.text.strip()}」行出现了两次（{label_cell.where}）")
            blanks: list[str] = []
            found_2019[key] = [reader.read("printed", c, f"table2.rows.{key}.{n}", f"表二「{key}」「{name}」",
                                              label_cell.text.strip(), blanks)
                               for n, (c, name) in enumerate(zip(cells, names, strict=True))]
            reader.note_blanks(f"表二「{key}」", blanks)
            continue
        key = wanted_2021.get(core)
        if key is None:
            raise HistoryError(f"表二「{label_cell.text.strip()}」行不属于2021年格式（{label_cell.where}）")
        if key in found_2021:
            raise HistoryError(f"表二「{label_cell.text.strip()}」行出现了两次（{label_cell.where}）")
        blanks = []
        name = ar.cell_name("table2", key, ar.DOCUMENT_COLUMNS[0]) if key in ar.DOCUMENT_ROWS else \
            ar.cell_name("table2", key)
        if key in ar.DOCUMENT_ROWS:
            columns = [_document_column(n, label_cell) for n in names] if headers else list(ar.DOCUMENT_COLUMNS)
            if len(cells) != 3 or set(columns) != set(ar.DOCUMENT_COLUMNS):
                raise HistoryError(f"表二「{label_cell.text.strip()}」行应有本年制发、本年废止、现行有效3个数，"
                                   f"找到{len(cells)}个（{label_cell.where}）")
            found_2021[key] = {column: reader.read("count", cell, f"table2.{key}.{column}",
                                                    ar.cell_name("table2", key, column), label_cell.text.strip(),
                                                    blanks)
                               for column, cell in zip(columns, cells, strict=True)}
        else:
            present = [c for c in cells if c is not None and not reader.blank(c)]
            if len(present) > 1:
                raise HistoryError(f"{name}应只有1个数，找到{len(present)}个（{label_cell.where}）")
            cell = present[0] if present else (cells[0] if cells else None)
            found_2021[key] = reader.read("amount" if key == ar.FEES_ROW else "count", cell, f"table2.{key}", name,
                                          label_cell.text.strip(), blanks)
        reader.note_blanks(f"表二「{label_cell.text.strip()}」", blanks)
    if layout is None and not (found_2021 or found_2019):
        raise HistoryError("没有找到表二（主动公开政府信息情况）")
    if layout == "2019":
        return "2019", {"layout": "2019", "rows": found_2019}
    missing = [label for label, key in wanted_2021.items() if key not in found_2021]
    if missing:
        raise HistoryError(f"表二缺少「{missing[0]}」等{len(missing)}行")
    return "2021", {key: found_2021[key] for key in (*ar.DOCUMENT_ROWS, *ar.DECISION_ROWS, ar.FEES_ROW)}


def _document_column(header: str, label_cell: SourceCell) -> str:
    """The 本年制发 / 本年废止 / 现行有效 column a 信息内容 header names: the format's name, or one
    shortened or extended from it (现行有效件, 本年（2023）制发件数 once brackets are dropped)."""
    found = [c for c in ar.DOCUMENT_COLUMNS
             if _core_matches(header, _plain(ar.DOCUMENT_COLUMN_LABELS[c]), loose=True)]
    if len(found) != 1:
        raise HistoryError(f"表二「{label_cell.text.strip()}」所在部分的表头「{header}」无法对应本年制发件数、"
                           f"本年废止件数、现行有效件数（{label_cell.where}），请核对表头")
    return found[0]


def _header_positions(rows, labels: tuple[str, ...]) -> dict[str, int]:
    """Column of each header label (its first, unmerged occurrence) in the header rows."""
    positions: dict[str, int] = {}
    for _i, row in rows:
        for cell in row:
            plain = _plain(cell.text)
            if plain in labels and plain not in positions and not cell.continued:
                positions[plain] = cell.col
    return positions


def _table3(reader: _Reader, region) -> dict:
    if not region:
        raise HistoryError("没有找到表三（收到和处理政府信息公开申请情况）")
    column_labels = tuple(ar.TABLE3_COLUMN_LABELS[c] for c in ar.TABLE3_COLUMNS)
    new_row = _table3_specs(True)[0]  # 一、本年新收…: the first data row; the header rows are above it
    first_data = next((n for n, (_i, row) in enumerate(region)
                       if any(new_row in _match([new_row], c.text, None) for c in row if _is_label(c))), None)
    if first_data is None:
        raise HistoryError(f"表三缺少「{ar.TABLE3_ROW_LABELS[ar.ROW_NEW]}」行")
    positions = _header_positions(region[:first_data], column_labels)
    if len(positions) != 7:
        missing = [label for label in column_labels if label not in positions]
        raise HistoryError(f"表三表头缺少「{missing[0]}」列，无法确定各列位置")
    columns = [(column, positions[ar.TABLE3_COLUMN_LABELS[column]]) for column in ar.TABLE3_COLUMNS]
    leftmost = min(positions.values())
    split_other = any("逾期不补正" in _nfkc(c.text) or "逾期未按收费通知" in _nfkc(c.text)
                      for _i, row in region for c in row)
    specs = _table3_specs(split_other)
    table = ar.empty_table3()
    found: set[str] = set()
    group: str | None = None
    for _i, row in region[first_data:]:
        label, labels = _row_label(row, leftmost)
        for cell in labels:  # a merged 三、本年度办理结果 repeats on every row: it starts no new group
            level, number, _core = _parse_label(cell.text)
            if level == "l2":
                group = number
            elif level == "l1" and not cell.continued:
                group = None
        values = [_at(row, col) for _column, col in columns]
        has_figures = any(c is not None and _is_number_text(c.text) for c in values)
        if not label:
            if has_figures:
                raise HistoryError(f"表三有数字但没有行名（{next(c for c in values if c).where}）")
            continue
        matches = _match(specs, label, group)
        if not matches:
            matches = [m for m in _match(specs, label, group, typo=True) if m.key]
            if len({m.key for m in matches}) == 1:
                reader.notes.append(f"表三「{label.strip()}」行与格式的「{ar.TABLE3_ROW_LABELS[matches[0].key]}」"
                                    "相差一字，按该行读取")
        keys = {m.key for m in matches}
        if len(keys) > 1:
            raise HistoryError(f"表三「{label.strip()}」行可能是多个格式行之一，无法确定（请核对行名）")
        spec = matches[0] if matches else None
        if spec is None:
            if has_figures or not all(reader.blank(c) for c in values):
                raise HistoryError(f"表三「{label.strip()}」行无法对应到年报格式的行"
                                   f"（{next(c for c in row if c.text == label).where}），请核对行名")
            continue
        if not spec.key:  # a heading: （三）不予公开 …
            if has_figures:
                raise HistoryError(f"表三「{label.strip()}」是分组标题，数字应填在其下各行")
            continue
        name = ar.TABLE3_ROW_LABELS[spec.key]
        if spec.key in found:
            raise HistoryError(f"表三「{name}」行出现了两次（{label.strip()}）")
        blanks: list[str] = []
        for column, cell in zip(ar.TABLE3_COLUMNS, values, strict=True):
            table[spec.key][column] = reader.read("count", cell, f"table3.{spec.key}.{column}",
                                                   ar.cell_name("table3", spec.key, column), label.strip(), blanks)
        reader.note_blanks(f"表三「{name}」行", blanks)
        found.add(spec.key)
        if spec.key == ar.ROW_CARRIED_FORWARD:
            break
    wanted = [s.key for s in specs if s.key]
    missing = [ar.TABLE3_ROW_LABELS[key] for key in wanted if key not in found]
    if missing:
        raise HistoryError(f"表三缺少「{missing[0]}」等{len(missing)}行")
    return table


def _table4(reader: _Reader, region) -> dict:
    if not region:
        raise HistoryError("没有找到表四（政府信息公开行政复议、行政诉讼情况）")
    results = [ar.TABLE4_RESULT_LABELS[r] for r in ar.TABLE4_RESULTS]
    header_rows, data_row = [], None
    for i, row in region:
        if any(_plain(c.text) in results for c in row if not c.continued):
            header_rows.append((i, row))
        elif header_rows and any(not reader.blank(c) or c.text == "" for c in row):
            data_row = row
            break
    positions: list[tuple[int, str]] = []
    for _i, row in header_rows:
        positions.extend((c.col, _plain(c.text)) for c in row if not c.continued and _plain(c.text) in results)
    positions.sort()
    expected = results * len(ar.TABLE4_KINDS)
    if [p for _c, p in positions] != expected:
        raise HistoryError(f"表四表头应为行政复议、未经复议直接起诉、复议后起诉各5列（结果维持、结果纠正、其他结果、"
                           f"尚未审结、总计），找到{len(positions)}列")
    if data_row is None:
        raise HistoryError("表四表头下没有数字行")
    table = {}
    for k, kind in enumerate(ar.TABLE4_KINDS):
        blanks: list[str] = []
        table[kind] = {result: reader.read("count", _at(data_row, positions[k * 5 + j][0]), f"table4.{kind}.{result}",
                                            ar.cell_name("table4", kind, result), ar.TABLE4_KIND_LABELS[kind], blanks)
                       for j, result in enumerate(ar.TABLE4_RESULTS)}
        reader.note_blanks(f"表四「{ar.TABLE4_KIND_LABELS[kind]}」", blanks)
    return table


def parse(data: bytes) -> ParsedReport:
    """Tables 二, 三 and 四 of a published report from an XLSX workbook or a DOCX document, either
    layout, with the notes (blank cells read as 0) and the source of every stored cell. Raises
    HistoryError naming the row or cell that cannot be read."""
    source, rows = read_rows(data)
    regions = _split_regions(rows)
    reader = _Reader()
    layout, table2 = _table2(reader, regions["table2"])
    table3 = _table3(reader, regions["table3"])
    table4 = _table4(reader, regions["table4"])
    return ParsedReport(layout, table2, table3, table4, reader.notes, reader.cells, source)


def parse_xlsx(data: bytes) -> ParsedReport:
    """Kept for callers of the XLSX-only reader: :func:`parse` reads XLSX and DOCX alike."""
    return parse(data)
