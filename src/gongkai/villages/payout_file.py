"""Reading and checking a subsidy payout file (惠民惠农财政补贴资金"一卡通" export). Pure: no Django imports.

Input: XLSX (read with openpyxl in read-only mode) or CSV in UTF-8, UTF-8 with BOM or GBK/GB18030
(decoded by ``gongkai.privacy.extraction.decode_text``, the project's one encoding rule).

Checks per row (issue 7 §3; domain facts §5):

- 姓名 present, plain text (no markup, no digits), at most 40 characters;
- 身份证号: 18 characters, structure and check character per GB 11643-1999 (``privacy.checksums``);
- 一卡通账号 digits only (6–30);
- 村 names a village of the township (``villages`` argument);
- the same person (ID number) appears once per programme and year, in the file and in what was
  already imported (``already_imported``);
- amounts in yuan with at most two decimals (money is kept to the fen, never as float); where both
  补贴面积 and 补贴标准 are given, 补贴金额 = 面积 × 标准 rounded half-up to the fen (财政资金 are paid
  to the fen; no tolerance);
- 发放日期 a real date in the payout year or the year after;
- the file's 合计 row (or a batch total passed in) equals the sum of the rows to the fen.

Row numbers are the rows of the spreadsheet as the user sees them (1 = first line of the file).
Phone numbers are read only to be dropped: they are never returned.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from gongkai.privacy.checksums import id18_check_ok, id18_structure_ok
from gongkai.privacy.extraction import FileRejected, decode_text

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("10000000")  # one payout above ten million yuan is a typing error
HEADER_SCAN_ROWS = 15
MAX_COLUMNS = 60

# Field → accepted header texts (compared after normalise_header). Order: preferred names first.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "户主姓名", "户主", "农户姓名", "补贴对象姓名", "补贴对象", "领取人姓名", "领取人"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码"),
    "account": ("一卡通账号", "银行账号", "卡号", "一卡通卡号", "银行卡号", "账号", "社保卡号"),
    "village": ("村", "村(社区)", "村名", "所在村", "村委会", "行政村", "村组"),
    "area": ("补贴面积", "面积", "计补面积", "补贴面积(亩)", "面积(亩)"),
    "standard": ("补贴标准", "标准", "补贴标准(元/亩)", "补助标准"),
    "amount": ("补贴金额", "金额", "发放金额", "补贴金额(元)", "补助金额", "发放金额(元)", "应发金额", "实发金额"),
    "paid_on": ("发放日期", "发放时间", "拨付日期"),
    "phone": ("联系电话", "电话", "手机号码", "手机号", "联系方式"),
}
REQUIRED_FIELDS = ("name", "id_number", "amount")
FIELD_LABELS = {"name": "姓名", "id_number": "身份证号", "account": "一卡通账号", "village": "村（社区）",
                "area": "补贴面积", "standard": "补贴标准", "amount": "补贴金额", "paid_on": "发放日期",
                "phone": "联系电话"}
TOTAL_MARKERS = ("合计", "总计", "小计", "合 计")

_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＡＢＣＤＥＦ（）：，．　", "0123456789XxABCDEF():,. ")
_UNIT = re.compile(r"\((?:元|亩|元/亩|万元)\)$")
_NAME_OK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaffA-Za-z·•.\s]{1,40}$")
_PLAIN_NUMBER = {places: re.compile(rf"\d{{1,15}}(?:\.\d{{1,{places}}})?") for places in (2, 4)}
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class PayoutFileError(ValueError):
    """The file as a whole cannot be read; the message is fit to show a user."""


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: the file as a whole
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行：{self.message}" if self.row is not None else self.message


@dataclass
class PayoutRow:
    row: int
    name: str
    id_number: str
    account: str
    village: object  # the key given for the village in ``villages`` (None if the file has no village column)
    village_text: str
    area: Decimal | None
    standard: Decimal | None
    amount: Decimal
    paid_on: dt.date | None


@dataclass
class ParsedFile:
    header_row: int
    columns: dict[str, int]  # field → 0-based column
    rows: list[PayoutRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    declared_total: Decimal | None = None
    data_rows: int = 0  # rows read (valid and invalid), excluding the header and total rows

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal("0.00"))

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None})

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row is None]


# ---- reading ---------------------------------------------------------------------------------

def read_table(data: bytes, filename: str = "") -> Iterator[tuple[int, list]]:
    """``(row_number, cells)`` of the first sheet of an XLSX file or of a CSV file.

    Raises PayoutFileError for a legacy .xls, a damaged XLSX or an undecodable CSV."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise PayoutFileError("不支持旧版 Excel（.xls）格式，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后再导入")
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise PayoutFileError("文件扩展名为 .xlsx，但内容不是有效的 Excel 文件（可能已损坏）")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PayoutFileError("文件不是 Excel（.xlsx）或 CSV 文本文件，无法读取")
    try:
        text = decode_text(data)
    except FileRejected as exc:
        raise PayoutFileError(f"{exc}。请另存为 UTF-8 或 GBK 编码的 CSV 文件") from None
    return _read_csv(text)


def _read_csv(text: str) -> Iterator[tuple[int, list]]:
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise PayoutFileError(f"CSV 文件第 {reader.line_num} 行格式错误：{exc}") from None


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list]]:
    import openpyxl  # imported here: CSV imports and the pure checks do not need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise PayoutFileError(f"Excel 文件已损坏或格式不受支持，无法读取（{type(exc).__name__}）") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise PayoutFileError("Excel 文件中没有工作表")
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(cells[:MAX_COLUMNS])
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise PayoutFileError(f"Excel 文件已损坏，读取中断（{type(exc).__name__}）") from None
    finally:
        book.close()


# ---- headers ---------------------------------------------------------------------------------

def normalise_header(text) -> str:
    s = "" if text is None else str(text)
    s = s.translate(_FULLWIDTH)
    return re.sub(r"\s+", "", s).replace("*", "")


_LOOKUP = {normalise_header(h): f for f, names in HEADER_SYNONYMS.items() for h in names}


def match_header(cell) -> str | None:
    h = normalise_header(cell)
    if not h:
        return None
    if h in _LOOKUP:
        return _LOOKUP[h]
    stripped = _UNIT.sub("", h)
    return _LOOKUP.get(stripped)


@dataclass
class HeaderGuess:
    """What :func:`guess_header` found in the first rows of a file, for the admin's mapping form."""

    header_row: int | None  # 1-based; None: no row looks like a header
    cells: list[str]  # the header row's cell texts
    columns: dict[str, int]  # field → 0-based column (first match of each field)
    ambiguous: dict[str, list[int]]  # field → every column whose header names it, when more than one
    rows: list[tuple[int, list]]  # the header row and the rows after it (for the preview)

    @property
    def missing(self) -> list[str]:
        return [f for f in (*REQUIRED_FIELDS, "village") if f not in self.columns]

    @property
    def complete(self) -> bool:
        """Every field the import needs was found, and no field by two columns."""
        return self.header_row is not None and not self.missing and not self.ambiguous


def guess_header(table: Iterable[tuple[int, list]], preview_rows: int = 8) -> HeaderGuess:
    """Look for the header row in the first :data:`HEADER_SCAN_ROWS` rows: the first row with every
    required field, else the row with the most recognised headers (the officer maps the rest by
    hand), else the first non-empty row. Reads no further than the header and ``preview_rows``."""
    rows: list[tuple[int, list]] = []
    for number, cells in table:
        rows.append((number, list(cells)))
        if len(rows) >= HEADER_SCAN_ROWS + preview_rows:
            break
    chosen = None
    best: tuple[int, int] | None = None  # (recognised headers, row number)
    for number, cells in rows[:HEADER_SCAN_ROWS]:
        found = detect_columns(cells)
        if all(f in found for f in REQUIRED_FIELDS):
            chosen = number
            break
        if found and (best is None or len(found) > best[0]):
            best = (len(found), number)
    if chosen is None:
        chosen = best[1] if best else next((n for n, c in rows if any(_text(x) for x in c)), None)
    if chosen is None:
        return HeaderGuess(None, [], {}, {}, rows)
    cells = next(c for n, c in rows if n == chosen)
    every: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        f = match_header(cell)
        if f is not None:
            every.setdefault(f, []).append(i)
    return HeaderGuess(chosen, [_text(c) for c in cells], {f: cols[0] for f, cols in every.items()},
                       {f: cols for f, cols in every.items() if len(cols) > 1},
                       [(n, c) for n, c in rows if chosen <= n <= chosen + preview_rows])


def detect_columns(cells: list, mapping: Mapping[str, str] | None = None) -> dict[str, int]:
    """Field → column index for one candidate header row. ``mapping`` (field → header text, set by
    hand in the admin or on the command line) wins over the synonyms."""
    found: dict[str, int] = {}
    wanted = {f: normalise_header(h) for f, h in (mapping or {}).items()}
    for i, cell in enumerate(cells):
        h = normalise_header(cell)
        for f, text in wanted.items():
            if h and h == text and f not in found:
                found[f] = i
                break
        else:
            f = match_header(cell)
            if f is not None and f not in found and f not in wanted:
                found[f] = i
    return found


# ---- values ----------------------------------------------------------------------------------

def _text(cell) -> str:
    if cell is None:
        return ""
    if type(cell) is str:
        return cell.strip() if cell.isascii() else cell.translate(_FULLWIDTH).strip()
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).translate(_FULLWIDTH).strip()


def parse_money(cell, label: str, places: int = 2) -> Decimal | None:
    """A non-negative decimal with at most ``places`` decimals, from a number or text such as
    ``¥1,234.50`` / ``1234.5元``. None when empty. Raises ValueError with a Chinese message."""
    if type(cell) is str and _PLAIN_NUMBER[places].fullmatch(cell):
        return Decimal(cell)  # the common case: digits with at most ``places`` decimals
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise ValueError(f"{label}不是数字")
    if isinstance(cell, int | float):
        text = repr(cell) if isinstance(cell, float) else str(cell)
    else:
        text = str(cell).translate(_FULLWIDTH).strip().replace(",", "").replace("¥", "").replace("￥", "")
        text = text.removesuffix("元").removesuffix("亩").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{label}“{str(cell)[:20]}”不是数字") from None
    if not value.is_finite():
        raise ValueError(f"{label}不是数字")
    if value < 0:
        raise ValueError(f"{label}不能为负数")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(f"{label}“{text}”超过 {places} 位小数" + ("（金额精确到分）" if places == 2 else ""))
    return value


def parse_date(cell) -> dt.date | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = _text(cell)
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    m = _DATE_TEXT.match(text)
    if not m:
        raise ValueError(f"发放日期“{text[:20]}”无法识别，请写作 2025-03-15")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"发放日期“{text[:20]}”不是真实的日期") from None


def normalise_id(cell) -> str:
    if isinstance(cell, float):
        raise ValueError("身份证号被 Excel 存成了数字，后几位已丢失；请把该列设为文本格式后重新导出")
    return re.sub(r"[\s\-]", "", _text(cell)).upper()


def check_id(number: str, today: dt.date) -> str | None:
    """None if ``number`` is a valid 18-character 公民身份号码, else the reason (GB 11643-1999)."""
    if not number:
        return "缺少身份证号"
    if len(number) == 15 and number.isdigit():
        return "身份证号为15位旧号码，请使用18位号码"
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return "身份证号应为18位（末位可为X）"
    if not id18_structure_ok(number, today):
        return "身份证号的地址码或出生日期不正确"
    if not id18_check_ok(number):
        return "身份证号校验位不正确（按 GB 11643-1999 计算）"
    return None


def village_key(text: str) -> str:
    """A village name as matched: spaces removed, a trailing 村民委员会/居民委员会/村委会/居委会 dropped."""
    s = re.sub(r"\s+", "", text.translate(_FULLWIDTH))
    for suffix in ("村民委员会", "社区居民委员会", "居民委员会", "村委会", "居委会"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            if suffix in ("村民委员会", "村委会"):
                s += "村"
            elif suffix in ("社区居民委员会", "居民委员会", "居委会") and not s.endswith("社区"):
                s += "社区"
            break
    return s


# ---- the whole file --------------------------------------------------------------------------

def parse_payouts(
    table: Iterable[tuple[int, list]],
    *,
    year: int,
    villages: Mapping[str, object],
    ambiguous_villages: Iterable[str] = (),
    default_village: object = None,
    mapping: Mapping[str, str] | None = None,
    declared_total: Decimal | None = None,
    already_imported: Callable[[str], bool] | None = None,
    today: dt.date | None = None,
    header_row: int | None = None,
    columns: Mapping[str, int] | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 2000,
) -> ParsedFile:
    """Read and check every row of ``table`` (from :func:`read_table`).

    ``villages``: village name (as :func:`village_key` gives it) → the caller's key for it;
    ``ambiguous_villages``: names of more than one village in scope (a row naming one is refused);
    ``default_village``: the village of a file without a village column; ``declared_total``: the
    batch total to check (a 合计 row in the file is checked too); ``already_imported(id_number)``:
    True if that person already has a payout in this programme and year; ``header_row`` and
    ``columns`` (field → 0-based column, as mapped by hand in the admin): the header as given, no
    detection; ``progress(rows_read)`` is called every ``progress_every`` data rows.

    Returns a ParsedFile whose ``rows`` are the valid rows and ``problems`` each bad row's number
    and reason plus file-level problems (row None). Raises PayoutFileError when no header is found.
    """
    today = today or dt.date.today()
    ambiguous = {village_key(v) for v in ambiguous_villages}
    rows_iter = iter(table)
    if columns is not None and header_row is not None:
        columns = dict(columns)
        missing = [FIELD_LABELS[f] for f in REQUIRED_FIELDS if f not in columns]
        if missing:
            raise PayoutFileError(f"没有指定{'、'.join(missing)}所在的列")
        for number, _cells in rows_iter:
            if number >= header_row:
                break
        else:
            raise PayoutFileError(f"文件没有第 {header_row} 行")
    else:
        header_row = None
        columns = {}
        for number, cells in rows_iter:
            found = detect_columns(cells, mapping)
            if all(f in found for f in REQUIRED_FIELDS):
                header_row, columns = number, found
                break
            if number >= HEADER_SCAN_ROWS:
                break
    if header_row is None:
        need = "、".join(FIELD_LABELS[f] for f in REQUIRED_FIELDS)
        raise PayoutFileError(f"在文件前 {HEADER_SCAN_ROWS} 行中没有找到表头（至少需要{need}三列）；"
                              "可在导入时手工指定列名")
    if "village" not in columns and default_village is None:
        raise PayoutFileError("文件没有“村”或“村（社区）”列；请加上该列，或在导入时指定村")
    parsed = ParsedFile(header_row=header_row, columns=columns, declared_total=declared_total)
    seen: dict[str, int] = {}
    village_keys: dict[str, str] = {}
    dates: dict[str, tuple] = {}
    all_amounts = Decimal("0.00")
    amounts_complete = True
    file_total: Decimal | None = None

    def cell(cells: list, f: str):
        i = columns.get(f)
        return cells[i] if i is not None and i < len(cells) else None

    for number, cells in rows_iter:
        if not any(_text(c) for c in cells):
            continue
        name_text = _text(cell(cells, "name"))
        # Every total marker has 计: the full test only runs on the rows that might be a total row.
        if ("计" in name_text or any(isinstance(c, str) and "计" in c for c in cells[:2])) and (
                name_text.replace(" ", "") in TOTAL_MARKERS
                or any(_text(c).replace(" ", "") in TOTAL_MARKERS for c in cells[:2])):
            try:
                file_total = parse_money(cell(cells, "amount"), "合计金额")
            except ValueError as exc:
                parsed.problems.append(Problem(number, str(exc)))
            continue
        parsed.data_rows += 1
        if progress is not None and parsed.data_rows % progress_every == 0:
            progress(parsed.data_rows)
        reasons: list[str] = []
        # 姓名
        if not name_text:
            reasons.append("缺少姓名")
        elif not _NAME_OK.match(name_text):
            reasons.append("姓名含有不允许的字符（只能是汉字、字母和间隔号）" if len(name_text) <= 40 else "姓名过长")
        # 身份证号
        try:
            id_number = normalise_id(cell(cells, "id_number"))
            reason = check_id(id_number, today)
        except ValueError as exc:
            id_number, reason = "", str(exc)
        if reason:
            reasons.append(reason)
        elif id_number in seen:
            reasons.append(f"与第{seen[id_number]}行为同一人（身份证号重复），同一补贴项目同一年度只能发放一次")
        elif already_imported is not None and already_imported(id_number):
            reasons.append("此人在本补贴项目本年度已有发放记录（重复导入）")
        else:
            seen[id_number] = number
        # 一卡通账号
        account = re.sub(r"[\s\-]", "", _text(cell(cells, "account"))) if "account" in columns else ""
        if isinstance(cell(cells, "account"), float) and len(account) > 15:
            reasons.append("一卡通账号被 Excel 存成了数字，后几位已丢失；请把该列设为文本格式")
        elif "account" in columns and not account:
            reasons.append("缺少一卡通账号")
        elif account and not (account.isdigit() and 6 <= len(account) <= 30):
            reasons.append("一卡通账号应为 6 至 30 位数字")
        # 村
        village = default_village
        village_text = ""
        if "village" in columns:
            village_text = _text(cell(cells, "village"))
            key = village_keys.get(village_text)
            if key is None:
                key = village_keys[village_text] = village_key(village_text)
            if not key:
                reasons.append("缺少村（社区）名称")
            elif key in ambiguous:
                reasons.append(f"“{village_text[:20]}”在多个乡镇重名，请指定乡镇后导入")
            elif key in villages:
                village = villages[key]
            else:
                reasons.append(f"村（社区）“{village_text[:20]}”不在本乡镇（街道）下")
        # 金额
        amount = area = standard = None
        try:
            amount = parse_money(cell(cells, "amount"), "补贴金额")
            if amount is None:
                reasons.append("缺少补贴金额")
            elif amount == 0:
                reasons.append("补贴金额为零")
            elif amount > MAX_AMOUNT:
                reasons.append("补贴金额超过一千万元，请核对")
        except ValueError as exc:
            reasons.append(str(exc))
        if amount is None:
            amounts_complete = False
        else:
            all_amounts += amount
        try:
            area = parse_money(cell(cells, "area"), "补贴面积", places=4)
            standard = parse_money(cell(cells, "standard"), "补贴标准", places=4)
        except ValueError as exc:
            reasons.append(str(exc))
        if area is not None and standard is not None and amount is not None:
            expected = (area * standard).quantize(FEN, rounding=ROUND_HALF_UP)
            if expected != amount:
                reasons.append(f"补贴金额 {amount} 元与面积 {area} × 标准 {standard} = {expected} 元不符")
        # 发放日期
        paid_on = None
        try:
            raw = cell(cells, "paid_on")
            if type(raw) is str:  # a file has few distinct dates: each text is read once
                hit = dates.get(raw)
                if hit is None:
                    try:
                        hit = dates[raw] = (parse_date(raw), None)
                    except ValueError as exc:
                        hit = dates[raw] = (None, str(exc))
                if hit[1] is not None:
                    raise ValueError(hit[1])
                paid_on = hit[0]
            else:
                paid_on = parse_date(raw)
            if paid_on is not None and not (year <= paid_on.year <= year + 1):
                reasons.append(f"发放日期 {paid_on.isoformat()} 不在 {year} 年度（或次年）内")
            elif paid_on is not None and paid_on > today:
                reasons.append(f"发放日期 {paid_on.isoformat()} 晚于今天")
        except ValueError as exc:
            reasons.append(str(exc))
        if reasons:
            parsed.problems.append(Problem(number, "；".join(reasons)))
            continue
        parsed.rows.append(PayoutRow(number, name_text, id_number, account, village, village_text,
                                     area, standard, amount, paid_on))
    if parsed.data_rows == 0:
        parsed.problems.append(Problem(None, "文件中没有发放数据行"))
    for label, given in (("文件合计行", file_total), ("批次总额", declared_total)):
        if given is None:
            continue
        if not amounts_complete:
            parsed.problems.append(Problem(None, f"有金额无法识别的行，无法核对{label}"))
        elif given != all_amounts:
            parsed.problems.append(Problem(None, f"{label} {given} 元与各行金额之和 {all_amounts} 元不符"))
    if file_total is not None and parsed.declared_total is None:
        parsed.declared_total = file_total
    return parsed


def write_rejects(parsed: ParsedFile, table: Iterable[tuple[int, list]]) -> str:
    """CSV text (UTF-8 with BOM, opens in Excel) of the rejected rows with a 错误原因 column first.
    ``table`` is the same file read again; header and rejected rows are copied as they were."""
    reasons = {p.row: p.message for p in parsed.problems if p.row is not None}
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for number, cells in table:
        if number == parsed.header_row:
            writer.writerow(["行号", "错误原因", *[_text(c) for c in cells]])
        elif number in reasons:
            writer.writerow([number, reasons[number], *[_escape_formula(_text(c)) for c in cells]])
    for p in parsed.file_problems:
        writer.writerow(["", p.message])
    return out.getvalue()


def _escape_formula(text: str) -> str:
    """Spreadsheet formulas are escaped (style practice 13): a leading = + - @ gets a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
