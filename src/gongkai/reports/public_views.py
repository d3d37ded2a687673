"""The public 政府信息公开年报 column (``/xxgk/nb/``, portal.AnnualReportIndexPage routes here).

Only published versions and the versions a correction superseded are public; a draft or validated
report is a 404 like any unknown address. Every page and download renders the frozen snapshot
(``document.report_document``), never the live tables, so what the public reads is exactly what was
published. The views only read.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from gongkai.portal import selectors as portal_selectors
from gongkai.reports import exports, selectors
from gongkai.reports.document import report_document
from gongkai.reports.models import ReportStatus

DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def index(page, request):
    """Every disclosure body, grouped 县政府 / 县直部门 / 乡镇（街道）, with its published years."""
    years = selectors.public_years(page.county) if page.county else {}
    groups = [{"kind": group.kind, "label": group.label,
               "bodies": [{"body": body, "years": [_year_links(page, request, body, y) for y in years.get(body.pk, [])]}
                          for body in group.bodies]}
              for group in portal_selectors.body_groups(page.county)]
    return page.render(request, context_overrides={"groups": groups})


def _year_links(page, request, body, year: selectors.PublicYear) -> dict:
    return {"year": year.year, "report": year.current, "url": page.report_url(body, year.year, request=request),
            "corrected": year.corrected,
            "superseded": [{"report": r, "url": page.report_url(body, r.year, r.version, request=request)}
                           for r in year.superseded]}


def _body(page, code: str):
    return get_object_or_404(portal_selectors.guide_bodies(page.county), code=code)


def report(page, request, code: str, year: int, version: int | None = None):
    """One public version of a body's report: the version in force at ``<code>/<year>/``, any
    public version at ``<code>/<year>/v<N>/`` (the one in force redirects nowhere: it is the same
    page, its canonical link points at ``<code>/<year>/``)."""
    body = _body(page, code)
    shown = selectors.public_report(body, year, version)
    if shown is None:
        raise Http404("没有该年度报告")
    versions = selectors.public_versions(body, year)
    current = next((r for r in versions if r.status == ReportStatus.PUBLISHED), None)
    document = report_document(shown)
    context = exports.html_context(document)
    context.update({
        "body": body, "report": shown, "current": current,
        "current_url": page.report_url(body, year, request=request) if current else None,
        "canonical_url": page.report_url(body, year, None if shown == current else shown.version, request=request),
        "downloads": [{"format": fmt, "label": label,
                       "url": page.download_url(body, year, shown.version, fmt, request=request)}
                      for fmt, label in (("docx", "Word文档（DOCX）"), ("xlsx", "Excel表格（XLSX）"))],
        "versions": [{"report": r, "url": page.report_url(body, year, None if r == current else r.version,
                                                        request=request), "shown": r == shown} for r in versions],
        "extra_crumb": context["title"] + (f"（第{shown.version}版，已被更正）" if shown != current else ""),
    })
    return page.render(request, template="reports/public/report.html", context_overrides=context)


def download(page, request, code: str, year: int, version: int, fmt: str):
    """DOCX or XLSX of a public version, rendered from its frozen snapshot."""
    if fmt not in DOWNLOADS:
        raise Http404("不支持的格式")
    body = _body(page, code)
    shown = selectors.public_report(body, year, version)
    if shown is None:
        raise Http404("没有该年度报告")
    document = report_document(shown)
    response = HttpResponse(exports.render(document, fmt), content_type=DOWNLOADS[fmt])
    suffix = f"（第{shown.version}版）" if shown.version > 1 else ""
    response["Content-Disposition"] = content_disposition_header(
        True, f"{body.name}{year}年政府信息公开工作年度报告{suffix}.{fmt}")
    return response
