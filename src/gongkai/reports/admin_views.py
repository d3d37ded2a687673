"""Wagtail admin screens of annual reports: the list (the office: every reporting body of its county
with state draft / validated / published / late against the Art. 49 deadline, and the county 汇总;
officers: their bodies) and the report screen (checks, tables, text, actions as forms, downloads).

Views only read and call services; a ServiceError or PermissionDenied comes back as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core import rules
from gongkai.core.denials import out_of_scope
from gongkai.core.models import Body
from gongkai.core.services import ServiceError
from gongkai.privacy import public_sources
from gongkai.reports import exports, layout, selectors, services
from gongkai.reports.document import report_document
from gongkai.reports.models import OPEN_STATUSES, AnnualReport
from gongkai.reports.public_sources import ANNUAL_REPORT


def _year(request) -> int:
    default = timezone.localdate().year - 1
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if services.MIN_YEAR <= year <= default + 1 else default


def report_list(request):
    if not rules.can_use_annual_reports(request.user):
        raise PermissionDenied
    year = _year(request)
    visible = rules.bodies_visible_to(request.user)
    counties = [b for b in Body.objects.filter(kind="county", pk__in=visible.values("pk")).order_by("path")
                if rules.can_oversee_annual_reports(request.user, b)]
    blocks = []
    for county in counties:
        rows = selectors.overview(county, year)
        blocks.append({"county": county, "rows": rows, "summary": selectors.county_summary(county, year),
                       "late": sum(r.late for r in rows)})
    own = []
    if not counties:
        bodies = [b for b in visible.filter(kind__in=selectors.REPORT_BODY_KINDS).order_by("path")
                  if rules.can_view_annual_report(request.user, b)]
        for body in bodies:
            county = body.get_county()
            own.extend(r for r in selectors.overview(county, year) if r.body.pk == body.pk)
    summaries = [(b["county"], layout.table3_grid(b["summary"]["table3"]), layout.table4_grid(b["summary"]["table4"]),
                  b["summary"]["reports"]) for b in blocks]
    marked = _data_marks(request.user, [r for b in blocks for r in b["rows"]] + own, year)
    for block in blocks:
        block["rows"] = [marked[r.body.pk] for r in block["rows"]]
    return TemplateResponse(request, "reports/admin/report_list.html", {
        "year": year, "years": range(timezone.localdate().year, services.MIN_YEAR - 1, -1), "blocks": blocks,
        "own": [marked[r.body.pk] for r in own], "summaries": summaries, "summary_formats": SUMMARY_FORMATS})


SUMMARY_FORMATS = (("docx", "Word"), ("xlsx", "Excel"), ("html", "HTML"), ("json", "JSON"))


def _data_marks(user, rows, year: int) -> dict[int, dict]:
    """Each row of the list with what the data say since publication (issue 15): the cells where a
    published report differs from the tables computed now (``selectors.data_differences``: a
    fixed number of queries for the whole county), whether an open correction exists, and whether
    ``user`` may start one (``can_edit_annual_report``, the rule of ``start_correction``)."""
    differences = selectors.data_differences([r.report for r in rows if r.report])
    corrections = set(AnnualReport.objects.filter(body__in=[r.body for r in rows], year=year,
                                                  status__in=OPEN_STATUSES).values_list("body_id", flat=True))
    marked = {}
    for row in rows:
        found = differences.get(row.report.pk) if row.report else None
        cells = found if isinstance(found, list) else []
        marked[row.body.pk] = {
            "state": row, "differences": cells, "data_error": str(found) if isinstance(found, Exception) else "",
            "compared": bool(row.report) and selectors.is_compared(row.report),
            "correction_open": row.body.pk in corrections,
            "can_correct": bool(found) and rules.can_edit_annual_report(user, row.body),
            "reason": (f"发布后平台数据有变化，{len(cells)}处数据与已发布报告不一致："
                       + "；".join(f"{d.table_label}「{d.row_label}」「{d.column_label}」由{d.published}变为{d.computed}"
                                  for d in cells[:3]) + ("等" if len(cells) > 3 else "")) if cells else "",
        }
    return marked


def summary_download(request, county_id: int, year: int, fmt: str):
    """The county summary (汇总) in ``fmt``, for whoever oversees the county's reports."""
    county = get_object_or_404(Body, pk=county_id, kind="county")
    if not rules.can_oversee_annual_reports(request.user, county):
        raise out_of_scope(request, county)
    if fmt not in exports.FORMATS or not services.MIN_YEAR <= year <= 9999:
        raise Http404
    try:
        content = services.export_summary(request.user, county, year, fmt)
    except ServiceError as exc:
        _error(request, exc)
        return redirect(reverse("reports_admin:list") + f"?year={year}")
    _render, content_type, ext = exports.FORMATS[fmt]
    response = HttpResponse(content.encode("utf-8") if isinstance(content, str) else content,
                            content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="annual-report-summary-{county.code}-{year}.{ext}"'
    return response


def _body(request, body_id: int, year: int | None = None) -> Body:
    if year is not None and not services.MIN_YEAR <= year <= 9999:
        raise Http404  # a year no report can have (a huge one overflowed the date arithmetic: a 500)
    body = get_object_or_404(Body, pk=body_id)
    if not rules.can_view_annual_report(request.user, body):
        raise out_of_scope(request, body)
    return body


def report_detail(request, body_id: int, year: int):
    body = _body(request, body_id, year)
    versions = list(AnnualReport.objects.filter(body=body, year=year).order_by("-version"))
    current = selectors.current_report(body, year)
    document = report_document(current) if current else None
    figures = selectors.figures(body, year)
    # The privacy gate's view of the open report, as publish() will see it: found before the
    # publish button is pressed. It renders the DOCX to scan it, so it runs once per page view.
    privacy = public_sources.check(ANNUAL_REPORT, current) if current and current.is_open else None
    can_edit = rules.can_edit_annual_report(request.user, body)
    return TemplateResponse(request, "reports/admin/report_detail.html", {
        "body": body, "year": year, "report": current, "versions": versions,
        "document": document, **(exports.html_context(document) if document else {}),
        "privacy_findings": privacy.lines() if privacy and privacy.blocking else [],
        "privacy_summary": privacy.describe() if privacy and privacy.blocking else "",
        "can_mask": bool(can_edit and privacy and any(p.blocking and p.field for p in privacy.parts)),
        "figures": figures, "can_edit": can_edit,
        "can_publish": rules.can_publish_annual_report(request.user, body),
        "deadline": selectors.ar.publication_deadline(body.kind, year),
    })


def _error(request, exc) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "您无权执行此操作")
    else:
        for message in exc.messages:
            messages.error(request, message)


@require_POST
def report_action(request, body_id: int, year: int, action: str):
    body = _body(request, body_id, year)
    current = selectors.current_report(body, year)
    post = request.POST
    try:
        if action == "generate":
            services.generate(request.user, body, year, redraft=post.get("redraft") == "1")
            messages.success(request, "已根据平台数据生成年度报告")
        elif action == "figures":
            services.save_figures(request.user, body, year, licensing=post.get("licensing", "0"),
                                  penalty=post.get("penalty", "0"), coercion=post.get("coercion", "0"),
                                  fees_wan=post.get("fees_wan", "0"))
            messages.success(request, "已保存表二填报数据；请重新生成年度报告")
        elif current is None:
            raise ServiceError("请先生成年度报告")
        elif action == "sections":
            services.edit(request.user, current, sections={k: post.get(k, "") for k in services.SECTION_FIELDS},
                          warning_note=post.get("warning_note", ""))
            messages.success(request, "已保存")
        elif action == "validate":
            checks = services.validate(request.user, current)
            errors = sum(c["level"] == "error" for c in checks)
            messages.success(request, f"校验完成：错误{errors}项，提示{len(checks) - errors}项")
        elif action == "publish":
            services.publish(request.user, current, note=post.get("warning_note") or None)
            messages.success(request, "年度报告已发布")
        elif action == "mask":
            services.mask_personal_data(request.user, current)
            messages.success(request, "已遮盖年度报告文字中的个人信息，请核对后再发布")
        elif action == "correct":
            services.start_correction(request.user, current, post.get("reason", ""))
            messages.success(request, "已建立更正版本（草稿）；原版本在更正版本发布前继续公开")
        else:
            raise Http404
    except (ServiceError, PermissionDenied) as exc:
        _error(request, exc)
    return redirect("reports_admin:detail", body_id=body.pk, year=year)


def report_download(request, body_id: int, year: int, fmt: str):
    body = _body(request, body_id, year)
    if fmt not in exports.FORMATS:
        raise Http404
    current = selectors.current_report(body, year)
    if current is None:
        raise Http404
    try:
        content = services.export(request.user, current, fmt)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("reports_admin:detail", body_id=body.pk, year=year)
    _render, content_type, ext = exports.FORMATS[fmt]
    response = HttpResponse(content.encode("utf-8") if isinstance(content, str) else content,
                            content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="annual-report-{body.code}-{year}.{ext}"'
    return response


# --- Import of an earlier year's published report (reports.history) -----------------------------------

IMPORT_TABLE_CAPTIONS = (("table2", "表二 主动公开政府信息情况"), ("table3", "表三 收到和处理政府信息公开申请情况"),
                         ("table4", "表四 政府信息公开行政复议、行政诉讼情况"))


def _import_cell_name(path: str) -> str:
    parts = path.split(".")
    if parts[0] == "table2" and len(parts) >= 2 and parts[1] == "rows":  # 2019 layout: kept as printed
        return f"表二「{parts[2]}」第{int(parts[3]) + 1}个数"
    try:
        return selectors.ar.cell_name(parts[0], parts[1], parts[2] if len(parts) > 2 else None)
    except KeyError:
        return path


def report_import(request, body_id: int, year: int):
    """Upload the XLSX or DOCX of a report published elsewhere (services.import_history); afterwards
    the stored tables are shown cell by cell beside the label and cell text they came from."""
    from gongkai.reports.history import MAX_BYTES

    body = _body(request, body_id, year)
    if not rules.can_edit_annual_report(request.user, body):
        raise PermissionDenied
    imported = AnnualReport.objects.filter(body=body, year=year, source="imported").order_by("version").first()
    if request.method == "POST" and imported is None:
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的 XLSX 或 DOCX 文件")
        elif upload.size > MAX_BYTES:
            messages.error(request, "无法导入：文件超过 10 MB")
        else:
            try:
                services.import_history(request.user, body, year, upload.read())
            except (ServiceError, PermissionDenied) as exc:
                _error(request, exc)
            else:
                messages.success(request, "已导入；请逐格核对下方存储的数字与文件中的单元格")
                return redirect("reports_admin:import", body_id=body.pk, year=year)
    details = services.import_details(imported) if imported else None
    tables = []
    for key, caption in IMPORT_TABLE_CAPTIONS:
        rows = [{**cell, "name": _import_cell_name(cell["cell"])} for cell in (details or {}).get("cells", [])
                if cell["cell"].startswith(key + ".")]
        tables.append({"key": key, "caption": caption, "rows": rows})
    return TemplateResponse(request, "reports/admin/report_import.html", {
        "body": body, "year": year, "report": imported, "details": details, "tables": tables,
        "exists": imported is None and AnnualReport.objects.filter(body=body, year=year).exists()})
