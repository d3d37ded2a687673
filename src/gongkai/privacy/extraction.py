"""Text of uploaded files, for search and for the privacy scan. Pure: no Django imports.

A file is checked against its claimed type by its leading bytes (a renamed .exe is refused), then
its text is extracted: .docx (body, tables, headers, footers), .xlsx (every sheet, hidden ones
included), .pdf (the text layer), .txt/.csv (UTF-8 or GBK/GB18030, with or without BOM). Files
whose text cannot be read (scanned PDFs, images, legacy .doc/.xls) are reported as
``unverifiable``: they never pass as "no personal data found" silently.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath


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


def suffix_of(name: str) -> str:
    return PurePath(name).suffix.lower()


def extract(name: str, data: bytes) -> Extracted:
    """Check and extract one file. Raises FileRejected with a Chinese message."""
    suffix = suffix_of(name)
    if suffix not in _MAGIC:
        raise FileRejected(f"不支持的附件类型“{suffix or '无扩展名'}”，可上传：{'、'.join(ALLOWED_SUFFIXES)}")
    if not data:
        raise FileRejected(f"附件“{name}”是空文件")
    magic = _MAGIC[suffix]
    if magic and not any(data.startswith(m) for m in magic):
        raise FileRejected(f"附件“{name}”的内容与扩展名{suffix}不符，或文件已损坏")
    try:
        if suffix == ".docx":
            return Extracted(_docx_text(data), ExtractionStatus.OK)
        if suffix == ".xlsx":
            return Extracted(_xlsx_text(data), ExtractionStatus.OK)
        if suffix == ".pdf":
            text = _pdf_text(data)
            return Extracted(text, ExtractionStatus.OK if text.strip() else ExtractionStatus.UNVERIFIABLE)
        if suffix in (".txt", ".csv"):
            return Extracted(decode_text(data), ExtractionStatus.OK)
    except FileRejected:
        raise
    except Exception as exc:  # the parsers raise many types on damaged input
        raise FileRejected(f"附件“{name}”已损坏，无法读取（{type(exc).__name__}）") from None
    return Extracted("", ExtractionStatus.UNVERIFIABLE)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK, what Excel writes)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected("文本文件既不是 UTF-8 也不是 GBK 编码")


def _docx_text(data: bytes) -> str:
    import docx

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRejected("Word 文件已损坏")
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    for section in document.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(p for p in parts if p.strip())


def _xlsx_text(data: bytes) -> str:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    for sheet in workbook.worksheets:  # hidden sheets included
        lines.append(f"[{sheet.title}]")
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if v is None else str(v) for v in row]
            if any(cells):
                lines.append("\t".join(cells))
    workbook.close()
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join((page.extract_text() or "") for page in reader.pages)
