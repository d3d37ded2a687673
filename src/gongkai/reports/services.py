"""Every state change of an annual report (条例第四十九条、第五十条), one function each.

- :func:`save_figures` — the body's own table 二 figures for a year (行政许可/处罚/强制, 收费万元).
- :func:`generate` — compute the tables from the database into the open draft (creating it), and
  draft sections 一/五/六 where they are empty (or all of them with ``redraft``).
- :func:`edit` — change section text, the warning note, or single cells (figures handled outside
  the platform); the report returns to draft.
- :func:`validate` — run the checks of domain facts §2.6 against last year's published report.
- :func:`publish` — refused while a hard check fails (the message names the cell) or while a
  warning has no note; freezes the JSON snapshot; a correction supersedes the version it corrects.
- :func:`mask_personal_data` — the one-click mask (一键遮盖): personal data the privacy gate finds in
  the text of an open report is masked in place.
- :func:`start_correction` — open a new version of a published report; the published one stays
  public until the correction is published, then stays visible as superseded.

Each checks permission (``core.rules``), works in one transaction and writes one audit entry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.models import Body
from gongkai.core.services import ServiceError, require
from gongkai.privacy import public_sources
from gongkai.reports import drafting, selectors
from gongkai.reports.document import report_document
from gongkai.reports.models import OPEN_STATUSES, AnnualFigures, AnnualReport, ReportStatus
from gongkai.reports.public_sources import ANNUAL_REPORT
from gongkai.rules import annual_report as ar

MIN_YEAR = 2008  # the first reporting year under the 2007 条例


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ServiceError({"year": [f"年度“{year}”不是有效的年份"]}) from None
    if not MIN_YEAR <= year <= timezone.localdate().year:
        raise ServiceError({"year": [f"年度须在{MIN_YEAR}年至今年之间"]})
    return year


def _check_body(body: Body) -> None:
    if body.kind not in selectors.REPORT_BODY_KINDS:
        raise ServiceError(f"{body.name}不单独编制政府信息公开工作年度报告（仅县政府、县直部门和乡镇编制）")


def _count(value, name: str) -> int:
    if isinstance(value, bool):
        raise ServiceError(f"{name}应为非负整数")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ServiceError(f"{name}应为非负整数，现为“{value}”") from None
    if number < 0 or str(number) != str(value).strip().lstrip("+"):
        raise ServiceError(f"{name}应为非负整数，现为“{value}”")
    return number


def save_figures(actor, body: Body, year, *, licensing=0, penalty=0, coercion=0, fees_wan="0") -> AnnualFigures:
    """Enter table 二's 行政许可/行政处罚/行政强制 decision counts (条例第二十条第（五）（六）项) and the
    行政事业性收费 amount in 万元 (第（八）项) for ``body`` and ``year``. Refuses a negative or
    non-integer count, a negative or non-numeric amount (rules.annual_report.validate_fees) and an amount
    finer than one fen (the field keeps six decimals; nothing is rounded)."""
    _check_body(body)
    require(rules.can_edit_annual_report(actor, body), "您无权填报该机构的年度报告数据")
    year = _check_year(year)
    counts = {key: _count(value, ar.cell_name("table2", key)) for key, value in
              (("licensing", licensing), ("penalty", penalty), ("coercion", coercion))}
    problems = [c for c in ar.validate_fees(fees_wan) if c.level == ar.Level.ERROR]
    if problems:
        raise ServiceError({"fees_wan": [problems[0].message]})
    amount = Decimal(str(fees_wan).strip())
    if amount != amount.quantize(ar.FEN_IN_WAN):  # the field holds 万元 to the fen; never round silently
        raise ServiceError({"fees_wan": [f"{ar.cell_name('table2', ar.FEES_ROW)}最多保留六位小数（精确到分），"
                                         f"现为{fees_wan}"]})
    amount = amount.quantize(ar.FEN_IN_WAN)
    with transaction.atomic():
        figures, _created = AnnualFigures.objects.update_or_create(
            body=body, year=year, defaults={**counts, "fees_wan": amount})
        audit.record("report.figures_saved", actor, body, {"year": year, **counts, "fees_wan": str(amount)},
                     label=f"{body.name} {year}")
    return figures


def compute(body: Body, year: int) -> AnnualReport:
    """An unsaved report with the tables computed from the database, drafted sections and checks
    (read-only: the command line exports it when no report was saved yet)."""
    _check_body(body)
    report = AnnualReport(body=body, year=_check_year(year))
    _fill_tables(report)
    _draft(report, redraft=True)
    report.checks = _run_checks(report)
    return report


def _fill_tables(report: AnnualReport) -> None:
    try:
        report.table2 = selectors.table2(report.body, report.year)
        report.table3 = selectors.table3(report.body, report.year)
        report.table4 = selectors.table4(report.body, report.year)
    except (selectors.DataError, ar.ReportError) as exc:
        raise ServiceError(f"无法生成年报：{exc}") from exc
    report.generated_at = timezone.now()


def _draft(report: AnnualReport, *, redraft: bool) -> None:
    previous = selectors.previous_report(report.body, report.year)
    if redraft or not report.section_overview.strip():
        report.section_overview = drafting.overview(report.body, report.year, report.table3, report.table4)
    if redraft or not report.section_problems.strip():
        report.section_problems = drafting.problems(report.body, report.year,
                                                    previous.section_problems if previous else "")
    if redraft or not report.section_other.strip():
        report.section_other = drafting.other(report.body, report.year)


def _run_checks(report: AnnualReport) -> list[dict]:
    previous = selectors.previous_report(report.body, report.year)
    found = ar.validate(report.table2, report.table3, report.table4, year=report.year,
                        previous_t3=previous.table3 if previous else None)
    # Nothing unfinished is published: an empty section or a drafted "（请填写…）" is an error too.
    found = sorted([*found, *ar.section_checks({key: getattr(report, field) for key, field in SECTION_FIELDS.items()})],
                   key=lambda c: c.level != ar.Level.ERROR)
    return [c.as_dict() for c in found]


def _open_report(body: Body, year: int) -> AnnualReport | None:
    return (AnnualReport.objects.select_for_update().filter(body=body, year=year, status__in=OPEN_STATUSES)
            .first())


def generate(actor, body: Body, year, *, redraft: bool = False) -> AnnualReport:
    """Compute ``body``'s report for ``year`` from the database into its open draft (created when
    there is none and nothing was published yet). Tables are always recomputed (manual cell edits
    are overwritten); sections are drafted where empty, or all of them with ``redraft``."""
    _check_body(body)
    require(rules.can_edit_annual_report(actor, body), "您无权编制该机构的年度报告")
    year = _check_year(year)
    with transaction.atomic():
        report = _open_report(body, year)
        if report is None:
            if AnnualReport.objects.filter(body=body, year=year, status=ReportStatus.PUBLISHED).exists():
                raise ServiceError(f"{body.name}{year}年度报告已发布，不能重新生成；如需修改，请发起更正")
            report = AnnualReport(body=body, year=year)
        _fill_tables(report)
        _draft(report, redraft=redraft)
        report.checks = _run_checks(report)
        report.status = ReportStatus.DRAFT
        report.save()
        audit.record("report.generated", actor, report, {
            "year": year, "version": report.version, "redraft": redraft,
            "errors": sum(c["level"] == "error" for c in report.checks),
            "warnings": sum(c["level"] == "warning" for c in report.checks)}, scope=body)
    return report


SECTION_FIELDS = {"overview": "section_overview", "problems": "section_problems", "other": "section_other"}


def _set_cell(report: AnnualReport, path: str, value) -> None:
    parts = path.split(".")
    table = parts[0]
    if table == "table3" and len(parts) == 3 and parts[1] in ar.TABLE3_ROWS and parts[2] in ar.TABLE3_COLUMNS:
        report.table3[parts[1]][parts[2]] = _count(value, ar.cell_name("table3", parts[1], parts[2]))
    elif table == "table4" and len(parts) == 3 and parts[1] in ar.TABLE4_KINDS and parts[2] in ar.TABLE4_RESULTS:
        report.table4[parts[1]][parts[2]] = _count(value, ar.cell_name("table4", parts[1], parts[2]))
    elif (table == "table2" and len(parts) == 3 and parts[1] in ar.DOCUMENT_ROWS
          and parts[2] in ar.DOCUMENT_COLUMNS):
        report.table2[parts[1]][parts[2]] = _count(value, ar.cell_name("table2", parts[1], parts[2]))
    elif table == "table2" and len(parts) == 2 and parts[1] in ar.DECISION_ROWS:
        report.table2[parts[1]] = _count(value, ar.cell_name("table2", parts[1]))
    elif path == f"table2.{ar.FEES_ROW}":
        problems = ar.errors(ar.validate_fees(value))
        if problems:
            raise ServiceError(problems[0].message)
        report.table2[ar.FEES_ROW] = str(Decimal(str(value)))
    else:
        raise ServiceError(f"年报中没有“{path}”这一格")


def edit(actor, report: AnnualReport, *, sections: dict | None = None, cells: dict | None = None,
         warning_note: str | None = None) -> AnnualReport:
    """Change an open report: section text (keys overview/problems/other), single cells by JSON path
    (``table3.new.natural_person``: figures handled outside the platform), the warning note. The
    report returns to draft and its checks are run again. A published report cannot be edited."""
    require(rules.can_edit_annual_report(actor, report.body), "您无权修改该机构的年度报告")
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if not report.is_open:
            raise ServiceError("已发布的年度报告不能修改；如需修改，请发起更正")
        changed: dict = {}
        for key, text in (sections or {}).items():
            if key not in SECTION_FIELDS:
                raise ServiceError(f"年报没有“{key}”这一部分")
            setattr(report, SECTION_FIELDS[key], str(text))
            changed.setdefault("sections", []).append(key)
        for path, value in (cells or {}).items():
            _set_cell(report, path, value)
            changed.setdefault("cells", {})[path] = str(value)
        if warning_note is not None:
            report.warning_note = warning_note.strip()
            changed["warning_note"] = True
        report.checks = _run_checks(report)
        report.status = ReportStatus.DRAFT
        report.save()
        audit.record("report.edited", actor, report, {"year": report.year, "version": report.version, **changed},
                     scope=report.body)
    return report


def validate(actor, report: AnnualReport) -> list[dict]:
    """Run the checks (domain facts §2.6, cross-year against last year's published report). With no
    hard error the report becomes ``validated``; otherwise it stays a draft. Returns the checks."""
    require(rules.can_edit_annual_report(actor, report.body), "您无权校验该机构的年度报告")
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if not report.is_open:
            raise ServiceError("已发布的年度报告不再校验")
        report.checks = _run_checks(report)
        failed = any(c["level"] == "error" for c in report.checks)
        report.status = ReportStatus.DRAFT if failed else ReportStatus.VALIDATED
        report.validated_at = timezone.now()
        report.save()
        audit.record("report.validated", actor, report, {
            "year": report.year, "version": report.version, "status": report.status,
            "cells": [c["cell"] for c in report.checks]}, scope=report.body)
    return report.checks


def publish(actor, report: AnnualReport, *, note: str | None = None, today: dt.date | None = None,
            published_at: dt.datetime | None = None) -> AnnualReport:
    """Publish ``report`` (条例第四十九条). Refused before the year has ended, while any hard check
    fails (the ServiceError lists each failing cell by name), while a warning has no note, or while
    the privacy gate (public source ``reports.annual_report``: the text, the notes and the DOCX)
    finds an unmasked ID number, phone or account (the ServiceError names each finding, masked,
    and where; :func:`mask_personal_data` masks them). The
    published JSON is frozen in ``snapshot``; a correction supersedes the version it corrects.
    ``published_at`` records a publication that happened earlier (e.g. on the website before the
    report was entered here); it cannot lie in the future or before the year's end."""
    require(rules.can_publish_annual_report(actor, report.body), "您无权发布该机构的年度报告")
    now = timezone.now()
    if published_at is not None:
        if published_at > now:
            raise ServiceError("发布时间不能晚于当前时间")
        today = timezone.localtime(published_at).date()
    today = today or timezone.localdate()
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if not report.is_open:
            raise ServiceError("该年度报告已发布，不能重复发布")
        if today <= dt.date(report.year, 12, 31):
            raise ServiceError(f"{report.year}年度尚未结束，年度报告不能发布")
        if note is not None:
            report.warning_note = note.strip()
        report.checks = _run_checks(report)
        hard = [c for c in report.checks if c["level"] == "error"]
        if hard:
            raise ServiceError(["年度报告未通过校验，不能发布："] + [c["message"] for c in hard])
        warnings = [c for c in report.checks if c["level"] == "warning"]
        if warnings and not report.warning_note:
            raise ServiceError([f"年度报告有{len(warnings)}项校验提示，须填写说明后方可发布："]
                               + [c["message"] for c in warnings])
        try:
            public_sources.require_clean(ANNUAL_REPORT, report)
        except public_sources.Blocked as blocked:
            raise ServiceError(blocked.messages) from None
        if report.corrects_id:
            AnnualReport.objects.filter(pk=report.corrects_id).update(status=ReportStatus.SUPERSEDED)
        report.status = ReportStatus.PUBLISHED
        report.published_at = published_at or now
        report.snapshot = report_document(report)
        report.save()
        audit.record("report.published", actor, report, {
            "year": report.year, "version": report.version, "corrects": report.corrects_id,
            "warnings": [c["cell"] for c in warnings], "note": report.warning_note}, scope=report.body)
    return report


MASKABLE_FIELDS = ("section_overview", "section_problems", "section_other", "warning_note", "correction_reason")


def mask_personal_data(actor, report: AnnualReport) -> AnnualReport:
    """The one-click mask (一键遮盖) of an open report: the personal data the privacy gate finds in
    sections 一/五/六, the warning note and the correction reason is masked in place (as
    ``public_sources.mask_fields`` writes it). Refused for a published report, and when there is
    nothing to mask. The tables and checks are untouched, so the status stays as it was."""
    require(rules.can_edit_annual_report(actor, report.body), "您无权修改该机构的年度报告")
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if not report.is_open:
            raise ServiceError("已发布的年度报告不能修改；如需修改，请发起更正")
        changed = {name: value for name, value in public_sources.mask_fields(ANNUAL_REPORT, report).items()
                   if name in MASKABLE_FIELDS}
        if not changed:
            raise ServiceError("年度报告的文字中没有需要遮盖的个人信息")
        for name, value in changed.items():
            setattr(report, name, value)
        report.save(update_fields=[*changed, "updated_at"])
        # The audit entry names the fields, never the text: the text held the unmasked data.
        audit.record("report.masked", actor, report, {"year": report.year, "version": report.version,
                                                      "fields": sorted(changed)}, scope=report.body)
    return report


def start_correction(actor, report: AnnualReport, reason: str) -> AnnualReport:
    """Open a correction of a published report: a new draft version with the published tables and
    text. The published version stays public until the correction is published."""
    require(rules.can_edit_annual_report(actor, report.body), "您无权更正该机构的年度报告")
    if not (reason or "").strip():
        raise ServiceError({"reason": ["请填写更正原因"]})
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.PUBLISHED:
            raise ServiceError("只能更正已发布的年度报告")
        if AnnualReport.objects.filter(body=report.body, year=report.year, status__in=OPEN_STATUSES).exists():
            raise ServiceError("该年度报告已有未发布的更正版本")
        latest = AnnualReport.objects.filter(body=report.body, year=report.year).aggregate(v=Max("version"))["v"]
        snap = report.snapshot or report_document(report)
        correction = AnnualReport.objects.create(
            body=report.body, year=report.year, version=latest + 1, status=ReportStatus.DRAFT,
            layout=report.layout, source=report.source, table2=snap["table2"], table3=snap["table3"],
            table4=snap["table4"], section_overview=snap["sections"]["overview"],
            section_problems=snap["sections"]["problems"], section_other=snap["sections"]["other"],
            warning_note=snap.get("note", ""), corrects=report, correction_reason=reason.strip(),
            generated_at=report.generated_at)
        correction.checks = _run_checks(correction)
        correction.save(update_fields=["checks"])
        audit.record("report.correction_started", actor, correction, {
            "year": report.year, "version": correction.version, "corrects": report.pk, "reason": reason.strip()},
            scope=report.body)
    return correction


def import_history(actor, body: Body, year, data: bytes, *, dry_run: bool = False) -> AnnualReport:
    """Import an earlier year's published report from the XLSX of the template or the DOCX of the
    published report (2021 layout or 2019 trial layout, ``reports.history``), so that the next
    year's cross-year check has last year's 结转下年度.

    The report is stored as published (it was published elsewhere) with its checks, including the
    cross-year comparison with the year before when that one is on the platform; arithmetic that
    does not add up is recorded, not refused (history is kept as printed). The snapshot keeps, under
    ``import``, the notes (blank cells read as 0) and every stored cell with the label and raw text
    it came from (:func:`import_details`). Refused: an unreadable file, a row or label that cannot
    be mapped (the message names it), a year that already has a report. With ``dry_run`` nothing is
    saved or audited: the unsaved report is returned for comparison.
    """
    from gongkai.reports import history

    _check_body(body)
    require(rules.can_edit_annual_report(actor, body), "您无权导入该机构的年度报告")
    year = _check_year(year)
    try:
        parsed = history.parse(data)
    except history.HistoryError as exc:
        raise ServiceError(f"无法导入：{exc}") from exc
    with transaction.atomic():
        if AnnualReport.objects.filter(body=body, year=year).exists():
            raise ServiceError(f"{body.name}{year}年度报告已在平台上，不能再导入")
        report = AnnualReport(body=body, year=year, layout=parsed.layout, source="imported",
                              table2=parsed.table2, table3=parsed.table3, table4=parsed.table4,
                              status=ReportStatus.PUBLISHED)
        previous = selectors.previous_report(body, year)
        found = [*(ar.validate_table2(parsed.table2) if parsed.layout == "2021" else []),
                 *ar.validate_table3(parsed.table3), *ar.validate_table4(parsed.table4),
                 *ar.cross_year_checks(parsed.table3, previous.table3 if previous else None, year)]
        report.checks = [c.as_dict() for c in sorted(found, key=lambda c: c.level != ar.Level.ERROR)]
        report.snapshot = {**report_document(report), "import": {
            "source": parsed.source, "notes": parsed.notes, "cells": parsed.cells}}
        if dry_run:
            return report
        report.save()
        audit.record("report.imported", actor, report, {
            "year": year, "layout": parsed.layout, "source": parsed.source, "notes": len(parsed.notes),
            "checks": [c["cell"] for c in report.checks]}, scope=body)
    return report


def import_details(report: AnnualReport) -> dict | None:
    """What the import of ``report`` recorded: ``{"source", "notes", "cells"}`` (each cell:
    ``cell`` JSON path, ``label`` and ``raw`` text in the file, stored ``value``, ``where``), or None
    for a report that was not imported from a file."""
    return (report.snapshot or {}).get("import")


def export(actor, report: AnnualReport, fmt: str) -> str | bytes:
    """``report`` rendered in ``fmt`` (json, html, xlsx, docx) for ``actor``, who must be allowed the
    report screen; the export is audited ("report.exported"). Raises PermissionDenied, or
    ValueError for a format the report cannot take (a 2019-layout report is JSON only)."""
    from gongkai.reports.exports import render

    require(rules.can_view_annual_report(actor, report.body), "您没有导出该年度报告的权限")
    content = render(report_document(report), fmt)
    audit.record("report.exported", actor, report if report.pk else None,
                 {"year": report.year, "format": fmt, "status": report.status, "version": report.version},
                 label=f"{report.body.name}{report.year}年政府信息公开工作年度报告", scope=report.body)
    return content


def export_summary(actor, county: Body, year, fmt: str) -> str | bytes:
    """The county summary (汇总, ``selectors.summary_document``) of ``county``'s published reports for
    ``year`` in ``fmt`` (json, html, xlsx, docx), for whoever oversees the county's reports (the
    office admin; ``core.rules.can_oversee_annual_reports``); audited ("report.summary_exported").
    Raises PermissionDenied, ServiceError for a year outside the reporting years, ValueError for an
    unknown format."""
    from gongkai.reports.exports import render

    require(rules.can_oversee_annual_reports(actor, county), "您没有导出该县年度报告汇总的权限")
    if county.kind != "county":
        raise ServiceError(f"{county.name}不是县（市、区）人民政府，没有年度报告汇总")
    year = _check_year(year)
    document = selectors.summary_document(county, year)
    content = render(document, fmt)
    audit.record("report.summary_exported", actor, county, {"year": year, "format": fmt,
                                                           "reports": document["reports"]},
                 label=f"{county.name}{year}年政府信息公开工作年度报告汇总", scope=county)
    return content
