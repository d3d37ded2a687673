"""Masked copies of texts and files (去标识化, domain facts §6.2). Pure: no Django imports.

Public API::

    mask_text(text, *, config=None) -> str
    mask_file(source_path, target_path, *, config=None) -> MaskResult

A masked file has the format of its source: .txt/.csv keep their encoding (and BOM) and are
streamed; .html keeps its markup and encoding; .docx and .xlsx are changed only in the characters
of the matched values, run by run and cell by cell (a numeric cell holding an ID number becomes a
text cell), and every other part of the package is copied byte for byte. Each mask keeps the
value's length (``mask_rules``). The copy is scanned again; ``MaskResult.clean`` says whether
personal data is left (classification markings are never masked: such a document must not be
published at all).
"""

from __future__ import annotations

import codecs
import io
import os
from dataclasses import dataclass
from pathlib import PurePath

from gongkai.privacy.config import DEFAULT_CONFIG, PrivacyConfig
from gongkai.privacy.detectors import Detector, detector_for
from gongkai.privacy.extraction import (
    CHUNK_BYTES,
    FileRejected,
    Format,
    detect_encoding,
    detect_format,
    iter_text,
    zip_format,
)
from gongkai.privacy.findings import FileReport, Finding, ScanStatus
from gongkai.privacy.mask_rules import apply_masks
from gongkai.privacy.reading import html_text
from gongkai.privacy.scanning import iter_stream_rounds, scan_file

MASKABLE_FORMATS = (Format.TEXT, Format.HTML, Format.DOCX, Format.XLSX)


def mask_text(text: str, *, config: PrivacyConfig | None = None) -> str:
    """``text`` with every maskable finding replaced by its mask (same length)."""
    findings = detector_for(config or DEFAULT_CONFIG).scan(text, tabular=True)
    return apply_masks(text, [(f.start, f.end, f.masked) for f in findings])


@dataclass
class MaskResult:
    """``source``: what was found in the input (each finding's ``masked`` is what was written);
    ``output``: the scan of the masked copy."""

    source: FileReport
    output: FileReport

    @property
    def remaining(self) -> list[Finding]:
        return [f for f in self.output.findings if f.kind.personal]

    @property
    def clean(self) -> bool:
        """The copy was read back and holds no personal data."""
        return self.output.status is ScanStatus.OK and not self.remaining


def mask_file(source: str | os.PathLike, target: str | os.PathLike, *,
              config: PrivacyConfig | None = None) -> MaskResult:
    """Write a masked copy of ``source`` to ``target`` (same format), then scan the copy.

    Raises FileRejected (Chinese message) when the source cannot be read or its format cannot be
    masked (PDF, images, legacy Office formats). The copy is written to a temporary file beside
    ``target`` and moved into place only when complete."""
    detector = detector_for(config or DEFAULT_CONFIG)
    source, target = os.fspath(source), os.fspath(target)
    name = PurePath(source).name
    try:
        handle = open(source, "rb")  # noqa: SIM115 — closed below
    except FileNotFoundError:
        raise FileRejected(f"文件“{name}”不存在") from None
    except PermissionError:
        raise FileRejected(f"没有读取文件“{name}”的权限") from None
    except IsADirectoryError:
        raise FileRejected(f"“{name}”是目录，请指定一个文件") from None
    except OSError as exc:
        raise FileRejected(f"无法读取文件“{name}”：{exc.strerror or exc}") from None
    report = FileReport(source)
    temporary = f"{target}.part{os.getpid()}"
    try:
        with handle:
            head = handle.read(8192)
            handle.seek(0)
            if not head:
                raise FileRejected(f"文件“{name}”是空文件，没有可脱敏的内容")
            fmt = detect_format(source, head)
            if fmt is Format.BINARY and head.startswith(b"PK\x03\x04"):
                fmt = zip_format(handle)
            if fmt not in MASKABLE_FORMATS:
                raise FileRejected(f"不支持对此类文件脱敏（{PurePath(source).suffix or '无扩展名'}），"
                                   "可脱敏：.txt、.csv、.html、.docx、.xlsx")
            with open(temporary, "wb") as out:
                if fmt is Format.TEXT:
                    report.encoding = _mask_text_stream(handle, head, out, detector, report)
                elif fmt is Format.HTML:
                    report.encoding = _mask_html(handle.read(), out, detector, report)
                elif fmt is Format.DOCX:
                    _mask_docx(handle, out, detector, report, name)
                else:
                    _mask_xlsx(handle, out, detector, report, name)
        os.replace(temporary, target)
    except FileRejected:
        _remove(temporary)
        raise
    except Exception as exc:  # the parsers raise many types on damaged input
        _remove(temporary)
        raise FileRejected(f"文件“{name}”已损坏或格式无法解析（{type(exc).__name__}），未生成脱敏文件") from None
    report.finding_count = len(report.findings)
    return MaskResult(report, scan_file(target, config=config))


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _mask_text_stream(handle, head: bytes, out, detector: Detector, report: FileReport) -> str:
    handle.seek(0)
    sample = handle.read(CHUNK_BYTES)
    handle.seek(0)
    encoding = detect_encoding(sample, final=len(sample) < CHUNK_BYTES)
    try:
        _write_masked_stream(handle, out, detector, report, encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise FileRejected(f"文本文件中有不符合 {encoding} 编码的字节，文件可能已损坏") from None
        encoding = "gb18030"
        handle.seek(0)
        out.seek(0)
        out.truncate()
        report.findings.clear()
        try:
            _write_masked_stream(handle, out, detector, report, encoding)
        except UnicodeDecodeError:
            raise FileRejected("文本文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法识别") from None
    return encoding


def _write_masked_stream(handle, out, detector: Detector, report: FileReport, encoding: str) -> None:
    encoder = codecs.getincrementalencoder(encoding)()
    pending: list[Finding] = []
    for segment, offset, findings in iter_stream_rounds(iter_text(handle, encoding), detector):
        report.findings.extend(findings)
        pending.extend(f for f in findings if f.masked)
        end = offset + len(segment)
        spans = []
        for f in pending:
            lo, hi = max(f.start, offset), min(f.end, end)
            if lo < hi:
                spans.append((lo - offset, hi - offset, f.masked[lo - f.start:hi - f.start]))
        out.write(encoder.encode(apply_masks(segment, spans)))
        pending = [f for f in pending if f.end > end]
    out.write(encoder.encode("", final=True))


def _mask_html(data: bytes, out, detector: Detector, report: FileReport) -> str:
    html = html_text(data)
    findings = detector.scan(html.text, tabular=True)
    report.findings.extend(f.moved(0, html.locate(f.start)) for f in findings)
    changes = html.changes_for((f.start, f.end, f.masked) for f in findings if f.masked)
    out.write(html.masked_source(changes).encode(html.encoding))
    return html.encoding


def _xml_bytes(root) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _scan_segments(segments, detector: Detector, report: FileReport, base: int) -> int:
    part = segments.to_part()
    findings = detector.scan(part.text, column_label=part.column_label)
    report.findings.extend(f.moved(base, part.locate(f.start)) for f in findings)
    segments.apply(findings)
    return base + len(part.text) + 1


def _mask_docx(handle, out, detector: Detector, report: FileReport, name: str) -> None:
    from gongkai.privacy import ooxml

    package = ooxml.Package(handle, f"文件“{name}”")
    replaced: dict[str, bytes] = {}
    base = 0
    for part_name in ooxml.docx_part_names(package):
        root = package.xml(part_name)
        segments = ooxml.docx_segments(root, part_name)
        before = len(report.findings)
        base = _scan_segments(segments, detector, report, base)
        if any(f.masked for f in report.findings[before:]):
            replaced[part_name] = _xml_bytes(root)
    _write_package(package, out, replaced)


def _mask_xlsx(handle, out, detector: Detector, report: FileReport, name: str) -> None:
    from lxml import etree

    from gongkai.privacy import ooxml

    package = ooxml.Package(handle, f"文件“{name}”")
    sheets = ooxml.xlsx_sheets(package)
    rels = package.rels("xl/workbook.xml")
    sst_name = next((t for t in rels.values() if t.endswith("sharedStrings.xml")), "xl/sharedStrings.xml")
    sst_root = package.xml(sst_name) if sst_name in package.names else None
    strings = list(sst_root.iter(ooxml.S + "si")) if sst_root is not None else []
    replaced: dict[str, bytes] = {}
    strings_changed = False
    base = 0
    for sheet in sheets:
        root = package.xml(sheet.part)
        builder = ooxml.SheetBuilder(sheet)
        watched: list[tuple[etree._Element, etree._Element, str]] = []  # (cell, text node, original)
        for cell in root.iter(ooxml.S + "c"):
            pieces = ooxml.cell_pieces(cell, strings)
            kind = cell.get("t", "n")
            if kind == "n" and pieces:
                stand_in = etree.Element(ooxml.S + "t")
                stand_in.text = pieces[0][0]
                watched.append((cell, stand_in, stand_in.text))
                pieces = [(stand_in.text, stand_in)]
            elif kind == "str" and pieces:
                watched.append((cell, pieces[0][1], pieces[0][0]))
            builder.add(cell.get("r"), pieces, keep_nodes=True, numeric=kind == "n" and bool(pieces))
        before = len(report.findings)
        base = _scan_segments(builder.finish(), detector, report, base)
        if any(f.masked for f in report.findings[before:]):
            strings_changed = True
            for cell, node, original in watched:
                if node.text == original:
                    continue
                if cell.get("t", "n") == "n":  # a number that held personal data becomes masked text
                    for child in list(cell):
                        cell.remove(child)
                    cell.set("t", "inlineStr")
                    inline = etree.SubElement(cell, ooxml.S + "is")
                    etree.SubElement(inline, ooxml.S + "t").text = node.text
                else:
                    formula = cell.find(ooxml.S + "f")
                    if formula is not None:
                        cell.remove(formula)  # keep the masked value, not a formula that rebuilds it
            replaced[sheet.part] = _xml_bytes(root)
        comments = ooxml.comments_part_name(package, sheet)
        if comments:
            croot = package.xml(comments)
            csegments = ooxml.comment_segments(croot, sheet, comments)
            if csegments.segments:
                before = len(report.findings)
                base = _scan_segments(csegments, detector, report, base)
                if any(f.masked for f in report.findings[before:]):
                    replaced[comments] = _xml_bytes(croot)
    if strings_changed and sst_root is not None:
        replaced[sst_name] = _xml_bytes(sst_root)
    _write_package(package, out, replaced)


def _write_package(package, out, replaced: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    package.write_copy(buffer, replaced)
    out.write(buffer.getvalue())
