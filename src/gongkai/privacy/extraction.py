"""Text of uploaded files, for search and for the privacy scan. Pure: no Django imports.

A file's format is decided by its leading bytes and its name (a renamed .exe is refused by
``extract``), then its text is taken as *parts*, each with a way to say where an offset lies:

- .txt/.csv (and other plain text): UTF-8 or GBK/GB18030, with or without BOM (UTF-16 with BOM too),
  decided by a strict decode cascade; read as a stream of chunks (``iter_text``), never whole.
  Location ``第N行``.
- .html/.htm: text between tags, entities decoded, table cells separated by tabs; attribute values
  that carry data (href, title, alt, value, content) included. Location: source line ``第N行``.
- .docx: body, tables, headers, footers, footnotes, comments, text boxes, deleted text of tracked
  changes (``ooxml``). Location ``第3段``, ``表格1第2行第3列``, ``页眉``, ``批注1``.
- .xlsx: every sheet, hidden ones and hidden rows/columns included, and cell comments. Location
  ``名单!C5``.
- .pdf: the text layer, page by page (``第2页``); a PDF without one is ``unverifiable``.
- images, legacy .doc/.xls/.wps/.et and other binary files: ``unverifiable`` — they never pass as
  "no personal data found" silently.

The extracted text of a file is its parts joined by newlines; finding offsets refer to it.
"""

from __future__ import annotations

import codecs
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath
from typing import Any, BinaryIO


class ExtractionStatus(StrEnum):
    OK = "ok"
    UNVERIFIABLE = "unverifiable"  # no readable text: scanned PDF, image, legacy binary format

    @property
    def label(self) -> str:
        return {"ok": "已提取文本", "unverifiable": "无法提取文本（需人工核查）"}[self.value]


class FileRejected(ValueError):
    """The file is not what it claims to be, or is damaged; the message is fit to show a user."""


@dataclass(frozen=True)
class Extracted:
    text: str
    status: ExtractionStatus


@dataclass
class Part:
    """A piece of a document's text. ``locate(offset)`` names where an offset of ``text`` lies in
    the file; ``column_label(offset)`` gives the header of its table column, if any; ``tabular``:
    the text may hold delimited tables whose header line labels the columns (CSV, HTML tables);
    ``page``: the text layer of a laid-out page (PDF), where a narrow table cell wraps a number
    onto the next line and a table's header stands above its rows without delimiters."""

    text: str
    locate: Callable[[int], str]
    column_label: Callable[[int], str | None] | None = None
    tabular: bool = False
    page: bool = False
    layout: Any = None  # PDF pages: pdf_layout.PageLayout (table columns, wrapped cells), if known


class Format(StrEnum):
    TEXT = "text"
    HTML = "html"
    DOCX = "docx"
    XLSX = "xlsx"
    PDF = "pdf"
    IMAGE = "image"
    LEGACY = "legacy"  # .doc, .xls, .wps, .et, .ppt: OLE2 binaries
    BINARY = "binary"  # anything else that is not text


@dataclass
class Document:
    """The extracted parts of a non-streamed file (everything but plain text)."""

    format: Format
    parts: list[Part] = field(default_factory=list)
    status: ExtractionStatus = ExtractionStatus.OK
    message: str = ""
    encoding: str = ""

    @property
    def text(self) -> str:
        return "\n".join(part.text for part in self.parts)


_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".txt": (),
    ".csv": (),
}
ALLOWED_SUFFIXES = tuple(_MAGIC)

TEXT_SUFFIXES = frozenset({".txt", ".csv", ".tsv", ".md", ".json", ".xml", ".log", ".text", ".sql", ".yaml", ".yml"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic", ".ofd"})
LEGACY_SUFFIXES = frozenset({".doc", ".xls", ".ppt", ".wps", ".et", ".dps", ".pptx", ".odt", ".ods", ".rtf"})
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def suffix_of(name: str) -> str:
    return PurePath(name).suffix.lower()


def detect_format(name: str, head: bytes) -> Format:
    """The format to read a file as, from its leading bytes first and its name second."""
    suffix = suffix_of(name)
    if head.startswith(b"%PDF-"):
        return Format.PDF
    if head.startswith(b"PK\x03\x04"):
        if suffix == ".xlsx":
            return Format.XLSX
        if suffix == ".docx":
            return Format.DOCX
        return Format.BINARY  # other zip packages (decided by the caller from their content)
    if head.startswith(_OLE2):
        return Format.LEGACY
    if head.startswith(_IMAGE_MAGIC) or suffix in IMAGE_SUFFIXES:
        return Format.IMAGE
    if suffix in (".docx", ".xlsx", ".pdf") or suffix in LEGACY_SUFFIXES:
        return Format.BINARY  # claims a binary format it does not have: damaged or renamed
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Format.BINARY
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and re.match(rb"\s*<(!doctype html|html)", head[:200], re.I)):
        return Format.HTML
    return Format.TEXT


def zip_format(source: str | BinaryIO) -> Format:
    """A zip package without a telling name: Word or Excel by its content, else binary."""
    try:
        with zipfile.ZipFile(source) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return Format.BINARY
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if "word/document.xml" in names:
        return Format.DOCX
    if "xl/workbook.xml" in names:
        return Format.XLSX
    return Format.BINARY


# ---- plain text ------------------------------------------------------------------------------

CHUNK_BYTES = 1 << 20
_GB18030_BOM = b"\x84\x31\x95\x33"


def detect_encoding(sample: bytes, *, final: bool = False, tolerant: bool = False) -> str:
    """The encoding of a text file from its first bytes: a BOM if there is one, else strict UTF-8,
    else strict GB18030 (a superset of GBK and GB2312, what Excel and WPS write on Chinese Windows).
    ``final``: the sample is the whole file. ``tolerant``: when neither decodes cleanly, take the one
    with fewer bad bytes if they are under 1 % (a damaged file is still worth scanning). Raises
    FileRejected when there is no acceptable reading."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=final)
            return encoding
        except UnicodeDecodeError:
            continue
    if tolerant:
        bad = {enc: codecs.getincrementaldecoder(enc)(errors="replace").decode(sample, final=final).count("\ufffd")
               for enc in ("utf-8", "gb18030")}
        best = min(bad, key=bad.get)
        if bad[best] <= len(sample) // 100:
            return best
    raise FileRejected("文本文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法识别")


def iter_text(stream: BinaryIO, encoding: str, *, chunk_bytes: int = CHUNK_BYTES,
              errors: str = "strict") -> Iterator[str]:
    """Decoded chunks of a binary stream (strict by default: a bad byte raises UnicodeDecodeError)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    while True:
        block = stream.read(chunk_bytes)
        if not block:
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
            return
        text = decoder.decode(block)
        if text:
            yield text


def decode_text(data: bytes) -> str:
    """A whole small text file decoded by ``detect_encoding``'s rules."""
    if not data:
        return ""
    encoding = detect_encoding(data[:CHUNK_BYTES], final=len(data) <= CHUNK_BYTES)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        if encoding == "utf-8":
            try:
                return data.decode("gb18030")
            except UnicodeDecodeError:
                pass
        raise FileRejected("文本文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法识别") from None


# ---- HTML ------------------------------------------------------------------------------------
# Read by privacy.reading (the one reader of rich text and HTML); re-exported for callers here.
from gongkai.privacy.reading import HtmlText, html_encoding, html_text  # noqa: E402,F401

# ---- PDF -------------------------------------------------------------------------------------


def _pdf_compat_table() -> dict[int, str]:
    import unicodedata

    table = {}
    for lo, hi in ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0xFB00, 0xFB06)):
        for cp in range(lo, hi + 1):
            folded = unicodedata.normalize("NFKC", chr(cp))
            if folded != chr(cp):
                table[cp] = folded.translate(_PDF_RADICALS)  # ⼾ folds to 戶, and 戶 to 户
    table.update(_PDF_RADICALS)
    return table


# CJK radicals that Noto/Source Han fonts map whole characters to (no NFKC folding exists for
# them): 人⺠共和国, ⻘山, ⻓冲村, ⻢, ⻩; and 戶 for 户 (账戶, ⼾主姓名 after folding).
_PDF_RADICALS = {ord(r): c for r, c in zip("⺠⻘⻓⻰⻢⻩⻙⻔⻚⻛⻜⻅⻆⻉⻋⻥⻦⻧⻨⻬⻮⻳⻄⻣⻤⻝⻑⺩戶",
                                           "民青长龙马黄韦门页风飞见角贝车鱼鸟卤麦齐齿龟西骨鬼食長王户", strict=True)}


_PDF_COMPAT: dict[int, str] = {}


def pdf_clean(text: str) -> str:
    """Text of a PDF page as it reads: fonts' ToUnicode maps often give Kangxi radicals
    (⾝份证号 with U+2F9D for 身, ⼿机, ⾦额), CJK compatibility ideographs and Latin
    ligatures (oﬃce) where the page shows ordinary characters; labels and e-mail addresses are
    then not recognised. Those characters are folded (NFKC); everything else, full-width digits
    included, is left as it is."""
    if not _PDF_COMPAT:
        _PDF_COMPAT.update(_pdf_compat_table())
    if text.isascii():
        return text
    return text.translate(_PDF_COMPAT)


class FileRefused(FileRejected):
    """The file is readable but refused for what it carries (a PDF with scripts or embedded files);
    the message names the reason and what to do, fit to show a user."""


# ---- PDF active content ------------------------------------------------------------------------
#
# A published PDF is opened by the public in whatever reader they have: one that runs scripts,
# launches programs or opens embedded files on their behalf must not come from a government site.
# Refused, wherever they are (document, page, annotation, form field, outline, name tree):
# JavaScript (an action of type /JavaScript, any /JS entry, the /JavaScript name tree, XFA form
# scripts), /Launch, /ImportData, /SubmitForm, /GoToE and /RichMediaExecute actions, embedded files
# (the /EmbeddedFiles name tree, file specifications with /EF, /FileAttachment annotations) and
# links whose URI is not http(s) or mailto (file:, javascript:, smb: …). Automatic actions (the
# document's /OpenAction and every /AA "additional action") may only move within the document
# (/GoTo, /Named, /SetOCGState, /Trans, /Thread); an /OpenAction that is a destination array, as
# Word, WPS and LibreOffice write it ([page /Fit]), is no action at all and is accepted.
# The structure is read with pypdf from the trailer; the raw bytes outside streams, strings and
# comments are checked too (names with #xx escapes normalised), for damaged or reconstructed files
# where pypdf and a reader may disagree.

_PDF_ALWAYS = {
    "/JavaScript": "js", "/Launch": "launch", "/ImportData": "form", "/SubmitForm": "form",
    "/GoToE": "embedded", "/RichMediaExecute": "js",
}
_PDF_NAVIGATION = frozenset({"/GoTo", "/Named", "/SetOCGState", "/Trans", "/Thread"})
_PDF_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_PDF_WHAT = {
    "js": (" JavaScript 脚本", "请另存为不含脚本的 PDF 后重新上传（如用“打印为 PDF”或由 Word/WPS 重新导出）"),
    "launch": ("启动外部程序或文件的操作", "请另存为不含此类操作的 PDF 后重新上传（如由 Word/WPS 重新导出）"),
    "form": ("提交或导入表单数据的操作", "请另存为不含表单操作的 PDF 后重新上传（如用“打印为 PDF”）"),
    "embedded": ("嵌入的文件（PDF 附件）", "请删除 PDF 中的附件后重新上传；其中的文件如需公开，请作为单独的附件上传"),
    "auto": ("打开或浏览时自动执行的操作", "请另存为不含自动操作的 PDF 后重新上传（如由 Word/WPS 重新导出）"),
    "uri": ("指向非网页地址的链接", "请删除或改正该链接，另存为 PDF 后重新上传"),
}
# Names that have no use in an ordinary document, looked for in the raw bytes.
_PDF_RAW = {b"/JavaScript": "js", b"/JS": "js", b"/Launch": "launch", b"/EmbeddedFiles": "embedded",
            b"/EmbeddedFile": "embedded", b"/FileAttachment": "embedded", b"/ImportData": "form",
            b"/SubmitForm": "form", b"/GoToE": "embedded", b"/RichMediaExecute": "js"}
_PDF_MAX_OBJECTS = 500_000  # a walk past this many objects stops (the raw check still stands)
_PDF_TOKEN = re.compile(rb"stream(?:\r\n|\n|\r)|[(%]|/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*")
_PDF_PAREN = re.compile(rb"[()\\]")
_PDF_ENDSTREAM = re.compile(rb"endstream")
_PDF_EOL = re.compile(rb"[\r\n]")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _pdf_refusal(kind: str, where: str) -> FileRefused:
    what, fix = _PDF_WHAT[kind]
    return FileRefused(f"PDF 文件含有{what}（{where}），存在安全风险，不予接收；{fix}")


def pdf_raw_refusal(data) -> FileRefused | None:
    """The raw-byte check: names of active content outside stream data, literal strings and
    comments, with #xx escapes decoded (/J#61vaScript is /JavaScript). ``data``: bytes or a
    buffer (an mmap of the file)."""
    pos, end = 0, len(data)
    while True:
        m = _PDF_TOKEN.search(data, pos)
        if m is None:
            return None
        token = bytes(m.group())
        pos = m.end()
        if token.startswith(b"stream"):
            if m.start() > 0 and bytes(data[m.start() - 1:m.start()]) not in (b"\n", b"\r", b" ", b">", b"\t"):
                continue  # a longer word (endstream) or a name (/Xstream)
            close = _PDF_ENDSTREAM.search(data, pos)
            pos = end if close is None else close.end()
        elif token == b"%":
            newline = _PDF_EOL.search(data, pos)
            pos = end if newline is None else newline.end()
        elif token == b"(":
            depth = 1
            while depth and pos < end:
                p = _PDF_PAREN.search(data, pos)
                if p is None:
                    pos = end
                    break
                char = bytes(p.group())
                pos = p.end() + (1 if char == b"\\" else 0)
                depth += 1 if char == b"(" else -1 if char == b")" else 0
        else:
            name = _PDF_NAME_ESCAPE.sub(lambda e: bytes([int(e.group(1), 16)]), token) if b"#" in token else token
            kind = _PDF_RAW.get(name)
            if kind is not None:
                where = name.decode("latin-1")
                if name != token:
                    where += f"，名称经转义写作 {token.decode('latin-1')}"
                return _pdf_refusal(kind, where)


def pdf_structure_refusal(reader) -> FileRefused | None:
    """The structural check: every object reachable from the trailer (bounded), actions judged
    by type and by whether they run by themselves (/OpenAction, /AA)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack: list[tuple[Any, str, bool]] = [(reader.trailer, "", False)]  # (object, key it hangs on, automatic)
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack and visited < _PDF_MAX_OBJECTS:
        obj, via, auto = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            try:
                obj = obj.get_object()
            except Exception:  # noqa: BLE001 — a damaged object is the text reader's business
                continue
        visited += 1
        if isinstance(obj, ArrayObject):
            stack.extend((item, via, auto) for item in obj)
            continue
        if not isinstance(obj, DictionaryObject):
            continue
        refusal = _pdf_dict_refusal(obj, via, auto)
        if refusal is not None:
            return refusal
        for key, value in obj.items():
            if key in ("/Encrypt", "/Parent", "/P"):
                continue  # not content / back links (reached from the other side anyway)
            if via == "/AA":
                stack.append((value, f"/AA {key}", True))  # each entry of an /AA dictionary
            elif key == "/OpenAction":
                stack.append((value, "/OpenAction", True))
            elif key == "/Next":
                stack.append((value, via or "/Next", auto))
            else:
                stack.append((value, key, False))
    return None


def _pdf_dict_refusal(d, via: str, auto: bool) -> FileRefused | None:
    where = via or "文档"
    is_action = d.get("/Type") == "/Action" or via in ("/A", "/PA", "/Next", "/OpenAction") or via.startswith("/AA ")
    action = str(d.get("/S", "")) if is_action else ""
    if action in _PDF_ALWAYS:
        return _pdf_refusal(_PDF_ALWAYS[action], f"{where} {action}")
    if "/JS" in d:
        return _pdf_refusal("js", f"{where} /JS")
    if "/JavaScript" in d:
        return _pdf_refusal("js", "/Names /JavaScript")
    if "/EmbeddedFiles" in d:
        return _pdf_refusal("embedded", "/Names /EmbeddedFiles")
    if d.get("/Subtype") == "/FileAttachment":
        return _pdf_refusal("embedded", "/FileAttachment 注释")
    if "/EF" in d or d.get("/Type") == "/EmbeddedFile":
        return _pdf_refusal("embedded", "/EF")
    if "/XFA" in d and _xfa_has_script(d["/XFA"]):
        return _pdf_refusal("js", "/AcroForm /XFA")
    if not action:
        return None
    if auto and action not in _PDF_NAVIGATION:
        return _pdf_refusal("auto", f"{where} {action}")
    if action == "/URI":
        uri = str(d.get("/URI", "")).strip().lower()
        if not uri.startswith(_PDF_SAFE_SCHEMES):
            return _pdf_refusal("uri", f"{where} /URI {uri[:40]}")
    return None


def _xfa_has_script(xfa) -> bool:
    """Whether an XFA form (a stream, or an array of names and streams) holds a <script>."""
    from pypdf.generic import ArrayObject

    try:
        xfa = xfa.get_object()
        streams = [item.get_object() for item in xfa] if isinstance(xfa, ArrayObject) else [xfa]
        for stream in streams:
            data = getattr(stream, "get_data", None)
            if data is not None and re.search(rb"<(?:\w+:)?script\b", data()[:64 * 1024 * 1024], re.I):
                return True
    except Exception:  # noqa: BLE001 — an unreadable XFA packet cannot be checked: treat as script
        return True
    return False


def pdf_refusal(source: str | BinaryIO) -> FileRefused | None:
    """Why a PDF is refused (active content, see above), or None: the structure, then the raw
    bytes. A file pypdf cannot read is judged by its raw bytes alone (its damage is reported by
    the text reader)."""
    from pypdf import PdfReader

    try:
        refusal = pdf_structure_refusal(PdfReader(source))
    except Exception:  # noqa: BLE001
        refusal = None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    return refusal or pdf_raw_refusal_of(source)


def pdf_raw_refusal_of(source: str | BinaryIO) -> FileRefused | None:
    """``pdf_raw_refusal`` of a path or binary file (mapped, not copied, where it can be; rewound)."""
    import mmap

    if not hasattr(source, "read"):
        with open(source, "rb") as handle:
            return pdf_raw_refusal_of(handle)
    source.seek(0)
    try:
        if isinstance(source, io.BytesIO):
            view = source.getbuffer()
        else:
            try:
                view = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ)
            except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
                view = memoryview(source.read())
        try:
            return pdf_raw_refusal(view)
        finally:
            view.release() if isinstance(view, memoryview) else view.close()
    finally:
        source.seek(0)


def pdf_parts(source) -> list[Part]:
    """The pages of a PDF (a path, a binary file or an open ``PdfReader``), one part each."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # damage is reported as a finding, not logged
    reader = source if isinstance(source, PdfReader) else PdfReader(source)
    parts = []
    columns = None  # a table header on one page still labels the rows of the next
    for number, page in enumerate(reader.pages, start=1):
        pieces: list[tuple[str, list[float] | None, float]] = []
        raw = page.extract_text(visitor_text=functools.partial(_collect, pieces)) or ""
        text = pdf_clean(raw)
        try:
            layout = _pdf_layout(text, pieces, columns)
        except (ArithmeticError, IndexError, TypeError, ValueError):
            layout = None  # positions are a help, never a reason to give up on a page
        if layout is not None:
            columns = layout.last_columns
        parts.append(Part(text, lambda _offset, n=number: f"第{n}页", None, True, page=True, layout=layout))
    return parts


def _collect(pieces: list, text: str, cm, tm, _font, size) -> None:
    """pypdf's visitor: each piece of a page's text with where it starts (the text matrix times
    the transformation matrix, taken now: pypdf goes on changing its matrices) and font size."""
    try:
        matrix = _pdf_matrix(tm, cm) if text else None
    except (TypeError, ValueError, IndexError):
        matrix = None
    pieces.append((text, matrix, size))


def _pdf_layout(text: str, pieces, columns):
    """The page's layout (``pdf_layout``) from the pieces pypdf's visitor saw, when they add up to
    the page's text; None otherwise."""
    from gongkai.privacy.pdf_layout import page_layout

    anchors = []
    offset = 0
    for piece, m, size in pieces:
        if not piece:
            continue
        piece = pdf_clean(piece)
        lead = len(piece) - len(piece.lstrip())
        if lead < len(piece):
            upright = m is not None and m[0] > 0 and m[3] > 0 and abs(m[1]) < 0.01 * m[0] and abs(m[2]) < 0.01 * m[3]
            if upright:
                anchors.append((offset + lead, m[4], m[5], abs(float(size)) * (m[2] ** 2 + m[3] ** 2) ** 0.5))
            else:
                anchors.append((offset + lead, None, None, None))
        offset += len(piece)
    if offset != len(text):
        return None
    return page_layout(text, anchors, columns)


def _pdf_matrix(tm, cm) -> list[float]:
    a, b = [float(v) for v in tm], [float(v) for v in cm]
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


# ---- one file --------------------------------------------------------------------------------


def read_document(source: str | BinaryIO, name: str, fmt: Format, *, depth: int = 0) -> Document:
    """Parts of a file in a non-streamed format. Raises FileRejected (Chinese message) on a damaged
    or refused file; other exceptions from the parsers mean damage too (callers catch them).

    Word and Excel files: the body, sheets and comments first (these are what masking changes),
    then the rest of the package (``ooxml.other_parts``: embedded workbooks, chart caches, …)."""
    label = f"文件“{PurePath(name).name}”"
    if fmt is Format.DOCX:
        from gongkai.privacy import ooxml

        package = ooxml.Package(source, label)
        names = ooxml.docx_part_names(package)
        parts = [ooxml.docx_segments(package.xml(n), n).to_part() for n in names]
        return Document(fmt, parts + ooxml.other_parts(package, set(names), depth))
    if fmt is Format.XLSX:
        return Document(fmt, xlsx_parts(source, label, depth))
    if fmt is Format.PDF:
        import logging

        from pypdf import PdfReader

        logging.getLogger("pypdf").setLevel(logging.CRITICAL)
        # The structure first (it says where: /OpenAction /JavaScript), then the raw bytes, which
        # also judge a file pypdf cannot read or reads differently from a PDF reader.
        try:
            reader = PdfReader(source)
            refusal = pdf_structure_refusal(reader)
        except RecursionError:
            refusal = _pdf_refusal("js", "结构嵌套过深，无法确认不含脚本")
        except Exception:
            refusal = pdf_raw_refusal_of(source)
            if refusal is not None:
                raise refusal from None
            raise
        if refusal is None:
            refusal = pdf_raw_refusal_of(source)
        if refusal is not None:
            raise refusal
        parts = pdf_parts(reader)
        if not any(p.text.strip() for p in parts):
            return Document(fmt, parts, ExtractionStatus.UNVERIFIABLE,
                            "PDF 没有文字层（可能是扫描件），无法自动核查，请人工检查")
        return Document(fmt, parts)
    if fmt is Format.HTML:
        if hasattr(source, "read"):
            data = source.read()
        else:
            with open(source, "rb") as handle:
                data = handle.read()
        html = html_text(data)
        return Document(fmt, [Part(html.text, html.locate, None, True)], encoding=html.encoding)
    if fmt is Format.IMAGE:
        return Document(fmt, [], ExtractionStatus.UNVERIFIABLE, "图片无法自动核查文字内容，请人工检查")
    if fmt is Format.LEGACY:
        return Document(fmt, [], ExtractionStatus.UNVERIFIABLE,
                        "旧版 Office 格式（.doc/.xls/.wps 等）无法提取文本，请另存为 .docx/.xlsx 后重新扫描，或人工检查")
    return Document(fmt, [], ExtractionStatus.UNVERIFIABLE, "不支持的文件格式，无法提取文本，请人工检查")


def xlsx_parts(source: str | BinaryIO, label: str, depth: int = 0) -> list[Part]:
    """The sheets (hidden ones, hidden rows and columns included), then each sheet's comments, then
    the rest of the package. Read in streaming mode: the shared strings into one compact string
    (``ooxml.shared_string_texts``), each sheet cell by cell with the parsed XML cleared as it goes
    (``ooxml.iter_sheet_cells``) into a compact text (``ooxml.SheetText``, parts of about 1 M
    characters cut at row boundaries), so memory follows the size of the text, not of the XML or
    of the number of cells, and the detector's working set is that of one part."""
    from gongkai.privacy import ooxml

    package = ooxml.Package(source, label)
    sheets = ooxml.xlsx_sheets(package)
    strings = ooxml.shared_string_texts(package)
    parts = []
    done = {sheet.part for sheet in sheets}
    for sheet in sheets:
        builder = ooxml.SheetText(sheet)
        for cell in ooxml.iter_sheet_cells(package, sheet):
            builder.add(cell.get("r"), ooxml.cell_text(cell, strings), numeric=cell.get("t", "n") == "n")
        parts.extend(builder.to_parts())
        comments = ooxml.comments_part_name(package, sheet)
        if comments:
            done.add(comments)
            segments = ooxml.comment_segments(package.xml(comments), sheet, comments)
            if segments.segments:
                parts.append(segments.to_part())
    return parts + ooxml.other_parts(package, done, depth)


def extract(name: str, data: bytes) -> Extracted:
    """Check and extract one uploaded file (the record attachment check). Raises FileRejected with
    a Chinese message for an unsupported type, an empty file, content that does not match the
    extension, or a damaged file."""
    suffix = suffix_of(name)
    if suffix not in _MAGIC:
        raise FileRejected(f"不支持的附件类型“{suffix or '无扩展名'}”，可上传：{'、'.join(ALLOWED_SUFFIXES)}")
    if not data:
        raise FileRejected(f"附件“{name}”是空文件")
    magic = _MAGIC[suffix]
    if magic and not any(data.startswith(m) for m in magic):
        raise FileRejected(f"附件“{name}”的内容与扩展名{suffix}不符，或文件已损坏")
    if suffix in (".txt", ".csv"):
        return Extracted(decode_text(data), ExtractionStatus.OK)
    fmt = detect_format(name, data[:8192])
    try:
        document = read_document(io.BytesIO(data), name, fmt)
    except FileRefused as exc:
        message = str(exc)
        raise FileRefused(message if f"“{PurePath(name).name}”" in message else f"附件“{name}”：{message}") from None
    except FileRejected as exc:
        raise FileRejected(f"附件“{name}”已损坏或被拒绝读取：{exc}") from None
    except Exception as exc:  # the parsers raise many types on damaged input
        raise FileRejected(f"附件“{name}”已损坏，无法读取（{type(exc).__name__}）") from None
    if document.status is not ExtractionStatus.OK:
        return Extracted(document.text, document.status)
    return Extracted(document.text, ExtractionStatus.OK)
