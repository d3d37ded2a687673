"""Subsidy payouts: programmes, import, 公示 notices, objections, archive (issue 7).

Each function checks its ``can_*`` rule, validates (ServiceError with Chinese messages), changes
state in one transaction and appends one audit entry (architecture rule 1).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.actors import actor_label
from gongkai.core.models import Body, BodyKind
from gongkai.core.services import ServiceError, require
from gongkai.privacy import public_sources
from gongkai.privacy.findings import Kind
from gongkai.privacy.mask_rules import mask_value
from gongkai.villages import conf, payout_file, publicity
from gongkai.villages.models import (
    Notice,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    Payout,
    PayoutBatch,
    SubsidyProgramme,
)
from gongkai.villages.public_sources import SUBSIDY_NOTICE


def max_file_bytes() -> int:
    """The largest payout file accepted (``GONGKAI_MAX_PAYOUT_FILE_MB``)."""
    return settings.GONGKAI_MAX_PAYOUT_FILE_MB * 1024 * 1024


def find_programme(name: str) -> SubsidyProgramme:
    try:
        return SubsidyProgramme.objects.get(name=name.strip())
    except SubsidyProgramme.DoesNotExist:
        known = "、".join(SubsidyProgramme.objects.filter(is_active=True).values_list("name", flat=True))
        raise ServiceError(f"没有名为“{name}”的补贴项目。现有项目：{known}") from None


def find_body(name: str, kind: str, parent: Body | None = None) -> Body:
    qs = Body.objects.filter(kind=kind, is_active=True)
    if parent is not None:
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    label = "乡镇（街道）" if kind == BodyKind.TOWNSHIP else "村（社区）"
    name = name.strip()
    matches = list(qs.filter(name=name)) or [
        b for b in qs if name in (b.short_name, payout_file.village_key(b.name))
        or b.name.removesuffix("人民政府").endswith(name)]
    if not matches:
        raise ServiceError(f"没有找到{label}“{name}”")
    if len(matches) > 1:
        raise ServiceError(f"有多个{label}名为“{name}”，请写全称")
    return matches[0]


# ---- import ----------------------------------------------------------------------------------

@dataclass
class ImportResult:
    parsed: payout_file.ParsedFile
    batch: PayoutBatch | None = None
    dry_run: bool = False
    rejects_csv: str = ""
    per_village: dict[str, tuple[int, Decimal]] = field(default_factory=dict)

    @property
    def imported(self) -> int:
        return self.batch.row_count if self.batch else 0


def _village_scope(county_or_township: Body) -> tuple[dict[str, Body], set[str]]:
    villages: dict[str, Body] = {}
    ambiguous: set[str] = set()
    qs = Body.objects.filter(kind=BodyKind.VILLAGE, is_active=True, path__startswith=county_or_township.path)
    for v in qs:
        for key in {payout_file.village_key(v.name), payout_file.village_key(v.short_name or v.name)}:
            if key in villages and villages[key].pk != v.pk:
                ambiguous.add(key)
            villages[key] = v
    return villages, ambiguous


def import_payouts(actor, *, data: bytes, filename: str, programme: SubsidyProgramme, year: int,
                   township: Body | None = None, county: Body | None = None, dry_run: bool = False,
                   skip_invalid: bool = False, mapping: dict[str, str] | None = None,
                   declared_total: Decimal | None = None, today: dt.date | None = None,
                   header_row: int | None = None, columns: dict[str, int] | None = None,
                   progress=None, progress_every: int = 2000,
                   table: list[tuple[int, list]] | None = None, on_batch=None, heartbeat=None) -> ImportResult:
    """Import one payout file for ``programme`` and ``year``.

    Scope: the villages of ``township`` (or, without it, of ``county``). Every row is checked
    (``payout_file``); a file with any bad row is refused whole (nothing written; the result lists
    each bad row) unless ``skip_invalid``, which imports the valid rows and returns the rejects as
    CSV text. File-level problems (no header, total mismatch) always refuse the file. ``dry_run``
    checks and reports without writing. ID numbers and accounts are stored only hashed and masked.
    ``header_row`` and ``columns`` (field → 0-based column): a header mapped by hand (the admin);
    ``progress(rows_checked)`` is called every ``progress_every`` rows checked (the background job);
    ``table``: the file already read (``payout_file.read_table``), so that it is not read twice.
    The file is read and checked before anything is written; the rows are then written in bounded
    transactions (:func:`_write_batch`; ``on_batch(batch)`` and ``heartbeat()`` are its hooks for
    the background job).

    Raises PermissionDenied, ServiceError (unreadable file, bad arguments)."""
    scope = township or county
    if scope is None:
        raise ServiceError("请指定乡镇（街道）或县")
    if township is not None and township.kind != BodyKind.TOWNSHIP:
        raise ServiceError(f"“{township.name}”不是乡镇（街道）")
    require(rules.can_import_payouts(actor, scope), "没有导入该乡镇补贴发放名单的权限")
    if not (2000 <= year <= 2100):
        raise ServiceError("年度应为四位数年份，如 2025")
    if len(data) > max_file_bytes():
        raise ServiceError(f"文件超过 {settings.GONGKAI_MAX_PAYOUT_FILE_MB} MB，请按乡镇拆分后导入")
    if not data:
        raise ServiceError("文件为空")
    if not programme.is_active:
        raise ServiceError(f"补贴项目“{programme.name}”已停用")
    villages, ambiguous = _village_scope(scope)
    known = set(Payout.objects.filter(programme=programme, year=year, is_void=False)
                .values_list("id_hash", flat=True))
    try:
        parsed = payout_file.parse_payouts(
            iter(table) if table is not None else payout_file.read_table(data, filename), year=year, villages=villages, ambiguous_villages=ambiguous,
            mapping=mapping, declared_total=declared_total, today=today or timezone.localdate(),
            already_imported=(lambda n: conf.id_hash(n) in known) if known else None,
            header_row=header_row, columns=columns, progress=progress, progress_every=progress_every)
    except payout_file.PayoutFileError as exc:
        raise ServiceError(str(exc)) from None
    result = ImportResult(parsed=parsed, dry_run=dry_run)
    per_village: dict[str, list] = defaultdict(lambda: [0, Decimal("0.00")])
    for row in parsed.rows:
        per_village[row.village.name][0] += 1
        per_village[row.village.name][1] += row.amount
    result.per_village = {k: (v[0], v[1]) for k, v in per_village.items()}
    refused = bool(parsed.file_problems) or (parsed.problems and not skip_invalid) or not parsed.rows
    if parsed.problems and skip_invalid:
        result.rejects_csv = payout_file.write_rejects(
            parsed, iter(table) if table is not None else payout_file.read_table(data, filename))
    if refused or dry_run:
        return result
    rows = [(programme.pk, year, row.village.pk, row.row, row.name, conf.id_hash(row.id_number),
             mask_value(Kind.ID_CARD, row.id_number),
             mask_value(Kind.BANK_CARD, row.account) if row.account else "",
             row.area, row.standard, row.amount, row.paid_on, False) for row in parsed.rows]
    result.batch = _write_batch(actor, rows, programme=programme, year=year, scope=scope, filename=filename,
                                data=data, parsed=parsed, villages=len(per_village), on_batch=on_batch,
                                heartbeat=heartbeat)
    return result


class ImportInterrupted(Exception):
    """The import's job was ended from outside (cancelled, or failed as stale) while writing."""


def _write_batch(actor, rows: list[tuple], *, programme, year, scope, filename, data, parsed, villages,
                 on_batch=None, heartbeat=None) -> PayoutBatch:
    """Write a checked file's rows (issue 13 §4: no long write transaction).

    The batch is created hidden (``complete=False``), its rows are inserted in transactions of
    ``GONGKAI_WRITE_BATCH_ROWS`` rows, and the last transaction marks it complete and writes the
    ``subsidy.imported`` audit entry. Readers see only complete batches, so the file still
    appears all at once, or not at all: on any failure (someone in the file imported meanwhile, a
    database error, the job ended from outside) the rows written so far and the batch are removed.
    ``heartbeat()`` is called between transactions; it returns False when the job was ended."""
    step = settings.GONGKAI_WRITE_BATCH_ROWS
    with transaction.atomic():
        batch = PayoutBatch.objects.create(
            programme=programme, year=year, body=scope, source_name=filename[:200],
            sha256=hashlib.sha256(data).hexdigest(), row_count=len(rows),
            rejected_count=len(parsed.bad_rows), total_amount=parsed.total, imported_by=actor_label(actor)[:150],
            complete=False)
    try:
        if on_batch is not None:
            on_batch(batch)
        for start in range(0, len(rows), step):
            if heartbeat is not None and heartbeat() is False:
                raise ImportInterrupted()
            with transaction.atomic():
                _insert_payouts([(batch.pk, *row) for row in rows[start:start + step]])
        with transaction.atomic():
            PayoutBatch.objects.filter(pk=batch.pk).update(complete=True)
            batch.complete = True
            audit.record("subsidy.imported", actor, batch, {
                "programme": programme.name, "year": year, "file": filename[:200], "sha256": batch.sha256,
                "rows": batch.row_count, "rejected_rows": parsed.bad_rows[:200], "total": str(batch.total_amount),
                "villages": villages}, scope=scope)
    except IntegrityError:
        discard_batch(batch)
        raise ServiceError("此文件中有人员在本补贴项目本年度已有发放记录（可能同时有另一次导入），未导入") from None
    except BaseException:
        discard_batch(batch)
        raise
    return batch


def discard_batch(batch: PayoutBatch) -> int:
    """Remove an incomplete batch and its rows, in bounded transactions. A complete batch is
    never touched. Returns the number of rows removed."""
    if not PayoutBatch.objects.filter(pk=batch.pk, complete=False).exists():
        return 0
    step = settings.GONGKAI_WRITE_BATCH_ROWS
    removed = 0
    while True:
        with transaction.atomic():
            pks = list(Payout.objects.filter(batch_id=batch.pk).values_list("pk", flat=True)[:step])
            if pks:
                removed += Payout.objects.filter(pk__in=pks).delete()[0]
        if len(pks) < step:
            break
    with transaction.atomic():
        PayoutBatch.objects.filter(pk=batch.pk, complete=False).delete()
    return removed


def discard_abandoned_batches(older_than: dt.datetime, keep: set[int] = frozenset()) -> int:
    """Remove incomplete batches created before ``older_than`` (an import killed mid-write, from
    the command line or a job), except those in ``keep`` (being written by a live job)."""
    count = 0
    for batch in PayoutBatch.objects.filter(complete=False, imported_at__lt=older_than).exclude(pk__in=keep):
        discard_batch(batch)
        count += 1
    return count


_PAYOUT_FIELDS = ("batch", "programme", "year", "village", "row_number", "name", "id_hash", "id_masked",
                  "account_masked", "area", "standard", "amount", "paid_on", "is_void")
INSERT_CHUNK = 5000  # rows per executemany call


def _insert_payouts(rows: list[tuple]) -> None:
    """Insert payout rows (values in :data:`_PAYOUT_FIELDS` order): one parameterised INSERT run
    with ``executemany`` (SQLite's C loop; psycopg pipelines it, see :func:`_insert_cursor`).

    ``bulk_create`` spent most of an import's write in per-field preparation of 1.4 million values
    (100 000 rows); here the few typed columns are adapted once per value with the backend's own
    adapters and everything else is passed as is. Plain parameterised SQL: both SQLite and
    PostgreSQL take it. Runs inside the caller's transaction."""
    ops = connection.ops
    meta = Payout._meta
    fields = [meta.get_field(name) for name in _PAYOUT_FIELDS]
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    decimals = {i: f for i, f in enumerate(fields) if f.get_internal_type() == "DecimalField"}
    date_at = _PAYOUT_FIELDS.index("paid_on")

    def adapt(row: tuple) -> list:
        values = list(row)
        for i, f in decimals.items():
            if values[i] is not None:
                values[i] = ops.adapt_decimalfield_value(values[i], f.max_digits, f.decimal_places)
        values[date_at] = ops.adapt_datefield_value(values[date_at])
        return values

    sql = (f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) VALUES ("
           + ", ".join(["%s"] * len(fields)) + ")")
    with connection.wrap_database_errors, _insert_cursor() as cursor:  # driver errors as Django's
        for start in range(0, len(rows), INSERT_CHUNK):
            cursor.executemany(sql, [adapt(row) for row in rows[start:start + INSERT_CHUNK]])


def _insert_cursor():
    """A cursor for :func:`_insert_payouts`. On PostgreSQL, psycopg's server-side binding cursor
    (the same SQL; the parameters travel separately instead of being quoted into 100 000
    statements by Django's default client-side binding: a third of the write time)."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        import psycopg

        return psycopg.Cursor(connection.connection)
    return connection.cursor()


# ---- notices ---------------------------------------------------------------------------------

def publish_notices(actor, *, programme: SubsidyProgramme, year: int, township: Body,
                    starts_on: dt.date | None = None, days: int | None = None,
                    supervision_phone: str = "") -> list[Notice]:
    """Open the 公示 of ``programme`` and ``year`` for every village of ``township`` that has
    payouts and no current notice yet. The period starts ``starts_on`` (default today) and lasts
    ``days`` (default the configured length). Supervision phone: given, else the township's."""
    require(rules.can_publish_subsidy_notice(actor, township), "没有发布该乡镇补贴公示的权限")
    starts_on = starts_on or timezone.localdate()
    try:
        start, end = publicity.period(starts_on, days or conf.publicity_days())
    except publicity.PeriodError as exc:
        raise ServiceError(str(exc)) from None
    phone = (supervision_phone or township.phone or "").strip()
    if not phone:
        raise ServiceError(f"请填写监督电话（{township.name}未登记联系电话）")
    if len(phone) > 40:
        raise ServiceError("监督电话过长")
    totals = (Payout.objects.filter(programme=programme, year=year, is_void=False, batch__complete=True,
                                    village__path__startswith=township.path)
              .values("village").annotate(n=Count("pk"), total=Sum("amount")))
    existing = set(Notice.objects.filter(programme=programme, year=year).exclude(status=NoticeStatus.SUPERSEDED)
                   .values_list("village_id", flat=True))
    created: list[Notice] = []
    with transaction.atomic():
        for row in totals:
            if row["village"] in existing:
                continue
            notice = Notice.objects.create(
                village_id=row["village"], programme=programme, year=year, starts_on=start, ends_on=end,
                supervision_phone=phone, row_count=row["n"], total_amount=row["total"])
            created.append(notice)
        for notice in created:  # as the public page and the printable 公示表 will show it
            try:
                public_sources.require_clean(SUBSIDY_NOTICE, notice)
            except public_sources.Blocked as blocked:
                raise ServiceError([f"{notice.village.name}：{line}" for line in blocked.messages]) from None
        if created:
            audit.record("subsidy.notice_published", actor, programme, {
                "year": year, "township": township.name, "starts_on": start, "ends_on": end,
                "notices": [n.pk for n in created], "villages": len(created)},
                label=f"{township.name}{year}年{programme.name}公示", scope=township)
    return created


def file_objection(*, notice: Notice, name: str, phone: str, content: str,
                   today: dt.date | None = None) -> Objection:
    """Anyone may object (异议) while the notice is in its 公示期. Name and phone are required so
    the township can reply; they are shown to the township only."""
    today = today or timezone.localdate()
    if not rules.can_file_objection(notice, today):
        raise ServiceError("该公示不在公示期内，不能提出异议；如有疑问请拨打监督电话")
    name, phone, content = name.strip(), "".join(phone.split()), content.strip()
    errors = {}
    if not name or len(name) > 40 or any(ch in name for ch in "<>&\"'{}"):
        errors["name"] = ["请填写姓名（不超过40字，不含特殊符号）"]
    digits = phone.replace("-", "")
    if not (digits.isdigit() and 7 <= len(digits) <= 12):
        errors["phone"] = ["请填写有效的联系电话（手机或固定电话）"]
    if not content or len(content) > 2000:
        errors["content"] = ["请填写异议内容（不超过2000字）"]
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        objection = Objection.objects.create(notice=notice, code=_new_objection_code(), name=name, phone=phone,
                                             content=content)
        # The objector's name and phone stay out of the audit data (staff read them on the objection).
        audit.record("subsidy.objection_filed", None, objection, {"notice": notice.pk},
                     label=f"{notice} 异议", scope=notice.township)
    return objection


OBJECTION_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
OBJECTION_CODE_LENGTH = 10
OBJECTION_NOT_FOUND = "未查到该查询码对应的异议，请核对后再试（查询码在提交异议后显示，共10位）。"


def _new_objection_code() -> str:
    """A random code (32^10 values): the objector's only key to the outcome."""
    while True:
        code = "".join(secrets.choice(OBJECTION_CODE_ALPHABET) for _ in range(OBJECTION_CODE_LENGTH))
        if not Objection.objects.filter(code=code).exists():
            return code


def objection_by_code(code: str, *, client_ip: str) -> Objection:
    """The objection filed under ``code`` (the public outcome page). Rate-limited per client address
    like the payout lookup; every miss gives the same message. Raises LookupRefused."""
    from gongkai.core import limits
    from gongkai.villages.services.lookup import LookupRefused

    per_ip, _per_id, window = conf.lookup_limits()
    decision = limits.hit("subsidy-objection-ip", client_ip or "-", limit=per_ip, window=window)
    if not decision.allowed:
        raise LookupRefused.too_many(decision)
    code = "".join((code or "").split()).upper()
    if len(code) != OBJECTION_CODE_LENGTH or any(ch not in OBJECTION_CODE_ALPHABET for ch in code):
        raise LookupRefused(OBJECTION_NOT_FOUND)
    objection = (Objection.objects.filter(code=code)
                 .select_related("notice__village", "notice__programme").first())
    if objection is None:
        raise LookupRefused(OBJECTION_NOT_FOUND)
    return objection


def masked_phone(objection: Objection) -> str:
    """The objector's phone as staff screens show it (mobile 3+4, landline area code + last 4)."""
    digits = objection.phone.replace("-", "")
    kind = Kind.MOBILE if len(digits) == 11 and digits.startswith("1") else Kind.LANDLINE
    return mask_value(kind, objection.phone)


def reveal_objector_phone(actor, objection: Objection) -> str:
    """The objector's full phone, for the township to call back: one audited read per display
    ("subsidy.objector_phone_viewed", as the requests app audits an applicant's data)."""
    notice = objection.notice
    require(rules.can_handle_objection(actor, notice), "没有查看异议人联系电话的权限")
    audit.record("subsidy.objector_phone_viewed", actor, objection, {"notice": notice.pk},
                 label=f"{notice} 异议", scope=notice.township)
    return objection.phone


def answer_objection(actor, objection: Objection, *, upheld: bool, reason: str,
                     changes: dict[int, Decimal | None] | None = None, correction_reason: str = "",
                     starts_on: dt.date | None = None, days: int | None = None) -> tuple[Objection, Notice | None]:
    """The township's answer to an objection, all or nothing: rejected (不成立) with a reason, or
    upheld (成立) with the corrections it leads to, issued at once as a corrected notice with a
    new 公示期 (:func:`issue_correction`). Returns the objection and the corrected notice."""
    require(rules.can_handle_objection(actor, objection.notice), "没有处理该公示异议的权限")
    if upheld and not changes:
        raise ServiceError("异议成立时请填写需要更正的发放记录（更正金额或删除）")
    with transaction.atomic():
        handled = handle_objection(actor, objection, upheld=upheld, reason=reason)
        corrected = None
        if upheld:
            corrected = issue_correction(actor, objection.notice, changes=changes,
                                         reason=correction_reason.strip() or reason, starts_on=starts_on, days=days)
    return handled, corrected


def handle_objection(actor, objection: Objection, *, upheld: bool, reason: str) -> Objection:
    """The township decides an objection: 成立 (upheld) or 不成立 (rejected), always with a reason."""
    notice = objection.notice
    require(rules.can_handle_objection(actor, notice), "没有处理该公示异议的权限")
    reason = reason.strip()
    if not reason:
        raise ServiceError("请填写处理理由")
    # The reason is shown on the public result page: it passes the privacy detectors first.
    from gongkai.privacy import scan_text
    from gongkai.privacy.findings import kind_label

    found = sorted({kind_label(f.kind.value) for f in scan_text(reason) if f.confidence >= 0.9})
    if found:
        raise ServiceError(f"处理理由含有未遮盖的{'、'.join(found)}，公开查询页会显示理由，请删去或遮盖后再提交")
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.status != ObjectionStatus.PENDING:
            raise ServiceError("该异议已处理")
        locked.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED
        locked.reason, locked.handled_at, locked.handled_by = reason, timezone.now(), actor_label(actor)[:150]
        locked.save()
        audit.record("subsidy.objection_handled", actor, locked, {
            "notice": notice.pk, "result": locked.status, "reason": reason}, label=f"{notice} 异议",
            scope=notice.township)
    return locked


def issue_correction(actor, notice: Notice, *, changes: dict[int, Decimal | None], reason: str,
                     starts_on: dt.date | None = None, days: int | None = None) -> Notice:
    """Correct a notice after an upheld objection: ``changes`` maps payout ids of this notice to
    a new amount (or None to remove the person). The original notice is marked superseded and a
    corrected notice, referencing it, opens a new 公示期. Old and new amounts are in the audit entry."""
    require(rules.can_handle_objection(actor, notice), "没有更正该公示的权限")
    reason = reason.strip()
    if not reason:
        raise ServiceError("请填写更正说明")
    if not changes:
        raise ServiceError("没有需要更正的发放记录")
    try:
        start, end = publicity.period(starts_on or timezone.localdate(), days or conf.publicity_days())
    except publicity.PeriodError as exc:
        raise ServiceError(str(exc)) from None
    with transaction.atomic():
        current = Notice.objects.select_for_update().get(pk=notice.pk)
        if current.status == NoticeStatus.SUPERSEDED:
            raise ServiceError("该公示已被更正，请在最新的更正公示上操作")
        payouts = {p.pk: p for p in Payout.objects.select_for_update().filter(
            pk__in=list(changes), village=current.village, programme=current.programme, year=current.year,
            is_void=False, batch__complete=True)}
        missing = set(changes) - set(payouts)
        if missing:
            raise ServiceError(f"发放记录 {sorted(missing)} 不属于该公示")
        log = []
        for pk, new in changes.items():
            p = payouts[pk]
            old = str(p.amount)
            if new is None:
                p.is_void = True
            else:
                if new <= 0 or new != new.quantize(payout_file.FEN):
                    raise ServiceError("更正后的金额应为正数，精确到分")
                p.amount = new
            p.save(update_fields=["amount", "is_void"])
            log.append({"payout": pk, "old": old, "new": None if new is None else str(new)})
        current.status = NoticeStatus.SUPERSEDED
        current.save(update_fields=["status"])
        agg = Payout.objects.filter(village=current.village, programme=current.programme, year=current.year,
                                    is_void=False, batch__complete=True).aggregate(n=Count("pk"), total=Sum("amount"))
        corrected = Notice.objects.create(
            village=current.village, programme=current.programme, year=current.year, starts_on=start, ends_on=end,
            supervision_phone=current.supervision_phone, row_count=agg["n"] or 0,
            total_amount=agg["total"] or Decimal("0.00"), corrects=current, correction_reason=reason)
        audit.record("subsidy.notice_corrected", actor, corrected, {
            "original": current.pk, "reason": reason, "changes": log, "starts_on": start, "ends_on": end,
            "total": str(corrected.total_amount)}, scope=current.township)
    return corrected


def archive_ended_notices(actor, *, today: dt.date | None = None) -> list[Notice]:
    """Move every open notice whose 公示期 has ended to the archive (idempotent job: each notice is
    claimed with a conditional UPDATE, so a rerun or a parallel run archives nothing twice)."""
    require(rules.is_platform_operator(actor), "归档任务只能由系统执行")
    today = today or timezone.localdate()
    years = conf.retention_years()
    archived = []
    for notice in Notice.objects.filter(status=NoticeStatus.OPEN, ends_on__lt=today).select_related(
            "village", "programme"):
        with transaction.atomic():
            keep = publicity.retain_until(notice.ends_on, years)
            claimed = Notice.objects.filter(pk=notice.pk, status=NoticeStatus.OPEN).update(
                status=NoticeStatus.ARCHIVED, archived_at=timezone.now(), retain_until=keep)
            if not claimed:
                continue
            notice.status, notice.retain_until = NoticeStatus.ARCHIVED, keep
            audit.record("subsidy.notice_archived", actor, notice, {
                "ends_on": notice.ends_on, "retain_until": keep}, scope=notice.township)
            archived.append(notice)
    return archived
