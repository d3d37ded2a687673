"""Intake and the workflow of 依申请公开 cases (条例第二十九条至第四十五条).

- :func:`register` — staff record an application that arrived by any channel; the receipt date
  follows 条例第三十一条 (rules.deadlines.receipt_date); arrival time and receipt date are both kept.
- :func:`submit_online` — the public form on the portal (anonymous applicant).
- :func:`transition` — every later state change: permission (core.rules), the one transition table
  (rules.case_flow), the clock rows, the due date (services.clock), a CaseEvent and one audit entry.
- :func:`record_review` — the 行政复议 / 行政诉讼 registry.

Decisions: the platform's own online form confirms receipt at once with the query-code receipt, so
its 双方确认之日 (Art. 31(四)) is the day of submission. The applicant's 补正 period is set by the
agency (Art. 30 fixes none); 15 working days when not given. A late correction may still be
accepted (the agency judges "good reason"); a late payment may not (国办函〔2020〕109号 fixes 20
working days). Only one extension (Art. 33 ¶2): a second one is refused even where the table
allows ``extend`` again (after a consultation that followed the extension).
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.actors import SystemActor, actor_label
from gongkai.core.models import Body, BodyKind
from gongkai.core.selectors import work_calendar
from gongkai.core.services import ServiceError, StaleEdit, require
from gongkai.requests.models import (
    Applicant,
    Case,
    CaseEvent,
    DeliveryMethod,
    FeeNotice,
    IdDocumentType,
    Pause,
    PreferredForm,
    Review,
    ReviewKind,
    ReviewResult,
)
from gongkai.requests.services import clock, letters
from gongkai.rules import case_flow, fees
from gongkai.rules.case_flow import Action, CaseState, Transition, TransitionError
from gongkai.rules.case_flow import Role as FlowRole
from gongkai.rules.deadlines import (
    MAX_EXTENSION_WORKDAYS,
    DeadlineError,
    PauseKind,
    fee_payment_due,
    has_lapsed,
    receipt_date,
)
from gongkai.rules.dispositions import FEE_MEASURES, ApplicantType, Disposition, ReceiptChannel
from gongkai.rules.identifiers import is_valid_uscc
from gongkai.rules.workdays import CalendarError, add_workdays

DEFAULT_CORRECTION_PERIOD_WORKDAYS = 15
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
UPLOAD_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")
CONSULTATION_KINDS = {PauseKind.THIRD_PARTY.value, PauseKind.CO_PRODUCER.value}


def new_query_code(year: int) -> str:
    """A query code such as ``2026-7KQ9M2XD``: 40 bits of randomness, not guessable from others."""
    return f"{year}-{''.join(secrets.choice(CODE_ALPHABET) for _ in range(8))}"


# --- Intake ------------------------------------------------------------------------------------


def _clean_applicant(applicant_type: str, data: dict, *, online: bool) -> dict:
    errors: dict[str, list[str]] = {}
    d = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    natural = applicant_type == ApplicantType.NATURAL_PERSON
    if not natural and not d.get("organisation"):
        errors["organisation"] = ["请填写法人或其他组织名称"]
    if not natural and not d.get("name"):
        d["name"] = d.get("organisation", "")
    if not d.get("name"):
        errors["name"] = ["请填写申请人姓名"]
    if d.get("credit_code"):
        d["credit_code"] = d["credit_code"].upper()
        if not is_valid_uscc(d["credit_code"]):
            errors["credit_code"] = ["统一社会信用代码不正确（18位，按 GB 32100 校验）"]
    if d.get("id_type") and d["id_type"] not in IdDocumentType.values:
        errors["id_type"] = ["证件类型不正确"]
    if online and not d.get("id_number"):
        errors["id_number"] = ["请填写证件号码"]
    if d.get("id_number") and d.get("id_type", IdDocumentType.RESIDENT_ID) == IdDocumentType.RESIDENT_ID:
        number = d["id_number"].upper()
        if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
            errors["id_number"] = ["居民身份证号码应为18位（最后一位可以是X）"]
        d["id_number"] = number
    if d.get("email"):
        try:
            validate_email(d["email"])
        except Exception:
            errors["email"] = ["电子邮箱格式不正确"]
    if d.get("phone") and not all(c.isdigit() or c in "-+ " for c in d["phone"]):
        errors["phone"] = ["联系电话只能包含数字和“-”"]
    if not (d.get("phone") or d.get("email") or d.get("address")):
        errors["phone"] = ["请至少填写联系电话、电子邮箱或通信地址中的一项"]
    if errors:
        raise ServiceError(errors)
    fields = ("name", "id_type", "id_number", "organisation", "credit_code", "contact_name", "phone", "email",
              "address", "postcode")
    return {f: d.get(f) or "" for f in fields}


# Leading bytes of the accepted identity-document formats, and the marker a complete file ends with
# (a truncated or damaged upload is refused rather than stored as proof of identity).
_UPLOAD_SIGNATURES = {
    ".pdf": (b"%PDF-", b"%%EOF"),
    ".jpg": (b"\xff\xd8\xff", b"\xff\xd9"),
    ".jpeg": (b"\xff\xd8\xff", b"\xff\xd9"),
    ".png": (b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"),
}


def _check_upload(upload) -> None:
    """Refuse an identity document that is too large, or whose content is not the PDF, JPEG or PNG
    its name claims (checked by its first and last bytes, never by the name or browser type)."""
    if upload is None:
        return
    name = (upload.name or "").lower()
    suffix = next((s for s in UPLOAD_EXTENSIONS if name.endswith(s)), None)
    if suffix is None:
        raise ServiceError({"id_document": ["身份证明材料须为 PDF、JPG 或 PNG 文件"]})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ServiceError({"id_document": ["身份证明材料不能超过10MB"]})
    head_sig, tail_sig = _UPLOAD_SIGNATURES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(max(0, upload.size - 1024))
    tail = upload.read(1024)
    upload.seek(0)
    if not head.startswith(head_sig) or tail_sig not in tail:
        raise ServiceError({"id_document": ["身份证明材料文件已损坏或与扩展名不符，请重新扫描或拍照后上传"]})


def _check_choice(field: str, value, choices, message: str) -> None:
    if value not in choices:
        raise ServiceError({field: [message]})


def _create_case(actor, *, body: Body, channel: str, arrived_at: dt.datetime, confirmed_on: dt.date | None,
                 applicant_type: str, subject: str, description: str, preferred_form: str, delivery_method: str,
                 applicant: dict, id_document, online: bool, external_id: str | None, note: str,
                 submission_token: str | None = None) -> Case:
    _check_choice("applicant_type", applicant_type, ApplicantType._value2member_map_, "请选择申请人类型")
    _check_choice("channel", channel, ReceiptChannel._value2member_map_, "请选择申请方式")
    _check_choice("preferred_form", preferred_form, PreferredForm.values, "请选择获取信息的载体形式")
    _check_choice("delivery_method", delivery_method, DeliveryMethod.values, "请选择获取信息的方式")
    if body is None or body.kind not in (BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP) or not body.is_active:
        raise ServiceError({"body": ["请选择受理申请的行政机关"]})
    subject = (subject or "").strip()
    if not subject:
        raise ServiceError({"subject": ["请填写申请公开的政府信息名称、文号或便于查询的特征描述"]})
    if len(subject) > 300:
        raise ServiceError({"subject": ["信息名称不能超过300字，详细内容请写在描述中"]})
    if timezone.is_naive(arrived_at):
        arrived_at = timezone.make_aware(arrived_at)
    if arrived_at > timezone.now() + dt.timedelta(minutes=5):
        raise ServiceError({"arrived_at": ["申请到达时间不能晚于现在"]})
    cleaned = _clean_applicant(applicant_type, applicant, online=online)
    _check_upload(id_document)
    try:
        receipt = receipt_date(ReceiptChannel(channel), timezone.localtime(arrived_at), confirmed_on)
    except DeadlineError as exc:
        raise ServiceError({"confirmed_on": [str(exc)]}) from exc
    with transaction.atomic():
        if submission_token:
            earlier = Case.objects.filter(submission_token=submission_token).first()
            if earlier is not None:  # the same form posted again (double click, refresh)
                return earlier
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    case = Case.objects.create(
                        body=body, query_code=new_query_code(receipt.date.year), external_id=external_id,
                        submission_token=submission_token or None,
                        state=case_flow.INITIAL_STATE, applicant_type=applicant_type, channel=channel,
                        arrived_at=arrived_at, received_on=receipt.date, late_confirmation=receipt.late_confirmation,
                        subject=subject, description=(description or "").strip(), preferred_form=preferred_form,
                        delivery_method=delivery_method)
                break
            except IntegrityError:
                if submission_token:  # a concurrent POST of the same form committed first
                    earlier = Case.objects.filter(submission_token=submission_token).first()
                    if earlier is not None:
                        return earlier
                continue
        else:  # pragma: no cover - 32^8 codes
            raise ServiceError("无法生成查询码，请重试")
        Applicant.objects.create(case=case, id_document=id_document or "", **cleaned)
        clock.refresh_due_date(case)
        CaseEvent.objects.create(case=case, on=receipt.date, action="register", from_state="", to_state=case.state,
                                 actor=_user_or_none(actor), actor_label=_label(actor, online),
                                 note=note or f"{ReceiptChannel(channel).label}，收到申请之日 {receipt.date.isoformat()}")
        audit.record("request.registered", actor, case, {
            "channel": channel, "received_on": receipt.date, "online_form": online,
            "late_confirmation": receipt.late_confirmation, "due_on": case.due_on, "due_error": case.due_error,
        }, label=case.number)
        letters.mail_receipt(actor, case)
    return case


def _user_or_none(actor):
    return None if actor is None or isinstance(actor, SystemActor) else actor


def _label(actor, online: bool = False) -> str:
    return "申请人（网上申请）" if actor is None and online else actor_label(actor)[:150]


def register(actor, *, body: Body, channel: str, arrived_at: dt.datetime, confirmed_on: dt.date | None = None,
             applicant_type: str, subject: str, description: str = "", preferred_form: str = PreferredForm.ELECTRONIC,
             delivery_method: str = DeliveryMethod.EMAIL, applicant: dict, id_document=None,
             external_id: str | None = None, note: str = "") -> Case:
    """Record an application that reached ``body`` by ``channel`` (staff; can_handle_case).

    ``arrived_at`` is when it was handed in, signed for or arrived; ``confirmed_on`` the day of
    confirmation with the applicant (needed for ordinary letters, online and fax, 条例第三十一条).
    Raises PermissionDenied or ServiceError (field → Chinese messages). Writes the case, its
    applicant, the first DueDateChange, a CaseEvent and a ``request.registered`` audit entry.
    """
    require(body is not None and rules.can_handle_case(actor, body), "您无权登记向该机关提出的政府信息公开申请")
    return _create_case(actor, body=body, channel=channel, arrived_at=arrived_at, confirmed_on=confirmed_on,
                        applicant_type=applicant_type, subject=subject, description=description,
                        preferred_form=preferred_form, delivery_method=delivery_method, applicant=applicant,
                        id_document=id_document, online=False, external_id=external_id, note=note)


def submit_online(*, body: Body, applicant_type: str, subject: str, description: str = "",
                  preferred_form: str, delivery_method: str, applicant: dict, id_document=None,
                  submission_token: str | None = None) -> Case:
    """The public online form (条例第二十九条): anyone may apply; the receipt with the query code
    is the confirmation, so the receipt date is today (see module docstring).

    ``submission_token``: the form's one-time token (issue 13 §4). A second POST of the same form
    (double click, refresh, two simultaneous requests) registers nothing and returns the case the
    first registered (a unique column decides between simultaneous ones)."""
    now = timezone.now()
    return _create_case(None, body=body, channel=ReceiptChannel.ONLINE, arrived_at=now,
                        confirmed_on=timezone.localdate(now), applicant_type=applicant_type, subject=subject,
                        description=description, preferred_form=preferred_form, delivery_method=delivery_method,
                        applicant=applicant, id_document=id_document, online=True, external_id=None,
                        note="通过本平台网上提交，系统即时出具回执", submission_token=submission_token)


# --- Transitions -------------------------------------------------------------------------------


def flow_roles(user, body: Body) -> set[FlowRole]:
    """The case_flow roles ``user`` holds for cases addressed to ``body``."""
    if isinstance(user, SystemActor):
        return set(FlowRole)
    roles = set()
    if rules.can_handle_case(user, body):
        roles.add(FlowRole.HANDLER)
    if rules.can_approve_extension(user, body):
        roles.add(FlowRole.OFFICE_HEAD)
    return roles


def allowed_actions(user, case: Case) -> list[Transition]:
    """What ``user`` may do with ``case`` now (table order), for the case screen's buttons."""
    roles = flow_roles(user, case.body) - {FlowRole.SYSTEM}
    state = CaseState(case.state)
    seen: dict[Action, Transition] = {}
    for role in sorted(roles):
        for t in case_flow.allowed_transitions(state, role):
            if t.action is Action.EXTEND and case.extension_approved_on:
                continue
            seen.setdefault(t.action, t)
    return [t for t in case_flow.TRANSITIONS.values() if t.action in seen]


def _date(value, field: str = "on") -> dt.date | None:
    if value is None or value == "" or isinstance(value, dt.date):
        return value or None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ServiceError({field: ["日期格式应为 YYYY-MM-DD"]}) from exc


def claim_version(case: Case, expected_version: int | None) -> None:
    """Optimistic locking (issue 13 §4), inside the caller's transaction: compare-and-set the
    case's version (``UPDATE … SET version = version + 1 WHERE id = … AND version = n``; without
    ``expected_version`` the version is only increased). The UPDATE takes the row's write lock, so
    of two actions posted from the same screen the second waits, then matches no row: StaleEdit
    ("该信息已被他人修改，请刷新后再改"), and it changes nothing."""
    rows = Case.objects.filter(pk=case.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise StaleEdit()


def transition(actor, case: Case, action: str | Action, *, on: dt.date | None = None, note: str = "",
               disposition: str | None = None, expected_version: int | None = None, **data) -> Case:
    """Perform ``action`` on ``case`` (rules.case_flow.TRANSITIONS) as ``actor``.

    ``on`` is the day it happened (default today; not in the future, not before the previous step).
    Per action: ``request_correction`` takes ``period_end`` (the applicant's last day);
    ``start_consultation`` ``kind`` (third_party | co_producer); ``extend`` ``workdays`` (1–20);
    ``notify_fee`` ``mode``, ``units``, ``earlier_units``, optionally ``amount`` with
    ``amount_reason`` (see :func:`fee_notice`) and ``notice_received_on``; ``decide``
    ``disposition``. Raises PermissionDenied, or ServiceError with a Chinese reason (refused
    transition, second extension, inconsistent dates); nothing is written then. Writes the clock
    rows, recomputes the due date (DueDateChange rows), a CaseEvent and one ``request.transitioned``
    audit entry. ``expected_version``: the case's version the form was shown at (see claim_version);
    a repeated click of the same action gets StaleEdit and nothing is written.
    """
    try:
        action = Action(action)
    except ValueError as exc:
        raise ServiceError("未知的办理操作") from exc
    require(rules.can_view_case(actor, case), "您无权办理此案件")
    t = case_flow.TRANSITIONS[action]
    roles = flow_roles(actor, case.body)
    role = next((r for r in sorted(t.roles) if r in roles), None)
    if role is None:
        raise PermissionDenied(f"{action.label}须由{'、'.join(r.label for r in sorted(t.roles))}办理")
    today = clock.today()
    on = _date(on) or today
    with transaction.atomic():
        claim_version(case, expected_version)
        case = Case.objects.select_for_update().select_related("body").get(pk=case.pk)
        state = CaseState(case.state)
        chosen = None
        if disposition:
            try:
                chosen = Disposition(disposition)
            except ValueError as exc:
                raise ServiceError({"disposition": ["请选择办理结果"]}) from exc
        try:
            case_flow.validate_transition(state, action, role, chosen)
        except TransitionError as exc:
            raise ServiceError(str(exc)) from exc
        if on > today:
            raise ServiceError({"on": ["办理日期不能晚于今天"]})
        last = case.events.order_by("-on").values_list("on", flat=True).first()
        if on < case.received_on or (last and on < last):
            raise ServiceError({"on": [f"办理日期不能早于上一步办理日期 {(last or case.received_on).isoformat()}"]})
        before = case.due_on
        detail = _apply(actor, case, action, on, data, today)
        final = case_flow.resulting_disposition(t, chosen)
        if final is not None:
            case.disposition = final.value
        if action in (Action.DECIDE, Action.WITHDRAW, Action.LAPSE_CORRECTION, Action.LAPSE_FEE):
            case.decided_on = on
        case.state = t.target.value
        case.save()
        try:
            changes = clock.refresh_due_date(case)
        except DeadlineError as exc:
            raise ServiceError(str(exc)) from exc
        text = "；".join(filter(None, [detail, note.strip()]))
        CaseEvent.objects.create(case=case, on=on, action=action.value, from_state=state.value, to_state=case.state,
                                 actor=_user_or_none(actor), actor_label=_label(actor), note=text)
        audit.record("request.transitioned", actor, case, {
            "action": action.value, "from": state.value, "to": case.state, "on": on, "role": role.value,
            "disposition": case.disposition or None, "basis": t.basis, "due_before": before, "due_after": case.due_on,
            "due_changes": [{"on": c.on, "old": c.old_due, "new": c.new_due, "basis": c.basis} for c in changes],
        }, label=case.number)
    return case


def _apply(actor, case: Case, action: Action, on: dt.date, data: dict, today: dt.date) -> str:
    """Write the clock rows an action implies; return a note for the CaseEvent."""
    cal = None
    if action is Action.REQUEST_CORRECTION:
        period_end = _date(data.get("period_end"), "period_end")
        if period_end is None:
            try:
                period_end = add_workdays(on, DEFAULT_CORRECTION_PERIOD_WORKDAYS, work_calendar())
            except CalendarError as exc:
                raise ServiceError({"period_end": [clock.chinese_message(exc) + "；请直接填写补正期限"]}) from exc
        if period_end <= on:
            raise ServiceError({"period_end": ["补正期限应晚于补正通知日期"]})
        case.correction_requested_on, case.correction_period_end = on, period_end
        return f"补正期限至 {period_end.isoformat()}"
    if action is Action.RECEIVE_CORRECTION:
        case.correction_received_on = on
        if case.correction_period_end and on > case.correction_period_end:
            return "逾期补正，经承办人认定有正当理由予以接收"
        return ""
    if action is Action.LAPSE_CORRECTION:
        if not case.correction_period_end or not has_lapsed(case.correction_period_end, None, today):
            raise ServiceError("补正期限尚未届满")
        return f"补正期限 {case.correction_period_end.isoformat()} 已届满，视为放弃申请"
    if action is Action.START_CONSULTATION:
        kind = data.get("kind") or PauseKind.THIRD_PARTY.value
        if kind not in CONSULTATION_KINDS:
            raise ServiceError({"kind": ["请选择征求意见的对象"]})
        Pause.objects.create(case=case, kind=kind, start=on)
        return PauseKind(kind).label
    if action is Action.END_CONSULTATION:
        pause = case.pauses.filter(kind__in=CONSULTATION_KINDS, end__isnull=True).order_by("-start").first()
        if pause is None:
            raise ServiceError("没有进行中的征求意见")
        pause.end = on
        pause.save(update_fields=["end"])
        return ""
    if action is Action.EXTEND:
        if case.extension_approved_on:
            raise ServiceError("本案已经延长过答复期限，依条例第三十三条第二款只能延长一次")
        try:
            workdays = int(data.get("workdays") or MAX_EXTENSION_WORKDAYS)
        except (TypeError, ValueError) as exc:
            raise ServiceError({"workdays": ["延长的工作日数应为1至20的整数"]}) from exc
        if not 1 <= workdays <= MAX_EXTENSION_WORKDAYS:
            raise ServiceError({"workdays": ["延长的工作日数应为1至20的整数"]})
        case.extension_approved_on, case.extension_workdays = on, workdays
        case.extension_approved_by = actor_label(actor)[:150]
        return f"延长{workdays}个工作日"
    if action is Action.NOTIFY_FEE:
        fee = fee_notice(data)
        received = _date(data.get("notice_received_on"), "notice_received_on") or on
        if received < on:
            raise ServiceError({"notice_received_on": ["申请人收到通知的日期不能早于发出日期"]})
        fee.case, fee.sent_on, fee.notice_received_on = case, on, received
        fee.save()
        Pause.objects.create(case=case, kind=PauseKind.FEE, start=on)
        if fee.amount != fee.computed_amount:
            audit.record("request.fee_amount_changed", actor, case, {
                "fee_notice": fee.pk, "mode": fee.mode, "units": fee.units, "earlier_units": fee.earlier_units,
                "computed": fee.computed_amount, "charged": fee.amount, "reason": fee.amount_reason,
            }, label=case.number)
            return f"收费 {fee.amount} 元（按标准计算为 {fee.computed_amount} 元，调整理由：{fee.amount_reason}）"
        return f"收费 {fee.amount} 元（{fee.basis}）"
    if action in (Action.RECEIVE_PAYMENT, Action.LAPSE_FEE):
        fee = case.fee_notices.filter(paid_on__isnull=True).order_by("-sent_on").first()
        if fee is None:
            raise ServiceError("没有待缴费的收费通知")
        cal = work_calendar()
        try:
            last_day = fee_payment_due(fee.notice_received_on, cal)
        except CalendarError as exc:
            raise ServiceError(clock.chinese_message(exc)) from exc
        if action is Action.LAPSE_FEE:
            if not has_lapsed(last_day, None, today):
                raise ServiceError("缴费期限尚未届满")
            return f"缴费期限 {last_day.isoformat()} 已届满，视为放弃申请"
        if has_lapsed(last_day, on, today):
            raise ServiceError(f"缴费期限已于 {last_day.isoformat()} 届满，申请视为放弃，不能再登记缴费")
        fee.paid_on = on
        fee.save(update_fields=["paid_on"])
        case.pauses.filter(kind=PauseKind.FEE, end__isnull=True).update(end=on)
        return ""
    if action is Action.DELIVER:
        case.delivered_on = on
    elif action is Action.ARCHIVE:
        case.archived_on = on
    return ""


def _count(value, field: str, message: str) -> int:
    try:
        number = int(str(value if value not in (None, "") else "0").strip())
    except ValueError as exc:
        raise ServiceError({field: [message]}) from exc
    if number < 0:
        raise ServiceError({field: [message]})
    return number


def fee_notice(data: dict) -> FeeNotice:
    """The (unsaved) 收费通知 for the handler's inputs: ``mode`` (per_item | per_page), ``units``
    (items after 一事一申请 splitting, or pages), for per-item ``earlier_units`` (the applicant's
    items earlier in the natural month), and optionally ``amount`` with ``amount_reason``.

    The amount is rules.fees's (办法第三条至第五条). Those amounts are the most the 办法 allows, so
    the handler may charge less, with a reason (audited by the caller), never more; nothing is
    charged when the computed amount is 0. Raises ServiceError with a Chinese reason."""
    try:
        mode = fees.ChargingMode(data.get("mode") or "")
    except ValueError as exc:
        raise ServiceError({"mode": ["请选择计收方式：按件计收或按量计收（不能同时适用）"]}) from exc
    if not str(data.get("units") or "").strip():
        raise ServiceError({"units": [f"请填写{mode.unit}数"]})
    units = _count(data.get("units"), "units", f"请填写{mode.unit}数（不小于0的整数）")
    earlier = _count(data.get("earlier_units"), "earlier_units", "本月此前已申请件数应为不小于0的整数")
    try:
        quote = fees.quote(mode, units, earlier)
    except fees.FeeError as exc:
        raise ServiceError({"earlier_units": [str(exc)]}) from exc
    computed = Decimal(quote.amount).quantize(Decimal("0.01"))
    if computed <= 0:
        raise ServiceError({"units": [f"按{mode.label}标准计算应收0元（{'；'.join(ln.label for ln in quote.lines) or '无'}），"
                                      "不发收费通知"]})
    amount, reason = computed, str(data.get("amount_reason") or "").strip()
    if str(data.get("amount") or "").strip():
        try:
            amount = Decimal(str(data["amount"]).strip()).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError) as exc:
            raise ServiceError({"amount": ["收费金额应为数字（元）"]}) from exc
        if amount <= 0:
            raise ServiceError({"amount": ["收费金额应大于0；不收费的，不发收费通知"]})
        if amount > computed:
            raise ServiceError({"amount": [f"收费金额不能高于按{FEE_MEASURES}计算的 {computed} 元"]})
    if amount != computed and not reason:
        raise ServiceError({"amount_reason": [f"收费金额与按标准计算的 {computed} 元不同，请填写调整理由"]})
    return FeeNotice(amount=amount, computed_amount=computed, mode=mode.value, units=units, earlier_units=earlier,
                     amount_reason=reason[:300] if amount != computed else "",
                     basis=f"{mode.label}，{units}{mode.unit}"[:100])


# --- Reviews -----------------------------------------------------------------------------------


def record_review(actor, case: Case, *, kind: str, filed_on, result: str = ReviewResult.PENDING,
                  concluded_on=None, note: str = "", review: Review | None = None) -> Review:
    """Add (or update ``review``) a 行政复议 / 行政诉讼 about ``case`` (annual report table 四).

    A concluded date needs a result other than pending and cannot precede the filing date, nor
    lie in the future. The case screen comes here (the JSONL import, services.transfer, writes the
    same Review rows with its own checks); an update's audit entry keeps the values it replaced.
    """
    require(rules.can_record_review(actor, case), "您无权登记此案件的复议诉讼情况")
    filed_on, concluded_on = _date(filed_on, "filed_on"), _date(concluded_on, "concluded_on")
    if kind not in ReviewKind.values:
        raise ServiceError({"kind": ["请选择复议或诉讼类型"]})
    if result not in ReviewResult.values:
        raise ServiceError({"result": ["请选择结果"]})
    if filed_on is None:
        raise ServiceError({"filed_on": ["请填写提起日期"]})
    if filed_on > clock.today():
        raise ServiceError({"filed_on": ["提起日期不能晚于今天"]})
    if concluded_on and concluded_on > clock.today():
        raise ServiceError({"concluded_on": ["审结日期不能晚于今天"]})
    if concluded_on and concluded_on < filed_on:
        raise ServiceError({"concluded_on": ["审结日期不能早于提起日期"]})
    if concluded_on and result == ReviewResult.PENDING:
        raise ServiceError({"result": ["已审结的，请选择结果"]})
    if review is not None and review.case_id != case.pk:
        raise ServiceError("该复议诉讼记录不属于本案件")
    with transaction.atomic():
        previous = ({"kind": review.kind, "filed_on": review.filed_on, "result": review.result,
                     "concluded_on": review.concluded_on} if review is not None and review.pk else None)
        review = review or Review(case=case)
        review.kind, review.filed_on, review.result, review.concluded_on = kind, filed_on, result, concluded_on
        review.note = note[:300]
        review.save()
        audit.record("request.review_recorded", actor, case, {
            "review": review.pk, "kind": kind, "filed_on": filed_on, "result": result, "concluded_on": concluded_on,
            "previous": previous,
        }, label=case.number)
    return review
