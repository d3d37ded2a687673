"""Benchmark: memory and time of reading the largest spreadsheet an upload may be.

Generates (seeded) an .xlsx whose parts unpack to just under the unpacked-size limit
(``GONGKAI_MAX_UNPACKED_MB``, 100 MB by default): one sheet of a payout list (序号, 姓名, 身份证号,
手机, 银行账号, 金额, 住址, 备注), the text cells in the shared-string table as Excel writes them,
plus a hidden sheet and a cell comment. Then runs, each in a fresh child process:

- baseline: a child that only imports the privacy modules;
- scan_file, streamed: ``scan_file(path, on_finding=...)``, findings passed on one by one (the
  command line);
- scan_file, collected: ``scan_file(path)``, findings kept in the report (the publication gate);
- extract: ``extract(name, data)`` (the attachment check on upload, which has the bytes in memory).

Prints the file size, unpacked size, peak memory (ru_maxrss of the child) above the baseline and
the time of each. Run: ``.venv/bin/python bench/attachments.py [--mb 99] [--keep FILE]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红建国志春梅海燕德胜金凤珍淑"
_TOWNS = ["城关镇", "青山镇", "白沙乡", "石门镇", "桃源乡", "龙潭镇", "河西街道", "东岭乡"]
_VILLAGES = ["东升村", "红旗村", "新华村", "团结村", "大坪村", "杨家村", "柳树村", "石桥村"]
_NOTES = ["", "", "", "已核实", "低保户", "五保户", "代领", "补发上年度"]
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_HEADER = ["序号", "姓名", "身份证号", "手机号码", "银行账号", "补贴金额", "住址", "备注"]
_COLS = "ABCDEFGH"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/comments1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>'
    "</Types>")
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="名单" sheetId="1" r:id="rId1"/><sheet name="内部" sheetId="2" state="hidden" r:id="rId2"/>'
    "</sheets></workbook>")
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}worksheet" Target="worksheets/sheet2.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}sharedStrings" Target="sharedStrings.xml"/></Relationships>')
_SHEET1_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}comments" Target="../comments1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"


def _id_number(rng: random.Random) -> str:
    region = rng.choice(["430102", "430121", "431121", "431122", "431123", "431124"])
    body = f"{region}{rng.randint(1940, 2010)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _W, strict=True)) % 11]


def _card(rng: random.Random) -> str:
    body = rng.choice(["622848", "621700", "623059"]) + "".join(rng.choice("0123456789") for _ in range(12))
    total = 0
    for i, ch in enumerate(reversed(body)):  # the Luhn check digit
        d = int(ch) * (1 if i % 2 else 2)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


class _Strings:
    """The shared-string table as Excel builds it: each distinct text once, cells by index."""

    def __init__(self):
        self.index: dict[str, int] = {}
        self.size = 0  # bytes of the <si> elements

    def ref(self, text: str) -> int:
        k = self.index.get(text)
        if k is None:
            k = self.index[text] = len(self.index)
            self.size += len(f"<si><t>{escape(text)}</t></si>".encode())
        return k

    def xml(self) -> bytes:
        head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                f'count="{len(self.index)}" uniqueCount="{len(self.index)}">')
        return (head + "".join(f"<si><t>{escape(t)}</t></si>" for t in self.index) + "</sst>").encode()


def _row(number: int, values: list[str | int | float], strings: _Strings) -> str:
    cells = []
    for col, value in zip(_COLS, values, strict=False):
        if value == "":
            continue
        if isinstance(value, str):
            cells.append(f'<c r="{col}{number}" t="s"><v>{strings.ref(value)}</v></c>')
        else:
            cells.append(f'<c r="{col}{number}"><v>{value}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def make_xlsx(path: Path, unpacked_bytes: int, seed: int = 2026) -> dict[str, int]:
    """Write the workbook; returns its figures (rows, cells, unpacked bytes, file bytes)."""
    rng = random.Random(seed)
    strings = _Strings()
    hidden = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              + _row(1, ["备用联系人", "身份证号"], strings)
              + _row(2, [_name(rng), _id_number(rng)], strings) + _SHEET_TAIL).encode()
    comments = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>'
                f'经办人</author></authors><commentList><comment ref="G2" authorId="0"><text><t>'
                f"申请人电话 13{rng.randint(0, 999999999):09d}</t></text></comment></commentList></comments>").encode()
    fixed = [_CONTENT_TYPES.encode(), _ROOT_RELS.encode(), _WORKBOOK.encode(), _WORKBOOK_RELS.encode(),
             _SHEET1_RELS.encode(), hidden, comments, _SHEET_HEAD.encode(), _SHEET_TAIL.encode()]
    budget = unpacked_bytes - sum(map(len, fixed)) - 200  # the <sst> head and tail
    rows = cells = sheet_bytes = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        for name, data in zip(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                               "xl/worksheets/_rels/sheet1.xml.rels", "xl/worksheets/sheet2.xml", "xl/comments1.xml"],
                              fixed, strict=False):
            package.writestr(name, data)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_HEAD.encode())
            block: list[str] = [_row(1, _HEADER, strings)]
            rows, cells = 1, len(_HEADER)
            while True:
                rows += 1
                values = [rows - 1, _name(rng), _id_number(rng), f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
                          _card(rng), round(rng.randint(5000, 500000) / 100, 2),
                          f"{rng.choice(_TOWNS)}{rng.choice(_VILLAGES)}{rng.randint(1, 12)}组", rng.choice(_NOTES)]
                block.append(_row(rows, values, strings))
                cells += sum(1 for v in values if v != "")
                if len(block) == 1000:
                    data = "".join(block).encode()
                    if sheet_bytes + len(data) + strings.size > budget:
                        break  # the last block would pass the limit: leave it out
                    sheet.write(data)
                    sheet_bytes += len(data)
                    block = []
            rows -= len(block)
            cells -= sum(len(b.split("<c ")) - 1 for b in block)
            sheet.write(_SHEET_TAIL.encode())
        # Shared strings of the rows left out stay in the table: Excel keeps unused strings too.
        package.writestr("xl/sharedStrings.xml", strings.xml())
    with zipfile.ZipFile(path) as package:
        unpacked = sum(i.file_size for i in package.infolist())
    return {"rows": rows, "cells": cells, "strings": len(strings.index), "unpacked": unpacked,
            "size": path.stat().st_size}


_CHILD = """
import sys, time
mode, path = sys.argv[1], sys.argv[2]
from gongkai.privacy import ooxml
from gongkai.privacy.extraction import extract
from gongkai.privacy.scanning import scan_file
if hasattr(ooxml, "set_max_unpacked_bytes"):  # (absent before the setting existed)
    ooxml.set_max_unpacked_bytes(int(sys.argv[3]))
t0 = time.perf_counter()
result = ""
if mode == "scan":
    report = scan_file(path)
    result = f"{report.status} {report.finding_count} findings {report.message}"
elif mode == "stream":
    report = scan_file(path, on_finding=lambda finding: None)
    result = f"{report.status} {report.finding_count} findings {report.message}"
elif mode == "extract":
    data = open(path, "rb").read()
    extracted = extract("名单.xlsx", data)
    result = f"{extracted.status} {len(extracted.text)} characters"
print(time.perf_counter() - t0, result)
"""


def measure(mode: str, path: Path, limit: int) -> tuple[float, int, str]:
    """(seconds, peak RSS in KB, result line) of a fresh child. The parent stays small (the workbook
    is generated in a child of its own): on Linux a child's ru_maxrss starts from the RSS of the
    process it was forked from."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    child = subprocess.Popen([sys.executable, "-c", _CHILD, mode, str(path), str(limit)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(child.pid, 0)
    out, err = child.stdout.read(), child.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{mode} failed: {err}")
    seconds, result = (out.strip() + " ").split(" ", 1)
    return float(seconds), usage.ru_maxrss, result.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=None,
                        help="unpacked size to generate, in MB (default: 1 MB under the limit)")
    parser.add_argument("--limit-mb", type=int, default=int(os.environ.get("GONGKAI_MAX_UNPACKED_MB", "100")))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", metavar="FILE", help="also keep the generated workbook at FILE")
    parser.add_argument("--generate", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    limit = args.limit_mb * 1024 * 1024
    target = int(args.mb * 1024 * 1024) if args.mb else limit - 1024 * 1024
    if args.generate:
        print(json.dumps(make_xlsx(Path(args.generate), target, args.seed)))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.keep) if args.keep else Path(folder) / "名单.xlsx"
        t0 = time.perf_counter()
        made = subprocess.run([sys.executable, __file__, "--generate", str(path), "--limit-mb", str(args.limit_mb),
                               "--seed", str(args.seed), *(["--mb", str(args.mb)] if args.mb else [])],
                              capture_output=True, text=True, check=True)
        figures = json.loads(made.stdout)
        print(f"workbook: {figures['size'] / 2**20:.1f} MB file, unpacks to {figures['unpacked'] / 2**20:.1f} MB "
              f"(limit {args.limit_mb} MB); {figures['rows']:,} rows, {figures['cells']:,} cells, "
              f"{figures['strings']:,} shared strings; generated in {time.perf_counter() - t0:.1f} s")
        sys.stdout.flush()
        _s, base, _r = measure("import", path, limit)
        print(f"baseline (imports only):   peak RSS {base / 1024:6.0f} MB")
        for mode, label in (("stream", "scan_file, streamed"), ("scan", "scan_file, collected"),
                            ("extract", "extract (upload check)")):
            seconds, rss, result = measure(mode, path, limit)
            print(f"{label:26s} peak RSS {rss / 1024:6.0f} MB (+{(rss - base) / 1024:.0f} MB over baseline), "
                  f"{seconds:.1f} s — {result}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
