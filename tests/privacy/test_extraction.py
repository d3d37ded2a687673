"""File checks by content, and text extraction for search and the privacy scan."""

import io

import pytest

from gongkai.privacy.extraction import ExtractionStatus, FileRejected, decode_text, extract


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (object 1 the catalog) with its cross-reference table."""
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
    return pdf_file(objects)


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
    # CJK radicals that Noto/Source Han fonts give for whole characters, and 戶 for 户
    ("中华人\u2ea0共和国 \u2ed8山桥镇 \u2ed3冲村 账戶 \u2f3e主", "中华人民共和国 青山桥镇 长冲村 账户 户主"),
])
def test_pdf_text_folds_radicals_and_ligatures(raw, clean):
    from gongkai.privacy.extraction import pdf_clean

    assert pdf_clean(raw) == clean


def test_pdf_parts_are_scanned_as_pages():
    from gongkai.privacy.extraction import pdf_parts

    parts = pdf_parts(io.BytesIO(pdf_bytes("ID 430102")))
    assert parts and all(part.page for part in parts)


# ---- PDF tables: where the text stands on the page ----------------------------------------

def placed_pdf(pages: list[list[tuple[float, float, str]]], size: float = 9) -> bytes:
    """A PDF whose pages hold pieces of text at given positions (x, y, text), each drawn on its own
    (BT … ET) as Word, WPS, LibreOffice and browsers draw the lines of table cells; a Type0 font
    whose codes are the code points, with a ToUnicode map (ASCII half a font size wide)."""
    import zlib

    highs = sorted({ord(c) >> 8 for page in pages for _x, _y, text in page for c in text})
    ranges = "\n".join(f"<{h:02X}00> <{h:02X}FF> <{h:02X}00>" for h in highs)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def "
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{len(highs)} beginbfrange\n{ranges}\nendbfrange endcmap CMapName currentdict /CMap defineresource pop "
            "end end").encode()
    objects = [b"", b"",
               b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [5 0 R]"
               b" /ToUnicode 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
               b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe)"
               b" /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [32 126 500] >>"]
    kids = []
    for page in pages:
        ops = [f"BT /F1 {size} Tf {x} {y} Td <{''.join(f'{ord(c):04X}' for c in text)}> Tj ET" for x, y, text in page]
        stream = zlib.compress("\n".join(ops).encode())
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
                       b" /Resources << /Font << /F1 3 0 R >> >> >>" % len(objects))
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    return pdf_file(objects)


def table(header: list[str], rows: list[list[str | list[str]]], xs: list[float], top: float = 760,
          line: float = 12) -> list[tuple[float, float, str]]:
    """Pieces of a table drawn cell by cell: a cell is a string or the list of its wrapped lines."""
    pieces = [(x, top, h) for x, h in zip(xs, header, strict=True)]
    y = top - 2 * line
    for row in rows:
        height = 1
        for x, cell in zip(xs, row, strict=True):
            lines = cell if isinstance(cell, list) else [cell]
            height = max(height, len(lines))
            pieces.extend((x, y - k * line, text) for k, text in enumerate(lines) if text)
        y -= (height + 1) * line
    return pieces


def pdf_found(pages: list[list[tuple[float, float, str]]]) -> list[tuple[str, str]]:
    from gongkai.privacy import scan_file

    return [(f.kind.value, f.text) for f in scan_file(placed_pdf(pages), "名单.pdf").findings]


ID = "110105194912310038"


def test_pdf_cells_wrapped_by_a_narrow_column():
    # Word/WPS/LibreOffice: a cell's lines one after the other; a passbook number has no checksum,
    # a mobile none either: the page says they are one cell each.
    pages = [table(["序号", "姓名", "身份证号码", "存折号", "联系电话"], [
        ["1", "张三", ID, ["810195490", "25307816"], ["1381234", "5678"]],
        ["2", "李四", ["11010519491", "2310038"], "8101954902530781", ["1391234", "5678"]],
    ], [40, 70, 120, 260, 360])]
    assert pdf_found(pages) == [
        ("id_card", ID), ("bank_card", "810195490\n25307816"), ("mobile", "1381234\n5678"),
        ("id_card", "11010519491\n2310038"), ("bank_card", "8101954902530781"), ("mobile", "1391234\n5678")]


def test_pdf_serial_wrapped_in_a_serial_column_is_no_card():
    # A Luhn-valid 62… number in a 编号 column, wrapped: neither the whole nor a piece is a card.
    pages = [table(["序号", "合同编号", "姓名", "联系电话"], [
        ["1", ["6228480402", "564890018"], "张三", "13812345678"],
        ["2", ["62284804025", "64890018"], "李四", ""],
    ], [40, 70, 170, 260])]
    assert pdf_found(pages) == [("mobile", "13812345678")]


def test_pdf_row_of_a_browser_page():
    # Browsers centre a row's one-line cells between the lines of its wrapped ones: pypdf then
    # gives the whole row as one line, a wrapped number's pieces parted by a plain space only.
    header = [(40, 760, "序号"), (70, 760, "姓名"), (120, 760, "身份证号"), (200, 760, "月保障金"),
              (250, 760, "银行卡号"), (350, 760, "联系电话")]
    row = [(40, 700, "1"), (70, 700, "张三"), (120, 706.5, "11010519491"), (120, 693.5, "2310038"),
           (200, 700, "1599"), (250, 706.5, "83016220533311428"), (250, 693.5, "222"),
           (350, 706.5, "1801000"), (350, 693.5, "0893")]
    assert pdf_found([header + row]) == [
        ("id_card", "11010519491 2310038"), ("bank_card", "83016220533311428 222"), ("mobile", "1801000 0893")]


def test_pdf_neighbouring_cells_are_not_glued():
    # 138 | 12345678 side by side in two columns is no mobile; nor a number above another one.
    pages = [table(["序号", "姓名", "面积", "金额", "编号"], [
        ["1", "张三", "138", "12345678", "138123"],
        ["2", "李四", "139", "1234567", "45678"],
    ], [40, 70, 120, 170, 260])]
    assert pdf_found(pages) == []


def test_pdf_header_on_one_page_labels_the_rows_of_the_next():
    xs = [40, 70, 120, 260]
    first = table(["序号", "姓名", "身份证号码", "一卡通账号"], [["1", "张三", ID, "810195490253078"]], xs)
    second = table(["2", "李四", ID, "810195490253079"], [], xs)  # no header: the rows go on
    assert pdf_found([first, second]) == [("id_card", ID), ("bank_card", "810195490253078"),
                                          ("id_card", ID), ("bank_card", "810195490253079")]


def test_pdf_layout_of_a_page():
    from gongkai.privacy.extraction import pdf_parts

    header = [(40, 760, "序号"), (70, 760, "一卡通账"), (70, 748, "号"), (160, 760, "备注")]
    rows = [(40, 730, "1"), (70, 730, "81019549"), (70, 718, "0253078"), (160, 730, "代领")]
    (part,) = pdf_parts(io.BytesIO(placed_pdf([header + rows])))
    start = part.text.index("81019549")
    assert part.layout.column(start) == ("一卡通账号", start)
    assert part.layout.column(part.text.index("代领")) == ("备注", part.text.index("代领"))
    assert part.layout.runs_text[start:start + 16] == "81019549 0253078"
    assert len(part.layout.runs_text) == len(part.text)


def spread(x: float, y: float, groups: list[str], gap: float) -> list[tuple[float, float, str]]:
    """The groups of a number drawn one by one, ``gap`` points apart (a cell set to distributed
    alignment or letter spacing: ASCII digits are half a font size wide at size 9)."""
    pieces = []
    for group in groups:
        pieces.append((x, y, group))
        x += 4.5 * len(group) + gap
    return pieces


@pytest.mark.parametrize("gap", [4, 9, 18])
def test_pdf_table_mobiles_typed_in_groups(gap):
    # 138 1234 5678 in a 联系电话 cell, however wide the cell spreads its groups, is one mobile and
    # is not glued to the amount in the next cell; an 11-digit figure in the amount column is none.
    header = [(40, 760, "序号"), (70, 760, "姓名"), (110, 760, "联系电话"), (200, 760, "金额（元）"), (260, 760, "备注")]
    rows = []
    for k, (name, mobile, amount) in enumerate([("张三", "138 1234 5678", "1200"), ("李四", "139 8765 4321", "13812345678"),
                                                 ("王五", "137 1234 5679", "800")]):
        y = 736 - 16 * k
        rows += [(40, y, str(k + 1)), (70, y, name), *spread(110, y, mobile.split(), gap), (200, y, amount),
                 (260, y, "无")]
    texts = [text for _kind, text in pdf_found([header + rows])]
    assert pdf_found([header + rows]) == [("mobile", t) for t in texts]
    assert ["".join(t.split()) for t in texts] == ["13812345678", "13987654321", "13712345679"]


def test_pdf_groups_in_columns_that_are_not_phones_stay_apart():
    # 3, 4 and 4 digits in three columns of figures, a column apart: three numbers, not a mobile.
    header = [(40, 760, "序号"), (70, 760, "面积"), (130, 760, "人数"), (190, 760, "金额")]
    rows = [(40, 736, "1"), (70, 736, "138"), (130, 736, "1234"), (190, 736, "5678"),
            (40, 720, "2"), (70, 720, "139"), (130, 720, "8765"), (190, 720, "4321")]
    assert pdf_found([header + rows]) == []
