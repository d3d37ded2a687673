"""Read side of the annual report: the tables computed from the database, in SQL.

Each table is one grouped query (``values`` + ``annotate`` with conditional ``Count``), never a loop
over rows, so a body with 100 000 cases in the year is counted in well under a second on SQLite and
PostgreSQL (bench/annual_report.py). The buckets are exactly those of the pure rules in
``gongkai.rules.annual_report`` (``case_rows``, ``review_cell``, ``document_cells``); the tests
compare both on the same data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from gongkai.core.models import Body, BodyKind
from gongkai.disclosure.models import DocumentType, Record, Validity
from gongkai.reports.document import report_document
from gongkai.reports.models import AnnualFigures, AnnualReport, ReportLayout, ReportSource, ReportStatus
from gongkai.requests.models import Case, FeeNotice, Review
from gongkai.rules import annual_report as ar

#: Bodies that compile an annual report (条例第四十九条: 县级以上人民政府部门, the county government;
#: townships by practice, domain facts §1.1).
REPORT_BODY_KINDS = (BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP)


class DataError(ValueError):
    """The data cannot be counted (e.g. a decided case without a disposition); message in Chinese."""


def report_units(bodies) -> dict[int, int]:
    """Each unit whose data a reporting body counts, mapped to that body: the bodies themselves and
    their sections (股室: internal units that report through their body). A section counts with its
    nearest reporting ancestor only, so the county government never counts a department's 股室.
    One query whatever the number of bodies."""
    bodies = list(bodies)
    if not bodies:
        return {}
    under = Q()
    for body in bodies:
        under |= Q(path__startswith=body.path)
    found = list(Body.objects.filter(under, kind__in=[BodyKind.SECTION, *REPORT_BODY_KINDS])
                 .values_list("pk", "path", "kind"))
    reporting = {path: pk for pk, path, kind in found if kind != BodyKind.SECTION}
    wanted = {body.pk for body in bodies}
    units = {body.pk: body.pk for body in bodies}
    for pk, path, kind in found:
        if kind != BodyKind.SECTION:
            continue
        for cut in range(len(path) - Body.steplen, 0, -Body.steplen):
            owner = reporting.get(path[:cut])
            if owner is not None:
                if owner in wanted:
                    units[pk] = owner
                break
    return units


def report_body_ids(body: Body) -> list[int]:
    """The body and its sections (股室): sections are internal units and report through their body."""
    return list(report_units([body]))


def local_day_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January 00:00, next 1 January 00:00) in the platform's time zone, for datetime fields."""
    tz = timezone.get_default_timezone()
    return (dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz))


def year_end(year: int) -> dt.datetime:
    """The last instant of 31 December of ``year`` in the platform's time zone (Asia/Shanghai)."""
    return local_day_bounds(year)[1] - dt.timedelta(microseconds=1)


def public_at(moment: dt.datetime) -> Q:
    """Records public at ``moment``, from their publication history: the SQL form of
    ``rules.annual_report.public_at`` (the tests compare both)."""
    return Q(first_published_at__lte=moment) & (
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=moment)
        | Q(republished_at__isnull=False, republished_at__gt=F("withdrawn_at"), republished_at__lte=moment))


# --- The tables, for one body or for many at once ---------------------------------------------------
# Each ``*_by_body`` takes the units of report_units() and runs one GROUP BY query for all the
# bodies together (the office's list compares every body's published report with the data); the
# one-body functions the services call are the same queries for a single body.


def tables3_by_body(units: dict[int, int], year: int) -> tuple[dict[int, dict], dict[int, str]]:
    """Table 三 of each body from its cases: one GROUP BY (unit, applicant type, disposition) query.
    Returns the tables and, for a body whose data cannot be counted, the reason (DataError text)."""
    start, end = ar.year_bounds(year)
    cases = (Case.objects.filter(body_id__in=list(units), received_on__lte=end)
             .filter(Q(decided_on__isnull=True) | Q(decided_on__gte=start)))
    grouped = cases.order_by().values("body_id", "applicant_type", "disposition").annotate(
        new=Count("pk", filter=Q(received_on__gte=start)),
        carried_over=Count("pk", filter=Q(received_on__lt=start)),
        decided=Count("pk", filter=Q(decided_on__lte=end)),
        carried_forward=Count("pk", filter=Q(decided_on__isnull=True) | Q(decided_on__gt=end)),
    )
    counts: dict[int, dict[tuple[str, str], int]] = {owner: {} for owner in set(units.values())}
    problems: dict[int, str] = {}
    for g in grouped:
        owner = units[g["body_id"]]
        applicant = g["applicant_type"]
        if applicant not in ar.APPLICANT_COLUMNS:
            problems.setdefault(owner, f"有申请人类型为“{applicant}”的案件，不能计入年报表三")
            continue
        if g["decided"] and g["disposition"] not in ar.DISPOSITION_ROWS:
            problems.setdefault(owner, f"有{g['decided']}件已办结案件没有年报表三的办理结果（“{g['disposition']}”）")
            continue
        mine = counts[owner]
        for row in (ar.ROW_NEW, ar.ROW_CARRIED_OVER, ar.ROW_CARRIED_FORWARD):
            if g[row]:
                mine[row, applicant] = mine.get((row, applicant), 0) + g[row]
        if g["decided"]:
            mine[g["disposition"], applicant] = mine.get((g["disposition"], applicant), 0) + g["decided"]
    return {owner: ar.complete_table3(c) for owner, c in counts.items() if owner not in problems}, problems


def table3(body: Body, year: int) -> dict[str, dict[str, int]]:
    """Table 三 from the body's cases (tables3_by_body for one body); DataError if they cannot be counted."""
    tables, problems = tables3_by_body(report_units([body]), year)
    if body.pk in problems:
        raise DataError(problems[body.pk])
    return tables[body.pk]


def tables4_by_body(units: dict[int, int], year: int) -> dict[int, dict]:
    """Table 四 of each body from the reviews of its cases filed in the year: one GROUP BY query."""
    start, end = ar.year_bounds(year)
    known_in_time = Q(concluded_on__isnull=True) | Q(concluded_on__lte=end)
    grouped = (Review.objects.filter(case__body_id__in=list(units), filed_on__gte=start, filed_on__lte=end)
               .order_by().values("case__body_id", "kind").annotate(
                   upheld=Count("pk", filter=Q(result="upheld") & known_in_time),
                   corrected=Count("pk", filter=Q(result="corrected") & known_in_time),
                   other=Count("pk", filter=Q(result="other") & known_in_time),
                   pending=Count("pk", filter=Q(result="pending") | Q(concluded_on__gt=end)),
               ))
    counts: dict[int, dict[tuple[str, str], int]] = {owner: {} for owner in set(units.values())}
    for g in grouped:
        mine = counts[units[g["case__body_id"]]]
        for result in ("upheld", "corrected", "other", "pending"):
            if g[result]:
                mine[g["kind"], result] = mine.get((g["kind"], result), 0) + g[result]
    return {owner: ar.complete_table4(c) for owner, c in counts.items()}


def table4(body: Body, year: int) -> dict[str, dict[str, int]]:
    """Table 四 from the reviews of the body's cases filed in the year."""
    return tables4_by_body(report_units([body]), year)[body.pk]


def documents_by_body(units: dict[int, int], year: int) -> dict[int, dict]:
    """规章 / 行政规范性文件 of table 二 from each body's public records (live ones): one GROUP BY
    (unit, 文件类型) query. 制发 by 成文日期 (else 形成日期); 废止 includes 失效 (rules.annual_report)."""
    start, end = ar.year_bounds(year)
    ended = ~Q(validity=Validity.VALID)
    grouped = (Record.objects.filter(body_id__in=list(units), live=True,
                                     doc_type__in=[DocumentType.REGULATION, DocumentType.NORMATIVE])
               .annotate(issued_on=Coalesce("written_date", "formed_date"))
               .order_by().values("body_id", "doc_type").annotate(
                   issued=Count("pk", filter=Q(issued_on__gte=start, issued_on__lte=end)),
                   repealed=Count("pk", filter=ended & Q(validity_date__gte=start, validity_date__lte=end)),
                   in_force=Count("pk", filter=Q(issued_on__lte=end)
                                  & (Q(validity=Validity.VALID) | Q(validity_date__gt=end))),
               ))
    tables = {owner: {row: dict.fromkeys(ar.DOCUMENT_COLUMNS, 0) for row in ar.DOCUMENT_ROWS}
              for owner in set(units.values())}
    for g in grouped:
        row = tables[units[g["body_id"]]][g["doc_type"]]
        for column in ar.DOCUMENT_COLUMNS:
            row[column] += g[column]
    return tables


def document_counts(body: Body, year: int) -> dict[str, dict[str, int]]:
    """规章 / 行政规范性文件 of table 二 from the body's public records."""
    return documents_by_body(report_units([body]), year)[body.pk]


def figures(body: Body, year: int) -> AnnualFigures | None:
    return AnnualFigures.objects.filter(body=body, year=year).first()


def _table2(documents: dict, entered: AnnualFigures | None) -> dict:
    table: dict = documents
    table.update(licensing=entered.licensing if entered else 0, penalty=entered.penalty if entered else 0,
                 coercion=entered.coercion if entered else 0,
                 fees_wan=ar.wan_text(entered.fees_wan if entered else Decimal(0)))
    return table


def table2(body: Body, year: int) -> dict:
    """Table 二: documents from the records, decisions and fees from the body's entered figures."""
    return _table2(document_counts(body, year), figures(body, year))


def tables_by_body(bodies, year: int) -> dict[int, dict | DataError]:
    """Tables 二, 三 and 四 of each body computed from the data now (as ``generate`` would), in a
    fixed number of queries whatever the number of bodies: ``{body id: {"table2", "table3",
    "table4"}}``, or the DataError for a body whose cases cannot be counted."""
    bodies = list(bodies)
    units = report_units(bodies)
    t3, problems = tables3_by_body(units, year)
    t4 = tables4_by_body(units, year)
    documents = documents_by_body(units, year)
    entered = {f.body_id: f for f in AnnualFigures.objects.filter(body__in=bodies, year=year)}
    out: dict[int, dict | DataError] = {}
    for body in bodies:
        if body.pk in problems:
            out[body.pk] = DataError(problems[body.pk])
        else:
            out[body.pk] = {"table2": _table2(documents[body.pk], entered.get(body.pk)),
                            "table3": t3[body.pk], "table4": t4[body.pk]}
    return out


def previous_report(body: Body, year: int) -> AnnualReport | None:
    """Last year's report for the cross-year check: the published (or imported) one."""
    return (AnnualReport.objects.filter(body=body, year=year - 1, status=ReportStatus.PUBLISHED)
            .order_by("-version").first())


def current_report(body: Body, year: int) -> AnnualReport | None:
    """The report to show or export: the open draft if there is one, else the published version."""
    reports = AnnualReport.objects.filter(body=body, year=year).exclude(status=ReportStatus.SUPERSEDED)
    return reports.order_by("-version").first()


def published_report(body: Body, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(body=body, year=year, status=ReportStatus.PUBLISHED).first()


# --- Facts for the drafted sections -----------------------------------------------------------------


def publication_facts(body: Body, year: int) -> dict:
    """Records first published in the year: total, by standard area, by 文件类型; ``live``: records
    public at the end of 31 December of the year (section 一, 截至年底), whatever happened since."""
    lo, hi = local_day_bounds(year)
    published = Record.objects.filter(body_id__in=report_body_ids(body), first_published_at__gte=lo,
                                      first_published_at__lt=hi)
    by_type = dict(published.order_by().values_list("doc_type").annotate(n=Count("pk")))
    by_area = list(published.filter(catalogue_items__isnull=False).order_by()
                   .values_list("catalogue_items__area__name").annotate(n=Count("pk", distinct=True))
                   .order_by("-n", "catalogue_items__area__name"))
    live = Record.objects.filter(public_at(year_end(year)), body_id__in=report_body_ids(body)).count()
    return {"published": published.count(), "by_type": by_type, "by_area": by_area, "live": live}


def request_facts(body: Body, year: int) -> dict:
    """Cases answered late in the year (decided after the due date) for sections 一 and 五."""
    start, end = ar.year_bounds(year)
    decided = Case.objects.filter(body_id__in=report_body_ids(body), decided_on__gte=start, decided_on__lte=end)
    late = decided.filter(due_on__isnull=False, decided_on__gt=F("due_on")).count()
    return {"decided": decided.count(), "late": late}


def fee_facts(body: Body, year: int) -> dict:
    """信息处理费 (section 六): notices issued in the year and their amount, amounts paid in the year."""
    start, end = ar.year_bounds(year)
    notices = FeeNotice.objects.filter(case__body_id__in=report_body_ids(body))
    issued = notices.filter(sent_on__gte=start, sent_on__lte=end).aggregate(n=Count("pk"), amount=Sum("amount"))
    paid = notices.filter(paid_on__gte=start, paid_on__lte=end).aggregate(n=Count("pk"), amount=Sum("amount"))
    return {"notices": issued["n"], "billed": issued["amount"] or Decimal("0.00"),
            "paid_count": paid["n"], "collected": paid["amount"] or Decimal("0.00")}


def rectification_facts(body: Body, year: int) -> dict:
    """Rectification items (整改台账, privacy sweeps) of the body registered up to the year's end, by
    status at the year's end (section 五)."""
    from gongkai.privacy.models import Rectification

    lo, hi = local_day_bounds(year)
    items = Rectification.objects.filter(body_id__in=report_body_ids(body), created_at__lt=hi)
    done = items.filter(closed_at__isnull=False, closed_at__lt=hi)
    return {"total": items.count(), "done": done.count(),
            "open_titles": list(items.exclude(pk__in=done.values("pk")).values_list("title", flat=True)[:5])}


# --- The office's overview (条例第四十九条 deadlines) -------------------------------------------------

STATE_LABELS = {"missing": "未编制", "draft": "草稿", "validated": "已校验", "published": "已发布"}


@dataclass(frozen=True)
class BodyReportState:
    body: Body
    report: AnnualReport | None
    deadline: dt.date
    state: str  # missing | draft | validated | published
    late: bool

    @property
    def label(self) -> str:
        if self.late:
            return "逾期发布" if self.state == "published" else "逾期未发布"
        return STATE_LABELS[self.state]


def reporting_bodies(county: Body):
    return (Body.objects.filter(path__startswith=county.path, kind__in=REPORT_BODY_KINDS, is_active=True)
            .order_by("path"))


def overview(county: Body, year: int, today: dt.date | None = None) -> list[BodyReportState]:
    """Each reporting body of ``county`` with its report state for ``year`` and whether it is late
    against its Art. 49 deadline (rules.annual_report.publication_deadline; status derived on read)."""
    today = today or timezone.localdate()
    bodies = list(reporting_bodies(county))
    reports: dict[int, AnnualReport] = {}
    for report in (AnnualReport.objects.filter(body__in=bodies, year=year)
                   .exclude(status=ReportStatus.SUPERSEDED).order_by("version")):
        current = reports.get(report.body_id)
        # The published version counts for the deadline; an open correction does not undo it.
        if current is None or current.status != ReportStatus.PUBLISHED:
            reports[report.body_id] = report
    rows = []
    for body in bodies:
        report = reports.get(body.pk)
        if report is not None:
            report.body = body  # already loaded: no query per row
        deadline = ar.publication_deadline(body.kind, year)
        state = report.status if report else "missing"
        published_on = (timezone.localtime(report.published_at).date()
                        if report and report.published_at else None)
        if report and report.status == ReportStatus.PUBLISHED and published_on is None:
            published_on = deadline  # imported from before the platform: taken as on time
        rows.append(BodyReportState(body, report, deadline, state, ar.is_late(deadline, published_on, today)))
    return rows


def county_summary(county: Body, year: int) -> dict:
    """汇总 of the county's published reports (2021 format) for ``year``: tables 二, 三 and 四 added
    cell by cell (the frozen published versions), and which reports count (``bodies``) and which
    reporting bodies have none yet (``missing``)."""
    rows = overview(county, year)
    published = [r.report for r in rows if r.report and r.report.status == ReportStatus.PUBLISHED
                 and r.report.layout == ReportLayout.FORMAT_2021]
    documents = [report_document(r) for r in published]
    return {"reports": len(published),
            "table2": ar.sum_table2(d["table2"] for d in documents),
            "table3": ar.sum_tables(d["table3"] for d in documents) or ar.empty_table3(),
            "table4": ar.sum_tables(d["table4"] for d in documents) or ar.empty_table4(),
            "bodies": [{"body": r.body.code, "name": r.body.name, "version": r.version,
                        "published_at": r.published_at.isoformat() if r.published_at else None}
                       for r in published],
            "missing": [r.body.name for r in rows if not (r.report and r.report.status == ReportStatus.PUBLISHED)]}


def summary_document(county: Body, year: int) -> dict:
    """The county summary as one JSON document: the contract of ``gongkai report summary --format
    json`` (docs/annual-report.md) and the input of its HTML, DOCX and XLSX exports."""
    summary = county_summary(county, year)
    return {"kind": "county_summary", "body": county.code, "name": county.name, "year": year,
            "reports": summary["reports"], "bodies": summary["bodies"], "missing": summary["missing"],
            "table2": summary["table2"], "table3": summary["table3"], "table4": summary["table4"]}


def is_compared(report: AnnualReport) -> bool:
    """A published report generated on the platform in the 2021 format: the one kind compared with
    the data (data_differences)."""
    return (report.status == ReportStatus.PUBLISHED and report.layout == ReportLayout.FORMAT_2021
            and report.source == ReportSource.GENERATED)


def data_differences(reports) -> dict[int, list[ar.Difference] | DataError]:
    """For each published report (generated on the platform, 2021 format) the cells where its frozen
    tables differ from the tables computed from the data now, by report id; reports that still
    match are left out. Imported reports are not compared (their years' data are not on the
    platform). A fixed number of queries for any number of reports (tables_by_body)."""
    compared = [r for r in reports if is_compared(r)]
    by_year: dict[int, list[AnnualReport]] = {}
    for report in compared:
        by_year.setdefault(report.year, []).append(report)
    found: dict[int, list[ar.Difference] | DataError] = {}
    for year, reports_of_year in by_year.items():
        computed = tables_by_body([r.body for r in reports_of_year], year)
        for report in reports_of_year:
            now = computed[report.body_id]
            differences = now if isinstance(now, DataError) else ar.table_differences(report_document(report), now)
            if differences:
                found[report.pk] = differences
    return found


# --- The public 政府信息公开年报 column (portal.AnnualReportIndexPage) ---------------------------------

PUBLIC_STATUSES = (ReportStatus.PUBLISHED, ReportStatus.SUPERSEDED)


@dataclass
class PublicYear:
    """One body's year on the public column: the version in force and the versions it corrected."""

    year: int
    current: AnnualReport
    superseded: list[AnnualReport]

    @property
    def corrected(self) -> bool:
        return bool(self.superseded)


def public_years(county: Body) -> dict[int, list[PublicYear]]:
    """Published reports of ``county``'s bodies, by body id, newest year first. Drafts and validated
    reports are never public; a superseded version is listed under the version that corrected it.
    Imported 2019-layout reports feed only the cross-year check: they have no 2021 tables to show."""
    rows = (AnnualReport.objects.filter(body__path__startswith=county.path, status__in=PUBLIC_STATUSES,
                                        layout=ReportLayout.FORMAT_2021)
            .select_related("body").order_by("body_id", "-year", "-version"))
    versions: dict[tuple[int, int], list[AnnualReport]] = {}
    for report in rows:
        versions.setdefault((report.body_id, report.year), []).append(report)
    by_body: dict[int, list[PublicYear]] = {}
    for (body_id, year), reports in versions.items():  # newest year first within each body
        current = next((r for r in reports if r.status == ReportStatus.PUBLISHED), None)
        if current is not None:
            by_body.setdefault(body_id, []).append(
                PublicYear(year, current, [r for r in reports if r.status == ReportStatus.SUPERSEDED]))
    return by_body


def public_report(body: Body, year: int, version: int | None = None) -> AnnualReport | None:
    """A public version: ``version`` if it is published or superseded, else the one in force."""
    reports = AnnualReport.objects.filter(body=body, year=year, layout=ReportLayout.FORMAT_2021).select_related("body")
    if version is None:
        return reports.filter(status=ReportStatus.PUBLISHED).first()
    return reports.filter(version=version, status__in=PUBLIC_STATUSES).first()


def public_versions(body: Body, year: int) -> list[AnnualReport]:
    return list(AnnualReport.objects.filter(body=body, year=year, status__in=PUBLIC_STATUSES,
                                            layout=ReportLayout.FORMAT_2021).order_by("-version"))


def actionable_reports(user, year: int, today: dt.date | None = None) -> list[BodyReportState]:
    """The ``overview`` rows of ``year`` that ``user`` may act on: compile (rules.can_edit_annual_report)
    or publish (rules.can_publish_annual_report). One overview per county concerned."""
    from gongkai.core import rules

    bodies = rules.bodies_visible_to(user).filter(kind__in=REPORT_BODY_KINDS)
    counties = Body.objects.filter(depth=1, path__in={b.path[:Body.steplen] for b in bodies}).order_by("path")
    return [row for county in counties for row in overview(county, year, today)
            if rules.can_edit_annual_report(user, row.body) or rules.can_publish_annual_report(user, row.body)]
