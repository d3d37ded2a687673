"""File checks by content, and text extraction for search and the privacy scan."""

import io

import pytest

from gongkai.privacy.extraction import ExtractionStatus, FileRejected, decode_text, extract


def pdf_bytes(text: str | None) -> bytes:
    """A minimal one-page PDF, with a text layer when ``text`` is given (a scan has none)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "金额"])
    workbook.active.append(["李四", 1200])
    hidden = workbook.create_sheet("内部")
    hidden.sheet_state = "hidden"
    hidden.append(["身份证号", "430102199001011234"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("正文段落")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "表格内容"
    document.sections[0].header.paragraphs[0].text = "页眉文字"
    document.sections[0].footer.paragraphs[0].text = "页脚文字"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_pdf_text_layer_and_scans():
    assert "ID 430102" in extract("a.pdf", pdf_bytes("ID 430102")).text
    scanned = extract("scan.pdf", pdf_bytes(None))
    assert scanned.status is ExtractionStatus.UNVERIFIABLE and scanned.text.strip() == ""


def test_xlsx_reads_hidden_sheets():
    result = extract("名单.xlsx", xlsx_bytes())
    assert "李四" in result.text and "430102199001011234" in result.text and "[内部]" in result.text


def test_docx_reads_body_tables_headers_and_footers():
    text = extract("通知.docx", docx_bytes()).text
    for part in ("正文段落", "表格内容", "页眉文字", "页脚文字"):
        assert part in text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_text_files_in_chinese_encodings(encoding):
    assert extract("名单.csv", "姓名,金额\n张三,100\n".encode(encoding)).text.startswith("姓名")


def test_images_and_legacy_formats_are_unverifiable():
    assert extract("照片.png", b"\x89PNG\r\n\x1a\n....").status is ExtractionStatus.UNVERIFIABLE
    assert extract("旧.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...").status is ExtractionStatus.UNVERIFIABLE


@pytest.mark.parametrize(("name", "data", "message"), [
    ("a.exe", b"MZ", "不支持"),
    ("a.pdf", b"not a pdf", "不符"),
    ("a.docx", b"PK\x03\x04garbage", "损坏"),
    ("a.xlsx", b"PK\x03\x04garbage", "损坏"),
    ("a.pdf", b"%PDF-1.4 truncated", "损坏"),
    ("a.txt", b"", "空文件"),
])
def test_bad_files_are_rejected_with_a_reason(name, data, message):
    with pytest.raises(FileRejected, match=message):
        extract(name, data)


def test_undecodable_text():
    with pytest.raises(FileRejected, match="编码"):
        decode_text(b"\xff\xfe\xfa\x80\x81")


@pytest.mark.parametrize(("raw", "clean"), [
    ("\u2f9d份证号", "身份证号"),  # Kangxi radical 身 from a CJK font's ToUnicode map
    ("\u2f3f机号码：138 1234 5678", "手机号码：138 1234 5678"),
    ("gk.o\ufb03ce@163.com", "gk.office@163.com"),  # the ffi ligature
    ("存折账号 ８１０１　９５４９", "存折账号 ８１０１　９５４９"),  # full-width digits stay as they are
])
def test_pdf_text_folds_radicals_and_ligatures(raw, clean):
    from gongkai.privacy.extraction import pdf_clean

    assert pdf_clean(raw) == clean


def test_pdf_parts_are_scanned_as_pages():
    from gongkai.privacy.extraction import pdf_parts

    parts = pdf_parts(io.BytesIO(pdf_bytes("ID 430102")))
    assert parts and all(part.page for part in parts)
