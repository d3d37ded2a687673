"""The wording of 依申请公开 letters (rules.reply_letters): articles, reasons, remedies, per disposition."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongkai.rules.dispositions import Disposition
from gongkai.rules.reply_letters import (
    CaseFacts,
    LetterFactsError,
    ReplyFacts,
    chinese_date,
    consultation_text,
    correction_notice,
    correction_text,
    default_letter_prefix,
    extension_text,
    fee_text,
    receipt_text,
    reply_text,
    reviewing_body,
)

D = dt.date
T = "《中华人民共和国政府信息公开条例》"
FACTS = CaseFacts(issuer="青山县农业农村局", issuer_is_county_government=False, county_government="青山县人民政府",
                  addressee="张三", received_on=D(2026, 3, 2), channel="当面提交", subject="2025年耕地地力保护补贴发放名单",
                  case_number="2026-7KQ9M2XD", query_code="2026-7KQ9M2XD", due_on=D(2026, 3, 30))
COUNTY_FACTS = CaseFacts(**{**FACTS.__dict__, "issuer": "青山县人民政府", "issuer_is_county_government": True})

# Written out independently of dispositions.py: (code, title ends with, articles that must be cited, review first)
REPLIES = [
    ("disclosed", "答复书", ["第三十六条第（二）项"], False),
    ("partial", "答复书", ["第三十七条", "第三十六条第（三）项"], True),
    ("withheld.state_secret", "答复书", ["第十四条", "第三十六条第（三）项"], True),
    ("withheld.law_prohibited", "答复书", ["第十四条", "第三十六条第（三）项"], True),
    ("withheld.three_security_one_stability", "答复书", ["第十四条", "第三十六条第（三）项"], True),
    ("withheld.third_party_rights", "答复书", ["第十五条", "第三十六条第（三）项"], True),
    ("withheld.internal_affairs", "答复书", ["第十六条第一款", "第三十六条第（三）项"], True),
    ("withheld.process_info", "答复书", ["第十六条第二款", "第三十六条第（三）项"], True),
    ("withheld.enforcement_file", "答复书", ["第十六条第二款", "第三十六条第（三）项"], True),
    ("withheld.administrative_query", "告知书", ["第三十六条第（七）项"], True),
    ("unavailable.not_held", "告知书", ["第三十六条第（四）项", "第（五）项"], False),
    ("unavailable.needs_creation", "告知书", ["第三十八条"], False),
    ("unavailable.unclear_after_correction", "告知书", ["第三十条"], False),
    ("not_processed.petition_complaint", "告知书", ["第三十九条第一款"], False),
    ("not_processed.repeat", "告知书", ["第三十六条第（六）项"], False),
    ("not_processed.publication", "告知书", ["第三十九条第二款"], False),
    ("not_processed.excessive", "告知书", ["第三十五条"], False),
    ("not_processed.confirm_or_reissue", "告知书", [], False),
    ("other.no_correction", "告知书", ["第三十条"], False),
    ("other.no_fee_payment", "告知书", ["第四十二条", "国办函〔2020〕109号"], False),
    ("other.other", "告知书", [], False),
]


def test_the_table_covers_every_disposition():
    assert [code for code, *_ in REPLIES] == [d.value for d in Disposition]


@pytest.mark.parametrize(("code", "title_end", "articles", "review_first"), REPLIES)
def test_reply_per_disposition(code, title_end, articles, review_first):
    text = reply_text(FACTS, Disposition(code), ReplyFacts(reason="该名单含有个人身份证号码等信息。"))
    assert text.title == f"青山县农业农村局政府信息公开申请{title_end}"
    body = "".join(text.paragraphs)
    assert "2026年3月2日" in body and "当面提交" in body and "2025年耕地地力保护补贴发放名单" in body
    for article in articles:
        assert article in body, (code, article)
    if not articles:
        assert T not in body.split("编号")[1]  # no article claimed where the 条例 has none
    # Remedies: 60 days to the county government, and either review first or the 6-month suit.
    assert "六十日内向青山县人民政府申请行政复议" in text.remedy
    if review_first:
        assert "应当先申请行政复议" in text.remedy and "第二十三条第一款第（四）项" in text.remedy
        assert "六个月" not in text.remedy
    else:
        assert "六个月内依法向人民法院提起行政诉讼" in text.remedy and "先申请行政复议" not in text.remedy


@pytest.mark.parametrize("code", ["withheld.state_secret", "withheld.third_party_rights", "withheld.process_info"])
def test_refusals_give_the_ground_and_the_case_reason(code):
    text = reply_text(FACTS, Disposition(code), ReplyFacts(reason="系县委常委会讨论稿。"))
    assert "不予公开" in text.paragraphs[1] and "具体理由：系县委常委会讨论稿。" in text.paragraphs[1]
    assert any("第十八条" in p for p in text.paragraphs)  # withheld information is re-assessed


@pytest.mark.parametrize(("code", "message"), [("partial", "不予公开部分的具体理由"), ("other.other", "处理情况和理由")])
def test_missing_reason_is_refused(code, message):
    with pytest.raises(LetterFactsError, match=message):
        reply_text(FACTS, Disposition(code))


def test_not_held_names_the_competent_agency():
    text = reply_text(FACTS, Disposition.UNAVAILABLE_NOT_HELD, ReplyFacts(competent_agency="青山县财政局，0797-5221106"))
    assert "负责公开机关为：青山县财政局，0797-5221106" in text.paragraphs[1]


def test_already_public_information_says_where():
    text = reply_text(FACTS, Disposition.DISCLOSED, ReplyFacts(where_published="本县门户网站法定主动公开内容栏目"))
    assert "第三十六条第（一）项" in text.paragraphs[1] and "法定主动公开内容栏目" in text.paragraphs[1]


@pytest.mark.parametrize(("facts", "body"), [(FACTS, "青山县人民政府"), (COUNTY_FACTS, "上一级人民政府")])
def test_reviewing_body(facts, body):
    assert reviewing_body(facts) == body  # 行政复议法 2023 Art. 24


@pytest.mark.parametrize(("day", "text"), [(D(2026, 3, 5), "2026年3月5日"), (D(2026, 12, 31), "2026年12月31日"),
                                           (D(2027, 1, 1), "2027年1月1日")])
def test_chinese_date(day, text):
    assert chinese_date(day) == text


@pytest.mark.parametrize(("short", "name", "prefix"), [("县农业农村局", "青山县农业农村局", "县农业农村局公开"),
                                                      ("", "青山县教育局", "青山县教育局公开"),
                                                      ("县·民政局", "x", "县民政局公开")])
def test_default_prefix(short, name, prefix):
    assert default_letter_prefix(short, name) == prefix


def test_procedural_letters():
    receipt = receipt_text(FACTS)
    assert "第三十一条" in receipt.paragraphs[1] and "2026年3月30日前" in receipt.paragraphs[1]
    assert "2026-7KQ9M2XD" in receipt.paragraphs[2] and receipt.remedy == ""
    corr = correction_text(FACTS, "请写明补贴年度和所在村组。", D(2026, 3, 20))
    assert "第三十条" in corr.paragraphs[1] and "2026年3月20日前" in corr.paragraphs[2] and "视为放弃申请" in corr.paragraphs[2]
    with pytest.raises(LetterFactsError):
        correction_text(FACTS, " ", D(2026, 3, 20))
    ext = extension_text(FACTS, 20, D(2026, 4, 28))
    assert "第三十三条第二款" in ext.paragraphs[1] and "延长20个工作日" in ext.paragraphs[1]
    with pytest.raises(LetterFactsError):
        extension_text(FACTS, 21, None)
    third = consultation_text(FACTS, "青山县某农资公司", False, D(2026, 3, 5))
    assert third.addressee == "青山县某农资公司" and "第三十二条" in third.paragraphs[1]
    assert "张三" not in "".join(third.paragraphs)  # the applicant is not named to the third party
    co = consultation_text(FACTS, "青山县财政局", True, D(2026, 3, 5))
    assert "第三十四条" in co.paragraphs[1] and "视为同意公开" in co.paragraphs[1]
    fee = fee_text(FACTS, Decimal("3000"), "按件计收")
    assert "人民币3000.00元" in fee.paragraphs[1] and "第四十二条" in fee.paragraphs[1]
    assert "次日起20个工作日内" in fee.paragraphs[2]
    with pytest.raises(LetterFactsError):
        fee_text(FACTS, Decimal("0"), "")


def test_correction_notice():
    assert correction_notice("县农业农村局公开〔2026〕3号", D(2026, 3, 5)) == (
        "本文书更正本机关2026年3月5日作出的县农业农村局公开〔2026〕3号，原文书同时作废。")
