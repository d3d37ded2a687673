"""Word (.docx) and Excel (.xlsx) files read at the XML level, for the privacy scan and for masking.
Pure: no Django imports.

Reading the package XML directly (instead of through python-docx/openpyxl) sees everything a reader
of the file could see: hidden sheets, hidden rows and columns, cell comments, Word comments, headers,
footers, footnotes, text boxes and deleted text of tracked changes. It also lets masking change only
the characters of the matched values, run by run and cell by cell, and copy every other part of the
package byte for byte, so styles, tables, images and charts stay as they were.

A zip bomb disguised as .docx/.xlsx is refused before anything is inflated: the declared
uncompressed sizes and compression ratios are checked, and every read is capped (a member whose
declared size lies fails its CRC check at the cap).
"""

from __future__ import annotations

import bisect
import io
import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from lxml import etree

from gongkai.privacy.extraction import FileRefused, FileRejected, Part

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 200 * 1024 * 1024  # one XML part, uncompressed (never more than the package limit)
DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # the whole package, uncompressed
MAX_RATIO = 200  # uncompressed : compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 4 * 1024 * 1024

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


_max_unpacked = DEFAULT_MAX_UNPACKED_BYTES


def set_max_unpacked_bytes(limit: int) -> None:
    """Set the largest total unpacked size of a Word/Excel package, for the whole process.

    Called once at start-up by the Django app (``PrivacyAppConfig.ready`` from the setting
    ``GONGKAI_MAX_UNPACKED_MB``); a pure caller (the command line, a test) keeps the default or
    sets its own. A process-wide setter rather than a ``PrivacyConfig`` field: the limit guards the
    worker's memory, not what counts as personal data, and every reader of a package (upload check,
    scan, masking, embedded workbooks) must obey it without each call passing it on."""
    global _max_unpacked
    if limit < 1:
        raise ValueError("the unpacked-size limit must be positive")
    _max_unpacked = int(limit)


def max_unpacked_bytes() -> int:
    return _max_unpacked


def _member_cap() -> int:
    return min(MAX_MEMBER_BYTES, _max_unpacked)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


class Package:
    """A zip package opened with bomb checks. ``source``: a path or a binary file object."""

    def __init__(self, source: str | BinaryIO, label: str):
        self.label = label
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise FileRejected(f"{label}已损坏，不是有效的压缩包格式") from None
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise FileRejected(f"{label}包含 {len(infos)} 个部件，超过上限 {MAX_MEMBERS}，疑似压缩炸弹，已拒绝读取")
        total = 0
        limit = _max_unpacked
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _member_cap() or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
                if info.file_size > limit:
                    break  # said below: the package is over the limit
                raise FileRejected(f"{label}中的“{info.filename}”解压后达 {_mb(info.file_size)}"
                                   f"（压缩比 {ratio:.0f}:1），疑似压缩炸弹，已拒绝读取")
        if total > limit:
            raise FileRefused(f"{label}解压后共 {_mb(total)}，超过解压后大小上限 {_mb(limit)}，不予读取；"
                               "请删除不需要公开的工作表、图片或附带内容，或拆分为几个文件后重新上传")
        self.max_member = _member_cap()
        self.names = {info.filename for info in infos}

    def read(self, name: str) -> bytes:
        try:
            with self.zip.open(name) as member:
                data = member.read(self.max_member + 1)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise FileRejected(f"{self.label}中的“{name}”已损坏（{type(exc).__name__}）") from None
        if len(data) > self.max_member:
            raise FileRejected(f"{self.label}中的“{name}”解压后超过 {_mb(self.max_member)}，疑似压缩炸弹，已拒绝读取")
        return data

    def xml(self, name: str) -> etree._Element:
        try:
            return etree.fromstring(self.read(name), _PARSER)
        except etree.XMLSyntaxError:
            raise FileRejected(f"{self.label}中的“{name}”不是有效的 XML，文件已损坏") from None

    def stream(self, name: str) -> BinaryIO:
        return _CappedReader(self, name)

    def rels(self, part: str) -> dict[str, str]:
        """Relationship id -> target part name for ``part``."""
        return {rid: target for rid, (target, _type) in self.typed_rels(part).items()}

    def typed_rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (target part name, relationship type) for ``part``."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.names:
            return {}
        out = {}
        for rel in self.xml(rels_name).iter(REL):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id")] = (target, rel.get("Type", ""))
        return out

    def write_copy(self, out: BinaryIO, replaced: dict[str, bytes]) -> None:
        """Write the package to ``out`` with the parts in ``replaced`` swapped; all else byte for byte."""
        with zipfile.ZipFile(out, "w") as target:
            for info in self.zip.infolist():
                data = replaced[info.filename] if info.filename in replaced else self.read(info.filename)
                target.writestr(info, data, compress_type=info.compress_type)


class _CappedReader(io.RawIOBase):
    """A member read as a stream that refuses to go past the package's member cap."""

    def __init__(self, package: Package, name: str):
        self.package, self.name, self.count = package, name, 0
        try:
            self.member = package.zip.open(name)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise FileRejected(f"{package.label}中的“{name}”已损坏（{type(exc).__name__}）") from None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.member.read(min(len(buffer), 1 << 20))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise FileRejected(f"{self.package.label}中的“{self.name}”已损坏（{type(exc).__name__}）") from None
        self.count += len(data)
        if self.count > self.package.max_member:
            raise FileRejected(f"{self.package.label}中的“{self.name}”解压后超过 {_mb(self.package.max_member)}，"
                               "疑似压缩炸弹，已拒绝读取")
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.member.close()
        super().close()


# ---- text pieces: map characters of an extracted text back to XML nodes ------------------------


@dataclass
class Segment:
    """One paragraph or cell: its text and, per piece of it, the XML node holding those characters
    (``None`` for characters made up by extraction, such as a tab)."""

    text: str
    starts: list[int]
    nodes: list[etree._Element | None]
    location: str = ""
    label: str | None = None
    sep: str = "\n"  # what joins it to the previous segment: a new line, or a tab between cells of a row
    numeric: bool = False  # a spreadsheet cell holding a typed number, not text

    def set_chars(self, changes: dict[int, str]) -> None:
        """Apply ``{offset: new_char}`` to the nodes (masking keeps lengths, so offsets hold)."""
        by_node: dict[int, list[tuple[int, str]]] = {}
        for offset, char in changes.items():
            k = bisect.bisect_right(self.starts, offset) - 1
            if k >= 0 and self.nodes[k] is not None:
                by_node.setdefault(k, []).append((offset - self.starts[k], char))
        for k, edits in by_node.items():
            node = self.nodes[k]
            chars = list(node.text or "")
            for i, char in edits:
                if i < len(chars):
                    chars[i] = char
            node.text = "".join(chars)


class NumberCellHeader(str):
    """The column header (possibly empty) of a cell holding a typed number: the detector reads such
    a cell as a phone, ID or account only when its row or column says so (figures are numbers)."""

    numeric = True


def _segment(pieces: list[tuple[str, etree._Element | None]]) -> Segment:
    starts, nodes, parts, pos = [], [], [], 0
    for text, node in pieces:
        if text:
            starts.append(pos)
            nodes.append(node)
            parts.append(text)
            pos += len(text)
    return Segment("".join(parts), starts, nodes)


@dataclass
class PartSegments:
    """A part of a document as segments joined by newlines: the unit the detector scans."""

    name: str
    segments: list[Segment] = field(default_factory=list)

    def to_part(self) -> Part:
        text, starts = self.joined()
        segments = self.segments

        def locate(offset: int) -> str:
            return segments[max(0, bisect.bisect_right(starts, offset) - 1)].location

        def column_label(offset: int) -> str | None:
            return segments[max(0, bisect.bisect_right(starts, offset) - 1)].label

        return Part(text, locate, column_label, True)

    def joined(self) -> tuple[str, list[int]]:
        starts, texts, pos = [], [], 0
        for i, seg in enumerate(self.segments):
            if i:
                texts.append(seg.sep)
                pos += len(seg.sep)
            starts.append(pos)
            texts.append(seg.text)
            pos += len(seg.text)
        return "".join(texts), starts

    def apply(self, findings) -> bool:
        """Write the masked values of ``findings`` (offsets into ``joined()``) into the nodes."""
        _, starts = self.joined()
        changed = False
        for f in findings:
            if not f.masked:
                continue
            for i, (old, new) in enumerate(zip(f.text, f.masked, strict=True)):
                if old == new:
                    continue
                offset = f.start + i
                k = bisect.bisect_right(starts, offset) - 1
                self.segments[k].set_chars({offset - starts[k]: new})
                changed = True
        return changed


# ---- Word ---------------------------------------------------------------------------------------

_DOCX_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_DOCX_ORDER = {"document": 0, "header": 1, "footer": 2, "footnotes": 3, "endnotes": 4, "comments": 5}
_DOCX_LABEL = {"document": "", "header": "页眉", "footer": "页脚", "footnotes": "脚注", "endnotes": "尾注",
               "comments": "批注"}
_TEXT_TAGS = (W + "t", W + "delText", W + "tab", W + "br", W + "cr")


def docx_part_names(package: Package) -> list[str]:
    if "word/document.xml" not in package.names:
        raise FileRejected(f"{package.label}缺少正文（word/document.xml），不是有效的 Word 文件")
    names = [n for n in package.names if _DOCX_PART.match(n)]
    return sorted(names, key=lambda n: (_DOCX_ORDER[re.sub(r"\d+$", "", _DOCX_PART.match(n).group(1))], n))


def docx_segments(root: etree._Element, part_name: str) -> PartSegments:
    """Every paragraph of one Word XML part, in document order, with its location and, inside a
    table, the header text of its column."""
    kind = re.sub(r"\d+$", "", _DOCX_PART.match(part_name).group(1))
    prefix = _DOCX_LABEL[kind]
    paragraphs: dict[etree._Element, list[tuple[str, etree._Element | None]]] = {}
    for node in root.iter(*_TEXT_TAGS):
        para = next(node.iterancestors(W + "p"), None)
        if para is None:
            continue
        pieces = paragraphs.setdefault(para, [])
        if node.tag in (W + "t", W + "delText"):
            pieces.append((node.text or "", node))
        elif node.tag == W + "tab":
            pieces.append(("\t", None))
        else:
            pieces.append((" ", None))
    tables: dict[etree._Element, _Table] = {}
    out = PartSegments(part_name)
    body_count = 0
    for para, pieces in paragraphs.items():
        seg = _segment(pieces)
        if not seg.text.strip():
            continue
        cell = next(para.iterancestors(W + "tc"), None)
        if cell is not None:
            table_el = next(cell.iterancestors(W + "tbl"))
            table = tables.get(table_el)
            if table is None:
                table = tables[table_el] = _Table(table_el, len(tables) + 1)
            row, col = table.position(cell)
            seg.location = f"{prefix}表格{table.number}第{row + 1}行第{col + 1}列"
            seg.label = table.header_for(row, col)
        elif kind == "comments":
            comment = next(para.iterancestors(W + "comment"), None)
            number = int(comment.get(W + "id", "0")) + 1 if comment is not None else 0
            seg.location = f"批注{number}"
        else:
            body_count += 1
            seg.location = f"{prefix}第{body_count}段" if not prefix else (
                prefix if kind in ("header", "footer") else f"{prefix}第{body_count}段")
        out.segments.append(seg)
    return out


class _Table:
    def __init__(self, element: etree._Element, number: int):
        self.number = number
        self.rows = [tr for tr in element.iter(W + "tr") if next(tr.iterancestors(W + "tbl")) is element]
        self.row_index = {tr: i for i, tr in enumerate(self.rows)}
        self.header_row, self.header = -1, {}
        for i, tr in enumerate(self.rows[:4]):
            cells = self._cells(tr)
            texts = {col: "".join(t.text or "" for t in tc.iter(W + "t")) for col, tc in cells}
            if self.header_row < 0:
                if len(cells) >= 2 and not _has_data(list(texts.values())):
                    self.header_row, self.header = i, texts
            elif _is_header_row(list(texts.values())):
                self.header_row = i  # a second header row: its labels win
                self.header.update({col: text for col, text in texts.items() if text})
            else:
                break

    @staticmethod
    def _cells(tr) -> list[tuple[int, etree._Element]]:
        out, col = [], 0
        for tc in tr:
            if tc.tag != W + "tc":
                continue
            out.append((col, tc))
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            col += int(span.get(W + "val", "1")) if span is not None else 1
        return out

    def position(self, cell) -> tuple[int, int]:
        tr = next(cell.iterancestors(W + "tr"))
        row = self.row_index.get(tr, 0)
        col = next((c for c, tc in self._cells(tr) if tc is cell), 0)
        return row, col

    def header_for(self, row: int, col: int) -> str | None:
        return self.header.get(col) if row > self.header_row >= 0 else None


# ---- Excel --------------------------------------------------------------------------------------

_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


@dataclass
class Sheet:
    name: str
    part: str
    hidden: bool


def xlsx_sheets(package: Package) -> list[Sheet]:
    if "xl/workbook.xml" not in package.names:
        raise FileRejected(f"{package.label}缺少工作簿（xl/workbook.xml），不是有效的 Excel 文件")
    rels = package.rels("xl/workbook.xml")
    sheets = []
    for sheet in package.xml("xl/workbook.xml").iter(S + "sheet"):
        target = rels.get(sheet.get(R_ID))
        if target and target in package.names:
            sheets.append(Sheet(sheet.get("name", "?"), target, sheet.get("state", "visible") != "visible"))
    return sheets


def shared_strings(package: Package) -> list[etree._Element]:
    rels = package.rels("xl/workbook.xml")
    name = next((t for t in rels.values() if t.endswith("sharedStrings.xml")), "xl/sharedStrings.xml")
    if name not in package.names:
        return []
    return list(package.xml(name).iter(S + "si"))


def si_pieces(si: etree._Element) -> list[tuple[str, etree._Element | None]]:
    """Text nodes of a shared or inline string, phonetic runs (rPh) left out."""
    return [(t.text or "", t) for t in si.iter(S + "t") if next(t.iterancestors(S + "rPh"), None) is None]


def number_text(value: str) -> str:
    """A numeric cell as a reader sees its digits: 4.30102199001012E+17 -> 430102199001012000."""
    if "E" in value or "e" in value:
        try:
            number = float(value)
        except ValueError:
            return value
        if number.is_integer() and abs(number) < 1e22:
            return str(int(number))
        return value
    if value.endswith(".0"):
        return value[:-2]
    return value


def cell_pieces(cell: etree._Element, strings: list) -> list[tuple[str, etree._Element | None]]:
    kind = cell.get("t", "n")
    if kind == "s":
        v = cell.find(S + "v")
        try:
            return si_pieces(strings[int(v.text)]) if v is not None and v.text else []
        except (ValueError, IndexError):
            return []
    if kind == "inlineStr":
        inline = cell.find(S + "is")
        return si_pieces(inline) if inline is not None else []
    v = cell.find(S + "v")
    if v is None or v.text is None:
        return []
    if kind in ("str", "e", "b"):
        return [(v.text, v)]
    return [(number_text(v.text), v)]


class SheetBuilder:
    """Builds the scanned text of one sheet: ``[name]`` then one line per row, cells joined by tabs;
    remembers, per cell, its reference and the header of its column."""

    HEADER_ROWS = 20

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.segments = PartSegments(sheet.part)
        title = Segment(f"[{sheet.name}]", [0], [None], location=f"{sheet.name}!A1")
        self.segments.segments.append(title)
        self.row: int | None = None
        self.row_cells: list[tuple[str, str, Segment]] = []
        self.header: dict[str, str] | None = None
        self.data_seen = False
        self.rows_seen = 0

    def add(self, ref: str, pieces, keep_nodes: bool, numeric: bool | None = None) -> None:
        m = _CELL_REF.match(ref or "")
        if not m:
            return
        col, row = m.group(1), int(m.group(2))
        if row != self.row:
            self._flush()
            self.row = row
        if numeric is None:  # a <v> of a cell without t="…" or with t="n": a typed number
            node = pieces[0][1] if len(pieces) == 1 else None
            numeric = node is not None and node.tag == S + "v" and node.getparent() is not None \
                and node.getparent().get("t", "n") == "n"
        seg = _segment(pieces if keep_nodes else [(t, None) for t, _ in pieces])
        if seg.text:
            seg.location = f"{self.sheet.name}!{ref}"
            seg.numeric = numeric
            self.row_cells.append((col, seg.text, seg))

    def _flush(self) -> None:
        if not self.row_cells:
            return
        self.rows_seen += 1
        texts = [text for _, text, _ in self.row_cells]
        if self.header is None:
            if self.rows_seen <= self.HEADER_ROWS and len(texts) >= 2 and not _has_data(texts):
                self.header = {col: text for col, text, _ in self.row_cells}
        elif not self.data_seen and _is_header_row(texts):
            # A second header row (基本信息 | 补贴信息 above 姓名 | 一卡通账号): its labels win.
            self.header.update({col: text for col, text, _ in self.row_cells})
        else:
            self.data_seen = True
            for col, _text, seg in self.row_cells:
                seg.label = self.header.get(col)
        for i, (_col, _text, seg) in enumerate(self.row_cells):
            seg.sep = "\t" if i else "\n"
            if seg.numeric:
                seg.label = NumberCellHeader(seg.label or "")
            self.segments.segments.append(seg)
        self.row_cells = []

    def finish(self) -> PartSegments:
        self._flush()
        return self.segments


_DATA = re.compile(r"\d{7}|[*＊]{2}")  # a long number or a masked one: a data row
_HEADER_WORDS = re.compile(r"姓名|户主|身份|证件|号码|账号|帐号|账户|卡号|存折|一卡通|电话|手机|金额|序号|编号|地址|住址|备注")


def _has_data(texts: list[str]) -> bool:
    return any(_DATA.search(text) for text in texts)


def _is_header_row(texts: list[str]) -> bool:
    """Short labels, at least one of the words headers use, no data."""
    return (len(texts) >= 2 and not _has_data(texts) and all(len(text) <= 20 for text in texts)
            and any(_HEADER_WORDS.search(text) for text in texts))


def _iterparse(package: Package, part: str, tags, what: str) -> Iterator[etree._Element]:
    """``end`` events of ``tags`` in a part streamed with bounded memory: each element is cleared
    once the caller has it, and so are the finished elements before it (rows of a sheet included,
    which would otherwise stay in the tree as empty shells)."""
    stream = package.stream(part)
    try:
        for _event, element in etree.iterparse(stream, events=("end",), tag=tags, resolve_entities=False,
                                               no_network=True, huge_tree=False, load_dtd=False):
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError:
        raise FileRejected(f"{package.label}中的{what}不是有效的 XML，文件已损坏") from None
    finally:
        stream.close()


def iter_sheet_cells(package: Package, sheet: Sheet) -> Iterator[etree._Element]:
    """Cells of a sheet streamed with bounded memory (cells and rows are cleared after use)."""
    for element in _iterparse(package, sheet.part, (S + "c", S + "row"), f"工作表“{sheet.name}”"):
        if element.tag == S + "c":
            yield element


MAX_SHARED_STRINGS = 4_000_000  # more than Excel's 1,048,576 rows can use in a sensible workbook


class SharedStrings:
    """The texts of a workbook's shared-string table, kept compact: one string holding all of them
    and an array of where each ends (a list of a million str objects would cost ~60 bytes each on
    top of their characters). Read with ``shared_string_texts``; index like a list."""

    def __init__(self, text: str, ends: array):
        self.text, self.ends = text, ends

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> str:
        if index < 0:
            raise IndexError(index)
        end = self.ends[index]
        return self.text[self.ends[index - 1] if index else 0:end]


def shared_string_texts(package: Package) -> SharedStrings:
    """The shared-string table of a workbook, streamed (phonetic runs left out, as ``si_pieces``).
    Bounded: at most MAX_SHARED_STRINGS entries, and no more characters than the part's bytes."""
    rels = package.rels("xl/workbook.xml")
    name = next((t for t in rels.values() if t.endswith("sharedStrings.xml")), "xl/sharedStrings.xml")
    ends = array("q")
    if name not in package.names:
        return SharedStrings("", ends)
    blocks: list[str] = []
    pending: list[str] = []
    length = 0
    for si in _iterparse(package, name, S + "si", "共享字符串表"):
        text = "".join(t.text or "" for t in si.iter(S + "t") if next(t.iterancestors(S + "rPh"), None) is None)
        pending.append(text)
        length += len(text)
        ends.append(length)
        if len(ends) > MAX_SHARED_STRINGS:
            raise FileRejected(f"{package.label}的共享字符串超过 {MAX_SHARED_STRINGS} 条，结构异常，已拒绝读取")
        if len(pending) >= 4096:
            blocks.append("".join(pending))
            pending = []
    blocks.append("".join(pending))
    return SharedStrings("".join(blocks), ends)


def cell_text(cell: etree._Element, strings: SharedStrings) -> str:
    """The text of a cell as ``cell_pieces`` gives it, without the XML nodes (for reading only)."""
    kind = cell.get("t", "n")
    if kind == "s":
        v = cell.find(S + "v")
        try:
            return strings[int(v.text)] if v is not None and v.text else ""
        except (ValueError, IndexError):
            return ""
    if kind == "inlineStr":
        inline = cell.find(S + "is")
        return "".join(text for text, _node in si_pieces(inline)) if inline is not None else ""
    v = cell.find(S + "v")
    if v is None or v.text is None:
        return ""
    return v.text if kind in ("str", "e", "b") else number_text(v.text)


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class SheetText:
    """The scanned text of one sheet built from streamed cells, in bounded memory: the same text,
    locations and column labels as ``SheetBuilder`` (``[name]``, then one line per row, cells
    joined by tabs), but per cell only its start offset and column number are kept (12 bytes), per
    row its first cell and number; no XML nodes, no objects per cell. For reading only: masking
    needs the nodes (``SheetBuilder``).

    The text is cut into parts of about CHUNK_CHARS characters at row boundaries (``to_parts``);
    joined by newlines they are the sheet's text, so offsets and the extracted text are those of
    one part, while what the detector holds per part (candidates, label caches) stays small
    however long the sheet is. The only rule that cannot look across a cut is "a label at the end
    of the line above" for the first row of a part."""

    CHUNK_CHARS = 1 << 20

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.chunks: list[tuple[int, str]] = []  # (offset in the sheet's text, text)
        title = f"[{sheet.name}]"
        self.lines: list[str] = [title]
        self.chunk_start = 0
        self.chunk_length = len(title)
        self.length = len(title)  # of the sheet's text so far
        self.cell_starts = array("q")
        self.cell_columns = array("l")
        self.cell_numeric = array("b")  # 1: the cell holds a typed number (see NumberCellHeader)
        self.row_first_cell = array("q")  # index of each row's first cell
        self.row_numbers = array("l")
        self.row: int | None = None
        self.row_cells: list[tuple[int, str]] = []
        self.header: dict[int, str] | None = None
        self.labelled_from = -1  # cells from this index on are data cells labelled by ``header``
        self.data_seen = False
        self.rows_seen = 0

    def add(self, ref: str | None, text: str, numeric: bool = False) -> None:
        m = _CELL_REF.match(ref or "")
        if not m:
            return
        row = int(m.group(2))
        if row != self.row:
            self._flush()
            self.row = row
        if text:
            self.row_cells.append((_column_number(m.group(1)), text, numeric))

    def _flush(self) -> None:
        if not self.row_cells:
            return
        self.rows_seen += 1
        texts = [text for _, text, _n in self.row_cells]
        if self.header is None:
            if self.rows_seen <= SheetBuilder.HEADER_ROWS and len(texts) >= 2 and not _has_data(texts):
                self.header = {col: text for col, text, _n in self.row_cells}
        elif not self.data_seen and _is_header_row(texts):
            self.header.update({col: text for col, text, _n in self.row_cells})
        elif not self.data_seen:
            self.data_seen = True
            self.labelled_from = len(self.cell_starts)
        self.row_first_cell.append(len(self.cell_starts))
        self.row_numbers.append(self.row)
        if self.chunk_length >= self.CHUNK_CHARS:
            self._cut()
        pos = self.length + 1  # after the newline that starts the row (the join between parts)
        for col, text, numeric in self.row_cells:
            self.cell_starts.append(pos)
            self.cell_columns.append(col)
            self.cell_numeric.append(1 if numeric else 0)
            pos += len(text) + 1
        line = "\t".join(texts)
        if self.lines:
            self.chunk_length += 1
        else:
            self.chunk_start = self.length + 1
        self.lines.append(line)
        self.chunk_length += len(line)
        self.length += 1 + len(line)
        self.row_cells = []

    def _cut(self) -> None:
        if self.lines:
            self.chunks.append((self.chunk_start, "\n".join(self.lines)))
        self.lines, self.chunk_length = [], 0

    def to_parts(self) -> list[Part]:
        self._flush()
        self._cut()
        name, starts, columns, numeric = self.sheet.name, self.cell_starts, self.cell_columns, self.cell_numeric
        first, numbers, header, labelled_from = self.row_first_cell, self.row_numbers, self.header, self.labelled_from

        def locate(offset: int) -> str:
            k = bisect.bisect_right(starts, offset) - 1
            if k < 0:
                return f"{name}!A1"
            row = numbers[bisect.bisect_right(first, k) - 1]
            return f"{name}!{_column_letters(columns[k])}{row}"

        def column_label(offset: int) -> str | None:
            k = bisect.bisect_right(starts, offset) - 1
            label = header.get(columns[k]) if header is not None and 0 <= labelled_from <= k else None
            if k >= 0 and numeric[k]:  # as SheetBuilder does: a typed number says so to the detector
                return NumberCellHeader(label or "")
            return label

        parts = [Part(text, lambda offset, base=base: locate(base + offset),
                      lambda offset, base=base: column_label(base + offset), True)
                 for base, text in self.chunks]
        self.chunks = []
        return parts


def comments_part_name(package: Package, sheet: Sheet) -> str | None:
    for target, rel_type in package.typed_rels(sheet.part).values():
        if rel_type.endswith("/comments") and target in package.names:
            return target
    return None


def comment_segments(root: etree._Element, sheet: Sheet, name: str) -> PartSegments:
    out = PartSegments(name)
    for comment in root.iter(S + "comment"):
        text = comment.find(S + "text")
        if text is None:
            continue
        seg = _segment(si_pieces(text))
        if seg.text.strip():
            seg.location = f"{sheet.name}!{comment.get('ref', '?')}（批注）"
            out.segments.append(seg)
    return out


# ---- the rest of a package ----------------------------------------------------------------------

# Parts without user text (layout, styles, relationships) and parts read above.
_NO_TEXT_PART = re.compile(r"(^\[Content_Types\]\.xml$|\.rels$|(^|/)(styles|settings|fontTable|webSettings|numbering|"
                           r"calcChain|stylesWithEffects|app|workbook|sharedStrings)\.xml$|/theme/|vmlDrawing|"
                           r"/printerSettings/|/media/|/fonts/)")
_EMBEDDED = re.compile(r"/embeddings/[^/]+\.(docx|xlsx)$", re.I)
MAX_EMBEDDING_DEPTH = 2


def other_parts(package: Package, done: set[str], depth: int) -> list[Part]:
    """Text that a reader of the file can reach outside the body, sheets and comments: embedded
    workbooks and documents (a chart's data, an object pasted from Excel), chart and pivot caches,
    document properties, custom XML. Located by part name; not masked (reported for manual work)."""
    from gongkai.privacy.extraction import Format, read_document

    parts: list[Part] = []
    for name in sorted(package.names):
        if name in done or _NO_TEXT_PART.search(name):
            continue
        embedded = _EMBEDDED.search(name)
        if embedded:
            if depth >= MAX_EMBEDDING_DEPTH:
                continue
            fmt = Format.DOCX if embedded.group(1).lower() == "docx" else Format.XLSX
            inner = read_document(io.BytesIO(package.read(name)), name, fmt, depth=depth + 1)
            label = f"嵌入对象“{posixpath.basename(name)}”"
            for part in inner.parts:
                parts.append(Part(part.text, lambda offset, p=part, label=label: f"{label}·{p.locate(offset)}",
                                  part.column_label, part.tabular))
            continue
        if not name.endswith(".xml"):
            continue
        part = _text_of_part(package, name)
        if part is not None:
            parts.append(part)
    return parts


def _text_of_part(package: Package, name: str) -> Part | None:
    """Every text and ``v`` value of an XML part, one a line, in document order, streamed: a pivot
    cache or chart cache can be as large as the sheet it summarises. An element's text is taken at
    the start of its first child (it is parsed by then) or at its end, and finished elements are
    cleared."""
    blocks: list[str] = []
    lines: list[str] = []
    stack: list[list] = []  # [element, taken]

    def take(entry: list) -> None:
        entry[1] = True
        element = entry[0]
        for text in (element.text, element.get("v")):  # pivot-cache items keep values in v="…"
            if text and text.strip():
                lines.append(text.strip())

    stream = package.stream(name)
    try:
        for event, element in etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                                              no_network=True, huge_tree=False, load_dtd=False,
                                              remove_comments=True, remove_pis=True):
            if event == "start":
                if stack and not stack[-1][1]:
                    take(stack[-1])
                stack.append([element, False])
                continue
            entry = stack.pop()
            if not entry[1]:
                take(entry)
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
            if len(lines) >= 4096:
                blocks.append("\n".join(lines))
                lines = []
    except etree.XMLSyntaxError:
        raise FileRejected(f"{package.label}中的“{name}”不是有效的 XML，文件已损坏") from None
    finally:
        stream.close()
    if lines:
        blocks.append("\n".join(lines))
    if not blocks:
        return None
    location = f"部件 {name}"
    return Part("\n".join(blocks), lambda _offset: location, lambda _offset: None, True)
