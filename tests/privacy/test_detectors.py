"""Detectors: each kind in the forms people type it, and the look-alikes that must stay quiet."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.privacy import Kind, PrivacyConfig, scan_text
from gongkai.privacy.checksums import id_check_char, luhn_ok, split_landline
from gongkai.privacy.detectors import Detector
from gongkai.privacy.scanning import iter_stream_findings

ID = "110105194912310038"  # valid: GB 11643-1999 MOD 11-2 check character 8
ID_X = "11010519491231002X"


def found(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(f.kind.value, f.text) for f in scan_text(text, **kwargs)]


def kinds(text: str) -> list[str]:
    return [f.kind.value for f in scan_text(text)]


# ---- checksums ----------------------------------------------------------------------------

@pytest.mark.parametrize(("first17", "check"), [
    ("11010519491231002", "X"),  # the standard's own example
    ("44030819800101123", "4"),
    ("43010219900101123", "8"),
])
def test_gb11643_check_character(first17, check):
    assert id_check_char(first17) == check


@pytest.mark.parametrize(("number", "ok"), [
    ("6228480402564890018", True), ("4111111111111111", True), ("79927398713", True),
    ("6228480402564890019", False), ("1234567890123456", False),
])
def test_luhn(number, ok):
    assert luhn_ok(number) is ok


def test_landline_split():
    assert split_landline("01062345678") == ("010", "62345678")
    assert split_landline("073184567890") == ("0731", "84567890")
    assert split_landline("07318456789") == ("0731", "8456789")
    assert split_landline("07310456789") is None  # local numbers never start with 0 or 1


# ---- positives ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    f"身份证号：{ID}。", f"身份证号{ID_X}", f"证件号码 {ID_X.lower()}", "４３０１０２１９９００１０１１２３８",
    "430102 19900101 1238", "430102-19900101-1238", "4301 0219 9001 0112 38", "430 102 1990 0101 1238",
    "ID:430102199001011238", "（430102199001011238）",
])
def test_id_card_forms(text):
    assert kinds(text) == ["id_card"]


def test_id_card_typo_and_first_generation():
    (typo,) = scan_text("身份证号：430102199001011239")
    assert typo.kind is Kind.ID_CARD and typo.confidence < 0.9 and "笔误" in typo.note
    (old,) = scan_text("身份证号：430102900101123")
    assert old.kind is Kind.ID_CARD and "15位" in old.note
    assert kinds("430102199013011238") == []  # month 13: not an ID at all


@pytest.mark.parametrize(("text", "value"), [
    ("手机13812345678", "13812345678"), ("138 1234 5678", "138 1234 5678"), ("138-1234-5678", "138-1234-5678"),
    ("+86 138 1234 5678", "+86 138 1234 5678"), ("+8613812345678", "+8613812345678"),
    ("0086 13812345678", "0086 13812345678"), ("（+86）13812345678", "13812345678"),
    ("１３８１２３４５６７８", "１３８１２３４５６７８"), ("138　1234　5678", "138　1234　5678"),
    ("电话：13812345678、13912345678", "13812345678"), ("Tel:13812345678", "13812345678"),
])
def test_mobile_forms(text, value):
    results = found(text)
    assert results[0] == ("mobile", value)
    assert all(kind == "mobile" for kind, _ in results)


@pytest.mark.parametrize("text", [
    "一卡通账号：6228480402564890018", "6228 4804 0256 4890 018", "卡号 6228-4804-0256-4890-018",
    "银行卡号：4367420004103858",  # Visa co-branded: reported under a label
    "存折号：1803012345678901",  # a passbook: no Luhn, its label says what it is
    "账号为 1803 0123 4567 8901",
])
def test_bank_account_forms(text):
    assert kinds(text) == ["bank_card"]


def test_account_column_of_a_table_labels_passbooks():
    table = ("序号,姓名,身份证号,存折账号,金额\n"
             "1,张三,430102199001011238,1803012345678901,1200.00\n"
             f"2,李四,{ID},2903 0123 4567 8912,800.00\n")
    assert found(table) == [("id_card", "430102199001011238"), ("bank_card", "1803012345678901"),
                            ("id_card", ID), ("bank_card", "2903 0123 4567 8912")]
    aligned = "序号  户主  一卡通账号  金额\n1  张三  1803012345678901  1200.00\n"
    assert found(aligned) == [("bank_card", "1803012345678901")]


def test_email_landline_address_markings():
    assert found("邮箱 Zhang.San@163.COM，或 12345@qq.com") == [("email", "Zhang.San@163.COM"), ("email", "12345@qq.com")]
    assert found("13812345678@139.com") == [("email", "13812345678@139.com")]
    assert found("联系电话：0731-84567890；(0731)84567891；座机 84567892") == [
        ("landline", "0731-84567890"), ("landline", "(0731)84567891"), ("landline", "84567892")]
    assert kinds("住址：长沙县星沙街道东升村3组12号") == ["address"]
    assert kinds("家住芙蓉区阳光小区3栋2单元501室") == ["address"]
    assert kinds("县政府位于人民路1号") == []  # an office address: no home label
    assert found("秘密★1年\n机密★\n内部资料\n注意保存") == [
        ("classified_marking", "秘密★1年"), ("classified_marking", "机密★"),
        ("classified_marking", "内部资料"), ("classified_marking", "注意保存")]
    assert kinds("本机关决定不予公开。涉及国家秘密的信息依法不予公开。") == []
    assert kinds("【不予公开】") == ["classified_marking"]


def test_landline_allow_list_and_sensitive_words():
    config = PrivacyConfig.build(allow_landlines=["0731-84567890"], words=["某某事件", "内部口径"])
    assert found("办公电话0731-84567890，值班电话0731-84567899", config=config) == [("landline", "0731-84567899")]
    assert found("关于某某事件的内部口径", config=config) == [
        ("sensitive_word", "某某事件"), ("sensitive_word", "内部口径")]


# ---- negatives ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "430102********1238", "4301**********1238", "4301021990****1238", "138****5678", "138 **** 5678",
    "6228 **** **** 0018", "***************0018",
    "统一社会信用代码：91430102MA4L12345X", "统一社会信用代码：124301020000012345",
    "文号：青政发〔2025〕12号", "索引号：113708280043326001/2024-02411",
    "金额：12345678.00元", "总金额13500000000元", "合计 1,234,567,890.12 元", "￥13812345678",
    "日期：2025-03-12 10:30:00", "20250312", "流水号：6228480402564890018", "订单号：13812345678",
    "交易流水号 202503120001234567", "项目编号：2025051803914606647", "发票代码：043002100111",
    "ISBN 978-7-123-45678-9", "服务热线：400-123-4567", "合同编号：HT-2025-0001234",
    "SN2025031213812345678", "（2025）湘0102民初1234号", "202503121234567890",
    "4367420004103858 （无标注的16位序列号）",
])
def test_look_alikes_are_not_reported(text):
    assert [k for k in kinds(text) if k in ("id_card", "mobile", "bank_card", "email")] == []


def test_numeric_credit_code_that_is_not_an_id():
    from gongkai.rules.identifiers import make_uscc

    code = make_uscc("12", "430102", "00001234")
    assert kinds(f"统一社会信用代码：{code}") == []


def test_kinds_can_be_limited_and_birth_dates_bounded():
    config = PrivacyConfig.build(kinds=[Kind.MOBILE])
    assert found(f"{ID} 13812345678", config=config) == [("mobile", "13812345678")]
    born_2026 = "430102202606011230"
    born_2026 = born_2026[:17] + id_check_char(born_2026[:17])
    assert kinds(born_2026) == ["id_card"]
    config = PrivacyConfig.build(today=dt.date(2026, 1, 1))
    assert kinds(born_2026) and not [f for f in scan_text(born_2026, config=config)]


def test_masked_field_and_offsets():
    text = "张三 13812345678"
    (finding,) = scan_text(text)
    assert text[finding.start:finding.end] == finding.text and finding.masked == "138****5678"


def test_numbers_across_chunk_borders_are_found_once():
    """Streamed in pieces of every size, a text gives the same findings as scanned whole."""
    body = "".join(f"第{i}户 身份证 {ID} 电话 138 1234 {i:04d} 存折账号：1803 0123 4567 {i:04d}\n" for i in range(40))
    whole = [(f.kind, f.text, f.start) for f in scan_text(body)]
    detector = Detector()
    for size in (7, 50, 333, 1000):
        chunks = [body[i:i + size] for i in range(0, len(body), size)]
        streamed = [(f.kind, f.text, f.start) for f in iter_stream_findings(chunks, detector)]
        assert streamed == whole


def test_account_word_after_the_number_and_ids_with_unknown_address_codes():
    assert found("补贴已存入1803012345678901存折") == [("bank_card", "1803012345678901")]
    assert found("1803012345678901元") == []
    first17 = "16010219900101123"  # 16: not a province code, but a real date and a right check
    (finding,) = scan_text(first17 + id_check_char(first17))
    assert finding.kind is Kind.ID_CARD and finding.confidence == 0.9
    assert kinds("160102199001011230" if id_check_char(first17) != "0" else "160102199001011231") == []


# ---- held-out review (2025): forms a county's files have that the first corpus lacked -------

@pytest.mark.parametrize(("text", "expected"), [
    # em and thin spaces (Word, PDF text layers) part a number's groups like plain spaces
    ("身份证号 110105\u200319491231\u20030038", [("id_card", "110105\u200319491231\u20030038")]),
    ("电话 138\u20091234\u20095678", [("mobile", "138\u20091234\u20095678")]),
    # groups typed with two spaces between them are one number, not cells of a text table
    ("卡号 6228  4804  0256  4890  018", [("bank_card", "6228  4804  0256  4890  018")]),
    ("手机 138  1234  5678", [("mobile", "138  1234  5678")]),
    ("６２２８　　４８０４　　０２５６　　４８９０　　０１８",
     [("bank_card", "６２２８　　４８０４　　０２５６　　４８９０　　０１８")]),
    ("序号  年龄  人数  面积\n1  65  1200  2025\n12  345  678  9012", []),
    # a CSV cell with Excel's leading tab still sits in its account column
    ("序号,姓名,存折号,金额\n1,张三,\t81019549025307816,1200\n", [("bank_card", "81019549025307816")]),
    ("序号,姓名,存折号,金额\n1,张三,'81019549025307816,1200\n", [("bank_card", "81019549025307816")]),
    # a label at the end of the line above speaks for a number that starts its line
    ("档案编号：\n18516469894", []),
    ("证书编号\n13520250615", []),
    ("一卡通账号：\n81019549025307816", [("bank_card", "81019549025307816")]),
    ("合计\n18516469894", [("mobile", "18516469894")]),
])
def test_heldout_forms(text, expected):
    assert found(text) == expected


def page_found(text: str) -> list[tuple[str, str]]:
    return [(f.kind.value, f.text) for f in Detector().scan(text, tabular=True, page=True)]


@pytest.mark.parametrize(("text", "expected"), [
    # a narrow PDF table cell wraps a number: joined when the whole passes its checksum
    ("公民身份号码 １１０１０５１９４９１２\n３１００３８ 张三", [("id_card", "１１０１０５１９４９１２\n３１００３８")]),
    ("1 张三 6228480402\n564890018 120.00", [("bank_card", "6228480402\n564890018")]),
    ("序号 金额\n12 3456789\n012345 99", []),
    ("1 张三 11010519491231\u2003 0038 1", [("id_card", "11010519491231\u2003 0038")]),
    # the header line of a PDF table names the account column its rows lost
    ("序号 姓名 身份证号 存折账号 金额\n1 张三 110105194912310038 81019549025307816 1200.00\n"
     "2 李四 38212725304595123711 800.00",
     [("id_card", ID), ("bank_card", "81019549025307816"), ("bank_card", "38212725304595123711")]),
    ("序号 姓名 身份证号 金额\n1 张三 110105194912310038 81019549025307816 1200.00", [("id_card", ID)]),
    ("序号 姓名 存折账号\n1 张三 流水号20250615123456789", []),
])
def test_pdf_page_text(text, expected):
    assert page_found(text) == expected


def test_page_mode_is_only_for_pages():
    assert found("公民身份号码 １１０１０５１９４９１２\n３１００３８ 张三") == []
    assert found("序号 姓名 存折账号\n1 张三 81019549025307816") == []


@pytest.mark.parametrize(("text", "expected"), [
    # a paragraph of a PDF wraps a mobile: at a separator of its 3-4-4 groups, or anywhere right
    # after a phone label (browsers break full-width digits)
    ("联系人：张三，手机：151-4136-\n3128。", [("mobile", "151-4136-\n3128")]),
    ("联系人：张三，手机：180\n8054 8696。", [("mobile", "180\n8054 8696")]),
    ("联系人：张三，手机：１５９０９６１７\n０７４。", [("mobile", "１５９０９６１７\n０７４")]),
    ("合计 13812\n345678 户", []),  # no label, no groups: two numbers
    # an ID's check character alone on the next line; a wrong one right after the ID label
    ("公民身份号码 11010519491231002\nX 张三", [("id_card", "11010519491231002\nX")]),
    ("当事人：张三，身份证号码：１１０１０５１９４９１２\n３１００３９，住址：", [("id_card", "１１０１０５１９４９１２\n３１００３９")]),
    ("当事人：张三，档案：１１０１０５１９４９１２\n３１００３９，住址：", []),
])
def test_pdf_page_wrapped_mobiles_and_check_characters(text, expected):
    assert page_found(text) == expected
