"""Wagtail admin screens for 依申请公开 cases: the dashboard (handler's and office's: counts by
status, filters, oldest first) and the case screen (events, due-date history, the actions
rules.case_flow allows this user as forms, the applicant only if can_view_applicant).

Views only read and call services; a ServiceError comes back as a message on the case screen.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from gongkai.core import rules
from gongkai.core.selectors import work_calendar
from gongkai.core.services import ServiceError
from gongkai.requests import selectors
from gongkai.requests.models import Case
from gongkai.requests.services.cases import allowed_actions, transition
from gongkai.requests.services.clock import case_clock, today
from gongkai.requests.services.publication import PUBLISHABLE_STATES, set_publication
from gongkai.rules.case_flow import TRANSITIONS, Action, CaseState
from gongkai.rules.deadlines import ClockStatus
from gongkai.rules.dispositions import LAPSE_DISPOSITIONS, Disposition

STATUS_CHOICES = [(s.value, s.label) for s in ClockStatus] + [("error", "期限无法计算")]


def case_list(request):
    if not rules.can_access_admin(request.user):
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
    page = Paginator(qs, 50).get_page(request.GET.get("p"))
    rows = [(case, case_clock(case, cal, now)) for case in page]
    counts = selectors.status_counts(visible, now, cal)
    return TemplateResponse(request, "requests/admin/case_list.html", {
        "rows": rows, "page": page, "state": state, "status": status, "total": visible.count(),
        "states": [(s.value, s.label) for s in CaseState], "statuses": STATUS_CHOICES,
        "counts": [(label, counts.get(code, 0), code) for code, label in STATUS_CHOICES],
    })


def _visible_case(request, pk: int) -> Case:
    case = get_object_or_404(Case.objects.select_related("body"), pk=pk)
    if not rules.can_view_case(request.user, case):
        raise Http404
    return case


def case_detail(request, pk: int):
    case = _visible_case(request, pk)
    cal = work_calendar()
    actions = allowed_actions(request.user, case)
    choosable = [d for d in Disposition if d not in LAPSE_DISPOSITIONS]
    return TemplateResponse(request, "requests/admin/case_detail.html", {
        "case": case, "clock": case_clock(case, cal), "events": case.events.all(),
        "due_changes": case.due_changes.all(), "reviews": case.reviews.all(), "fees": case.fee_notices.all(),
        "actions": actions, "dispositions": choosable,
        "applicant": case.applicant if rules.can_view_applicant(request.user, case) else None,
        "today": today(),
        "extension_needs_head": _extension_needs_head(request.user, case, actions),
        "can_publish": rules.can_handle_case(request.user, case.body) and case.state in PUBLISHABLE_STATES,
    })


def _extension_needs_head(user, case: Case, actions) -> bool:
    """Whether to tell a handler that the extension this case could still get is granted by the
    head of the disclosure office (条例第三十三条第二款), not by them: it is not among their actions."""
    if case.extension_approved_on or any(t.action is Action.EXTEND for t in actions):
        return False
    return CaseState(case.state) in TRANSITIONS[Action.EXTEND].sources and rules.can_handle_case(user, case.body)


@require_POST
def case_action(request, pk: int, action: str):
    case = _visible_case(request, pk)
    if action not in Action._value2member_map_:
        raise Http404
    fields = ("on", "note", "period_end", "kind", "workdays", "amount", "basis", "notice_received_on",
              "disposition")
    data = {f: request.POST.get(f, "").strip() for f in fields if request.POST.get(f, "").strip()}
    try:
        transition(request.user, case, action, **data)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "您无权执行此操作")
    except ServiceError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已{Action(action).label}")
    return redirect("requests_admin:detail", pk=case.pk)


@require_POST
def case_publication(request, pk: int):
    """Publish an anonymised account of an answered case in the portal's 答复选登, or withdraw it."""
    case = _visible_case(request, pk)
    publish = request.POST.get("publish") == "1"
    try:
        set_publication(request.user, case, publish=publish, title=request.POST.get("public_title", ""),
                        summary=request.POST.get("public_summary", ""))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "您无权执行此操作")
    except ServiceError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已公开到答复选登" if publish else "已取消公开")
    return redirect("requests_admin:detail", pk=case.pk)
