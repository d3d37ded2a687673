"""Scanning files and folders for personal data. Pure: no Django imports, no database.

Public API::

    scan_file(source, name=None, *, config=None, on_finding=None, on_findings=None) -> FileReport
    scan_paths(paths, *, config=None, on_finding=None, on_findings=None) -> Iterator[FileReport]

``source`` is a path, bytes, or a binary file object. Every problem becomes a report with a Chinese
message — a damaged file, a zip bomb, a file without permission, a broken link, a pipe — and never
stops the scan of the other files. Plain text is streamed in chunks (``CHUNK_BYTES``), so a file of
any size is scanned in bounded memory.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePath
from typing import BinaryIO

from gongkai.privacy.config import DEFAULT_CONFIG, PrivacyConfig
from gongkai.privacy.detectors import Detector, detector_for
from gongkai.privacy.extraction import (
    CHUNK_BYTES,
    ExtractionStatus,
    FileRejected,
    Format,
    detect_encoding,
    detect_format,
    iter_text,
    read_document,
    zip_format,
)
from gongkai.privacy.findings import FileReport, Finding, ScanStatus

MAX_DOCUMENT_BYTES = 256 * 1024 * 1024  # non-streamed formats (docx, xlsx, pdf, html)
_CONTEXT = 256  # characters kept before a chunk for labels
_KEEP = 1024  # characters held back at a chunk's end so a number across the border is seen whole
_NUMBERISH = frozenset("0123456789０１２３４５６７８９ \u00a0\u3000-‐‑–—－+＋@＠._%xXｘＸ")

FindingSink = Callable[[Finding], None]
FindingsSink = Callable[[list[Finding]], None]


class _Collector:
    def __init__(self, report: FileReport, on_finding: FindingSink | None, on_findings: FindingsSink | None = None):
        self.report, self.on_finding, self.on_findings, self.count = report, on_finding, on_findings, 0

    def __call__(self, finding: Finding) -> None:
        self.count += 1
        if self.on_findings is not None:
            self.on_findings([finding])
        elif self.on_finding is None:
            self.report.findings.append(finding)
        else:
            self.on_finding(finding)

    def many(self, findings: list[Finding]) -> None:
        """Findings in a batch (a streamed text's round): one call, not one per finding."""
        if not findings:
            return
        self.count += len(findings)
        if self.on_findings is not None:
            self.on_findings(findings)
        elif self.on_finding is None:
            self.report.findings.extend(findings)
        else:
            for finding in findings:
                self.on_finding(finding)


def scan_file(source: str | os.PathLike | bytes | BinaryIO, name: str | None = None, *,
              config: PrivacyConfig | None = None, on_finding: FindingSink | None = None,
              on_findings: FindingsSink | None = None) -> FileReport:
    """Scan one file. ``name`` decides the format with the leading bytes (defaults to the path).

    Returns a FileReport: status ``ok`` with findings (possibly none), ``unverifiable`` (no text
    to check: image, scanned PDF, legacy format) or ``error`` (with a Chinese message). With
    ``on_finding`` the findings are passed to it one by one instead of being collected (a huge
    file's findings then need no memory); ``on_findings`` is the same with lists of findings in
    text order (a long text's findings a chunk at a time: fewer calls, what the CLI uses).
    ``FileReport.finding_count`` counts them either way."""
    detector = detector_for(config or DEFAULT_CONFIG)
    if isinstance(source, bytes | bytearray):
        display = name or "<内存>"
        report = FileReport(display)
        return _scan_open(io.BytesIO(bytes(source)), len(source), name or "", detector, report, on_finding, on_findings)
    if hasattr(source, "read"):
        display = name or getattr(source, "name", "<流>")
        report = FileReport(str(display))
        try:
            size = os.fstat(source.fileno()).st_size
        except (OSError, AttributeError, io.UnsupportedOperation):
            size = -1
        return _scan_open(source, size, str(display), detector, report, on_finding, on_findings)
    path = os.fspath(source)
    report = FileReport(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return _error(report, "文件不存在，或是指向不存在目标的符号链接" if os.path.islink(path) else "文件不存在")
    except PermissionError:
        return _error(report, "没有读取权限")
    except OSError as exc:
        return _error(report, f"无法读取：{exc.strerror or exc}")
    if not stat.S_ISREG(info.st_mode):
        kind = "目录" if stat.S_ISDIR(info.st_mode) else "管道或设备文件"
        return _error(report, f"不是普通文件（{kind}），未读取")
    try:
        handle = open(path, "rb")  # noqa: SIM115 — closed below
    except PermissionError:
        return _error(report, "没有读取权限")
    except OSError as exc:
        return _error(report, f"无法打开：{exc.strerror or exc}")
    with handle:
        return _scan_open(handle, info.st_size, name or path, detector, report, on_finding, on_findings)


def _error(report: FileReport, message: str, status: ScanStatus = ScanStatus.ERROR) -> FileReport:
    report.status, report.message = status, message
    return report


def _scan_open(handle: BinaryIO, size: int, name: str, detector: Detector, report: FileReport,
               on_finding: FindingSink | None, on_findings: FindingsSink | None = None) -> FileReport:
    collect = _Collector(report, on_finding, on_findings)
    try:
        head = handle.read(8192)
        handle.seek(0)
        if not head:
            return _error(report, "空文件（0 字节），没有可核查的内容")
        fmt = detect_format(name, head)
        if fmt is Format.BINARY and head.startswith(b"PK\x03\x04"):
            fmt = zip_format(handle)
        if fmt is Format.TEXT:
            report.encoding = _scan_text_stream(handle, head, detector, collect)
        else:
            if fmt in (Format.DOCX, Format.XLSX, Format.PDF, Format.HTML) and size > MAX_DOCUMENT_BYTES:
                return _error(report, f"文件大小 {size // 1024 // 1024} MB，超过上限 "
                                      f"{MAX_DOCUMENT_BYTES // 1024 // 1024} MB，未读取")
            if fmt is Format.BINARY and PurePath(name).suffix.lower() in (".docx", ".xlsx", ".pdf"):
                return _error(report, f"内容与扩展名{PurePath(name).suffix.lower()}不符，或文件已损坏")
            document = read_document(handle, name, fmt)
            report.encoding = document.encoding
            _scan_parts(document.parts, detector, collect)  # a scanned PDF may still have some text
            if document.status is ExtractionStatus.UNVERIFIABLE:
                report.status, report.message = ScanStatus.UNVERIFIABLE, document.message
    except FileRejected as exc:
        return _error(report, str(exc))
    except MemoryError:
        return _error(report, "文件过大或结构异常，读取时内存不足，已放弃")
    except RecursionError:
        return _error(report, "文件结构嵌套过深，疑似恶意构造，已拒绝读取")
    except Exception as exc:  # the parsers raise many types on damaged input
        return _error(report, f"文件已损坏或格式无法解析（{type(exc).__name__}）")
    report.finding_count = collect.count
    return report


def _scan_parts(parts, detector: Detector, collect: _Collector) -> None:
    base = 0
    state: dict = {}  # a table header on page 1 still labels the rows on page 2
    for part in parts:
        collect.many([f.moved(base, part.locate(f.start))
                      for f in detector.scan(part.text, column_label=part.column_label, tabular=part.tabular,
                                             state=state, page=part.page, layout=part.layout)])
        base += len(part.text) + 1


def _scan_text_stream(handle: BinaryIO, head: bytes, detector: Detector, collect: _Collector) -> str:
    """Scan a text file chunk by chunk; returns the encoding used.

    The first megabyte decides the encoding (``detect_encoding``). When it holds Chinese text the
    decision stands, and a stray bad byte further on becomes U+FFFD without stopping the scan (a
    scanner must not give up on a file for one damaged byte). When it is all ASCII, UTF-8 is only a
    guess: findings are held back, and if a later byte is not UTF-8 the file is scanned again from
    the start as GB18030."""
    handle.seek(0)
    sample = handle.read(CHUNK_BYTES)
    handle.seek(0)
    encoding = detect_encoding(sample, final=len(sample) < CHUNK_BYTES, tolerant=True)
    if encoding != "utf-8" or not sample.isascii():
        for _segment, _offset, findings in iter_stream_rounds(iter_text(handle, encoding, errors="replace"), detector):
            collect.many(findings)
        return encoding
    found: list[Finding] = []
    try:
        for _segment, _offset, findings in iter_stream_rounds(iter_text(handle, encoding), detector):
            found.extend(findings)
    except UnicodeDecodeError:
        handle.seek(0)
        for _segment, _offset, findings in iter_stream_rounds(iter_text(handle, "gb18030", errors="replace"),
                                                              detector):
            collect.many(findings)
        return "gb18030"
    collect.many(found)
    return encoding


def _safe_cut(buffer: str, lo: int, hi: int) -> int:
    """A position in [lo, hi] to end a chunk at: after a newline if one is near, else between two
    characters that cannot be inside a number, an e-mail address or a marking."""
    newline = buffer.rfind("\n", lo, hi)
    if newline >= 0:
        return newline + 1
    for pos in range(hi, max(lo, hi - 65536), -1):
        if buffer[pos - 1] not in _NUMBERISH and buffer[pos] not in _NUMBERISH and not buffer[pos].isascii():
            return pos
    return hi


def iter_stream_rounds(chunks: Iterable[str], detector: Detector) -> Iterator[tuple[str, int, list[Finding]]]:
    """Scan a text given as chunks; yields ``(segment, offset, findings)`` rounds whose segments
    concatenate to the whole text. Findings carry global offsets and ``第N行`` locations; a finding
    belongs to the round it starts in and may end in the next segment.

    Each round scans context + carried tail + new chunk, accepts the findings that start before a
    safe cut point at least ``_KEEP`` characters from the end, and carries the rest, so a number
    across a chunk border is found once, whole. The header of a delimited table is carried too."""
    state: dict = {}
    context, carry = "", ""
    base = 0  # global offset of carry[0]
    line = 1  # line number at carry[0]
    iterator = iter(chunks)
    done = False
    while not done:
        chunk = next(iterator, None)
        done = chunk is None
        buffer = context + carry + (chunk or "")
        start = len(context)
        if not done and len(buffer) - start < 4 * _KEEP:
            carry = buffer[start:]
            continue
        cut = len(buffer) if done else _safe_cut(buffer, start, len(buffer) - _KEEP)
        accepted = []
        pos, pos_line = start, line
        location, shift, count = f"第{line}行", base - start, buffer.count
        for f in detector.scan(buffer, start=start, tabular=True, state=state):
            s = f.start
            if s >= cut:
                break
            newlines = count("\n", pos, s)
            if newlines:  # findings on one line share one location string
                pos_line += newlines
                location = f"第{pos_line}行"
            pos = s
            f.start = s + shift
            f.end += shift
            f.location = location
            accepted.append(f)
        yield buffer[start:cut], base, accepted
        line = pos_line + buffer.count("\n", pos, cut)
        base += cut - start
        context = buffer[max(0, cut - _CONTEXT):cut]
        carry = buffer[cut:]


def iter_stream_findings(chunks: Iterable[str], detector: Detector) -> Iterator[Finding]:
    for _segment, _offset, findings in iter_stream_rounds(chunks, detector):
        yield from findings


# ---- folders ---------------------------------------------------------------------------------


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[str, str | None]]:
    """(path, problem) for every file under ``paths``, recursively, in a stable order; a folder
    that cannot be listed yields itself with a Chinese problem. Symbolic links to folders are not
    followed (no loops); links to files are scanned as files."""
    for raw in paths:
        path = os.fspath(raw)
        if os.path.isdir(path) and not os.path.islink(path):
            yield from _walk(path)
        else:
            yield path, None


def _walk(folder: str) -> Iterator[tuple[str, str | None]]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except PermissionError:
        yield folder, "没有权限列出目录内容"
        return
    except OSError as exc:
        yield folder, f"无法列出目录内容：{exc.strerror or exc}"
        return
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(entry.path)
        else:
            yield entry.path, None


def scan_paths(paths: Iterable[str | os.PathLike], *, config: PrivacyConfig | None = None,
               on_finding: Callable[[str, Finding], None] | None = None,
               on_findings: Callable[[str, list[Finding]], None] | None = None) -> Iterator[FileReport]:
    """Scan files and folders (recursively); one FileReport per file, in a stable order.
    ``on_finding(path, finding)`` / ``on_findings(path, findings)``: as for ``scan_file``."""
    for path, problem in iter_files(paths):
        if problem:
            yield FileReport(path, ScanStatus.ERROR, message=problem)
            continue
        sink = (lambda f, p=path: on_finding(p, f)) if on_finding else None
        batch = (lambda fs, p=path: on_findings(p, fs)) if on_findings else None
        yield scan_file(path, config=config, on_finding=sink, on_findings=batch)
