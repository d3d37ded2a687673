"""Attachments that are refused for what they carry (PDF scripts, embedded files) or for their
unpacked size, and spreadsheets read in streaming mode."""

import io
import zipfile

import pytest

from gongkai.privacy import ooxml
from gongkai.privacy.extraction import (
    FileRefused,
    FileRejected,
    Format,
    extract,
    pdf_raw_refusal,
    pdf_refusal,
    read_document,
)
from gongkai.privacy.findings import ScanStatus
from gongkai.privacy.scanning import scan_file
from tests.privacy.test_extraction import pdf_file

ID = "430102199001011237"


def pdf(catalog: bytes = b"", page: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF with text; ``catalog`` and ``page`` add entries, ``extra`` objects 6, 7, …"""
    stream = b"BT /F1 12 Tf 72 720 Td (Notice 2026) Tj ET"
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> " + page + b">>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra,
    ])


def link(action: bytes) -> dict:
    return {"page": b"/Annots [6 0 R] ",
            "extra": (b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A " + action + b" >>",)}


def refused(data: bytes, *needles: str) -> str:
    """The upload check and the scan both refuse ``data`` with a message holding ``needles``."""
    with pytest.raises(FileRefused) as caught:
        extract("通知.pdf", data)
    message = str(caught.value)
    report = scan_file(data, "通知.pdf")
    assert report.status is ScanStatus.ERROR and report.findings == []
    for text in ("不予接收", "安全风险", *needles):
        assert text in message and text in report.message, (text, message, report.message)
    return message


def test_open_action_javascript_is_refused():
    message = refused(pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "), "JavaScript", "/OpenAction")
    assert message.startswith("附件“通知.pdf”：PDF 文件含有 JavaScript 脚本（/OpenAction /JavaScript）")
    assert "另存为不含脚本的 PDF" in message


def test_launch_action_of_a_link_is_refused():
    refused(pdf(**link(b"<< /S /Launch /F (calc.exe) >>")), "/Launch", "启动外部程序")


def test_embedded_files_and_file_attachment_annotations_are_refused():
    embedded = pdf(b"/Names << /EmbeddedFiles << /Names [(list.xlsx) 6 0 R] >> >> ",
                   extra=(b"<< /Type /Filespec /F (list.xlsx) /EF << /F 7 0 R >> >>",
                          b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nhi\nendstream"))
    refused(embedded, "/EmbeddedFiles", "嵌入的文件")
    annotation = pdf(page=b"/Annots [6 0 R] ",
                     extra=(b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS 7 0 R >>",
                            b"<< /Type /Filespec /F (a.txt) >>"))
    refused(annotation, "/FileAttachment")


def test_javascript_name_tree_and_page_additional_actions_are_refused():
    refused(pdf(b"/Names << /JavaScript 6 0 R >> ", extra=(b"<< /Names [(init) << /S /JavaScript /JS (1) >>] >>",)),
            "/Names /JavaScript")
    refused(pdf(page=b"/AA << /O << /S /JavaScript /JS (1) >> >> "), "/AA /O")
    # An automatic action that leaves the document, even to a web page, is refused too.
    refused(pdf(page=b"/AA << /O << /S /URI /URI (http://example.com/) >> >> "), "自动执行", "/AA /O /URI")
    refused(pdf(b"/OpenAction << /S /SubmitForm /F (http://example.com/) >> "), "/SubmitForm")


def test_hex_escaped_names_are_read_as_what_they_spell():
    # pypdf decodes the escapes: the structure says where the script is.
    refused(pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> "), "/OpenAction /JavaScript")
    # A damaged file pypdf cannot read is judged by its raw bytes, escapes decoded.
    damaged = b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /J#61va#53cript /JS (x) >> >> endobj\n"
    message = refused(damaged, "/JavaScript", "/J#61va#53cript")
    assert "名称经转义" in message


def test_raw_check_skips_stream_data_strings_and_comments():
    assert pdf_raw_refusal(b"%PDF-1.4\n% /JavaScript in a comment\n1 0 obj << /Title (see /JS and (/Launch)) >>"
                           b" endobj\n2 0 obj << /Length 12 >>\nstream\n/JS /Launch\nendstream endobj") is None
    assert pdf_raw_refusal(b"1 0 obj << /Title (a \\) /JS) /JS (x) >> endobj") is not None
    assert pdf_raw_refusal(b"1 0 obj << /S /Laun#63h >> endobj") is not None


@pytest.mark.parametrize("data", [
    pdf(b"/OpenAction [3 0 R /Fit] "),  # Word, WPS and LibreOffice: a destination, not an action
    pdf(b"/OpenAction [3 0 R /XYZ 0 792 0] /PageMode /UseOutlines "),
    pdf(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >> "),
    pdf(**link(b"<< /S /URI /URI (https://www.gov.cn/zhengce/) >>")),
    pdf(**link(b"<< /S /URI /URI (mailto:gk@example.gov.cn) >>")),
    pdf(b"/PageLabels << /Nums [0 << /S /D /P (see /JavaScript) >>] >> "),
])
def test_ordinary_pdfs_are_accepted(data):
    assert "Notice 2026" in extract("通知.pdf", data).text
    assert scan_file(data, "通知.pdf").status is ScanStatus.OK
    assert pdf_refusal(io.BytesIO(data)) is None


def test_links_to_files_and_scripts_are_refused():
    refused(pdf(**link(b"<< /S /URI /URI (file:///C:/Windows/calc.exe) >>")), "非网页地址")
    refused(pdf(**link(b"<< /S /URI /URI (javascript:alert(1)) >>")), "非网页地址")


# ---- spreadsheets -----------------------------------------------------------------------------


def workbook() -> bytes:
    import openpyxl
    from openpyxl.comments import Comment

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["2026年补贴发放名单"])
    sheet.append(["姓名", "身份证号", "金额"])
    for row in range(300):
        sheet.append([f"张{row}", "已核实", 100 + row])
    sheet["C5"].comment = Comment(f"户主电话 13812345678，身份证 {ID}", "经办人")
    hidden = book.create_sheet("内部")
    hidden.sheet_state = "hidden"
    hidden.append(["姓名", "证件号码"])
    hidden.append(["李四", ID])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def found(data: bytes) -> list[tuple[str, str]]:
    return [(f.kind.value, f.location) for f in scan_file(data, "名单.xlsx").findings]


def test_streaming_read_finds_id_numbers_in_hidden_sheets_and_comments():
    assert found(workbook()) == [("mobile", "名单!C5（批注）"), ("id_card", "名单!C5（批注）"), ("id_card", "内部!B2")]


def test_sheets_cut_into_parts_read_the_same(monkeypatch):
    data = workbook()
    whole = extract("名单.xlsx", data).text
    before = found(data)
    monkeypatch.setattr(ooxml.SheetText, "CHUNK_CHARS", 64)
    parts = read_document(io.BytesIO(data), "名单.xlsx", Format.XLSX).parts
    assert len(parts) > 20 and "\n".join(p.text for p in parts) == whole
    assert found(data) == before


def test_shared_strings_are_compact_and_leave_out_phonetic_runs():
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}"><si><t>姓名</t></si><si/>'
                                                 f"<si><r><t>张</t></r><r><t>三</t></r><rPh><t>ちょう</t></rPh></si></sst>")
    strings = ooxml.shared_string_texts(ooxml.Package(io.BytesIO(buffer.getvalue()), "x"))
    assert [strings[i] for i in range(len(strings))] == ["姓名", "", "张三"]
    with pytest.raises(IndexError):
        strings[3]


@pytest.fixture
def small_limit():
    ooxml.set_max_unpacked_bytes(1024 * 1024)
    yield
    ooxml.set_max_unpacked_bytes(ooxml.DEFAULT_MAX_UNPACKED_BYTES)


def big_workbook(megabytes: float) -> bytes:
    """A workbook whose one sheet unpacks to about ``megabytes`` (compressed ~50:1, no bomb)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>第{n}行 已核实</t></is></c></row>'
                   for n in range(1, int(megabytes * 1024 * 1024 / 70)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                                            '<sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>')
        package.writestr("xl/_rels/workbook.xml.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                         "</Relationships>")
        package.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{rows}</sheetData></worksheet>')
    return buffer.getvalue()


def test_workbook_over_the_unpacked_limit_is_refused(small_limit):
    data = big_workbook(1.5)
    assert len(data) < 512 * 1024
    with pytest.raises(FileRejected, match="超过解压后大小上限 1 MB"):
        extract("名单.xlsx", data)
    report = scan_file(data, "名单.xlsx")
    assert report.status is ScanStatus.ERROR and "超过解压后大小上限 1 MB" in report.message
    assert extract("名单.xlsx", big_workbook(0.5)).text.startswith("[名单]\n第1行 已核实")


def test_default_unpacked_limit_is_100_mb():
    assert ooxml.DEFAULT_MAX_UNPACKED_BYTES == 100 * 1024 * 1024
    with pytest.raises(ValueError):
        ooxml.set_max_unpacked_bytes(0)
