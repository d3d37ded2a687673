"""Scanning files: locations per format, and bad input — every problem a Chinese error report,
never a crash and never a silent skip. Command-line exit statuses are tested in test_cli.py."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from gongkai.privacy import ScanStatus, scan_file, scan_paths
from gongkai.privacy.extraction import CHUNK_BYTES
from tests.privacy.corpus import pdf_bytes

ID = "430102199001011238"
GONGKAI = Path(sys.executable).with_name("gongkai")


def kinds_at(report) -> list[tuple[str, str]]:
    return [(f.kind.value, f.location) for f in report.findings]


# ---- locations ----------------------------------------------------------------------------

def test_text_locations_are_lines_and_offsets_are_global():
    data = f"第一行\n第二行 {ID}\n\n手机 13812345678\n".encode("gbk")
    report = scan_file(data, "a.txt")
    assert report.encoding == "gb18030" and kinds_at(report) == [("id_card", "第2行"), ("mobile", "第4行")]
    text = data.decode("gbk")
    assert all(text[f.start:f.end] == f.text for f in report.findings)


def test_docx_locations():
    import docx

    document = docx.Document()
    document.add_paragraph("正文")
    document.add_paragraph(f"身份证号 {ID}")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "姓名", "存折号"
    table.cell(1, 0).text, table.cell(1, 1).text = "张三", "1803012345678901"
    document.sections[0].footer.paragraphs[0].text = "电话 13812345678"
    document.add_comment(document.paragraphs[0].runs, text="邮箱 zs@163.com", author="甲")
    buffer = io.BytesIO()
    document.save(buffer)
    report = scan_file(buffer.getvalue(), "a.docx")
    assert kinds_at(report) == [("id_card", "第2段"), ("bank_card", "表格1第2行第2列"), ("mobile", "页脚"),
                                ("email", "批注1")]


def test_xlsx_hidden_rows_columns_and_sheets():
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "公示"
    sheet.append(["姓名", "金额"])
    sheet["E9"] = ID
    sheet.column_dimensions["E"].hidden = True
    sheet.row_dimensions[9].hidden = True
    very = workbook.create_sheet("隐藏")
    very.sheet_state = "veryHidden"
    very["B3"] = "13812345678"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert kinds_at(scan_file(buffer.getvalue(), "a.xlsx")) == [("id_card", "公示!E9"), ("mobile", "隐藏!B3")]


def test_pdf_pages_and_scans():
    data = pdf_bytes(["第一页"] * 50 + [f"申请人身份证号：{ID}"])
    assert kinds_at(scan_file(data, "a.pdf")) == [("id_card", "第2页")]
    scanned = scan_file(pdf_bytes([]), "scan.pdf")
    assert scanned.status is ScanStatus.UNVERIFIABLE and "扫描件" in scanned.message and not scanned.clean


def test_html_source_lines():
    html = f"<html>\n<body>\n<p>身份证号：{ID[:6]}<b>{ID[6:]}</b></p>\n</body></html>".encode()
    assert kinds_at(scan_file(html, "a.html")) == [("id_card", "第3行")]


@pytest.mark.parametrize(("name", "data"), [
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100), ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
    ("blob.bin", b"\x00\x01\x02\x03" * 100),
])
def test_images_and_legacy_formats_are_unverifiable(name, data):
    report = scan_file(data, name)
    assert report.status is ScanStatus.UNVERIFIABLE and report.message and not report.clean


# ---- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"", "空文件"),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 200, "损坏"),
    ("broken.xlsx", b"PK\x03\x04garbage", "损坏"),
    ("fake.docx", b"just text, not a Word file", "不符"),
    ("truncated.pdf", b"%PDF-1.4\n1 0 obj <<", "损坏"),
    ("bad.txt", b"\x80\x81\xff" * 30, "编码"),
])
def test_damaged_files_give_an_error_report(name, data, message):
    report = scan_file(data, name)
    assert report.status is ScanStatus.ERROR and message in report.message and not report.clean


def test_a_few_damaged_bytes_do_not_stop_a_text_scan():
    data = ("说明" * 200 + " 13812345678\n").encode() + b"\xff\xfe" + f"\n身份证号 {ID}\n".encode()
    report = scan_file(data, "a.txt")
    assert report.status is ScanStatus.OK and report.encoding == "utf-8" and len(report.findings) == 2


def test_docx_without_body_and_zip_that_is_neither():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("hello.txt", "hi")
    assert "不是有效的 Word 文件" in scan_file(buffer.getvalue(), "a.docx").message
    assert scan_file(buffer.getvalue(), "a.zip").status is ScanStatus.UNVERIFIABLE


def make_zip_bomb(path: Path, megabytes: int = 64) -> None:
    """An .xlsx whose one worksheet inflates from ~64 KB to 64 MB of zeros (about 1000:1)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                                            '<sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>')
        package.writestr("xl/_rels/workbook.xml.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                         "</Relationships>")
        with package.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = b"\0" * (1 << 20)
            for _ in range(megabytes):
                member.write(zeros)


def make_lying_zip(path: Path) -> None:
    """A member that declares 1,000 bytes but inflates to 32 MB (sizes patched in both headers)."""
    make_zip_bomb(path, 32)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        pos = -1
        while (pos := data.find(signature, pos + 1)) >= 0:
            if data[pos + name_at:pos + name_at + len(name)] == name:
                data[pos + size_at:pos + size_at + 4] = struct.pack("<I", 1000)
    path.write_bytes(bytes(data))


# Runs the `gongkai` entry point and reports the process's own peak memory (VmHWM): ru_maxrss of
# a child of this big pytest process would include the parent's pages from before exec.
_MEASURED = """
import sys
from gongkai.cli import main
try:
    main(["privacy", *sys.argv[1:]])
except SystemExit as exit:
    code = exit.code
status = open("/proc/self/status").read()
print("VmHWM", status.split("VmHWM:")[1].split()[0], file=sys.stderr)
sys.exit(code)
"""


def run_measured(*args: str, timeout: float = 300) -> tuple[int, str, str, float, int]:
    """(exit status, stdout, stderr, seconds, peak RSS in MB) of `gongkai privacy ...`."""
    start = time.perf_counter()
    child = subprocess.run([sys.executable, "-c", _MEASURED, *args], capture_output=True, timeout=timeout)
    seconds = time.perf_counter() - start
    err = child.stderr.decode()
    peak_kb = int(err.rsplit("VmHWM", 1)[1].split()[0])
    return child.returncode, child.stdout.decode(), err, seconds, peak_kb // 1024


def test_zip_bomb_disguised_as_xlsx_is_refused_in_bounded_time_and_memory(tmp_path):
    bomb = tmp_path / "名单.xlsx"
    make_zip_bomb(bomb)
    assert bomb.stat().st_size < 1024 * 1024
    started = time.perf_counter()
    report = scan_file(bomb)
    assert time.perf_counter() - started < 2
    assert report.status is ScanStatus.ERROR and "压缩炸弹" in report.message
    lying = tmp_path / "lying.xlsx"
    make_lying_zip(lying)
    status, out, err, seconds, peak_mb = run_measured("scan", "--json", str(lying))
    assert status == 1 and '"kind": "error"' in out and "损坏" in out
    assert seconds < 10 and peak_mb < 80, (seconds, peak_mb)
    status, out, err, seconds, peak_mb = run_measured("scan", "--json", str(bomb))
    assert status == 1 and "压缩炸弹" in out and peak_mb < 80


def test_unreadable_entries_do_not_stop_the_scan(tmp_path):
    (tmp_path / "ok.txt").write_text(f"身份证号 {ID}\n", encoding="utf-8")
    (tmp_path / "dangling").symlink_to(tmp_path / "missing.txt")
    os.mkfifo(tmp_path / "pipe")  # opening it would block: it must not be opened
    locked = tmp_path / "locked.txt"
    locked.write_text("13812345678", encoding="utf-8")
    locked.chmod(0)
    folder = tmp_path / "closed"
    folder.mkdir()
    (folder / "inner.txt").write_text("x", encoding="utf-8")
    folder.chmod(0)
    try:
        reports = {Path(r.path).name: r for r in scan_paths([tmp_path])}
    finally:
        locked.chmod(0o644)
        folder.chmod(0o755)
    assert reports["ok.txt"].status is ScanStatus.OK and len(reports["ok.txt"].findings) == 1
    assert reports["dangling"].status is ScanStatus.ERROR and "符号链接" in reports["dangling"].message
    assert reports["pipe"].status is ScanStatus.ERROR and "管道" in reports["pipe"].message
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop reads (the link and the pipe were checked)")
    assert reports["locked.txt"].status is ScanStatus.ERROR and "权限" in reports["locked.txt"].message
    assert reports["closed"].status is ScanStatus.ERROR and "权限" in reports["closed"].message


def test_200_mb_text_file_is_streamed(tmp_path):
    """200 MB of text is scanned in chunks: memory stays far below the file's size, and numbers
    planted across the borders of the 1 MiB read chunks are found once each."""
    path = tmp_path / "big.txt"
    line = "为进一步加强和规范政府信息公开工作，根据条例规定，结合本县实际，现就有关事项通知如下。\n".encode()
    planted, pos, border = 0, 0, CHUNK_BYTES
    with path.open("wb") as out:
        while pos < 200 * CHUNK_BYTES:
            if pos + len(line) + 64 >= border:
                if (border // CHUNK_BYTES) % 10 == 0:  # an ID whose digits straddle the chunk border
                    out.write(b" " * (border - 9 - pos) + ID.encode() + b"\n")
                    pos, planted = border - 9 + len(ID) + 1, planted + 1
                border += CHUNK_BYTES
            out.write(line)
            pos += len(line)
    size_mb = path.stat().st_size / 1024 / 1024
    assert size_mb >= 200 and planted == 20
    try:
        status, out, err, seconds, peak_mb = run_measured("scan", "--json", str(path))
    finally:
        path.unlink()  # pytest keeps the last runs' temporary folders: do not leave 200 MB behind
    assert status == 1, err
    lines = out.splitlines()
    assert len(lines) == planted and all('"kind": "id_card"' in line for line in lines), lines[:3]
    assert peak_mb < 80, f"peak RSS {peak_mb} MB for a {size_mb:.0f} MB file"
    print(f"\n200 MB text: {seconds:.1f} s, peak RSS {peak_mb} MB")


def test_embedded_workbook_and_other_parts_of_a_package():
    """A workbook pasted into a Word file travels with it: its cells are scanned too."""
    import docx
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "数据"
    workbook.active["B2"] = ID
    inner = io.BytesIO()
    workbook.save(inner)
    document = docx.Document()
    document.add_paragraph("见下表。")
    outer = io.BytesIO()
    document.save(outer)
    with zipfile.ZipFile(outer, "a") as package:
        package.writestr("word/embeddings/Microsoft_Excel_Worksheet.xlsx", inner.getvalue())
        package.writestr("word/charts/chart1.xml", "<c:chartSpace xmlns:c='urn:c'><c:v>13812345678</c:v></c:chartSpace>")
    report = scan_file(outer.getvalue(), "a.docx")
    assert kinds_at(report) == [("mobile", "部件 word/charts/chart1.xml"),
                                ("id_card", "嵌入对象“Microsoft_Excel_Worksheet.xlsx”·数据!B2")]


@pytest.mark.parametrize("name", ["a.txt", "a.csv", "a.docx", "a.xlsx", "a.pdf"])
def test_finding_offsets_point_into_the_extracted_text(name):
    """The contract the publication gate relies on: offsets index ``extract(name, data).text``."""
    import random

    from gongkai.privacy import extract
    from tests.privacy.corpus import (
        Content,
        Piece,
        Table,
        render_csv,
        render_docx,
        render_pdf,
        render_txt,
        render_xlsx,
    )

    content = Content("名单", [Piece(f"申请人身份证号 {ID}，手机 138 1234 5678")],
                      [Table(["姓名", "存折账号"], [[Piece("张三"), Piece("1803012345678901")]])])
    renderer = {"txt": render_txt, "csv": render_csv, "docx": render_docx, "xlsx": render_xlsx, "pdf": render_pdf}
    _suffix, data, _truth = renderer[name.split(".")[1]](content, random.Random(1))
    text = extract(name, data).text
    findings = scan_file(data, name).findings
    assert findings and all(text[f.start:f.end] == f.text for f in findings)


def test_two_header_rows_label_the_columns():
    import docx
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["东升村2025年补贴发放表"], ["基本信息", "", "补贴信息", ""], ["姓名", "身份证号", "存折账号", "金额"],
                ["张三", ID, "1803012345678901", "1200"]):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert kinds_at(scan_file(buffer.getvalue(), "a.xlsx")) == [("id_card", "Sheet!B4"), ("bank_card", "Sheet!C4")]
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for i, row in enumerate([["基本信息", "补贴信息", ""], ["姓名", "存折账号", "金额"], ["张三", "1803012345678901", "1200"]]):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    assert kinds_at(scan_file(buffer.getvalue(), "a.docx")) == [("bank_card", "表格1第3行第2列")]
