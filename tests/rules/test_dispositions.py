"""Closed vocabularies of 依申请公开 cases against annual-report table 三 (domain facts §2.4, §9.3)."""

import pytest

from gongkai.rules.dispositions import (
    LAPSE_DISPOSITIONS,
    REPORT_COLUMNS,
    REPORT_ROW_ORDER,
    ApplicantType,
    Disposition,
    DispositionGroup,
    ReceiptChannel,
    requires_review_first,
)

# Table 三 「三、本年度办理结果」 as printed in the 2021 template (domain facts §2.4), without （七）总计.
TEMPLATE_ROWS = [
    ("（一）予以公开", None),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("（三）不予公开", "1.属于国家秘密"),
    ("（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("（三）不予公开", "3.危及“三安全一稳定”"),
    ("（三）不予公开", "4.保护第三方合法权益"),
    ("（三）不予公开", "5.属于三类内部事务信息"),
    ("（三）不予公开", "6.属于四类过程性信息"),
    ("（三）不予公开", "7.属于行政执法案卷"),
    ("（三）不予公开", "8.属于行政查询事项"),
    ("（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("（四）无法提供", "2.没有现成信息需要另行制作"),
    ("（四）无法提供", "3.补正后申请内容仍不明确"),
    ("（五）不予处理", "1.信访举报投诉类申请"),
    ("（五）不予处理", "2.重复申请"),
    ("（五）不予处理", "3.要求提供公开出版物"),
    ("（五）不予处理", "4.无正当理由大量反复申请"),
    ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("（六）其他处理", "3.其他"),
]

CODES = [
    "disclosed", "partial",
    "withheld.state_secret", "withheld.law_prohibited", "withheld.three_security_one_stability",
    "withheld.third_party_rights", "withheld.internal_affairs", "withheld.process_info",
    "withheld.enforcement_file", "withheld.administrative_query",
    "unavailable.not_held", "unavailable.needs_creation", "unavailable.unclear_after_correction",
    "not_processed.petition_complaint", "not_processed.repeat", "not_processed.publication",
    "not_processed.excessive", "not_processed.confirm_or_reissue",
    "other.no_correction", "other.no_fee_payment", "other.other",
]


def test_codes_are_exactly_the_table_rows_in_template_order():
    assert [d.value for d in REPORT_ROW_ORDER] == CODES
    assert len(Disposition) == 21  # 22 data rows of 三 in 2021 minus （七）总计


@pytest.mark.parametrize(("disposition", "row"), list(zip(REPORT_ROW_ORDER, TEMPLATE_ROWS, strict=True)))
def test_labels_match_the_template(disposition, row):
    group_label, row_label = row
    assert disposition.group.label == group_label
    assert disposition.row_label == (row_label or group_label)


@pytest.mark.parametrize(
    ("disposition", "article"),
    [
        (Disposition.DISCLOSED, "第三十六条第（一）项、第（二）项"),
        (Disposition.PARTIAL, "第三十七条"),
        (Disposition.WITHHELD_STATE_SECRET, "第十四条"),
        (Disposition.WITHHELD_THREE_SECURITY_ONE_STABILITY, "第十四条"),
        (Disposition.WITHHELD_THIRD_PARTY_RIGHTS, "第十五条"),
        (Disposition.WITHHELD_INTERNAL_AFFAIRS, "第十六条第一款"),
        (Disposition.WITHHELD_PROCESS_INFO, "第十六条第二款"),
        (Disposition.WITHHELD_ENFORCEMENT_FILE, "第十六条第二款"),
        (Disposition.WITHHELD_ADMINISTRATIVE_QUERY, "第三十六条第（七）项"),
        (Disposition.UNAVAILABLE_NOT_HELD, "第三十六条第（四）项、第（五）项"),
        (Disposition.UNAVAILABLE_NEEDS_CREATION, "第三十八条"),
        (Disposition.UNAVAILABLE_UNCLEAR_AFTER_CORRECTION, "第三十条"),
        (Disposition.NOT_PROCESSED_PETITION_COMPLAINT, "第三十九条第一款"),
        (Disposition.NOT_PROCESSED_REPEAT, "第三十六条第（六）项"),
        (Disposition.NOT_PROCESSED_PUBLICATION, "第三十九条第二款"),
        (Disposition.NOT_PROCESSED_EXCESSIVE, "第三十五条"),
        (Disposition.OTHER_NO_CORRECTION, "第三十条"),
        (Disposition.OTHER_NO_FEE_PAYMENT, "国办函〔2020〕109号"),
    ],
)
def test_articles(disposition, article):
    assert article in disposition.article


def test_rows_without_an_article_in_the_regulation():
    assert Disposition.NOT_PROCESSED_CONFIRM_OR_REISSUE.article == ""  # only in the report format
    assert Disposition.OTHER_OTHER.article == ""


def test_review_first_for_refusals_and_partial_disclosure():
    review_first = {d for d in Disposition if requires_review_first(d)}
    assert review_first == {d for d in Disposition if d.group is DispositionGroup.WITHHELD} | {Disposition.PARTIAL}
    assert len(review_first) == 9
    assert not requires_review_first(Disposition.DISCLOSED)
    assert not requires_review_first(Disposition.UNAVAILABLE_NOT_HELD)
    assert not requires_review_first(Disposition.NOT_PROCESSED_REPEAT)


def test_lapse_dispositions():
    assert LAPSE_DISPOSITIONS == {Disposition.OTHER_NO_CORRECTION, Disposition.OTHER_NO_FEE_PAYMENT}


@pytest.mark.parametrize(
    ("applicant", "label", "group", "column"),
    [
        (ApplicantType.NATURAL_PERSON, "自然人", "自然人", 1),
        (ApplicantType.COMMERCIAL, "商业企业", "法人或其他组织", 2),
        (ApplicantType.RESEARCH, "科研机构", "法人或其他组织", 3),
        (ApplicantType.NONPROFIT, "社会公益组织", "法人或其他组织", 4),
        (ApplicantType.LEGAL_SERVICE, "法律服务机构", "法人或其他组织", 5),
        (ApplicantType.OTHER_ORG, "其他", "法人或其他组织", 6),
    ],
)
def test_applicant_types_and_their_columns(applicant, label, group, column):
    assert (applicant.label, applicant.column_group, applicant.column) == (label, group, column)
    assert REPORT_COLUMNS[column - 1] == label


def test_report_columns():
    assert REPORT_COLUMNS == ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


@pytest.mark.parametrize(
    ("channel", "needs_confirmation"),
    [
        (ReceiptChannel.IN_PERSON, False),
        (ReceiptChannel.LETTER_SIGNED, False),
        (ReceiptChannel.LETTER, True),
        (ReceiptChannel.ONLINE, True),
        (ReceiptChannel.FAX, True),
    ],
)
def test_receipt_channels(channel, needs_confirmation):
    assert channel.needs_confirmation is needs_confirmation
    assert channel.label


def test_every_label_is_distinct():
    for enum in (Disposition, ApplicantType, ReceiptChannel, DispositionGroup):
        labels = [m.row_label if enum is Disposition else m.label for m in enum]
        assert len(set(labels)) == len(labels)
