"""What of the reports app reaches the public, for the privacy gate (privacy.public_sources): a
published annual report — its text sections and notes, and the text of its exports (HTML, DOCX,
PDF and XLSX are all made from the same snapshot). services.publish checks a report before it
goes up."""

from __future__ import annotations

from gongkai.privacy.public_sources import PublicSource, TextPart, register_route, register_source

ANNUAL_REPORT = "reports.annual_report"


def report_parts(report) -> list[TextPart]:
    from gongkai.reports.document import report_document
    from gongkai.reports.exports import to_html

    document = report.snapshot or report_document(report)
    parts = [TextPart("一、总体情况", report.section_overview, field="section_overview"),
             TextPart("五、存在的主要问题及改进情况", report.section_problems, field="section_problems"),
             TextPart("六、其他需要报告的事项", report.section_other, field="section_other"),
             TextPart("校验提示说明", report.warning_note, field="warning_note"),
             TextPart("更正原因", report.correction_reason, field="correction_reason")]
    # The exports (HTML, DOCX, PDF, XLSX) are all made from the same snapshot: its whole text is
    # checked as the HTML export renders it (building the DOCX costs about a second; the same text).
    # The template's labels are the law's wording (表三 "属于国家秘密"), so only personal data counts
    # there — the sections above are checked for everything.
    return parts + [TextPart("年度报告全文（下载文件的内容）", to_html(document), html=True, personal_only=True)]


def register() -> None:
    from django.urls import reverse

    from gongkai.reports.models import AnnualReport, ReportStatus

    register_source(PublicSource(
        key=ANNUAL_REPORT, label="政府信息公开工作年度报告（正文、说明、下载文件）", parts=report_parts,
        live=lambda county: AnnualReport.objects.filter(
            status__in=[ReportStatus.PUBLISHED, ReportStatus.SUPERSEDED], body__path__startswith=county.path)
        .select_related("body"),
        body=lambda report: report.body, admin_url=lambda report: reverse("reports_admin:detail", args=[report.body_id, report.year]),
        title=lambda report: report.title,
    ))
    page = "portal.AnnualReportIndexPage"
    for route in ("index", "index_route"):
        register_route(f"{page}:{route}", ANNUAL_REPORT)
    for route in ("report", "report_version", "download"):
        register_route(f"{page}:{route}", ANNUAL_REPORT)
