"""The wording of 依申请公开 letters: which articles, which reasons, which remedies (pure, no Django).

The letters of a case (domain facts §9.2, the 宿迁 procedural set): 登记回执, 补正告知书, 延期答复告知书,
征求意见书 (to a third party or a co-producing agency), 收费通知书, and the 答复书 / 告知书 for every
disposition of ``rules.dispositions.Disposition``. Each ``*_text`` function returns a
:class:`LetterText` (title, body paragraphs, the provisions cited, the remedies paragraph) that the
service layer puts into the office's DOCX template.

Sources and decisions:

- 条例 (2019) Art. 14/15/16 (grounds for not disclosing), Art. 30 (补正), Art. 32/34 (consultation,
  15 working days), Art. 33 (20 + 20 working days), Art. 35–39 (reply types), Art. 42 (fees);
  国办函〔2020〕109号 (fee notice, 20 working days to pay).
- A refusal to disclose cites Art. 36(三) (tell the applicant and give reasons) together with its
  ground (Art. 14, 15 or 16); the ground's wording is the table 三 row (domain facts §1.5).
- Remedies (行政复议法 2023, domain facts §9.3): 60 days to apply for review (Art. 20), 6 months
  to sue directly (行政诉讼法 Art. 46), 15 days to sue after review (行政诉讼法 Art. 45). Review
  comes first (复议前置, Art. 23 ¶1(四)) for every disposition in
  ``dispositions.REVIEW_FIRST_DISPOSITIONS`` (the （三）不予公开 rows and （二）部分公开), and the letter
  must say so (Art. 23 ¶2). The reviewing body is the county people's government for its
  departments and for townships (Art. 24); for the county government itself it is the people's
  government one level up (Art. 24 ¶1(一)), named generically because the platform does not hold it.
  Vertically managed bodies (Art. 27) are not modelled.
- ``not_processed.confirm_or_reissue`` has no article in the 条例 (dispositions.py): its letter
  gives the reason without citing one. ``other.other`` (e.g. a withdrawal) needs the handler's
  reason.
- 成文日期 is written with Arabic numerals, the year in full, month and day without leading zeros
  (GB/T 9704-2012 §7.3.5.1: 2026年3月5日).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from gongkai.rules.dispositions import (
    FEE_MEASURES,
    REGULATION,
    REVIEW_LAW,
    Disposition,
    DispositionGroup,
    requires_review_first,
)

LITIGATION_LAW = "《中华人民共和国行政诉讼法》"
SHORT = REGULATION  # always in full: a letter's paragraphs are placed by the office's template


class LetterFactsError(ValueError):
    """A letter cannot be written from the facts given; the message is fit to show a user."""


class LetterKind(StrEnum):
    RECEIPT = "receipt"
    CORRECTION = "correction"
    EXTENSION = "extension"
    CONSULTATION = "consultation"
    FEE = "fee"
    REPLY = "reply"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    LetterKind.RECEIPT: "登记回执",
    LetterKind.CORRECTION: "补正告知书",
    LetterKind.EXTENSION: "延期答复告知书",
    LetterKind.CONSULTATION: "征求意见书",
    LetterKind.FEE: "收费通知书",
    LetterKind.REPLY: "答复书（告知书）",
}


def chinese_date(day: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 §7.3.5.1 writes it: ``2026年3月5日`` (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def default_letter_prefix(short_name: str, name: str) -> str:
    """A starting 发文机关代字 for a body's letters (the office sets the real one): its short name
    without punctuation, followed by 公开 (e.g. 县农业农村局公开). GB/T 9704-2012 §7.2.4."""
    base = "".join(ch for ch in (short_name or name) if ch.isalnum())[:16]
    return f"{base}公开"


@dataclass(frozen=True)
class CaseFacts:
    """What every letter about a case may say."""

    issuer: str  # the body answering (受理机关)
    issuer_is_county_government: bool
    county_government: str  # e.g. 青山县人民政府
    addressee: str  # the applicant's name or organisation
    received_on: dt.date
    channel: str  # ReceiptChannel label
    subject: str
    case_number: str
    query_code: str
    due_on: dt.date | None = None


@dataclass(frozen=True)
class LetterText:
    title: str
    paragraphs: tuple[str, ...]
    citations: tuple[str, ...] = ()
    remedy: str = ""
    addressee: str = ""
    extra: dict = field(default_factory=dict)


def reviewing_body(facts: CaseFacts) -> str:
    """The 行政复议机关 (行政复议法 2023 Art. 24): the county government for its departments and
    townships; the people's government one level up for the county government itself."""
    if facts.issuer_is_county_government:
        return "上一级人民政府"
    return facts.county_government


def remedy_text(disposition: Disposition | None, facts: CaseFacts, document: str = "本答复") -> str:
    """The remedies paragraph (行政复议法 2023 Art. 20, 23, 24; 行政诉讼法 Art. 45, 46)."""
    body = reviewing_body(facts)
    if disposition is not None and requires_review_first(disposition):
        return (f"如对{document}不服，可以自收到{document}之日起六十日内向{body}申请行政复议；"
                f"对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内依法向人民法院提起行政诉讼。"
                f"依照{REVIEW_LAW}第二十三条第一款第（四）项的规定，对不予公开政府信息的决定，"
                f"应当先申请行政复议，对行政复议决定不服的，再依法提起行政诉讼。")
    return (f"如对{document}不服，可以自收到{document}之日起六十日内向{body}申请行政复议，"
            f"也可以自收到{document}之日起六个月内依法向人民法院提起行政诉讼。")


def _recital(facts: CaseFacts) -> str:
    return (f"本机关于{chinese_date(facts.received_on)}收到您提出的政府信息公开申请（申请方式：{facts.channel}；"
            f"编号：{facts.case_number}），申请获取“{facts.subject}”。")


def receipt_text(facts: CaseFacts) -> LetterText:
    """登记回执: the receipt date (条例 Art. 31) and the reply period (Art. 33 ¶2)."""
    due = (f"本机关将在收到申请之日起20个工作日内（即{chinese_date(facts.due_on)}前）予以答复"
           if facts.due_on else "本机关将在收到申请之日起20个工作日内予以答复")
    return LetterText(
        title=f"{facts.issuer}政府信息公开申请登记回执",
        addressee=facts.addressee,
        paragraphs=(
            _recital(facts),
            f"根据{REGULATION}第三十一条的规定，本机关收到申请之日为{chinese_date(facts.received_on)}。"
            f"根据{SHORT}第三十三条第二款的规定，{due}；需要延长答复期限的，将另行告知。",
            f"您可以凭查询码 {facts.query_code} 和证件号码或联系电话的后4位，在本县政府门户网站"
            f"“依申请公开”栏目查询办理进度。",
        ),
        citations=(f"{REGULATION}第三十一条", f"{REGULATION}第三十三条第二款"),
    )


def correction_text(facts: CaseFacts, items: str, period_end: dt.date) -> LetterText:
    """补正告知书 (条例 Art. 30): what to correct, once, and the reasonable period to do it."""
    items = items.strip()
    if not items:
        raise LetterFactsError("请填写需要补正的事项")
    return LetterText(
        title=f"{facts.issuer}政府信息公开申请补正告知书",
        addressee=facts.addressee,
        paragraphs=(
            _recital(facts),
            f"经审查，您的申请内容不明确。根据{REGULATION}第三十条的规定，请您对以下事项作出补正：{items}",
            f"请于{chinese_date(period_end)}前向本机关提交补正后的申请。答复期限自本机关收到补正的申请之日起计算。"
            f"无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
        ),
        citations=(f"{REGULATION}第三十条",),
    )


def extension_text(facts: CaseFacts, workdays: int, new_due: dt.date | None) -> LetterText:
    """延期答复告知书 (条例 Art. 33 ¶2): consent of the head of the 公开工作机构, at most 20 more days."""
    if not 1 <= workdays <= 20:
        raise LetterFactsError("延长的期限应为1至20个工作日")
    until = f"，即于{chinese_date(new_due)}前答复" if new_due else ""
    return LetterText(
        title=f"{facts.issuer}政府信息公开申请延期答复告知书",
        addressee=facts.addressee,
        paragraphs=(
            _recital(facts),
            f"因您申请的政府信息需要进一步查找、核实，本机关不能在法定期限内作出答复。根据{REGULATION}"
            f"第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，答复期限延长{workdays}个工作日{until}。",
        ),
        citations=(f"{REGULATION}第三十三条第二款",),
    )


def consultation_text(facts: CaseFacts, party: str, co_producer: bool, letter_on: dt.date) -> LetterText:
    """征求意见书: to a third party (条例 Art. 32: 15 working days; no answer → the agency decides)
    or to a co-producing agency (Art. 34: 15 working days; silence is consent to disclose). The
    applicant's identity is not disclosed to the consulted party."""
    party = party.strip()
    if not party:
        raise LetterFactsError("请填写被征求意见的第三方或共同制作机关名称")
    if co_producer:
        article = f"{REGULATION}第三十四条"
        ask = (f"该政府信息由贵机关与本机关共同制作。根据{article}的规定，现征求贵机关意见，请自收到本征求意见书之日起"
               f"15个工作日内书面提出意见；逾期未提出意见的，视为同意公开。")
    else:
        article = f"{REGULATION}第三十二条"
        ask = (f"本机关认为该政府信息的公开可能损害贵方合法权益。根据{article}的规定，现书面征求贵方意见，"
               f"请自收到本征求意见书之日起15个工作日内书面提出意见；逾期未提出意见的，本机关将依照{SHORT}的规定决定是否公开。"
               f"贵方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，"
               f"可以决定予以公开，并将决定公开的政府信息内容和理由书面告知贵方。")
    return LetterText(
        title=f"{facts.issuer}政府信息公开申请征求意见书",
        addressee=party,
        paragraphs=(
            f"本机关于{chinese_date(facts.received_on)}收到一份政府信息公开申请（编号：{facts.case_number}），"
            f"申请获取“{facts.subject}”。",
            ask,
            f"根据{REGULATION}第三十三条第三款的规定，征求意见所需时间不计算在答复期限内。",
        ),
        citations=(article, f"{REGULATION}第三十三条第三款"),
        extra={"letter_on": letter_on},
    )


def fee_text(facts: CaseFacts, amount: Decimal, basis: str, payment: str = "") -> LetterText:
    """收费通知书 (条例 Art. 42; 国办函〔2020〕109号): basis, standard, amount and how to pay; the
    applicant pays within 20 working days from the day after receiving the notice, or the
    application counts as abandoned (domain facts §3.4)."""
    if amount <= 0:
        raise LetterFactsError("收费金额应大于0")
    how = payment.strip() or "按本通知所附缴款方式缴纳"
    return LetterText(
        title=f"{facts.issuer}政府信息公开信息处理费收费通知书",
        addressee=facts.addressee,
        paragraphs=(
            _recital(facts),
            f"您申请公开政府信息的数量、频次明显超过合理范围。根据{REGULATION}第四十二条和{FEE_MEASURES}的规定，"
            f"本机关依法收取信息处理费。计收方式及标准：{basis.strip() or '按件计收'}；应缴金额：人民币{amount:.2f}元。",
            f"请您自收到本通知书次日起20个工作日内{how}。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。",
        ),
        citations=(f"{REGULATION}第四十二条", FEE_MEASURES),
    )


# --- Replies: one row per disposition --------------------------------------------------------------


@dataclass(frozen=True)
class _Reply:
    kind: str  # 答复书 | 告知书
    citations: tuple[str, ...]
    decision: str  # may use {subject} {reason} {competent} {route} {where}


R = REGULATION
_WITHHELD = f"{R}第三十六条第（三）项"

_REPLIES: dict[Disposition, _Reply] = {
    Disposition.DISCLOSED: _Reply("答复书", (f"{R}第三十六条第（二）项",),
        "经审查，您申请获取的政府信息属于公开范围。根据{r}第三十六条第（二）项的规定，本机关予以公开，"
        "现按您要求的形式提供（见附件）{where}。"),
    Disposition.PARTIAL: _Reply("答复书", (f"{R}第三十七条", _WITHHELD),
        "经审查，您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。根据{r}第三十七条的规定，"
        "本机关向您提供可以公开的部分（见附件）；对不予公开的部分，根据{s}第三十六条第（三）项的规定说明理由如下：{reason_raw}"),
    Disposition.WITHHELD_STATE_SECRET: _Reply("答复书", (f"{R}第十四条", _WITHHELD),
        "经审查，您申请获取的政府信息属于依法确定的国家秘密。根据{r}第十四条、第三十六条第（三）项的规定，本机关不予公开。{reason}"),
    Disposition.WITHHELD_LAW_PROHIBITED: _Reply("答复书", (f"{R}第十四条", _WITHHELD),
        "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的政府信息。根据{r}第十四条、第三十六条第（三）项的规定，"
        "本机关不予公开。{reason}"),
    Disposition.WITHHELD_THREE_SECURITY_ONE_STABILITY: _Reply("答复书", (f"{R}第十四条", _WITHHELD),
        "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。根据{r}第十四条、"
        "第三十六条第（三）项的规定，本机关不予公开。{reason}"),
    Disposition.WITHHELD_THIRD_PARTY_RIGHTS: _Reply("答复书", (f"{R}第十五条", _WITHHELD),
        "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害。根据{r}第十五条、"
        "第三十六条第（三）项的规定，本机关不予公开。{reason}"),
    Disposition.WITHHELD_INTERNAL_AFFAIRS: _Reply("答复书", (f"{R}第十六条第一款", _WITHHELD),
        "经审查，您申请获取的政府信息属于人事管理、后勤管理、内部工作流程等方面的内部事务信息。根据{r}第十六条第一款、"
        "第三十六条第（三）项的规定，本机关不予公开。{reason}"),
    Disposition.WITHHELD_PROCESS_INFO: _Reply("答复书", (f"{R}第十六条第二款", _WITHHELD),
        "经审查，您申请获取的政府信息属于本机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等"
        "过程性信息。根据{r}第十六条第二款、第三十六条第（三）项的规定，本机关不予公开。{reason}"),
    Disposition.WITHHELD_ENFORCEMENT_FILE: _Reply("答复书", (f"{R}第十六条第二款", _WITHHELD),
        "经审查，您申请获取的政府信息属于行政执法案卷信息。根据{r}第十六条第二款、第三十六条第（三）项的规定，"
        "本机关不予公开。{reason}"),
    Disposition.WITHHELD_ADMINISTRATIVE_QUERY: _Reply("告知书", (f"{R}第三十六条第（七）项",),
        "经审查，您申请获取的信息属于工商、不动产登记资料等有关法律、行政法规对信息的获取有特别规定的行政查询事项。"
        "根据{r}第三十六条第（七）项的规定，请您依照有关法律、行政法规的规定办理：{route}"),
    Disposition.UNAVAILABLE_NOT_HELD: _Reply("告知书", (f"{R}第三十六条第（四）项", f"{R}第三十六条第（五）项"),
        "经检索查找，本机关未制作或获取您申请的政府信息。根据{r}第三十六条第（四）项、第（五）项的规定，"
        "告知您该政府信息不存在或者不属于本机关负责公开。{competent}{reason}"),
    Disposition.UNAVAILABLE_NEEDS_CREATION: _Reply("告知书", (f"{R}第三十八条",),
        "经审查，本机关没有您申请的现成信息，提供该信息需要对现有政府信息进行加工、分析。根据{r}第三十八条的规定，"
        "本机关不予提供。{reason}"),
    Disposition.UNAVAILABLE_UNCLEAR_AFTER_CORRECTION: _Reply("告知书", (f"{R}第三十条",),
        "本机关已依照{r}第三十条的规定一次性告知您补正申请内容，您补正后申请内容仍不明确，本机关无法确定您所需的政府信息，"
        "无法提供。{reason}"),
    Disposition.NOT_PROCESSED_PETITION_COMPLAINT: _Reply("告知书", (f"{R}第三十九条第一款",),
        "经审查，您以政府信息公开申请的形式进行信访、投诉、举报等活动。根据{r}第三十九条第一款的规定，本机关不作为政府信息公开申请处理，"
        "您可以通过信访、投诉、举报渠道提出。{reason}"),
    Disposition.NOT_PROCESSED_REPEAT: _Reply("告知书", (f"{R}第三十六条第（六）项",),
        "经审查，本机关已就您申请公开的同一政府信息作出过答复，您重复申请公开。根据{r}第三十六条第（六）项的规定，"
        "本机关不予重复处理。{reason}"),
    Disposition.NOT_PROCESSED_PUBLICATION: _Reply("告知书", (f"{R}第三十九条第二款",),
        "经审查，您要求提供的是政府公报、报刊、书籍等公开出版物。根据{r}第三十九条第二款的规定，本机关不予处理，"
        "您可以通过公开发行渠道获取。{route}"),
    Disposition.NOT_PROCESSED_EXCESSIVE: _Reply("告知书", (f"{R}第三十五条",),
        "您申请公开政府信息的数量、频次明显超过合理范围，经本机关要求说明理由，本机关认为理由不合理。根据{r}第三十五条的规定，"
        "本机关不予处理。{reason}"),
    Disposition.NOT_PROCESSED_CONFIRM_OR_REISSUE: _Reply("告知书", (),
        "经审查，您的申请实质是要求本机关对已获取的信息进行确认或者重新出具，不属于申请获取政府信息，"
        "本机关不作为政府信息公开申请处理。{reason}"),
    Disposition.OTHER_NO_CORRECTION: _Reply("告知书", (f"{R}第三十条",),
        "本机关已书面告知您补正申请内容，您无正当理由逾期未补正。根据{r}第三十条的规定，视为您放弃申请，"
        "本机关不再处理该政府信息公开申请。"),
    Disposition.OTHER_NO_FEE_PAYMENT: _Reply("告知书", (f"{R}第四十二条", FEE_MEASURES),
        "本机关已向您发出信息处理费收费通知书，您未在规定期限内缴纳费用。根据{r}第四十二条和" + FEE_MEASURES
        + "的规定，视为您放弃申请，本机关不再处理该政府信息公开申请。"),
    Disposition.OTHER_OTHER: _Reply("告知书", (),
        "{reason_raw}"),
}


@dataclass(frozen=True)
class ReplyFacts:
    """What the handler adds to a reply (all optional except where a disposition needs it)."""

    reason: str = ""  # the case-specific reasons (说明理由)
    competent_agency: str = ""  # 条例 Art. 36(五): the body responsible and its contact details
    route: str = ""  # 条例 Art. 36(七) / 39 ¶2: where and how to obtain it
    where_published: str = ""  # 条例 Art. 36(一): where it was already proactively disclosed


def reply_citations(disposition: Disposition) -> tuple[str, ...]:
    """The provisions a reply with ``disposition`` cites (empty for confirm_or_reissue / other)."""
    return _REPLIES[disposition].citations


def reply_title(disposition: Disposition, issuer: str) -> str:
    return f"{issuer}政府信息公开申请{_REPLIES[disposition].kind}"


def reply_text(facts: CaseFacts, disposition: Disposition, extra: ReplyFacts = ReplyFacts()) -> LetterText:
    """答复书 / 告知书 for ``disposition`` (条例 Art. 30, 33, 35–39, 42; see the module docstring).

    Refusals (（三）不予公开 and the withheld part of （二）部分公开) must give reasons (Art. 36(三)):
    the standard wording names the ground; ``extra.reason`` adds the case's own. Raises
    LetterFactsError when a disposition needs a fact the handler did not give.
    """
    row = _REPLIES[disposition]
    reason = extra.reason.strip()
    if disposition is Disposition.PARTIAL and not reason:
        raise LetterFactsError("部分公开的，请填写不予公开部分的具体理由")
    if disposition is Disposition.OTHER_OTHER and not reason:
        raise LetterFactsError("“其他处理”的，请填写处理情况和理由")
    where = ""
    if extra.where_published.strip():
        where = (f"。该政府信息已经主动公开，根据{SHORT}第三十六条第（一）项的规定，您也可以通过以下方式获取："
                 f"{extra.where_published.strip()}")
    competent = ""
    if extra.competent_agency.strip():
        competent = f"经核实，该政府信息的负责公开机关为：{extra.competent_agency.strip()}。"
    route = extra.route.strip() or (
        "请向有关登记、查询机关咨询办理。" if disposition is Disposition.WITHHELD_ADMINISTRATIVE_QUERY else "")
    decision = row.decision.format(
        r=REGULATION, s=SHORT, subject=facts.subject, reason=f"具体理由：{reason}" if reason else "",
        reason_raw=reason, competent=competent, route=route, where=where)
    document = "本答复" if row.kind == "答复书" else "本告知"
    paragraphs = [_recital(facts), decision.strip()]
    if disposition.group is DispositionGroup.WITHHELD and disposition is not Disposition.WITHHELD_ADMINISTRATIVE_QUERY:
        paragraphs.append("不予公开的政府信息，本机关将定期评估审查，因情势变化可以公开的，将予以公开（"
                          f"{SHORT}第十八条）。")
    return LetterText(
        title=reply_title(disposition, facts.issuer),
        addressee=facts.addressee,
        paragraphs=tuple(paragraphs),
        citations=row.citations,
        remedy=remedy_text(disposition, facts, document),
    )


def correction_notice(old_number: str, old_date: dt.date) -> str:
    """The opening sentence of a letter that corrects one already sent (it is never rewritten)."""
    return f"本文书更正本机关{chinese_date(old_date)}作出的{old_number}，原文书同时作废。"
