"""Letters of 依申请公开 cases (issue 5 §4): generate, correct, record as sent; the office's templates.

- :func:`generate_letter` — the letter of ``kind`` for the case's current stage (receipt; 补正 once a
  correction was requested; extension once approved; consultation while one is recorded; fee once a
  notice was issued; reply once decided). An unsent letter of the same kind is regenerated in place
  (same 发文字号); a sent one is never regenerated: that is refused, and :func:`correct_letter`
  writes a new letter that references it.
- :func:`mark_sent` — record delivery (date and method); afterwards the letter is frozen.
- :func:`mail_receipt` — e-mail the 登记回执's wording, with the query code, to an applicant who
  gave an e-mail address (at registration; sent after commit; audited without the address).
- :func:`upload_template`, :func:`revert_template`, :func:`set_letter_prefix` — the office admin.

The wording comes from ``rules.reply_letters`` (pure); the layout from the template. 发文字号:
``机关代字〔YYYY〕N号`` (rules.document_numbers.DocNumber) with N running per body and year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.actors import actor_label
from gongkai.core.models import Body, BodyKind
from gongkai.core.services import ServiceError, require
from gongkai.requests import letters as rendering
from gongkai.requests.models import Case, Letter, LetterSeries, LetterTemplate
from gongkai.requests.services import clock
from gongkai.rules.case_flow import CaseState
from gongkai.rules.deadlines import PauseKind
from gongkai.rules.dispositions import Disposition, ReceiptChannel
from gongkai.rules.document_numbers import DocNumber, DocumentNumberError, parse_doc_number
from gongkai.rules.reply_letters import (
    CaseFacts,
    LetterFactsError,
    LetterKind,
    LetterText,
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
)

#: What the handler may type for each kind (the admin form shows these fields).
INPUT_FIELDS: dict[LetterKind, tuple[str, ...]] = {
    LetterKind.RECEIPT: (),
    LetterKind.CORRECTION: ("detail",),
    LetterKind.EXTENSION: (),
    LetterKind.CONSULTATION: ("party",),
    LetterKind.FEE: ("detail",),
    LetterKind.REPLY: ("reason", "competent_agency", "route", "where_published"),
}
INPUT_LABELS = {
    "detail": "需要补正的事项 / 缴费方式", "party": "被征求意见的第三方或共同制作机关",
    "reason": "具体理由", "competent_agency": "负责公开的机关及联系方式（条例第三十六条第（五）项）",
    "route": "获取途径（行政查询、公开出版物）", "where_published": "已主动公开的获取方式（条例第三十六条第（一）项）",
}


# --- Facts and text ------------------------------------------------------------------------------


def letter_prefix(body: Body) -> str:
    series = LetterSeries.objects.filter(body=body).first()
    return series.prefix if series else default_letter_prefix(body.short_name, body.name)


def _contact(body: Body) -> str:
    county = body.get_county()
    parts = [body.disclosure_office or body.name]
    if body.phone:
        parts.append(f"联系电话 {body.phone}")
    if body.address:
        parts.append(f"地址 {body.address}")
    if len(parts) == 1 and county is not None and county.disclosure_office:
        parts = [county.disclosure_office] + ([f"联系电话 {county.phone}"] if county.phone else [])
    return "，".join(parts)


def case_facts(case: Case) -> CaseFacts:
    county = case.body.get_county()
    applicant = getattr(case, "applicant", None)
    addressee = (applicant.organisation or applicant.name) if applicant else "申请人"
    return CaseFacts(
        issuer=case.body.name, issuer_is_county_government=case.body.kind == BodyKind.COUNTY,
        county_government=county.name if county else case.body.name, addressee=addressee,
        received_on=case.received_on, channel=ReceiptChannel(case.channel).label, subject=case.subject,
        case_number=case.number, query_code=case.query_code, due_on=case.due_on)


def applicable_kinds(case: Case) -> list[LetterKind]:
    """The kinds of letter the case's stage allows now (in LetterKind order)."""
    kinds = [LetterKind.RECEIPT]
    if case.correction_requested_on:
        kinds.append(LetterKind.CORRECTION)
    if case.extension_approved_on:
        kinds.append(LetterKind.EXTENSION)
    if case.pauses.filter(kind__in=[PauseKind.THIRD_PARTY, PauseKind.CO_PRODUCER]).exists():
        kinds.append(LetterKind.CONSULTATION)
    if case.fee_notices.exists():
        kinds.append(LetterKind.FEE)
    if case.disposition:
        kinds.append(LetterKind.REPLY)
    return kinds


def fee_standard(fee) -> str:
    """The 计收方式及标准 a 收费通知书 states (国办函〔2020〕109号): rules.fees's breakdown, and the
    reduced amount when the handler charged less; the stored basis for notices made before."""
    quote = fee.quote
    if quote is None:
        return fee.basis
    text = f"{quote.mode.label}（{quote.basis}），{'；'.join(line.label for line in quote.lines)}"
    if fee.amount != fee.computed_amount:
        text += f"；按标准计算为{fee.computed_amount}元，本机关减收为{fee.amount}元"
    return text


def letter_text(case: Case, kind: LetterKind, inputs: dict, on: dt.date) -> LetterText:
    """The wording (rules.reply_letters) for ``kind`` from the case's rows and the handler's inputs."""
    facts = case_facts(case)
    if kind is LetterKind.RECEIPT:
        return receipt_text(facts)
    if kind is LetterKind.CORRECTION:
        return correction_text(facts, inputs.get("detail", ""), case.correction_period_end)
    if kind is LetterKind.EXTENSION:
        return extension_text(facts, case.extension_workdays or 20, case.due_on)
    if kind is LetterKind.CONSULTATION:
        pause = case.pauses.filter(kind__in=[PauseKind.THIRD_PARTY, PauseKind.CO_PRODUCER]).order_by("-start").first()
        return consultation_text(facts, inputs.get("party", ""), pause.kind == PauseKind.CO_PRODUCER, on)
    if kind is LetterKind.FEE:
        fee = case.fee_notices.order_by("-sent_on", "-pk").first()
        return fee_text(facts, Decimal(fee.amount), fee_standard(fee), inputs.get("detail", ""))
    extra = ReplyFacts(**{k: inputs.get(k, "") for k in INPUT_FIELDS[LetterKind.REPLY]})
    return reply_text(facts, Disposition(case.disposition), extra)


def mail_receipt(actor, case: Case) -> bool:
    """E-mail the 登记回执 (rules.reply_letters.receipt_text: receipt date, reply period, the query
    code and where to use it) to the applicant, when they gave an e-mail address; inside the
    registering transaction. The mail goes out after commit; the audit entry does not carry the
    address. Returns whether a mail was queued."""
    email = case.applicant.email  # decrypted by the model field
    if not email:
        return False
    text = receipt_text(case_facts(case))
    lines = [f"{text.addressee}：", "", *text.paragraphs, "", f"联系方式：{_contact(case.body)}", "",
             case.body.name, "（本邮件由系统自动发送，请勿直接回复）"]
    subject, body = f"{text.title}（查询码 {case.query_code}）", "\n".join(lines)
    audit.record("request.query_code_mailed", actor, case, {"letter": LetterKind.RECEIPT.value},
                 label=case.number)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True))
    return True


def _context(case: Case, kind: LetterKind, text: LetterText, number: str, on: dt.date, correction: str) -> dict:
    return {
        "title": text.title, "doc_number": number, "date": chinese_date(on), "issuer": case.body.name,
        "addressee": text.addressee, "correction": correction, "paragraphs": list(text.paragraphs),
        "remedy": text.remedy, "citations": list(text.citations), "contact": _contact(case.body),
        "case_number": case.number, "query_code": case.query_code, "subject": case.subject,
        "received_on": chinese_date(case.received_on), "due_on": chinese_date(case.due_on) if case.due_on else "",
        "kind_label": kind.label,
    }


# --- Generate, correct, send ---------------------------------------------------------------------


def _clean_inputs(kind: LetterKind, inputs: dict | None) -> dict:
    inputs = inputs or {}
    return {k: str(inputs.get(k, "")).strip()[:2000] for k in INPUT_FIELDS[kind] if str(inputs.get(k, "")).strip()}


def _render_into(letter: Letter, case: Case, kind: LetterKind, text: LetterText, correction: str) -> None:
    county = case.body.get_county()
    template = rendering.template_bytes(county, kind)
    try:
        data = rendering.render(template, _context(case, kind, text, letter.doc_number, letter.written_on, correction))
    except Exception as exc:  # an uploaded template that broke after upload checks (should not happen)
        raise ServiceError(f"文书模板无法生成文书：{exc}") from exc
    previous = letter.file.name if letter.file else ""
    name = f"case{case.pk}-{kind.value}-{letter.year}-{letter.serial}.docx"  # never from typed text
    letter.file.save(name, ContentFile(data), save=False)
    if previous:  # an unsent letter regenerated: drop the old file once the new row is committed
        storage = letter.file.storage
        transaction.on_commit(lambda: storage.delete(previous))
    letter.sha256 = rendering.sha256(data)
    letter.template_sha256 = rendering.sha256(template)


def _new_letter(actor, case: Case, kind: LetterKind, text: LetterText, inputs: dict, on: dt.date,
                corrects: Letter | None) -> Letter:
    prefix = letter_prefix(case.body)
    for _attempt in range(5):
        serial = (Letter.objects.filter(body=case.body, year=on.year).aggregate(m=Max("serial"))["m"] or 0) + 1
        letter = Letter(case=case, body=case.body, kind=kind.value, disposition=case.disposition if kind is
                        LetterKind.REPLY else "", prefix=prefix, year=on.year, serial=serial,
                        doc_number=str(DocNumber(prefix, on.year, serial)), title=text.title[:200],
                        addressee=text.addressee[:200], written_on=on, inputs=inputs, generated_at=timezone.now(),
                        generated_by=actor_label(actor)[:150], corrects=corrects)
        correction = correction_notice(corrects.doc_number, corrects.written_on) if corrects else ""
        _render_into(letter, case, kind, text, correction)
        try:
            with transaction.atomic():
                letter.save()
            return letter
        except IntegrityError:  # another letter took this serial meanwhile
            letter.file.delete(save=False)
            continue
    raise ServiceError("无法分配发文字号，请重试")  # pragma: no cover


def _current(case: Case, kind: LetterKind, inputs: dict) -> Letter | None:
    """The letter of ``kind`` a new generation would replace: the latest one not corrected since
    (for consultations, the one to the same party)."""
    qs = case.letters.filter(kind=kind.value, corrections__isnull=True).order_by("-generated_at", "-pk")
    for letter in qs:
        if kind is LetterKind.CONSULTATION and letter.inputs.get("party") != inputs.get("party"):
            continue
        return letter
    return None


def generate_letter(actor, case: Case, kind: str | LetterKind, *, inputs: dict | None = None) -> Letter:
    """Generate (or regenerate, while unsent) the ``kind`` letter of ``case``; return it.

    Raises PermissionDenied (can_issue_letter), ServiceError when the case's stage has no such
    letter, when a fact is missing (rules.reply_letters.LetterFactsError), or when the letter was
    already sent (use :func:`correct_letter`). One ``request.letter_generated`` audit entry.
    """
    require(rules.can_issue_letter(actor, case), "您无权生成此案件的文书")
    try:
        kind = LetterKind(kind)
    except ValueError as exc:
        raise ServiceError({"kind": ["请选择文书类型"]}) from exc
    inputs = _clean_inputs(kind, inputs)
    on = clock.today()
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("body").get(pk=case.pk)
        if kind not in applicable_kinds(case):
            raise ServiceError(f"案件处于“{CaseState(case.state).label}”状态，暂不能生成{kind.label}")
        try:
            text = letter_text(case, kind, inputs, on)
        except LetterFactsError as exc:
            raise ServiceError(str(exc)) from exc
        current = _current(case, kind, inputs)
        if current is not None and current.is_sent:
            raise ServiceError(f"{current.doc_number}已于{chinese_date(current.sent_on)}送达，不能重新生成；"
                               f"如需更正，请生成更正文书（原文书保留）")
        if current is not None and not (kind is LetterKind.REPLY and current.disposition != case.disposition):
            letter = current
            letter.title, letter.addressee, letter.inputs = text.title[:200], text.addressee[:200], inputs
            letter.written_on, letter.generated_at, letter.generated_by = on, timezone.now(), actor_label(actor)[:150]
            _render_into(letter, case, kind, text, "")
            letter.save()
            regenerated = True
        else:
            letter = _new_letter(actor, case, kind, text, inputs, on, None)
            regenerated = False
        audit.record("request.letter_generated", actor, case, {
            "letter": letter.pk, "kind": kind.value, "doc_number": letter.doc_number, "sha256": letter.sha256,
            "regenerated": regenerated, "disposition": letter.disposition or None,
        }, label=case.number)
    return letter


def correct_letter(actor, letter: Letter, *, inputs: dict | None = None) -> Letter:
    """A sent letter is wrong: issue a new letter (new 发文字号) that names and replaces it; the old
    one stays as it was sent."""
    case = letter.case
    require(rules.can_issue_letter(actor, case), "您无权生成此案件的文书")
    kind = LetterKind(letter.kind)
    inputs = _clean_inputs(kind, inputs if inputs is not None else letter.inputs)
    on = clock.today()
    with transaction.atomic():
        old = Letter.objects.select_for_update().get(pk=letter.pk)
        if not old.is_sent:
            raise ServiceError("未送达的文书可以直接重新生成，无需更正")
        if old.corrections.exists():
            raise ServiceError(f"{old.doc_number}已经更正过，请更正最新的文书")
        case = Case.objects.select_for_update().select_related("body").get(pk=case.pk)
        try:
            text = letter_text(case, kind, inputs, on)
        except LetterFactsError as exc:
            raise ServiceError(str(exc)) from exc
        new = _new_letter(actor, case, kind, text, inputs, on, old)
        audit.record("request.letter_generated", actor, case, {
            "letter": new.pk, "kind": kind.value, "doc_number": new.doc_number, "sha256": new.sha256,
            "corrects": old.doc_number, "regenerated": False,
        }, label=case.number)
    return new


def mark_sent(actor, letter: Letter, *, on=None, method: str = "") -> Letter:
    """Record that ``letter`` was sent (delivered) on ``on`` by ``method``; from then on it is frozen."""
    require(rules.can_issue_letter(actor, letter.case), "您无权登记此文书的送达")
    if on in (None, ""):
        on = clock.today()
    elif not isinstance(on, dt.date):
        try:
            on = dt.date.fromisoformat(str(on))
        except ValueError as exc:
            raise ServiceError({"on": ["日期格式应为 YYYY-MM-DD"]}) from exc
    with transaction.atomic():
        letter = Letter.objects.select_for_update().select_related("case").get(pk=letter.pk)
        if letter.is_sent:
            raise ServiceError(f"{letter.doc_number}已登记送达")
        if on > clock.today():
            raise ServiceError({"on": ["送达日期不能晚于今天"]})
        if on < letter.written_on:
            raise ServiceError({"on": ["送达日期不能早于成文日期"]})
        letter.sent_at, letter.sent_on = timezone.now(), on
        letter.sent_method, letter.sent_by = method.strip()[:60], actor_label(actor)[:150]
        letter.save(update_fields=["sent_at", "sent_on", "sent_method", "sent_by"])
        audit.record("request.letter_sent", actor, letter.case, {
            "letter": letter.pk, "doc_number": letter.doc_number, "on": on, "method": letter.sent_method,
            "sha256": letter.sha256,
        }, label=letter.case.number)
    return letter


# --- The office's templates and 机关代字 ---------------------------------------------------------


def upload_template(actor, county: Body, kind: str | LetterKind, upload) -> LetterTemplate:
    """Replace the shipped template of ``kind`` for ``county`` with an uploaded DOCX (checked by
    rendering it with every field; unknown fields and broken tags are refused)."""
    require(rules.can_manage_letter_templates(actor, county), "您无权更换文书模板")
    try:
        kind = LetterKind(kind)
    except ValueError as exc:
        raise ServiceError({"kind": ["请选择文书类型"]}) from exc
    if upload is None:
        raise ServiceError({"file": ["请选择模板文件"]})
    if upload.size > 5 * 1024 * 1024:
        raise ServiceError({"file": ["模板文件不能超过5MB"]})
    data = upload.read()
    try:
        rendering.check_template(data)
    except rendering.TemplateProblem as exc:
        raise ServiceError({"file": [str(exc)]}) from exc
    with transaction.atomic():
        LetterTemplate.objects.filter(county=county, kind=kind, is_active=True).update(is_active=False)
        template = LetterTemplate(county=county, kind=kind.value, sha256=rendering.sha256(data),
                                  original_name=(upload.name or "")[:200], uploaded_by=actor_label(actor)[:150])
        template.file.save(f"{county.pk}-{kind.value}.docx", ContentFile(data), save=False)
        template.save()
        audit.record("request.letter_template_changed", actor, county, {
            "kind": kind.value, "sha256": template.sha256, "action": "upload"}, label=kind.label)
    return template


def revert_template(actor, county: Body, kind: str | LetterKind) -> None:
    """Go back to the shipped template of ``kind`` (uploaded ones are kept, inactive)."""
    require(rules.can_manage_letter_templates(actor, county), "您无权更换文书模板")
    kind = LetterKind(kind)
    with transaction.atomic():
        changed = LetterTemplate.objects.filter(county=county, kind=kind, is_active=True).update(is_active=False)
        if not changed:
            raise ServiceError("该文书已在使用系统内置模板")
        audit.record("request.letter_template_changed", actor, county, {"kind": kind.value, "action": "revert"},
                     label=kind.label)


def set_letter_prefix(actor, body: Body, prefix: str) -> LetterSeries:
    """Set ``body``'s 发文机关代字 (checked as GB/T 9704-2012 §7.2.4 requires)."""
    county = body.get_county()
    require(county is not None and rules.can_manage_letter_templates(actor, county), "您无权设置发文机关代字")
    prefix = "".join((prefix or "").split())
    try:
        parse_doc_number(f"{prefix}〔2026〕1号")
    except DocumentNumberError as exc:
        raise ServiceError({"prefix": ["发文机关代字只能由汉字或字母组成，不超过20个字"]}) from exc
    with transaction.atomic():
        series, _created = LetterSeries.objects.update_or_create(body=body, defaults={"prefix": prefix})
        audit.record("request.letter_prefix_set", actor, body, {"prefix": prefix}, label=body.name)
    return series
