"""The views of RequestIndexPage (依申请公开 on the county site). They parse forms, call
``services.cases.submit_online`` or read ``requests.public``; they never write models themselves.

The receipt with the query code is the response to the successful POST itself (no redirect, not
cached, not stored in a session). A resubmitted form (browser refresh, double click, two
simultaneous POSTs) is recognised by its one-time nonce (``Case.submission_token``, unique) and not
registered twice: it gets the same receipt.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from gongkai.core import limits
from gongkai.core.services import ServiceError
from gongkai.portal import selectors as portal_selectors
from gongkai.requests import public, selectors
from gongkai.requests.forms import RADIO_FIELDS, ApplicationForm, StatusForm
from gongkai.requests.services.cases import submit_online

NONCE_SECONDS = 24 * 3600
ANSWERS_PER_PAGE = 20


def _render(page, request, template, status=200, **context):
    response = page.render(request, template=template, context_overrides=context)
    response.status_code = status
    return response


def index(page, request):
    return page.render(request, context_overrides={
        "apply_url": page.sub_url("apply", request), "status_url": page.sub_url("status", request),
        "answers_url": page.sub_url("answers", request),
        "competent_office": portal_selectors.competent_office(page.county),
    })


def _bodies(page):
    return list(portal_selectors.guide_bodies(page.county))


def apply(page, request):
    bodies = _bodies(page)
    if request.method != "POST":
        form = ApplicationForm(bodies=bodies, initial={"nonce": secrets.token_urlsafe(16)})
        form.describe()
        return _render(page, request, "requests/public/apply.html", form=form, radio_fields=RADIO_FIELDS,
                       extra_crumb="在线申请", calendar_wait=public.awaited_calendar_year())
    form = ApplicationForm(request.POST, request.FILES, bodies=bodies)
    nonce = (request.POST.get("nonce") or "")[:64]
    # A resubmission of a form already registered (double click, reload) is not a new application:
    # it is answered with its receipt below and never counts against the abuse limits.
    case = selectors.case_submitted_with(nonce)
    if case is None and form.is_valid():
        refused = _application_refusal(request, form)
        if refused is not None:
            form.describe()
            response = _render(page, request, "requests/public/apply.html", status=429, form=form,
                               radio_fields=RADIO_FIELDS, extra_crumb="在线申请",
                               limited_message=_application_limit_message(refused))
            response["Retry-After"] = str(refused.retry_after)
            return response
        try:
            case = submit_online(
                body=form.bodies[form.cleaned_data["body"]], applicant_type=form.applicant_type,
                subject=form.cleaned_data["subject"], description=form.cleaned_data["description"],
                preferred_form=form.cleaned_data["preferred_form"],
                delivery_method=form.cleaned_data["delivery_method"], applicant=form.applicant(),
                id_document=form.cleaned_data.get("id_document"), submission_token=nonce or None)
        except (ServiceError, PermissionDenied) as exc:
            form.add_service_errors(exc if isinstance(exc, ServiceError) else ServiceError(str(exc)))
    if case is None:
        form.describe()
        return _render(page, request, "requests/public/apply.html", status=400, form=form,
                       radio_fields=RADIO_FIELDS, extra_crumb="在线申请")
    # A second POST of the same form gets the same receipt: after a double click the browser shows
    # the second response, so this is the applicant's only sight of the query code. Only the
    # browser that was given the form knows its token; after NONCE_SECONDS it no longer shows it.
    stale = (timezone.now() - case.created_at).total_seconds() > NONCE_SECONDS
    response = _render(page, request, "requests/public/receipt.html", case=case, duplicate=stale,
                       status_url=page.sub_url("status", request), extra_crumb="申请回执",
                       calendar_wait=public.awaited_calendar_year(case.received_on) if case.due_error else None)
    add_never_cache_headers(response)
    return response


def _application_refusal(request, form) -> limits.Decision | None:
    """Abuse limits on valid applications (issue 13 §5): per client address and per contact (phone,
    e-mail) per hour, shared by every worker. Checked first so a refused attempt counts nowhere;
    then counted, which refuses the losers of a concurrent burst."""
    address = limits.client_address(request)
    contacts = limits.contact_subjects(form.cleaned_data.get("phone", ""), form.cleaned_data.get("email", ""))
    rules = [(limits.APPLICATIONS_PER_ADDRESS, address)] + [(limits.APPLICATIONS_PER_CONTACT, c) for c in contacts]
    refused = limits.first_refusal(*(rule.check(subject) for rule, subject in rules))
    if refused is not None:
        return refused
    return limits.first_refusal(*(rule.hit(subject) for rule, subject in rules))


def _application_limit_message(refused: limits.Decision) -> str:
    return (f"提交过于频繁，请{refused.retry_minutes}分钟后再试。为防止滥用，同一网络地址每小时最多提交"
            f"{limits.APPLICATIONS_PER_ADDRESS.limit}件申请，同一联系电话或电子邮箱每小时最多提交"
            f"{limits.APPLICATIONS_PER_CONTACT.limit}件。您填写的内容已保留。")


def status(page, request):
    """查询办理进度: POST only for the lookup itself, so the code never lands in a URL or a log."""
    result = refused = None
    not_found = False
    if request.method == "POST":
        form = StatusForm(request.POST)
        if form.is_valid():
            ip = limits.client_address(request)
            code, digits = form.cleaned_data["code"], form.cleaned_data["digits"]
            refused = public.refusal(ip, code)
            if refused is None:
                result = public.lookup(ip, code, digits)
                not_found = result is None
            form = StatusForm(initial={"code": code})  # the digits are not echoed back
    else:
        form = StatusForm()
    form.describe()
    code = 429 if refused else 400 if form.is_bound and not form.is_valid() else 200
    response = _render(page, request, "requests/public/status.html", status=code, form=form, result=result,
                       limited=refused is not None, retry_minutes=refused.retry_minutes if refused else 0,
                       not_found=not_found, extra_crumb="查询办理进度")
    if refused:
        response["Retry-After"] = str(refused.retry_after)
    add_never_cache_headers(response)
    return response


def answers(page, request):
    listing = Paginator(public.published_answers(page.county), ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    return _render(page, request, "requests/public/answers.html", answers=listing, extra_crumb="答复选登")
