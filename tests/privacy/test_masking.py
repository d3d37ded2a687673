"""Masking: the policy per kind, and masked copies in the source's format that scan clean."""

from __future__ import annotations

import io

import pytest

from gongkai.privacy import Kind, MaskPolicy, PrivacyConfig, mask_file, mask_text, mask_value, scan_file
from gongkai.privacy.config import ConfigError

ID = "430102199001011238"


@pytest.mark.parametrize(("kind", "text", "masked"), [
    (Kind.ID_CARD, ID, "430102********1238"),
    (Kind.ID_CARD, "11010519491231002x", "110105********002x"),
    (Kind.ID_CARD, "430102 19900101 1238", "430102 ******** 1238"),
    (Kind.ID_CARD, "430102900101123", "430102******123"),  # 15 digits: the birth date still hidden
    (Kind.ID_CARD, "４３０１０２１９９００１０１１２３８", "４３０１０２********１２３８"),
    (Kind.MOBILE, "13812345678", "138****5678"),
    (Kind.MOBILE, "+86 138-1234-5678", "+86 138-****-5678"),
    (Kind.BANK_CARD, "6228480402564890018", "***************0018"),
    (Kind.BANK_CARD, "6228 4804 0256 4890 018", "**** **** **** ***0 018"),
    (Kind.EMAIL, "zhang.san@163.com", "z********@163.com"),
    (Kind.LANDLINE, "0731-84567890", "0731-****7890"),
    (Kind.LANDLINE, "010-62345678", "010-****5678"),
    (Kind.ADDRESS, "东升村3组12号", "东升村*组**号"),
    (Kind.ADDRESS, "阳光小区三栋2单元501室", "阳光小区*栋*单元***室"),
    (Kind.CLASSIFIED_MARKING, "秘密★1年", ""),
])
def test_default_policy(kind, text, masked):
    assert mask_value(kind, text) == masked


def test_policy_is_configurable_but_never_shows_the_birth_date():
    policy = MaskPolicy.parse("id_card=3+3,mobile=0+4,bank_card=4+4")
    assert mask_value(Kind.ID_CARD, ID, policy) == "430***********238"[:0] + "430" + "*" * 12 + "238"
    assert mask_value(Kind.MOBILE, "13812345678", policy) == "*******5678"
    assert mask_value(Kind.BANK_CARD, "6228480402564890018", policy) == "6228***********0018"
    loose = MaskPolicy.parse("id_card=10+8")
    assert mask_value(Kind.ID_CARD, ID, loose) == "430102********1238"
    with pytest.raises(ConfigError, match="脱敏规则"):
        MaskPolicy.parse("passport=1+1")


def test_mask_text_scans_clean():
    text = (f"张三，身份证号{ID}，手机+86 138 1234 5678，一卡通账号6228480402564890018，存折号1803012345678901，"
            "邮箱zs@163.com，住东升村3组12号。")
    masked = mask_text(text)
    assert len(masked) == len(text)
    assert "430102********1238" in masked and "+86 138 **** 5678" in masked and "zs" not in masked.split("@")[0][-2:]
    from gongkai.privacy import scan_text

    assert scan_text(masked) == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_text_file_keeps_its_encoding(tmp_path, encoding):
    source, target = tmp_path / "名单.txt", tmp_path / "out.txt"
    text = f"姓名\t身份证号\t电话\r\n张三\t{ID}\t13812345678\r\n李四\t430102********1234\t无\r\n"
    source.write_bytes(text.encode(encoding))
    result = mask_file(source, target)
    assert result.clean and result.source.encoding == {"gbk": "gb18030"}.get(encoding, encoding)
    data = target.read_bytes()
    assert data == text.replace(ID, "430102********1238").replace("13812345678", "138****5678").encode(encoding)


def test_csv_with_passbook_column(tmp_path):
    source, target = tmp_path / "a.csv", tmp_path / "b.csv"
    source.write_bytes("序号,户主,存折账号,金额\n1,张三,1803012345678901,1200.00\n".encode("gbk"))
    result = mask_file(source, target)
    assert result.clean
    assert target.read_bytes().decode("gbk") == "序号,户主,存折账号,金额\n1,张三,************8901,1200.00\n"


def test_html_keeps_markup(tmp_path):
    source, target = tmp_path / "a.html", tmp_path / "b.html"
    html = ('<html><head><meta charset="gbk"><title>公示</title></head><body><table><tr><th>姓名</th><th>手机</th>'
            '</tr><tr><td>张三</td><td>138&nbsp;1234&nbsp;5678</td></tr></table>'
            '<p>邮箱：<a href="mailto:zs@163.com">zs@163.com</a></p></body></html>')
    source.write_bytes(html.encode("gbk"))
    result = mask_file(source, target)
    assert result.clean
    out = target.read_bytes().decode("gbk")
    assert "<td>138&nbsp;****&nbsp;5678</td>" in out and 'href="mailto:z*@163.com"' in out
    assert out.count("<") == html.count("<")


def docx_bytes() -> bytes:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    paragraph = document.add_paragraph("申请人张三，身份证号")
    run = paragraph.add_run(ID[:8])  # a number split over two runs, the second in bold
    bold = paragraph.add_run(ID[8:])
    bold.bold = True
    bold.font.size = Pt(14)
    paragraph.add_run("。")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["姓名", "存折账号", "电话"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["李四", "1803012345678901", "139 1234 5678"], strict=True):
        cell.text = text
    document.sections[0].header.paragraphs[0].text = "联系人手机：13712345678"
    document.add_comment([run], text="核实邮箱 ls@126.com", author="审核人")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_masked_run_by_run(tmp_path):
    import docx

    source, target = tmp_path / "a.docx", tmp_path / "b.docx"
    source.write_bytes(docx_bytes())
    result = mask_file(source, target)
    assert result.clean, result.remaining
    assert {f.kind for f in result.source.findings} == {Kind.ID_CARD, Kind.BANK_CARD, Kind.MOBILE, Kind.EMAIL}
    document = docx.Document(str(target))
    runs = [r for r in document.paragraphs[0].runs if r.text]  # (the comment's reference run is empty)
    assert [r.text for r in runs] == ["申请人张三，身份证号", "430102**", "******1238", "。"]
    assert runs[2].bold and runs[2].font.size.pt == 14
    row = [c.text for c in document.tables[0].rows[1].cells]
    assert row == ["李四", "************8901", "139 **** 5678"]
    assert document.sections[0].header.paragraphs[0].text == "联系人手机：137****5678"


def xlsx_bytes() -> bytes:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(["姓名", "身份证号", "一卡通账号", "电话"])
    sheet.append(["张三", ID, "1803012345678901", 13812345678])  # the phone typed as a number
    sheet["B2"].font = Font(bold=True, color="FF0000")
    sheet["A2"].comment = Comment("原手机 13912345678", "审核人")
    sheet.row_dimensions[2].hidden = True
    hidden = workbook.create_sheet("底册")
    hidden.sheet_state = "hidden"
    hidden.append(["身份证号"])
    hidden.append([ID])  # the same text as B2: one shared string
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_masked_cell_by_cell(tmp_path):
    import openpyxl

    source, target = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    source.write_bytes(xlsx_bytes())
    locations = {f.location for f in scan_file(source).findings}
    assert {"名单!B2", "名单!C2", "名单!D2", "名单!A2（批注）", "底册!A2"} <= locations
    result = mask_file(source, target)
    assert result.clean, result.remaining
    workbook = openpyxl.load_workbook(target)
    sheet = workbook["名单"]
    assert [c.value for c in sheet[2]] == ["张三", "430102********1238", "************8901", "138****5678"]
    assert sheet["B2"].font.bold and sheet["B2"].font.color.rgb == "00FF0000"
    assert sheet.row_dimensions[2].hidden and workbook["底册"].sheet_state == "hidden"
    assert workbook["底册"]["A2"].value == "430102********1238"
    assert "139****5678" in sheet["A2"].comment.text


def test_unmaskable_and_missing_files(tmp_path):
    from gongkai.privacy import FileRejected

    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(FileRejected, match="不支持对此类文件脱敏"):
        mask_file(pdf, tmp_path / "b.pdf")
    with pytest.raises(FileRejected, match="不存在"):
        mask_file(tmp_path / "none.txt", tmp_path / "b.txt")
    assert not (tmp_path / "b.pdf").exists()


def test_classified_markings_stay_and_are_reported(tmp_path):
    source, target = tmp_path / "a.txt", tmp_path / "b.txt"
    source.write_text("秘密★1年\n张三 13812345678\n", encoding="utf-8")
    result = mask_file(source, target, config=PrivacyConfig())
    assert result.clean  # no personal data left …
    assert [f.kind for f in result.output.findings] == [Kind.CLASSIFIED_MARKING]  # … but the marking stays


def figures_xlsx_bytes() -> bytes:
    """A payout sheet whose amount, quantity and date columns hold 11- and 18-digit figures typed
    as numbers (a valid ID number among them), beside a mobile column typed as numbers, a row of
    totals and a budget sheet without a header row."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "发放表"
    sheet.append(["姓名", "补贴金额（元）", "数量", "发放日期", "手机号", "备注"])
    sheet.append(["张三", 13812345678, 110105194912310038, 20250312, 13912345678, "已发放"])
    sheet.append(["李四", 110105194912310038, 13712345678, 20250313, 13612345678, 13512345678])
    sheet.append(["合计", 13812345678, 4.30102199001011e17, None, None, None])
    budget = workbook.create_sheet("预算")
    budget.append(["一般公共预算收入", 13812345678])
    budget.append(["资金", 110105194912310038])
    budget.append([13812345678, 13912345678])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cells(data: bytes, part: str) -> dict[str, bytes]:
    import re
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read(part)
    return {m.group(1).decode(): m.group(0) for m in re.finditer(rb'<c r="([A-Z]+[0-9]+)".*?(?:/>|</c>)', xml)}


def test_xlsx_figures_are_never_masked(tmp_path):
    """A typed number is a phone, ID or account only when its row or column says so: amounts,
    quantities and dates come out byte for byte (value and type), the 手机号 column is masked."""
    import openpyxl

    source, target = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    source.write_bytes(figures_xlsx_bytes())
    report = scan_file(source)
    assert sorted(f.location for f in report.findings) == ["发放表!E2", "发放表!E3"]
    result = mask_file(source, target)
    assert result.clean, result.remaining
    before, after = _cells(source.read_bytes(), "xl/worksheets/sheet1.xml"), _cells(target.read_bytes(),
                                                                                   "xl/worksheets/sheet1.xml")
    for ref in ("B2", "C2", "D2", "B3", "C3", "D3", "F3", "B4", "C4"):
        assert after[ref] == before[ref], ref
    assert _cells(source.read_bytes(), "xl/worksheets/sheet2.xml") == _cells(target.read_bytes(),
                                                                              "xl/worksheets/sheet2.xml")
    sheet = openpyxl.load_workbook(target)["发放表"]
    assert [sheet["E2"].value, sheet["E3"].value] == ["139****5678", "136****5678"]  # a masked phone is text
    assert sheet["B2"].value == 13812345678 and isinstance(sheet["C2"].value, float)  # still numbers
