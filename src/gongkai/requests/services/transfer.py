"""Import of historical 依申请公开 cases from JSON Lines, and export of the case register to XLSX.

Import (``gongkai requests import FILE.jsonl [--dry-run]``, format in docs/requests.md): every
line is checked first; one bad line rejects the whole file (each bad line reported with its number
and reason) and nothing is written. A clean file is written in short transactions of
:func:`cases_per_transaction` cases each, so that the import never holds the database's write lock
for long (issue 13 §4); should the write stop midway (the process killed), the cases written so far
stay and running the same file again completes it (see below). Cases are keyed by
their ``id`` (``Case.external_id``): importing the same id again updates that case (its reviews are
replaced by the file's), and an unchanged line changes nothing, so re-importing is idempotent. A
dry run checks and counts but writes nothing at all.

Export: the cases ``actor`` may see (selectors.cases_visible_to, the dashboard's rule), without
applicant data, with every text cell that a spreadsheet could read as a formula neutralised.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.actors import actor_label
from gongkai.core.models import Body, BodyKind
from gongkai.requests import selectors
from gongkai.requests.models import Applicant, Case, CaseEvent, Review, ReviewKind, ReviewResult
from gongkai.requests.services import clock
from gongkai.requests.services.cases import new_query_code
from gongkai.rules.case_flow import CaseState
from gongkai.rules.dispositions import LAPSE_DISPOSITIONS, ApplicantType, Disposition, ReceiptChannel

REQUIRED = ("id", "body", "applicant_type", "channel", "received", "subject")
OPTIONAL = ("disposition", "decided", "reviews", "description")
REVIEW_KEYS = {"kind", "filed", "result", "concluded"}
IMPORTED_APPLICANT = "（历史数据导入，未含申请人信息）"
MAX_ERRORS_SHOWN = 200


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.reason}"


@dataclass(frozen=True)
class Row:
    line: int
    id: str
    body: Body
    applicant_type: str
    channel: str
    received: dt.date
    subject: str
    description: str
    disposition: str
    decided: dt.date | None
    reviews: tuple[tuple[str, dt.date, str, dt.date | None], ...]

    @property
    def state(self) -> str:
        if not self.disposition:
            return CaseState.REGISTERED.value
        if Disposition(self.disposition) in LAPSE_DISPOSITIONS:
            return CaseState.LAPSED.value
        return CaseState.DECIDED.value


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    lines: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"拒绝导入：{len(self.errors)} 行有错误，未写入任何数据"
        verb = "校验通过（试运行，未写入）：将" if self.dry_run else "已"
        return (f"{verb}新增 {len(self.created)} 件，更新 {len(self.updated)} 件，"
                f"未变化 {len(self.unchanged)} 件")

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "errors": [{"line": e.line, "reason": e.reason} for e in self.errors]}


def _day(value, what: str, today: dt.date) -> dt.date:
    if not isinstance(value, str):
        raise ValueError(f"{what}应为 YYYY-MM-DD 格式的日期")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what}“{value}”不是有效日期（YYYY-MM-DD）") from None
    if day > today:
        raise ValueError(f"{what} {value} 晚于今天")
    return day


def _parse(obj, bodies: dict[str, Body], actor, today: dt.date) -> Row:
    if not isinstance(obj, dict):
        raise ValueError("每行应为一个 JSON 对象")
    missing = [k for k in REQUIRED if obj.get(k) in (None, "")]
    if missing:
        raise ValueError(f"缺少字段 {'、'.join(missing)}")
    unknown = sorted(set(obj) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise ValueError(f"未知字段 {'、'.join(unknown)}")
    ext_id = obj["id"]
    if not isinstance(ext_id, str) or ext_id != ext_id.strip() or len(ext_id) > 40:
        raise ValueError("id 应为不超过40个字符的字符串，首尾不含空格")
    body = bodies.get(str(obj["body"]).strip().upper())
    if body is None:
        raise ValueError(f"找不到统一社会信用代码为 {obj['body']} 的行政机关（县政府、县直部门或乡镇）")
    if not rules.can_handle_case(actor, body):
        raise ValueError(f"无权导入{body.name}的案件")
    if obj["applicant_type"] not in ApplicantType._value2member_map_:
        raise ValueError(f"applicant_type “{obj['applicant_type']}” 应为 {'、'.join(t.value for t in ApplicantType)}")
    if obj["channel"] not in ReceiptChannel._value2member_map_:
        raise ValueError(f"channel “{obj['channel']}” 应为 {'、'.join(c.value for c in ReceiptChannel)}")
    received = _day(obj["received"], "received", today)
    subject = obj["subject"]
    if not isinstance(subject, str) or len(subject.strip()) > 300:
        raise ValueError("subject 应为不超过300字的文字")
    description = obj.get("description") or ""
    if not isinstance(description, str):
        raise ValueError("description 应为文字")
    disposition = obj.get("disposition") or ""
    if disposition and disposition not in Disposition._value2member_map_:
        raise ValueError(f"disposition “{disposition}” 不是年报表三的办理结果代码")
    decided = _day(obj["decided"], "decided", today) if obj.get("decided") else None
    if bool(disposition) != bool(decided):
        raise ValueError("disposition 和 decided 须同时填写（已办结）或同时为空（未办结）")
    if decided and decided < received:
        raise ValueError("decided 早于 received")
    reviews = obj.get("reviews") or []
    if not isinstance(reviews, list):
        raise ValueError("reviews 应为列表")
    parsed = []
    for n, review in enumerate(reviews, start=1):
        where = f"reviews 第{n}项"
        if not isinstance(review, dict) or set(review) - REVIEW_KEYS or not {"kind", "filed"} <= set(review):
            raise ValueError(f"{where}应为含 kind、filed、result、concluded 的对象")
        if review["kind"] not in ReviewKind.values:
            raise ValueError(f"{where}：kind 应为 {'、'.join(ReviewKind.values)}")
        result = review.get("result") or ReviewResult.PENDING
        if result not in ReviewResult.values:
            raise ValueError(f"{where}：result 应为 {'、'.join(ReviewResult.values)}")
        filed = _day(review["filed"], f"{where} filed", today)
        concluded = _day(review["concluded"], f"{where} concluded", today) if review.get("concluded") else None
        if filed < received:
            raise ValueError(f"{where}：filed 早于 received")
        if concluded and concluded < filed:
            raise ValueError(f"{where}：concluded 早于 filed")
        if concluded and result == ReviewResult.PENDING:
            raise ValueError(f"{where}：已审结（有 concluded）的，result 不能为 pending")
        parsed.append((review["kind"], filed, result, concluded))
    return Row(0, ext_id, body, obj["applicant_type"], obj["channel"], received, subject.strip(),
               description.strip(), disposition, decided, tuple(parsed))


def parse_lines(actor, lines: Iterable[str]) -> tuple[list[Row], list[LineError], int]:
    """Check every line; return the good rows, the errors (line number, Chinese reason) and the
    number of non-blank lines. Pure reading: nothing is written."""
    bodies = {b.code: b for b in Body.objects.filter(
        kind__in=(BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP), is_active=True, code__isnull=False)}
    today = clock.today()
    rows: list[Row] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    count = 0
    for number, text in enumerate(lines, start=1):
        text = text.lstrip("\ufeff").strip() if number == 1 else text.strip()
        if not text:
            continue
        count += 1
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            errors.append(LineError(number, f"不是有效的 JSON（第{exc.colno}个字符：{exc.msg}）"))
            continue
        try:
            row = _parse(obj, bodies, actor, today)
        except ValueError as exc:
            errors.append(LineError(number, str(exc)))
            continue
        if row.id in seen:
            errors.append(LineError(number, f"id {row.id} 与第{seen[row.id]}行重复"))
            continue
        seen[row.id] = number
        rows.append(dataclasses.replace(row, line=number))
    return rows, errors, count


def _fingerprint(case: Case) -> tuple:
    reviews = tuple((r.kind, r.filed_on, r.result, r.concluded_on) for r in case.reviews.order_by("filed_on", "pk"))
    return (case.body_id, case.applicant_type, case.channel, case.received_on, case.subject, case.description,
            case.disposition, case.decided_on, case.state, reviews)


def _row_fingerprint(row: Row) -> tuple:
    return (row.body.pk, row.applicant_type, row.channel, row.received, row.subject, row.description,
            row.disposition, row.decided, row.state, row.reviews)


def import_cases(actor, lines: Iterable[str], *, dry_run: bool = False) -> ImportResult:
    """Import historical cases (see the module docstring). Returns the ids created, updated and
    unchanged, or the errors (then nothing was written). Each written case gets a CaseEvent
    ``import``, its DueDateChange trail and one ``request.imported`` audit entry."""
    rows, errors, count = parse_lines(actor, lines)
    result = ImportResult(lines=count, dry_run=dry_run)
    existing = {c.external_id: c for c in Case.objects.filter(external_id__in=[r.id for r in rows])}
    imported = set(CaseEvent.objects.filter(case__in=existing.values(), action="import")
                   .values_list("case__external_id", flat=True))
    for row in rows:
        if row.id in existing and row.id not in imported:
            errors.append(LineError(row.line, f"id {row.id} 已被本平台登记办理的案件使用，不能用导入覆盖"))
    if not count and not errors:
        errors.append(LineError(0, "文件中没有数据"))
    if errors:
        result.errors = sorted(errors, key=lambda e: e.line)
        return result
    if dry_run:
        for row in rows:
            case = existing.get(row.id)
            bucket = (result.created if case is None else
                      result.unchanged if _fingerprint(case) == _row_fingerprint(row) else result.updated)
            bucket.append(row.id)
        return result
    step = cases_per_transaction()
    for start in range(0, len(rows), step):
        with transaction.atomic():
            for row in rows[start:start + step]:
                case = existing.get(row.id)
                if case is not None and _fingerprint(case) == _row_fingerprint(row):
                    result.unchanged.append(row.id)
                    continue
                _write(actor, row, case)
                (result.created if case is None else result.updated).append(row.id)
    return result


def cases_per_transaction() -> int:
    """Cases written per transaction (issue 13 §4: no long write transaction). A case is some
    twenty rows (case, applicant, reviews, due-date trail, event, audit entry), so a twentieth of
    GONGKAI_WRITE_BATCH_ROWS: each transaction holds SQLite's write lock a fraction of a second."""
    return max(1, settings.GONGKAI_WRITE_BATCH_ROWS // 20)


def _write(actor, row: Row, case: Case | None) -> Case:
    arrived = timezone.make_aware(dt.datetime.combine(row.received, dt.time(9, 0)))
    fields = dict(body=row.body, applicant_type=row.applicant_type, channel=row.channel, arrived_at=arrived,
                  received_on=row.received, subject=row.subject, description=row.description,
                  disposition=row.disposition, decided_on=row.decided, state=row.state)
    created = case is None
    if created:
        case = Case.objects.create(query_code=new_query_code(row.received.year), external_id=row.id, **fields)
        Applicant.objects.create(case=case, name=IMPORTED_APPLICANT)
    else:
        for key, value in fields.items():
            setattr(case, key, value)
        case.save()
        case.reviews.all().delete()
    for kind, filed, result, concluded in row.reviews:
        Review.objects.create(case=case, kind=kind, filed_on=filed, result=result, concluded_on=concluded)
    clock.refresh_due_date(case)
    CaseEvent.objects.create(case=case, on=row.decided or row.received, action="import", from_state="",
                             to_state=case.state, actor_label=actor_label(actor)[:150],
                             note=f"从历史数据导入（第{row.line}行）" if created else f"导入更新（第{row.line}行）")
    audit.record("request.imported", actor, case, {
        "external_id": row.id, "created": created, "state": case.state, "disposition": row.disposition or None,
        "received_on": row.received, "decided_on": row.decided, "reviews": len(row.reviews),
    }, label=case.number)
    return case


# --- Export ------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_COLUMNS = ("编号", "查询码", "受理机关", "统一社会信用代码", "申请人类型", "申请方式", "收到申请之日",
                  "申请内容", "状态", "答复期限", "办理结果（年报表三）", "答复日期", "送达日期", "复议诉讼")


def safe_cell(value):
    """A value for a spreadsheet cell: text that a spreadsheet would read as a formula (= + - @,
    or a leading tab/CR) gets a leading apostrophe; dates and numbers stay typed."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_rows(actor, *, body_code: str | None = None, year: int | None = None):
    """The register rows ``actor`` may see, oldest receipt first (no applicant data)."""
    qs = selectors.cases_visible_to(actor).prefetch_related("reviews")
    if body_code:
        qs = qs.filter(body__code=body_code.upper())
    if year:
        qs = qs.filter(received_on__year=year)
    for case in qs.iterator(chunk_size=500):
        reviews = "；".join(f"{r.get_kind_display()} {r.filed_on.isoformat()} {r.get_result_display()}"
                           for r in case.reviews.all())
        disposition = Disposition(case.disposition).row_label if case.disposition else ""
        yield [case.external_id or "", case.query_code, case.body.name, case.body.code or "",
               ApplicantType(case.applicant_type).label, ReceiptChannel(case.channel).label, case.received_on,
               case.subject, CaseState(case.state).label, case.due_on, disposition, case.decided_on,
               case.delivered_on, reviews]


def export_xlsx(actor, target, *, body_code: str | None = None, year: int | None = None) -> int:
    """Write the case register to ``target`` (a path or binary stream) as XLSX; return the row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("依申请公开案件")
    sheet.freeze_panes = "A2"
    header = []
    for title in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in export_rows(actor, body_code=body_code, year=year):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            cells.append(cell)
        sheet.append(cells)
        count += 1
    book.save(target)
    scope = Body.objects.filter(code=body_code.upper()).first() if body_code else None
    audit.record("request.exported", actor, data={
        "format": "xlsx", "rows": count, "body": body_code.upper() if body_code else "", "year": year,
        "file": os.fspath(target) if isinstance(target, str | os.PathLike) else "",
    }, label=f"导出案件登记簿（{count}件）", scope=scope)
    return count
