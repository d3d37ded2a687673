"""``gongkai privacy scan`` and ``gongkai privacy mask``: the privacy guard on the command line.

Dispatched by ``gongkai.cli`` before Django is imported: a scan needs no settings, no database and
no Django start-up.

``gongkai privacy scan [--json] [--words FILE] [--allow-landlines FILE] [--kinds K,...]
[--min-confidence X] PATH...`` scans files and folders (recursively).

- ``--json``: one JSON object per line and finding:
  ``{"path", "kind", "text", "location", "confidence", "masked", "note"}``; ``text`` is the matched
  text exactly as in the extracted text. A file that cannot be checked gives one line of kind
  ``unverifiable`` (image, scanned PDF, legacy format) or ``error`` (damaged, refused, unreadable)
  with the Chinese reason in ``note``.
- otherwise a table with Chinese headings; values are shown masked.
- exit status: 0 nothing found; 1 anything found (including unverifiable or unreadable files);
  2 usage error (bad option, unreadable list file, bad mask policy).

``gongkai privacy mask [--words FILE] [--allow-landlines FILE] [--mask-policy SPEC] IN OUT`` writes a
masked copy of IN to OUT in the same format (.txt, .csv, .html, .docx, .xlsx). Exit status 0 when
the copy scans clean, 1 when it could not be written or still holds findings (classification
markings are not masked), 2 usage error.

Lists are read only when given: ``--words`` / ``GONGKAI_PRIVACY_WORDS`` (sensitive words),
``--allow-landlines`` / ``GONGKAI_PRIVACY_ALLOW_LANDLINES`` (published office numbers),
``--mask-policy`` / ``GONGKAI_PRIVACY_MASK`` (e.g. ``id_card=6+4,mobile=3+4,bank_card=0+4``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import unicodedata
from json.encoder import encode_basestring

from gongkai.privacy.config import ConfigError, PrivacyConfig
from gongkai.privacy.extraction import FileRejected
from gongkai.privacy.findings import Finding, Kind, ScanStatus

EXIT_CLEAN, EXIT_FOUND, EXIT_USAGE = 0, 1, 2
# One finding as a JSON line, formatted directly (json.dumps of a dict per finding costs more
# than the scan of the text around it), with the same keys and order as Finding.as_json:
#   {"path": …, "kind": "…", "text": …, "location": …, "confidence": 0.99, "masked": …, "note": …}
# The pieces that depend only on (path, kind, confidence, note) are made once (_json_pieces).
_LOCATION = ', "location": '
_quote = encode_basestring


def _json_pieces(quoted_path: str, kind: str, confidence: float, quoted_note: str) -> tuple[str, str, str]:
    """(before text, between location and masked, after masked) of a finding's JSON line."""
    return (f'{{"path": {quoted_path}, "kind": "{kind}", "text": ',
            f', "confidence": {confidence!r}, "masked": ',
            f', "note": {quoted_note}}}\n')


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}：参数错误：{message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gongkai privacy", description="个人信息与涉密标识检查（隐私保护）")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def lists(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--words", metavar="FILE", help="敏感词清单文件（每行一个词），也可用环境变量 GONGKAI_PRIVACY_WORDS")
        sub.add_argument("--allow-landlines", metavar="FILE",
                         help="允许公开的办公电话清单（每行一个号码），也可用环境变量 GONGKAI_PRIVACY_ALLOW_LANDLINES")
        sub.add_argument("--mask-policy", metavar="SPEC",
                         help="脱敏规则，如 id_card=6+4,mobile=3+4,bank_card=0+4（也可用 GONGKAI_PRIVACY_MASK）")

    scan = commands.add_parser("scan", help="扫描文件或目录")
    scan.add_argument("--json", action="store_true", help="每条发现输出一行 JSON")
    scan.add_argument("--kinds", metavar="K,...", help="只检查这些类型：" + ",".join(k.value for k in Kind))
    scan.add_argument("--min-confidence", type=float, default=0.0, metavar="X", help="只报告置信度不低于 X 的发现")
    lists(scan)
    scan.add_argument("paths", nargs="+", metavar="PATH", help="文件或目录（递归扫描）")

    mask = commands.add_parser("mask", help="生成脱敏副本（格式不变）")
    lists(mask)
    mask.add_argument("source", metavar="IN")
    mask.add_argument("target", metavar="OUT")
    return parser


def _config(args) -> PrivacyConfig:
    kinds = None
    if getattr(args, "kinds", None):
        try:
            kinds = [Kind(k.strip()) for k in args.kinds.split(",") if k.strip()]
        except ValueError:
            raise ConfigError(f"--kinds 含有未知类型，可选：{','.join(k.value for k in Kind)}") from None
    return PrivacyConfig.from_env(words=args.words, allow_landlines=args.allow_landlines,
                                  mask=args.mask_policy, kinds=kinds)


def main(argv: list[str] | None = None) -> int:
    # Findings form no reference cycles; the cyclic collector would only rescan the growing list
    # of them again and again (measured: about 40 % of the CPU time of a 50 MB scan).
    gc.disable()
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        config = _config(args)
        _apply_unpacked_limit(os.environ.get("GONGKAI_MAX_UNPACKED_MB", ""))
    except ConfigError as exc:
        print(f"gongkai privacy：{exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "scan":
            return _scan(args, config)
        return _mask(args, config)
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        return EXIT_FOUND


def _apply_unpacked_limit(value: str) -> None:
    """The server's GONGKAI_MAX_UNPACKED_MB applies on the command line too (same meaning as in
    docs/configuration.md), read here without Django."""
    if not value.strip():
        return
    from gongkai.privacy import ooxml

    try:
        megabytes = int(value)
    except ValueError:
        raise ConfigError(f"GONGKAI_MAX_UNPACKED_MB 应为整数（MB），而不是“{value}”") from None
    if megabytes < 1:
        raise ConfigError("GONGKAI_MAX_UNPACKED_MB 至少为 1")
    ooxml.set_max_unpacked_bytes(megabytes * 1024 * 1024)


# ---- scan ------------------------------------------------------------------------------------


def _scan(args, config: PrivacyConfig) -> int:
    from gongkai.privacy.scanning import scan_paths

    out = sys.stdout
    threshold = args.min_confidence
    found = 0
    if args.json:
        encode = json.JSONEncoder(ensure_ascii=False).encode
        quoted_paths: dict[str, str] = {}
        # (path, kind, confidence, note) -> the fixed pieces of a JSON line around text, location
        # and masked: a finding's line is then one f-string of seven pieces.
        pieces: dict[tuple, tuple[str, str, str]] = {}

        def line_pieces(path: str, f: Finding) -> tuple[str, str, str]:
            quoted = quoted_paths.get(path) or quoted_paths.setdefault(path, _quote(path))
            return pieces.setdefault((path, f.kind, f.confidence, f.note),
                                     _json_pieces(quoted, f.kind.value, f.confidence, _quote(f.note)))

        def emit(path: str, findings: list[Finding]) -> None:
            nonlocal found
            if threshold > 0:
                findings = [f for f in findings if f.confidence >= threshold]
            if not findings:
                return
            found += len(findings)
            get = pieces.get
            out.write("".join([
                f"{p[0]}{_quote(f.text)}{_LOCATION}{_quote(f.location)}{p[1]}{_quote(f.masked)}{p[2]}"
                for f in findings
                if (p := get((path, f.kind, f.confidence, f.note)) or line_pieces(path, f))]))

        for report in scan_paths(args.paths, config=config, on_findings=emit):
            if report.status is not ScanStatus.OK:
                found += 1
                out.write("".join(encode(row) + "\n" for row in report.problems_as_json()[-1:]))
        out.flush()
        return EXIT_FOUND if found else EXIT_CLEAN

    rows: list[tuple[str, ...]] = []
    files = problems = 0
    for report in scan_paths(args.paths, config=config):
        files += 1
        for f in report.findings:
            if f.confidence >= threshold:
                rows.append((report.path, f.location, f.kind.label, f"{f.confidence:.2f}", f.masked or f.text, f.note))
        if report.status is not ScanStatus.OK:
            problems += 1
            rows.append((report.path, "", report.status.label, "", "", report.message))
    findings = len(rows) - problems
    if rows:
        _table(out, ("文件", "位置", "类型", "置信度", "内容（脱敏显示）", "说明"), rows)
    out.write(f"共扫描 {files} 个文件，发现 {findings} 处个人信息或涉密标识，"
              f"{problems} 个文件无法核查或读取失败。\n")
    out.flush()
    return EXIT_FOUND if rows else EXIT_CLEAN


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(out, headings: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [min(60, max(_width(r[i]) for r in [headings, *rows])) for i in range(len(headings))]

    def line(cells) -> str:
        return "  ".join(c + " " * max(0, w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    out.write(line(headings) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in rows:
        out.write(line(row) + "\n")


# ---- mask ------------------------------------------------------------------------------------


def _mask(args, config: PrivacyConfig) -> int:
    from gongkai.privacy.masking import mask_file

    try:
        result = mask_file(args.source, args.target, config=config)
    except FileRejected as exc:
        print(f"脱敏失败：{exc}", file=sys.stderr)
        return EXIT_FOUND
    masked = sum(1 for f in result.source.findings if f.masked)
    print(f"已写入脱敏文件 {args.target}：发现 {len(result.source.findings)} 处，已脱敏 {masked} 处。")
    left = result.output.findings
    if result.output.status is not ScanStatus.OK:
        print(f"复查脱敏文件失败：{result.output.message}", file=sys.stderr)
        return EXIT_FOUND
    if left:
        print(f"脱敏文件中仍有 {len(left)} 处需人工处理：", file=sys.stderr)
        for f in left[:50]:
            print(f"  {f.location}  {f.kind.label}  {f.text}", file=sys.stderr)
        return EXIT_FOUND
    return EXIT_CLEAN

