"""Closed vocabularies of 依申请公开 cases: dispositions, applicant types, receipt channels.

Every disposition is exactly one data row of annual-report table 三 (2021 layout, 国办公开办函
〔2021〕30号 format; domain facts §2.4), in the template's order, with the template's label and the
article of the 政府信息公开条例 (2019) it rests on (domain facts §1.4, §1.5). The canonical codes are
English identifiers; the Chinese labels are reproduced character for character, including the
curly quotes of 危及“三安全一稳定” and the parenthetical of （二）部分公开.

Decisions on ambiguous points (domain facts mark these INFERRED or UNCONFIRMED):

- ``not_held`` (本机关不掌握相关政府信息) also covers 条例 Art. 36(五) "not this agency's
  responsibility" (facts §1.4 R6, INFERRED mapping); ``administrative_query`` rests on Art. 36(七)
  (facts R10, INFERRED from the label).
- ``disclosed`` covers both Art. 36(一) (already proactively disclosed, UNCONFIRMED mapping, common
  practice) and Art. 36(二).
- ``not_processed.confirm_or_reissue`` has no article in the 条例: it exists only in the report
  format (facts R14), so its ``article`` is empty.
- ``other.no_fee_payment`` rests on 条例 Art. 42 and 国办函〔2020〕109号 (facts §3.4); the article of
  the 办法 that says "视为放弃申请" was not visible, so the 办法 is cited without an article number.
- Withdrawal by the applicant is counted under ``other.other`` (facts R17 "Other (e.g. withdrawn)").
- 复议前置 (行政复议法 2023 Art. 23 ¶1(四), "申请政府信息公开，行政机关不予公开"; facts §9.3): the eight
  （三）不予公开 rows and （二）部分公开 (its withheld part is a refusal to disclose) require review
  first. Telling an applicant to seek review first when a court might have accepted a direct suit
  costs them nothing (a suit remains possible after review, 行政诉讼法 Art. 45); omitting the notice
  where it is required breaches Art. 23 ¶2. The 无法提供, 不予处理 and 其他处理 rows are not refusals to
  disclose and keep the choice between review and suit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

REGULATION = "《中华人民共和国政府信息公开条例》"
FEE_MEASURES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
REVIEW_LAW = "《中华人民共和国行政复议法》（2023年修订）"

REVIEW_PERIOD_DAYS = 60  # 行政复议法 2023 Art. 20: 60 days from knowing of the act
LITIGATION_PERIOD_MONTHS = 6  # 行政诉讼法 Art. 46: 6 months from knowing of the act


class DispositionGroup(StrEnum):
    """The level-2 rows of table 三 「三、本年度办理结果」, in template order."""

    DISCLOSED = "disclosed"
    PARTIAL = "partial"
    WITHHELD = "withheld"
    UNAVAILABLE = "unavailable"
    NOT_PROCESSED = "not_processed"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    DispositionGroup.DISCLOSED: "（一）予以公开",
    DispositionGroup.PARTIAL: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    DispositionGroup.WITHHELD: "（三）不予公开",
    DispositionGroup.UNAVAILABLE: "（四）无法提供",
    DispositionGroup.NOT_PROCESSED: "（五）不予处理",
    DispositionGroup.OTHER: "（六）其他处理",
}


class Disposition(StrEnum):
    """How a case ended: one data row of table 三. Member order is the template's row order."""

    DISCLOSED = "disclosed"
    PARTIAL = "partial"
    WITHHELD_STATE_SECRET = "withheld.state_secret"
    WITHHELD_LAW_PROHIBITED = "withheld.law_prohibited"
    WITHHELD_THREE_SECURITY_ONE_STABILITY = "withheld.three_security_one_stability"
    WITHHELD_THIRD_PARTY_RIGHTS = "withheld.third_party_rights"
    WITHHELD_INTERNAL_AFFAIRS = "withheld.internal_affairs"
    WITHHELD_PROCESS_INFO = "withheld.process_info"
    WITHHELD_ENFORCEMENT_FILE = "withheld.enforcement_file"
    WITHHELD_ADMINISTRATIVE_QUERY = "withheld.administrative_query"
    UNAVAILABLE_NOT_HELD = "unavailable.not_held"
    UNAVAILABLE_NEEDS_CREATION = "unavailable.needs_creation"
    UNAVAILABLE_UNCLEAR_AFTER_CORRECTION = "unavailable.unclear_after_correction"
    NOT_PROCESSED_PETITION_COMPLAINT = "not_processed.petition_complaint"
    NOT_PROCESSED_REPEAT = "not_processed.repeat"
    NOT_PROCESSED_PUBLICATION = "not_processed.publication"
    NOT_PROCESSED_EXCESSIVE = "not_processed.excessive"
    NOT_PROCESSED_CONFIRM_OR_REISSUE = "not_processed.confirm_or_reissue"
    OTHER_NO_CORRECTION = "other.no_correction"
    OTHER_NO_FEE_PAYMENT = "other.no_fee_payment"
    OTHER_OTHER = "other.other"

    @property
    def group(self) -> DispositionGroup:
        return DispositionGroup(self.value.split(".")[0])

    @property
    def label(self) -> str:
        """The row's own wording without its number, e.g. 属于国家秘密, 部分公开."""
        return _ROWS[self].label

    @property
    def row_label(self) -> str:
        """The row label exactly as printed in table 三, e.g. 1.属于国家秘密, （一）予以公开."""
        number = _ROWS[self].number
        return self.group.label if number == 0 else f"{number}.{self.label}"

    @property
    def article(self) -> str:
        """The legal provision the disposition rests on ("" where the 条例 has none)."""
        return _ROWS[self].article


@dataclass(frozen=True)
class _Row:
    number: int  # the level-3 number within its group; 0 for the single-row groups (一)(二)
    label: str
    article: str


_ROWS: dict[Disposition, _Row] = {
    Disposition.DISCLOSED: _Row(0, "予以公开", f"{REGULATION}第三十六条第（一）项、第（二）项"),
    Disposition.PARTIAL: _Row(0, "部分公开", f"{REGULATION}第三十七条"),
    Disposition.WITHHELD_STATE_SECRET: _Row(1, "属于国家秘密", f"{REGULATION}第十四条"),
    Disposition.WITHHELD_LAW_PROHIBITED: _Row(2, "其他法律行政法规禁止公开", f"{REGULATION}第十四条"),
    Disposition.WITHHELD_THREE_SECURITY_ONE_STABILITY: _Row(3, "危及“三安全一稳定”", f"{REGULATION}第十四条"),
    Disposition.WITHHELD_THIRD_PARTY_RIGHTS: _Row(4, "保护第三方合法权益", f"{REGULATION}第十五条"),
    Disposition.WITHHELD_INTERNAL_AFFAIRS: _Row(5, "属于三类内部事务信息", f"{REGULATION}第十六条第一款"),
    Disposition.WITHHELD_PROCESS_INFO: _Row(6, "属于四类过程性信息", f"{REGULATION}第十六条第二款"),
    Disposition.WITHHELD_ENFORCEMENT_FILE: _Row(7, "属于行政执法案卷", f"{REGULATION}第十六条第二款"),
    Disposition.WITHHELD_ADMINISTRATIVE_QUERY: _Row(8, "属于行政查询事项", f"{REGULATION}第三十六条第（七）项"),
    Disposition.UNAVAILABLE_NOT_HELD: _Row(1, "本机关不掌握相关政府信息", f"{REGULATION}第三十六条第（四）项、第（五）项"),
    Disposition.UNAVAILABLE_NEEDS_CREATION: _Row(2, "没有现成信息需要另行制作", f"{REGULATION}第三十八条"),
    Disposition.UNAVAILABLE_UNCLEAR_AFTER_CORRECTION: _Row(3, "补正后申请内容仍不明确", f"{REGULATION}第三十条"),
    Disposition.NOT_PROCESSED_PETITION_COMPLAINT: _Row(1, "信访举报投诉类申请", f"{REGULATION}第三十九条第一款"),
    Disposition.NOT_PROCESSED_REPEAT: _Row(2, "重复申请", f"{REGULATION}第三十六条第（六）项"),
    Disposition.NOT_PROCESSED_PUBLICATION: _Row(3, "要求提供公开出版物", f"{REGULATION}第三十九条第二款"),
    Disposition.NOT_PROCESSED_EXCESSIVE: _Row(4, "无正当理由大量反复申请", f"{REGULATION}第三十五条"),
    Disposition.NOT_PROCESSED_CONFIRM_OR_REISSUE: _Row(5, "要求行政机关确认或重新出具已获取信息", ""),
    Disposition.OTHER_NO_CORRECTION: _Row(
        1, "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", f"{REGULATION}第三十条"),
    Disposition.OTHER_NO_FEE_PAYMENT: _Row(
        2, "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        f"{REGULATION}第四十二条；{FEE_MEASURES}"),
    Disposition.OTHER_OTHER: _Row(3, "其他", ""),
}

#: Table 三 「三、本年度办理结果」 data rows in template order (the （七）总计 row is a sum, not a row here).
REPORT_ROW_ORDER: tuple[Disposition, ...] = tuple(Disposition)

#: Dispositions reached only when the applicant lets a period lapse (case_flow lapse transitions).
LAPSE_DISPOSITIONS = frozenset({Disposition.OTHER_NO_CORRECTION, Disposition.OTHER_NO_FEE_PAYMENT})

#: "申请政府信息公开，行政机关不予公开" (行政复议法 2023 Art. 23 ¶1(四)): see the module docstring.
REVIEW_FIRST_DISPOSITIONS = frozenset(
    {d for d in Disposition if d.group is DispositionGroup.WITHHELD} | {Disposition.PARTIAL}
)
REVIEW_FIRST_BASIS = f"{REVIEW_LAW}第二十三条"


def requires_review_first(disposition: Disposition) -> bool:
    """Whether the reply must tell the applicant to apply for 行政复议 before suing (复议前置).

    行政复议法 2023 Art. 23 ¶1(四) (review first when an agency refuses to disclose on application) and
    ¶2 (the agency must say so in its decision); 条例 Art. 36(三), Art. 37. True for the （三）不予公开
    rows and for （二）部分公开; see the module docstring for why 部分公开 is included.
    """
    return disposition in REVIEW_FIRST_DISPOSITIONS


class ApplicantType(StrEnum):
    """申请人情况: the applicant columns of table 三 (domain facts §2.4), in column order."""

    NATURAL_PERSON = "natural_person"
    COMMERCIAL = "commercial"
    RESEARCH = "research"
    NONPROFIT = "nonprofit"
    LEGAL_SERVICE = "legal_service"
    OTHER_ORG = "other_org"

    @property
    def label(self) -> str:
        """The column header in table 三, e.g. 商业企业."""
        return _APPLICANT_LABELS[self]

    @property
    def column_group(self) -> str:
        """The header above the column: 自然人 stands alone, the others sit under 法人或其他组织."""
        return "自然人" if self is ApplicantType.NATURAL_PERSON else "法人或其他组织"

    @property
    def column(self) -> int:
        """1-based position among table 三's seven numeric columns (7 is 总计)."""
        return list(ApplicantType).index(self) + 1


_APPLICANT_LABELS = {
    ApplicantType.NATURAL_PERSON: "自然人",
    ApplicantType.COMMERCIAL: "商业企业",
    ApplicantType.RESEARCH: "科研机构",
    ApplicantType.NONPROFIT: "社会公益组织",
    ApplicantType.LEGAL_SERVICE: "法律服务机构",
    ApplicantType.OTHER_ORG: "其他",
}

#: The seven numeric columns of table 三, in order.
REPORT_COLUMNS: tuple[str, ...] = (*(t.label for t in ApplicantType), "总计")


class ReceiptChannel(StrEnum):
    """How an application reached the agency; decides its receipt date (条例 Art. 31, facts §1.2)."""

    ONLINE = "online"
    IN_PERSON = "in_person"
    LETTER_SIGNED = "letter_signed"
    LETTER = "letter"
    FAX = "fax"

    @property
    def label(self) -> str:
        return _CHANNEL_LABELS[self]

    @property
    def needs_confirmation(self) -> bool:
        """True when the receipt date is a day of confirmation with the applicant (Art. 31(三)(四))."""
        return self in (ReceiptChannel.LETTER, ReceiptChannel.ONLINE, ReceiptChannel.FAX)


_CHANNEL_LABELS = {
    ReceiptChannel.ONLINE: "互联网渠道",
    ReceiptChannel.IN_PERSON: "当面提交",
    ReceiptChannel.LETTER_SIGNED: "邮寄（需签收）",
    ReceiptChannel.LETTER: "平常信函（无需签收）",
    ReceiptChannel.FAX: "传真",
}
