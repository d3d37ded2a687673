"""The report as one JSON document: the stable contract of ``gongkai report annual --format json``
(docs/annual-report.md), the frozen snapshot of a published report, and the input of every export.

Shape::

    {"body": CODE, "name": NAME, "year": YYYY, "version": N, "status": STATUS, "layout": "2021",
     "published_at": ISO or null,
     "table2": {...}, "table3": {ROW: {COLUMN: n}}, "table4": {KIND: {RESULT: n}},
     "sections": {"overview": 一, "problems": 五, "other": 六},
     "checks": [{"level", "code", "cell", "message"}], "note": 提示事项说明}
"""

from __future__ import annotations

from gongkai.reports.models import AnnualReport, ReportStatus


def report_document(report: AnnualReport) -> dict:
    """The JSON document of ``report``: the frozen snapshot once published, else built from the row."""
    if report.snapshot and report.status in (ReportStatus.PUBLISHED, ReportStatus.SUPERSEDED):
        return {**report.snapshot, "status": report.status}
    return {
        "body": report.body.code,
        "name": report.body.name,
        "year": report.year,
        "version": report.version,
        "status": report.status,
        "layout": report.layout,
        "published_at": report.published_at.isoformat() if report.published_at else None,
        "table2": report.table2,
        "table3": report.table3,
        "table4": report.table4,
        "sections": {"overview": report.section_overview, "problems": report.section_problems,
                     "other": report.section_other},
        "checks": report.checks,
        "note": report.warning_note,
    }
