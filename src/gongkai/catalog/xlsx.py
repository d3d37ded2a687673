"""Catalogue tables as XLSX, in the standard column layout (domain facts §4.3).

Layout (two header rows, merged cells)::

    序号 | 公开事项        | 公开内容（要素） | 公开依据 | 公开时限 | 公开主体 | 公开渠道和载体 | 公开对象        | 公开方式    | 公开层级
         | 一级事项 二级事项 |                 |          |          |          |                | 全社会 特定群体 | 主动 依申请 | 县级 乡级

The channel cell holds the marks as text ("■政府网站 □政府公报 ■政务服务中心"; channels not listed
are absent) and the 公开对象/方式/层级 cells hold "√" where applicable.

The reader accepts the variants of county catalogues listed in §4.3: 特定群众 or 特定群体, 依申请公开 or
依申请 or 申请, 公开层级 columns missing or spelled 区级/乡级, 镇级, 县级/乡、村级 (a 市级 or 村级 column is
ignored with a warning), a 三级事项 column (joined to the 二级事项), cells merged vertically or
written "同上", a title row above the header and a legend ("注：…") below the table. It reports every
problem with its sheet and row and returns nothing unless the whole file is valid.

Written cells that start with = + - @ get a leading apostrophe so that spreadsheet programs show
them as text instead of running them as formulas (style practice 13); the reader removes it again.
This module has no Django imports: it turns bytes into ItemRows and ItemRows into bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from gongkai.catalog.channels import ChannelError, format_channels, parse_channels
from gongkai.catalog.rows import FIELD_LABELS, ItemRow, row_errors

MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 30
NOT_INVOLVED_SHEET = "未涉及领域说明"

# --- Writing ---------------------------------------------------------------------------------------

HEADER_TOP = ["序号", "公开事项", None, "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
              "公开对象", None, "公开方式", None, "公开层级", None]
HEADER_SUB = [None, "一级事项", "二级事项", None, None, None, None, None, "全社会", "特定群体", "主动", "依申请",
              "县级", "乡级"]
# Column widths (characters) chosen so that a landscape A4 page, fitted to its width, stays legible.
WIDTHS = [5, 12, 16, 34, 30, 20, 16, 24, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5]
N_COLUMNS = len(HEADER_TOP)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name="宋体", size=10)
_HEADER_FONT = Font(name="黑体", size=10, bold=True)
_TITLE_FONT = Font(name="黑体", size=16, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
_WRAP = Alignment(wrap_text=True, vertical="top", horizontal="left")
_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")


@dataclass
class Sheet:
    """One sheet to write: its tab name, the title row and the rows in order."""

    name: str
    title: str
    rows: list[ItemRow]


def escape_cell(text: str) -> str:
    """A cell value safe to open in a spreadsheet: formulas neutralised, XML-illegal characters
    removed."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_cell(text: str) -> str:
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@" else text


def sheet_name(name: str) -> str:
    """Excel forbids []:*?/\\ in tab names and allows 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet"


def _page_setup(ws, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _title(ws, text: str, columns: int) -> None:
    ws.cell(row=1, column=1, value=escape_cell(text)).font = _TITLE_FONT
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.row_dimensions[1].height = 36


def _write_items(ws, sheet: Sheet) -> None:
    _title(ws, sheet.title, N_COLUMNS)
    for col, (top, sub) in enumerate(zip(HEADER_TOP, HEADER_SUB, strict=True), start=1):
        for row, value in ((2, top), (3, sub)):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font, cell.alignment, cell.border, cell.fill = _HEADER_FONT, _CENTRE, _BORDER, _HEADER_FILL
        if sub is None:
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    for first in (2, 9, 11, 13):  # 公开事项, 公开对象, 公开方式, 公开层级 span two columns
        ws.merge_cells(start_row=2, start_column=first, end_row=2, end_column=first + 1)
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    def tick(flag: bool) -> str:
        return "√" if flag else ""

    for n, item in enumerate(sheet.rows, start=1):
        values = [n, item.level1, item.level2, item.content, item.basis, item.time_limit_text, item.subject,
                  format_channels(item.channels, item.other_channels), tick(item.audience_public),
                  tick(item.audience_specific), tick(item.mode_proactive), tick(item.mode_on_request),
                  tick(item.level_county), tick(item.level_township)]
        r = n + 3
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=escape_cell(value) if isinstance(value, str) else value)
            cell.font, cell.border = _FONT, _BORDER
            cell.alignment = _CENTRE if col == 1 or col >= 9 else _WRAP
    # 一级事项 merged over its consecutive rows, as printed catalogues do.
    start, end = 0, len(sheet.rows)
    for i in range(1, end + 1):
        if i == end or sheet.rows[i].level1 != sheet.rows[start].level1:
            if i - 1 > start:
                ws.merge_cells(start_row=start + 4, start_column=2, end_row=i + 3, end_column=2)
            start = i
    ws.freeze_panes = "A4"
    _page_setup(ws, "2:3")
    ws.oddFooter.left.text = "公开渠道和载体：■必选 □可选"


def _write_not_involved(ws, title: str, areas: list[tuple[str, str]]) -> None:
    _title(ws, title, 3)
    for col, (value, width) in enumerate((("序号", 6), ("领域", 20), ("未涉及说明", 90)), start=1):
        cell = ws.cell(row=2, column=col, value=value)
        cell.font, cell.alignment, cell.border, cell.fill = _HEADER_FONT, _CENTRE, _BORDER, _HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    for n, (name, reason) in enumerate(areas, start=1):
        for col, value in enumerate((n, escape_cell(name), escape_cell(reason)), start=1):
            cell = ws.cell(row=n + 2, column=col, value=value)
            cell.font, cell.border = _FONT, _BORDER
            cell.alignment = _CENTRE if col == 1 else _WRAP
    ws.freeze_panes = "A3"
    _page_setup(ws, "2:2")


def write_workbook(sheets: list[Sheet], not_involved: tuple[str, list[tuple[str, str]]] | None = None,
                   title: str = "") -> bytes:
    """An XLSX file with one sheet per area and, when given, the 未涉及领域说明 sheet
    (``not_involved`` = (title row, [(area name, explanation)])). Printable: landscape A4 fitted to
    the page width, header rows repeated on every page, wrapped text, page numbers."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    wb.properties.creator = "Gongkai 政务公开平台"
    for sheet in sheets:
        _write_items(wb.create_sheet(sheet_name(sheet.name)), sheet)
    if not_involved is not None:
        _write_not_involved(wb.create_sheet(NOT_INVOLVED_SHEET), *not_involved)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Reading ---------------------------------------------------------------------------------------

class XlsxError(ValueError):
    """The file cannot be imported; ``messages`` are Chinese, each naming its sheet and row."""

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("；".join(self.messages))


@dataclass
class ReadResult:
    rows: list[ItemRow]
    sheets: list[str]
    warnings: list[str] = field(default_factory=list)


def _norm(value) -> str:
    """Comparison form of a header cell: width-folded, no spaces or line breaks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))) if value is not None else ""


_HEADERS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "group_item": ("公开事项", "事项"),
    "level1": ("一级事项", "事项名称", "公开事项名称"),
    "level2": ("二级事项",),
    "level3": ("三级事项",),
    "content": ("公开内容(要素)", "公开内容", "公开要素", "公开内容要素"),
    "basis": ("公开依据",),
    "time_limit_text": ("公开时限",),
    "subject": ("公开主体",),
    "channels": ("公开渠道和载体", "公开渠道及载体", "公开渠道与载体", "公开渠道", "公开载体"),
    "group_audience": ("公开对象",),
    "audience_public": ("全社会",),
    "audience_specific": ("特定群体", "特定群众", "特定对象"),
    "group_mode": ("公开方式",),
    "mode_proactive": ("主动", "主动公开"),
    "mode_on_request": ("依申请", "依申请公开", "申请", "申请公开"),
    "group_level": ("公开层级",),
    "level_county": ("县级", "区级", "县(市、区)级", "县(区)级", "县(市)级", "县区级", "县(市)区级"),
    "level_township": ("乡级", "镇级", "乡镇级", "乡(镇)级", "乡、村级", "乡村级", "乡(镇、街道)级",
                       "乡镇(街道)级", "街道级", "镇(街道)级"),
    "ignored_level": ("市级", "村级", "村(社区)级"),
    "remark": ("备注",),
}
_KEY_OF = {_norm(alias): key for key, aliases in _HEADERS.items() for alias in aliases}
_SUB_KEYS = {"level1", "level2", "level3", "audience_public", "audience_specific", "mode_proactive",
             "mode_on_request", "level_county", "level_township", "ignored_level"}
_FLAG_KEYS = ("audience_public", "audience_specific", "mode_proactive", "mode_on_request", "level_county",
              "level_township")
_REQUIRED = ("level1", "content", "basis", "time_limit_text", "subject", "channels")
_SAME_AS_ABOVE = {"同上", "同上。", "同上述"}
_TRUE = {"√", "✓", "✔", "☑", "●", "■", "是", "y", "yes", "v", "1", "有"}
_FALSE = {"", "×", "✗", "✕", "否", "无", "/", "-", "—", "n", "no", "0", "□"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "√" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return unescape_cell(text)


def _open(data: bytes):
    size = len(data)
    if size > MAX_BYTES:
        raise XlsxError(f"文件过大（{size / 1024 / 1024:.1f} MB），导入的表格不能超过 10 MB")
    if size == 0:
        raise XlsxError("文件为空")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise XlsxError("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 格式后再导入")
    if not data.startswith(b"PK\x03\x04"):
        raise XlsxError("文件不是 Excel 表格（.xlsx）格式，请上传 .xlsx 文件")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise XlsxError("文件已损坏，无法作为 .xlsx 表格打开") from None
    if "xl/workbook.xml" not in names:
        raise XlsxError("文件不是 Excel 工作簿（可能是 Word 文档或其他压缩文件）")
    if unpacked > MAX_UNCOMPRESSED:
        raise XlsxError("文件解压后过大，不像是公开目录表格，请检查后重新导出")
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises KeyError, ValueError, TypeError, … for damaged parts
        raise XlsxError("文件已损坏或格式不正确，无法读取表格内容") from None


def _grid(ws) -> dict[tuple[int, int], str]:
    """Cell texts with merged ranges filled from their top-left cell."""
    grid: dict[tuple[int, int], str] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                grid[(cell.row, cell.column)] = _text(cell.value)
    for merged in ws.merged_cells.ranges:
        value = grid.get((merged.min_row, merged.min_col), "")
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                grid[(r, c)] = value
    return grid


@dataclass
class _Layout:
    columns: dict[str, int]
    data_start: int
    warnings: list[str]


def _has_sub_header(r: int, top: dict, sub: dict, grid) -> bool:
    """Whether row r + 1 is the second header row (一级事项/二级事项, 全社会/特定群体, …) rather
    than the first data row of a one-row header whose cells happen to read "全社会" or "县级"."""
    grouped = [c for c, key in top.items() if key and key.startswith("group_")]
    if not any(sub[c] in _SUB_KEYS for c in grouped):
        return False
    if any(sub[c] not in _SUB_KEYS and sub[c] != top[c] and grid.get((r + 1, c)) for c in grouped):
        return False
    seq = next((c for c, key in top.items() if key == "seq"), None)
    return seq is None or not grid.get((r + 1, seq), "").isdigit()


def _layout(ws, grid, where: str) -> _Layout:
    width = ws.max_column
    for r in range(1, min(ws.max_row, 20) + 1):
        top = {c: _KEY_OF.get(_norm(grid.get((r, c)))) for c in range(1, width + 1)}
        if not ({"seq", "level1", "group_item"} & set(top.values())):
            continue
        sub = {c: _KEY_OF.get(_norm(grid.get((r + 1, c)))) for c in range(1, width + 1)}
        has_sub = _has_sub_header(r, top, sub, grid)
        columns: dict[str, int] = {}
        warnings: list[str] = []
        for c in range(1, width + 1):
            key = sub[c] if has_sub and sub[c] in _SUB_KEYS else top[c]
            raw = grid.get((r + 1, c)) if has_sub and sub[c] in _SUB_KEYS else grid.get((r, c))
            if key is None:
                if raw:
                    warnings.append(f"{where}：忽略无法识别的列“{raw}”")
                continue
            if key == "ignored_level":
                warnings.append(f"{where}：忽略“{raw}”列（只导入县级、乡级）")
                continue
            if key in columns:
                if key.startswith("group_"):
                    continue  # a group header spread over its merged columns
                raise XlsxError(f"{where}：表头中“{raw}”列重复")
            columns[key] = c
        if len(set(columns) - {"seq", "remark"}) < 4:
            continue
        if "level1" not in columns and "group_item" in columns:
            columns["level1"] = columns.pop("group_item")  # a single 公开事项 column
        missing = [FIELD_LABELS[k] for k in _REQUIRED if k not in columns]
        for group, keys, label in (("group_audience", ("audience_public", "audience_specific"), "公开对象"),
                                   ("group_mode", ("mode_proactive", "mode_on_request"), "公开方式")):
            if group not in columns and not any(k in columns for k in keys):
                missing.append(label)
        if missing:
            raise XlsxError(f"{where}：表头缺少必需的列：{'、'.join(missing)}（请使用标准目录的列格式）")
        return _Layout(columns, r + 2 if has_sub else r + 1, warnings)
    raise XlsxError(f"{where}：找不到表头（应含“序号”“公开事项”“公开内容”“公开依据”“公开时限”等列），"
                    f"请使用标准目录的列格式")


def _flag(text: str, label: str) -> bool:
    value = unicodedata.normalize("NFKC", text).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"“{label}”列应为“√”或空白，实际为“{text}”")


def _group_flags(text: str, group: str) -> dict[str, bool]:
    """A single 公开对象/公开方式/公开层级 column holding words instead of √ columns."""
    value = _norm(text)
    if group == "group_audience":
        return {"audience_public": "全社会" in value, "audience_specific": "特定" in value}
    if group == "group_mode":
        return {"mode_proactive": "主动" in value, "mode_on_request": "申请" in value}
    return {"level_county": "县" in value or "区级" in value,
            "level_township": any(w in value for w in ("乡", "镇", "街道"))}


def _read_sheet(ws, default_levels: tuple[bool, bool], errors: list[str]) -> tuple[list[tuple[int, ItemRow]], list[str]]:
    where = f"工作表“{ws.title}”"
    if ws.max_row > MAX_ROWS:
        raise XlsxError(f"{where}：行数过多（{ws.max_row} 行），一个工作表不能超过 {MAX_ROWS} 行")
    grid = _grid(ws)
    layout = _layout(ws, grid, where)
    cols, warnings = layout.columns, layout.warnings
    level_columns = any(k in cols for k in ("level_county", "level_township", "group_level"))
    if not level_columns:
        county, township = default_levels
        warnings.append(f"{where}：表格没有公开层级列，按本单位层级（{'县级' if county else '乡级'}）导入")
    rows: list[tuple[int, ItemRow]] = []
    previous: dict[str, str] = {}
    for r in range(layout.data_start, ws.max_row + 1):
        cells = {key: grid.get((r, c), "") for key, c in cols.items()}
        values = {v for key, v in cells.items() if v and key != "seq"}
        if not values:
            continue  # a blank row (perhaps pre-numbered)
        if len(values) == 1 and next(iter(values)).startswith(("注", "说明", "备注", "填表说明")):
            break  # the legend under the table
        if _norm(cells.get("level1")) in ("一级事项", "公开事项") or cells.get("seq") == "序号":
            continue  # the header repeated further down
        here = f"{where}第{r}行"
        row_problems: list[str] = []
        for key in ("level1", "content", "basis", "time_limit_text", "subject", "channels"):
            if cells.get(key, "") in _SAME_AS_ABOVE:
                if key not in previous:
                    row_problems.append(f"“{FIELD_LABELS[key]}”为“同上”，但上面没有可参照的行")
                else:
                    cells[key] = previous[key]
        if not cells.get("level1") and previous.get("level1"):
            cells["level1"] = previous["level1"]  # 一级事项 written once for its group of rows
        level2 = cells.get("level2", "")
        if cells.get("level3"):
            level2 = f"{level2}—{cells['level3']}" if level2 else cells["level3"]
        flags: dict[str, bool] = {}
        for group in ("group_audience", "group_mode", "group_level"):
            if group in cols and cells.get(group) and not any(
                    k in cols for k in _FLAG_KEYS if _group_of(k) == group):
                flags.update(_group_flags(cells[group], group))
        for key in _FLAG_KEYS:
            if key in cols:
                try:
                    flags[key] = _flag(cells[key], FIELD_LABELS[key])
                except ValueError as exc:
                    row_problems.append(str(exc))
        if not level_columns:
            flags["level_county"], flags["level_township"] = default_levels
        channels, other, channel_failed = {}, "", False
        try:
            channels, other = parse_channels(cells.get("channels", ""))
        except ChannelError as exc:
            row_problems.append(str(exc))
            channel_failed = True
        row = ItemRow(level1=cells.get("level1", ""), level2=level2, content=cells.get("content", ""),
                      basis=cells.get("basis", ""), time_limit_text=cells.get("time_limit_text", ""),
                      subject=cells.get("subject", ""), channels=channels, other_channels=other,
                      **{k: flags.get(k, False) for k in _FLAG_KEYS})
        for field_name, messages in row_errors(row).items():
            if field_name == "channels" and channel_failed:
                continue  # already reported by parse_channels
            row_problems.extend(messages)
        for problem in row_problems:
            errors.append(f"{here}：{problem}")
        previous = {k: cells.get(k, "") for k in ("level1", "content", "basis", "time_limit_text", "subject",
                                                  "channels")}
        rows.append((r, row))
    return rows, warnings


def _group_of(key: str) -> str:
    return "group_" + key.split("_")[0] if key.split("_")[0] in ("audience", "mode") else "group_level"


def read_workbook(data: bytes, *, sheet: str | None = None, all_sheets: bool = False,
                  preferred: tuple[str, ...] = (), default_levels: tuple[bool, bool] = (True, False)) -> ReadResult:
    """Read catalogue rows from an XLSX file.

    Which sheets: ``all_sheets`` → every sheet except 未涉及领域说明 and empty ones; ``sheet`` → that
    sheet; otherwise the first sheet named like one of ``preferred`` (the area's names), else the
    first sheet. ``default_levels`` (县级, 乡级) apply when the table has no 公开层级 columns.
    Raises XlsxError with every problem found (sheet and row named); returns rows only when the
    whole selection is valid."""
    wb = _open(data)
    if all_sheets:
        chosen = [ws for ws in wb.worksheets if ws.title != NOT_INVOLVED_SHEET and ws.max_row > 1]
    elif sheet is not None:
        if sheet not in wb.sheetnames:
            raise XlsxError(f"表格中没有名为“{sheet}”的工作表（现有：{'、'.join(wb.sheetnames)}）")
        chosen = [wb[sheet]]
    else:
        named = [wb[name] for name in preferred if name and name in wb.sheetnames]
        chosen = named[:1] or wb.worksheets[:1]
    if not chosen:
        raise XlsxError("表格中没有可导入的工作表")
    errors: list[str] = []
    result = ReadResult(rows=[], sheets=[ws.title for ws in chosen])
    seen: dict[tuple[str, str], str] = {}
    for ws in chosen:
        rows, warnings = _read_sheet(ws, default_levels, errors)
        result.warnings.extend(warnings)
        if not rows:
            errors.append(f"工作表“{ws.title}”：没有目录事项（表头下方的行都是空的）")
        for r, row in rows:
            here = f"工作表“{ws.title}”第{r}行"
            if row.key in seen:
                label = f"{row.level1} / {row.level2}" if row.level2 else row.level1
                errors.append(f"{here}：事项“{label}”与{seen[row.key]}重复")
            else:
                seen[row.key] = here
            result.rows.append(row)
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(f"……共 {len(errors)} 处错误，仅列出前 {MAX_ERRORS} 处")
        raise XlsxError(shown)
    return result
