"""Wagtail admin screens for 依申请公开 cases: the dashboard (handler's and office's: counts by
status, filters, oldest first) and the case screen (events, due-date history, the applicant only if
can_view_applicant) as a guided flow: only the actions rules.case_flow allows this user in the
case's state, the expected next step (case_flow.next_step) first and the rest folded; the fee
notice computed by rules.fees before it is issued; 复议 and 诉讼 entered, updated and concluded with
where they count in table 四 of the annual report.

Views only read and call services; a ServiceError comes back as a message on the case screen.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from gongkai.core import rules
from gongkai.core.denials import out_of_scope
from gongkai.core.models import Body, BodyKind
from gongkai.core.selectors import work_calendar
from gongkai.core.services import ServiceError
from gongkai.privacy import public_sources
from gongkai.requests import letters as letter_rendering
from gongkai.requests import selectors
from gongkai.requests.intake_views import intake_bodies
from gongkai.requests.models import (
    Case,
    Letter,
    ProactiveSuggestion,
    Review,
    ReviewKind,
    ReviewResult,
    SuggestionCase,
    SuggestionStatus,
)
from gongkai.requests.public_sources import ANSWER
from gongkai.requests.services import access, proactive
from gongkai.requests.services import letters as letter_services
from gongkai.requests.services.cases import allowed_actions, fee_notice, record_review, transition
from gongkai.requests.services.clock import case_clock, today
from gongkai.requests.services.publication import PUBLISHABLE_STATES, set_publication
from gongkai.rules.annual_report import table4_guide
from gongkai.rules.case_flow import TRANSITIONS, Action, CaseState, next_step
from gongkai.rules.deadlines import ClockStatus
from gongkai.rules.dispositions import LAPSE_DISPOSITIONS, Disposition
from gongkai.rules.fees import ChargingMode
from gongkai.rules.reply_letters import LetterKind

STATUS_CHOICES = [(s.value, s.label) for s in ClockStatus] + [("error", "期限无法计算")]


def case_list(request):
    if not rules.can_view_cases(request.user):
        raise PermissionDenied
    cal, now = work_calendar(), today()
    visible = selectors.cases_visible_to(request.user)
    qs = visible
    state = request.GET.get("state", "")
    status = request.GET.get("status", "")
    if state in CaseState._value2member_map_:
        qs = qs.filter(state=state)
    else:
        state = ""
    if status in dict(STATUS_CHOICES):
        qs = selectors.filter_status(qs, status, now, cal)
    else:
        status = ""
    letters = request.GET.get("letters", "")
    if letters == "unsent":
        qs = selectors.with_unsent_letters(qs)
    else:
        letters = ""
    page = Paginator(qs, 50).get_page(request.GET.get("p"))
    rows = [(case, case_clock(case, cal, now)) for case in page]
    counts = selectors.status_counts(visible, now, cal)
    return TemplateResponse(request, "requests/admin/case_list.html", {
        "rows": rows, "page": page, "state": state, "status": status, "letters": letters,
        "total": visible.count(),
        "states": [(s.value, s.label) for s in CaseState], "statuses": STATUS_CHOICES,
        "counts": [(label, counts.get(code, 0), code) for code, label in STATUS_CHOICES],
        "can_register": bool(intake_bodies(request.user)),
    })


def _visible_case(request, pk: int) -> Case:
    case = get_object_or_404(Case.objects.select_related("body"), pk=pk)
    if not rules.can_view_case(request.user, case):
        raise out_of_scope(request, case)
    return case


def case_detail(request, pk: int):
    case = _visible_case(request, pk)
    cal = work_calendar()
    actions = allowed_actions(request.user, case)
    upcoming = next_step(actions)
    choosable = [d for d in Disposition if d not in LAPSE_DISPOSITIONS]
    return TemplateResponse(request, "requests/admin/case_detail.html", {
        "case": case, "clock": case_clock(case, cal), "events": case.events.all(),
        "due_changes": case.due_changes.all(), "fees": case.fee_notices.all(),
        "actions": actions, "next_action": upcoming, "other_actions": [t for t in actions if t is not upcoming],
        "dispositions": choosable,
        "applicant": access.view_applicant(request.user, case),
        "today": today(),
        "extension_needs_head": _extension_needs_head(request.user, case, actions),
        "can_publish": rules.can_handle_case(request.user, case.body) and case.state in PUBLISHABLE_STATES,
        **_fee_context(request, actions),
        **_review_context(request.user, case),
        **_publication_context(request, case),
        **_letter_context(request.user, case),
    })


FEE_INPUTS = ("mode", "units", "earlier_units")


def _fee_context(request, actions) -> dict:
    """The fee notice form in two steps: the handler enters the mode and the items or pages (GET
    ``fee_*`` on the case screen), then sees rules.fees's amount and breakdown and issues it."""
    if not any(t.action is Action.NOTIFY_FEE for t in actions):
        return {}
    entered = {f: request.GET.get(f"fee_{f}", "").strip() for f in FEE_INPUTS}
    context = {"fee_modes": list(ChargingMode), "fee_entered": entered}
    if entered["mode"] and not request.GET.get("fee_edit"):
        try:
            context["fee_preview"] = fee_notice(entered)
        except ServiceError as exc:
            context["fee_errors"] = exc.messages
    return context


def _review_context(user, case: Case) -> dict:
    """The reviews with where each counts in table 四, and for the form each kind and result with
    the table 四 row or column it leads to (rules.annual_report.table4_guide, i.e. review_cell)."""
    rows, columns = (dict(pairs) for pairs in table4_guide(today().year))
    return {"reviews": case.reviews.all(), "can_record_review": rules.can_record_review(user, case),
            "review_kinds": [(value, label, rows[value]) for value, label in ReviewKind.choices],
            "review_results": [(value, label, columns[value]) for value, label in ReviewResult.choices]}


def _letter_context(user, case: Case) -> dict:
    if not rules.can_issue_letter(user, case):
        return {"can_issue_letter": False}
    kinds = [(kind, [(f, letter_services.INPUT_LABELS[f]) for f in letter_services.INPUT_FIELDS[kind]])
             for kind in letter_services.applicable_kinds(case)]
    link = SuggestionCase.objects.filter(case=case).select_related("suggestion").first()
    return {"can_issue_letter": True, "letters": case.letters.select_related("corrects").all(), "letter_kinds": kinds,
            "proactive_suggestion": link.suggestion if link else None}


def _error(request, exc) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "您无权执行此操作")
    else:
        messages.error(request, "；".join(exc.messages))


def _letter_inputs(request) -> dict:
    return {f: request.POST.get(f, "") for f in letter_services.INPUT_LABELS}


@require_POST
def letter_generate(request, pk: int):
    case = _visible_case(request, pk)
    try:
        letter = letter_services.generate_letter(request.user, case, request.POST.get("kind", ""),
                                                 inputs=_letter_inputs(request))
    except (PermissionDenied, ServiceError) as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已生成{letter.kind_label}（{letter.doc_number}）")
    return redirect("requests_admin:detail", pk=case.pk)


def _case_letter(request, pk: int, letter_id: int) -> Letter:
    case = _visible_case(request, pk)
    letter = get_object_or_404(Letter.objects.select_related("case"), pk=letter_id, case=case)
    if not rules.can_issue_letter(request.user, case):
        raise out_of_scope(request, case)
    return letter


def letter_download(request, pk: int, letter_id: int):
    letter = _case_letter(request, pk, letter_id)
    try:
        handle, name = access.open_letter(request.user, letter)
    except ServiceError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response


def id_document_download(request, pk: int):
    """The applicant's uploaded identity document (only whoever sees the applicant; audited)."""
    case = _visible_case(request, pk)
    if not rules.can_view_applicant(request.user, case):
        raise out_of_scope(request, case)
    try:
        handle, name = access.open_id_document(request.user, case)
    except ServiceError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def letter_sent(request, pk: int, letter_id: int):
    letter = _case_letter(request, pk, letter_id)
    try:
        letter_services.mark_sent(request.user, letter, on=request.POST.get("on", ""),
                                  method=request.POST.get("method", ""))
    except (PermissionDenied, ServiceError) as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已登记{letter.doc_number}送达")
    return redirect("requests_admin:detail", pk=pk)


@require_POST
def letter_correct(request, pk: int, letter_id: int):
    letter = _case_letter(request, pk, letter_id)
    inputs = {**letter.inputs, **{k: v for k, v in _letter_inputs(request).items() if v.strip()}}
    try:
        new = letter_services.correct_letter(request.user, letter, inputs=inputs)
    except (PermissionDenied, ServiceError) as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已生成更正文书{new.doc_number}")
    return redirect("requests_admin:detail", pk=pk)


# --- The office's letter templates ---------------------------------------------------------------


def _template_county(request) -> Body:
    counties = [c for c in Body.objects.filter(kind=BodyKind.COUNTY, is_active=True).order_by("path")
                if rules.can_manage_letter_templates(request.user, c)]
    if not counties:
        raise PermissionDenied
    chosen = request.GET.get("county") or request.POST.get("county")
    return next((c for c in counties if str(c.pk) == chosen), counties[0])


def letter_templates(request):
    county = _template_county(request)
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            if op == "upload":
                letter_services.upload_template(request.user, county, request.POST.get("kind", ""),
                                                request.FILES.get("file"))
                messages.success(request, "已更换模板")
            elif op == "revert":
                letter_services.revert_template(request.user, county, request.POST.get("kind", ""))
                messages.success(request, "已恢复系统内置模板")
            elif op == "prefix":
                body = get_object_or_404(Body, pk=request.POST.get("body"))
                if body.get_county() != county:
                    raise Http404
                letter_services.set_letter_prefix(request.user, body, request.POST.get("prefix", ""))
                messages.success(request, f"已设置{body.name}的发文机关代字")
        except (PermissionDenied, ServiceError) as exc:
            _error(request, exc)
        except ValueError:
            messages.error(request, "请选择文书类型")
        return redirect(f"{request.path}?county={county.pk}")
    kinds = [(kind, letter_rendering.active_template(county, kind)) for kind in LetterKind]
    bodies = [(b, letter_services.letter_prefix(b)) for b in Body.get_tree(county).filter(
        kind__in=[BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP], is_active=True)]
    return TemplateResponse(request, "requests/admin/letter_templates.html", {
        "county": county, "kinds": kinds, "bodies": bodies, "fields": letter_rendering.TEMPLATE_FIELDS.items(),
        "intro": "各类文书使用下列模板。可下载当前模板，在 Word 或 WPS 中修改版式和固定文字后上传替换；"
                 "模板中的 {{ 字段 }} 会在生成时填入。",
        "loop_help": "正文段落为列表，写法：{%p for paragraph in paragraphs %}、{{ paragraph }}、{%p endfor %} "
                     "各占一段。使用未列出字段的模板不能上传。",
    })


def letter_template_download(request, kind: str):
    county = _template_county(request)
    try:
        kind = LetterKind(kind)
    except ValueError as exc:
        raise Http404 from exc
    data = letter_rendering.template_bytes(county, kind)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{kind.value}.docx"
    return response


def _extension_needs_head(user, case: Case, actions) -> bool:
    """Whether to tell a handler that the extension this case could still get is granted by the
    head of the disclosure office (条例第三十三条第二款), not by them: it is not among their actions."""
    if case.extension_approved_on or any(t.action is Action.EXTEND for t in actions):
        return False
    return CaseState(case.state) in TRANSITIONS[Action.EXTEND].sources and rules.can_handle_case(user, case.body)


def _posted_version(request) -> int | None:
    """The case version the screen's form was shown at (hidden ``version``), for the services'
    compare-and-set; a value that is not a number matches no version."""
    value = request.POST.get("version", "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() else 0


@require_POST
def case_action(request, pk: int, action: str):
    case = _visible_case(request, pk)
    if action not in Action._value2member_map_:
        raise Http404
    fields = ("on", "note", "period_end", "kind", "workdays", "amount", "amount_reason", "notice_received_on",
              "disposition", *FEE_INPUTS)
    data = {f: request.POST.get(f, "").strip() for f in fields if request.POST.get(f, "").strip()}
    try:
        transition(request.user, case, action, expected_version=_posted_version(request), **data)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "您无权执行此操作")
    except ServiceError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已{Action(action).label}")
    return redirect("requests_admin:detail", pk=case.pk)


@require_POST
def review_save(request, pk: int, review_id: int | None = None):
    """Enter a 行政复议 / 行政诉讼 about the case, or update or conclude one (services.record_review)."""
    case = _visible_case(request, pk)
    if not rules.can_record_review(request.user, case):
        raise PermissionDenied
    review = get_object_or_404(Review, pk=review_id, case=case) if review_id is not None else None
    post = {f: request.POST.get(f, "").strip() for f in ("kind", "filed_on", "result", "concluded_on", "note")}
    try:
        saved = record_review(request.user, case, kind=post["kind"], filed_on=post["filed_on"] or None,
                              result=post["result"] or ReviewResult.PENDING, concluded_on=post["concluded_on"] or None,
                              note=post["note"], review=review)
    except (PermissionDenied, ServiceError) as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已登记{saved.get_kind_display()}（{saved.get_result_display()}）："
                                  f"{saved.table4_explanation}")
    return redirect(f"{reverse('requests_admin:detail', args=[case.pk])}#reviews-title")


def _draft_key(case: Case) -> str:
    return f"requests.publication_draft.{case.pk}"


def _publication_context(request, case: Case) -> dict:
    """The 答复选登 form: prefilled with the officer's last refused draft (kept in the session) and
    the privacy gate's findings on it, or with what is published."""
    draft = request.session.get(_draft_key(case))
    published = case.published_at.isoformat() if case.published_at else ""
    if draft and draft.get("published") != published:
        # Someone published or withdrew the answer since: the draft no longer answers to what is shown.
        del request.session[_draft_key(case)]
        draft = None
    if not draft:
        return {"pub_title": case.public_title, "pub_summary": case.public_summary, "pub_findings": []}
    return {"pub_title": draft["title"], "pub_summary": draft["summary"], "pub_findings": draft["findings"],
            "pub_draft": True}


def _keep_draft(request, case: Case, title: str, summary: str, *, masked: bool) -> str:
    """Keep a refused draft so the officer does not lose it. When the gate refused it, the kept text
    has the findings masked: the session (a database table) and the page prefilled from it never
    hold the full number, and nothing that was masked could have been published anyway. Returns the
    gate's summary line when the gate refused the draft, else ''."""
    draft = copy.copy(case)  # an unsaved copy: the gate reads the text as it would be published
    draft.public_title, draft.public_summary = title.strip(), summary.strip()

    def mask() -> None:
        for name, value in public_sources.mask_fields(ANSWER, draft).items():
            setattr(draft, name, value)

    if masked:  # the one-click mask was refused: list what masking leaves (a marking, a sensitive word)
        mask()
    scan = public_sources.check(ANSWER, draft)
    findings, refused = [], ""
    if scan.blocking:
        mask()
        findings = scan.lines()
        refused = str(public_sources.Blocked(public_sources.source(ANSWER), scan))
    request.session[_draft_key(case)] = {
        "title": draft.public_title, "summary": draft.public_summary, "findings": findings,
        "published": case.published_at.isoformat() if case.published_at else ""}
    return refused


@require_POST
def case_publication(request, pk: int):
    """Publish an anonymised account of an answered case in the portal's 答复选登, or withdraw it.
    ``mask=1`` is the one-click mask (一键遮盖并公开): the gate's findings are masked, then published.
    A refused draft is kept (masked) for the case screen, with what the gate found."""
    case = _visible_case(request, pk)
    mask = request.POST.get("mask") == "1"  # 一键遮盖并公开: masking is only ever asked for to publish
    publish = mask or request.POST.get("publish") == "1"
    title, summary = request.POST.get("public_title", ""), request.POST.get("public_summary", "")
    try:
        set_publication(request.user, case, publish=publish, title=title, summary=summary, mask=mask,
                        expected_version=_posted_version(request))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "您无权执行此操作")
    except ServiceError as exc:
        refused = _keep_draft(request, case, title, summary, masked=mask) if publish else ""
        # The gate's findings are listed beside the form (masked, with where); the message says only
        # that it refused, so the numbers' contexts are not repeated at the top of the page.
        messages.error(request, f"{refused}：请查看“答复选登”中列出的问题" if refused else "；".join(exc.messages))
    else:
        request.session.pop(_draft_key(case), None)
        if mask:
            messages.success(request, "已遮盖个人信息并公开到答复选登")
        else:
            messages.success(request, "已公开到答复选登" if publish else "已取消公开")
    return redirect("requests_admin:detail", pk=case.pk)


# --- 条例第四十四条 suggestions -----------------------------------------------------------------------


def proactive_list(request):
    if not rules.can_access_admin(request.user):
        raise PermissionDenied
    from gongkai.disclosure.models import Record

    status = request.GET.get("status", SuggestionStatus.OPEN)
    qs = proactive.suggestions_visible_to(request.user)
    if status in SuggestionStatus.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    rows = []
    for suggestion in qs[:200]:
        cases = [(link.case, rules.can_view_case(request.user, link.case)) for link in suggestion.links.all()]
        decidable = (suggestion.status == SuggestionStatus.OPEN
                     and rules.can_decide_proactive_suggestion(request.user, suggestion.body))
        records = (Record.objects.filter(body=suggestion.body).order_by("-updated_at")
                   .only("pk", "title", "index_number")[:200] if decidable else [])
        rows.append((suggestion, cases, decidable, records))
    return TemplateResponse(request, "requests/admin/proactive_list.html", {
        "rows": rows, "status": status, "statuses": SuggestionStatus.choices,
        "min_applicants": proactive.min_applicants(),
    })


@require_POST
def proactive_decide(request, pk: int):
    from gongkai.disclosure.models import Record

    suggestion = get_object_or_404(ProactiveSuggestion.objects.select_related("body"), pk=pk)
    if not rules.can_view_proactive_suggestions(request.user, suggestion.body):
        raise Http404
    try:
        if request.POST.get("op") == "accept":
            record = Record.objects.filter(pk=request.POST.get("record") or 0, body=suggestion.body).first()
            proactive.accept_suggestion(request.user, suggestion, record)
            messages.success(request, "已记录：纳入主动公开")
        else:
            proactive.decline_suggestion(request.user, suggestion, request.POST.get("reason", ""))
            messages.success(request, "已记录：不纳入主动公开")
    except (PermissionDenied, ServiceError) as exc:
        _error(request, exc)
    except ValueError:
        messages.error(request, "请选择政府信息")
    return redirect("requests_admin:proactive")
