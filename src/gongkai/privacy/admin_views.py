"""Admin screens of the privacy guard: a record's 隐私检查 (findings in context, one-click masking,
the exception form), the 存量排查 list and report (HTML, XLSX) with one-step actions per record,
and the 整改事项 list. Views read and call services; a ServiceError comes back as a message."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gongkai.core import rules
from gongkai.core.denials import out_of_scope
from gongkai.core.models import Body
from gongkai.core.services import ServiceError
from gongkai.privacy import services
from gongkai.privacy.gate import scan_record
from gongkai.privacy.models import ExceptionBasis, FindingStatus, Rectification, RectificationStatus, Sweep


class ExceptionForm(forms.Form):
    basis = forms.ChoiceField(label=_("例外情形"), choices=[("", "——请选择——"), *ExceptionBasis.choices],
                              error_messages={"required": _("请选择例外情形")})
    legal_basis = forms.CharField(label=_("法律依据"), max_length=300,
                                  help_text=_("写明法律法规名称和条款，如：《中华人民共和国行政处罚法》第四十八条"),
                                  error_messages={"required": _("请写明具体的法律依据")})
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FindingActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in services.FINDING_ACTIONS])
    note = forms.CharField(required=False, max_length=500)
    due_date = forms.DateField(required=False, error_messages={"invalid": _("请输入有效的日期，如 2026-12-31")})


def _record(request, pk: int):
    from gongkai.disclosure.models import Record

    record = get_object_or_404(Record.objects.select_related("body"), pk=pk)
    if not rules.can_view_body(request.user, record.body):
        raise out_of_scope(request, record)
    return record


def record_check(request, pk: int):
    """隐私检查 of a record's latest revision."""
    record = _record(request, pk)
    form = ExceptionForm(request.POST or None) if request.POST.get("do") == "exception" else ExceptionForm()
    if request.method == "POST":
        try:
            if request.POST.get("do") == "mask":
                ids = [int(x) for x in request.POST.getlist("attachment") if x.isdigit()]
                services.mask_record(request.user, record, attachment_ids=ids or None,
                                     text=request.POST.get("text") == "1" or not ids)
                messages.success(request, _("已遮盖并保存为新版本；审核中的信息将从保密审查重新开始"))
                return redirect("privacy_admin:record", pk=record.pk)
            if request.POST.get("do") == "exception" and form.is_valid():
                services.grant_exception(request.user, record, **form.cleaned_data)
                messages.success(request, _("已登记例外，该版本可通过隐私检查"))
                return redirect("privacy_admin:record", pk=record.pk)
        except ServiceError as exc:
            _add_errors(request, form, exc)
    revision = record.get_latest_revision()
    scan = scan_record(revision.as_object()) if revision else scan_record(record)
    return TemplateResponse(request, "privacy/admin/record_check.html", {
        "record": record, "scan": scan, "form": form, "revision": revision,
        "exceptions": record.privacy_exceptions.select_related("reviewer", "revision"),
        "may_mask": rules.can_mask_record(request.user, record.body),
        "may_except": rules.can_grant_privacy_exception(request.user, record.body),
    }, status=400 if form.errors else 200)


def _add_errors(request, form, exc: ServiceError) -> None:
    """Field errors onto the form (it keeps what was typed), the rest as messages."""
    if hasattr(exc, "error_dict"):
        for field, problems in exc.message_dict.items():
            for problem in problems:
                if field in form.fields:
                    form.add_error(field, problem)
                else:
                    messages.error(request, problem)
        return
    for error in exc.messages:
        messages.error(request, error)


def _counties(user):
    return [b for b in Body.objects.filter(depth=1).order_by("path") if rules.can_run_privacy_sweep(user, b)]


def sweep_list(request):
    counties = _counties(request.user)
    if not counties:
        raise PermissionDenied
    if request.method == "POST":
        county = next((c for c in counties if str(c.pk) == request.POST.get("county")), None)
        if county is None:
            raise PermissionDenied
        try:
            sweep = services.start_sweep(request.user, county)
            messages.success(request, _("已发起存量排查，后台将逐条扫描已公开的信息和附件，可在本页查看进度"))
            return redirect("privacy_admin:sweep", pk=sweep.pk)
        except ServiceError as exc:
            for error in exc.messages:
                messages.error(request, error)
    services.fail_stale_sweeps()  # a sweep whose process died shows as failed, and a new one can start
    sweeps = Sweep.objects.filter(county__in=counties).select_related("county")[:50]
    return TemplateResponse(request, "privacy/admin/sweep_list.html", {"sweeps": sweeps, "counties": counties})


def _sweep(request, pk: int) -> Sweep:
    sweep = get_object_or_404(Sweep.objects.select_related("county"), pk=pk)
    if not rules.can_run_privacy_sweep(request.user, sweep.county):
        raise out_of_scope(request, sweep)
    return sweep


@dataclass(frozen=True)
class SweptItem:
    """A public object with findings: a record, or an object of another public source."""

    source: str
    label: str
    object_id: str
    title: str
    admin_url: str
    record: object | None

    @property
    def is_record(self) -> bool:
        return self.record is not None


def report_groups(sweep: Sweep):
    """Findings grouped body → public object: [(body, [(SweptItem, [findings])])]."""
    from gongkai.privacy import public_sources

    labels = {key: source.label for key, source in public_sources.sources().items()}
    groups: dict[int, tuple[Body, dict[tuple[str, str], tuple[SweptItem, list]]]] = {}
    for finding in sweep.findings.select_related("body", "record").order_by("body__path", "source", "object_id", "pk"):
        body, items = groups.setdefault(finding.body_id, (finding.body, {}))
        key = (finding.source, finding.object_id or str(finding.record_id))
        if key not in items:
            record = finding.record
            items[key] = (SweptItem(finding.source, labels.get(finding.source, finding.source), key[1],
                                    finding.object_title or (record.title if record else ""), finding.admin_url,
                                    record), [])
        items[key][1].append(finding)
    return [(body, list(items.values())) for body, items in groups.values()]


def sweep_detail(request, pk: int):
    sweep = _sweep(request, pk)
    if request.method == "POST":
        from gongkai.disclosure.models import Record

        form = FindingActionForm(request.POST)
        if form.is_valid():
            try:
                if request.POST.get("record"):
                    record = get_object_or_404(Record.objects.select_related("body"), pk=request.POST.get("record", 0))
                    services.handle_findings(request.user, record, sweep, form.cleaned_data["action"],
                                             note=form.cleaned_data["note"], due_date=form.cleaned_data["due_date"])
                    title = record.title
                else:
                    title = services.handle_source_findings(
                        request.user, sweep, str(request.POST.get("source", "")), str(request.POST.get("object_id", "")),
                        form.cleaned_data["action"], note=form.cleaned_data["note"],
                        due_date=form.cleaned_data["due_date"])
                messages.success(request, _("已处理：%(title)s") % {"title": title})
            except ServiceError as exc:
                for error in exc.messages:
                    messages.error(request, error)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("privacy_admin:sweep", pk=sweep.pk)
    findings = sweep.findings
    return TemplateResponse(request, "privacy/admin/sweep_detail.html", {
        "sweep": sweep, "groups": report_groups(sweep), "open_count": findings.filter(status=FindingStatus.OPEN).count(),
        "finding_count": findings.count(), "record_count": findings.values("source", "object_id").distinct().count(),
        "today": timezone.localdate(),
    })


def _cell(value) -> str:
    """Text for a spreadsheet cell that Excel will never read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def sweep_xlsx(request, pk: int):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    sweep = _sweep(request, pk)
    book = Workbook()
    sheet = book.active
    sheet.title = "排查发现"
    headings = ["发布机构", "内容类型", "标题", "索引号", "位置", "单元格或行", "类型", "遮盖后", "上下文（已遮盖）", "处理状态"]
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    labels = dict(FindingStatus.choices)
    rows = 0
    for body, records in report_groups(sweep):
        for item, findings in records:
            index_number = item.record.index_number if item.record else ""
            for f in findings:
                rows += 1
                sheet.append([_cell(v) for v in (body.name, item.label, item.title, index_number, f.part, f.location,
                                                 f.kind_label, f.masked, f.context, labels.get(f.status))])
    for column, width in zip("ABCDEFGHIJ", (24, 20, 40, 28, 24, 12, 12, 24, 48, 12), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    services.record_sweep_export(request.user, sweep, rows=rows)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=privacy-sweep-{sweep.pk}.xlsx"
    return response


def rectification_list(request):
    if not rules.can_access_admin(request.user):
        raise PermissionDenied
    visible = rules.bodies_visible_to(request.user)
    items = Rectification.objects.filter(body__in=visible).select_related("body")
    return TemplateResponse(request, "privacy/admin/rectification_list.html", {
        "items": items[:200], "open": items.filter(status=RectificationStatus.OPEN).count(), "today": timezone.localdate(),
        "closable": {i.pk for i in items[:200] if rules.can_handle_privacy_finding(request.user, i.body)},
    })


@require_POST
def rectification_close(request, pk: int):
    item = get_object_or_404(Rectification.objects.select_related("body"), pk=pk)
    if not rules.can_view_body(request.user, item.body):
        raise Http404
    try:
        services.close_rectification(request.user, item, outcome=request.POST.get("outcome", ""))
        messages.success(request, _("整改事项已办结"))
    except ServiceError as exc:
        for error in exc.messages:
            messages.error(request, error)
    return redirect("privacy_admin:rectifications")
