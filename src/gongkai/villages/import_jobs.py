"""Payout import as a background job (issue 7 §3): the admin's upload, header mapping and import.

1. :func:`upload` stores the file (private storage, no URL) and guesses the header row and columns
   (``payout_file.guess_header``). The job waits in ``mapping`` for the officer.
2. :func:`confirm_mapping` takes the header row and the column of each standard field (as detected
   or set by hand) and queues the job.
3. :func:`run_queued_imports` (the scheduler's round, ``disclosure.scheduler.run_once``, or
   ``gongkai subsidy run-imports``) claims each queued job with a conditional UPDATE and runs it
   through ``services.subsidies.import_payouts`` as the officer who uploaded it: the same checks,
   the same permission and the same all-or-nothing write as ``gongkai subsidy import``. A refused
   file writes no payout; the job keeps every bad row's number and reason. With "skip invalid
   rows" the valid rows are imported and the rejects are kept as a CSV file for the officer.

Progress: ``rows_done`` of ``rows_total`` rows checked, saved every 2 000 rows outside the import's
transaction (so the admin page sees it); the write itself is one transaction.

Personal data: the uploaded file is deleted as soon as the job ends (succeeded, failed or
cancelled; only its SHA-256 stays), a file left waiting in ``mapping`` for
:data:`ABANDONED_AFTER` is cancelled and deleted, and reject files (which hold the rows as they
were, full ID numbers included) are deleted :data:`REJECTS_KEPT_FOR` after the import. The admin
preview masks every cell (see :func:`preview`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.actors import actor_label
from gongkai.core.heartbeats import HEARTBEAT_EVERY, stale_after
from gongkai.core.heartbeats import stale as _stale_heartbeat
from gongkai.core.models import Body, BodyKind
from gongkai.core.services import ServiceError, require
from gongkai.privacy.findings import Kind
from gongkai.privacy.mask_rules import mask_value
from gongkai.privacy.masking import mask_text
from gongkai.villages import payout_file
from gongkai.villages.models import ImportJob, ImportJobStatus, PayoutBatch, SubsidyProgramme
from gongkai.villages.services import subsidies
from gongkai.villages.templatetags.villages_tags import money

log = logging.getLogger("gongkai.villages.import_jobs")

PROGRESS_EVERY = 2000
MAX_STORED_ERRORS = 1000
PREVIEW_ROWS = 5
ABANDONED_AFTER = dt.timedelta(days=7)
REJECTS_KEPT_FOR = dt.timedelta(days=30)
# Fields the officer may choose for a column, in the order of the form (phone: read only to be dropped).
MAPPABLE_FIELDS = ("name", "id_number", "account", "village", "area", "standard", "amount", "paid_on", "phone")
NEEDED_FIELDS = (*payout_file.REQUIRED_FIELDS, "village")


def _ensure_scope(body: Body) -> None:
    if body.kind not in (BodyKind.TOWNSHIP, BodyKind.COUNTY):
        raise ServiceError("请选择乡镇（街道）或县")


def _read(job: ImportJob) -> bytes:
    if not job.file:
        raise ServiceError("上传的文件已删除，请重新上传")
    try:
        with job.file.open("rb") as handle:
            return handle.read()
    except OSError:
        raise ServiceError("上传的文件已丢失，请重新上传") from None


def _guess(data: bytes, filename: str, preview_rows: int = PREVIEW_ROWS) -> payout_file.HeaderGuess:
    try:
        return payout_file.guess_header(payout_file.read_table(data, filename), preview_rows=preview_rows)
    except payout_file.PayoutFileError as exc:
        raise ServiceError(str(exc)) from None


# ---- upload and mapping --------------------------------------------------------------------------

def upload(actor, *, data: bytes, filename: str, programme: SubsidyProgramme, year: int, body: Body,
           skip_invalid: bool = False, declared_total: Decimal | None = None,
           retry_of: ImportJob | None = None) -> ImportJob:
    """Store an uploaded payout file for ``programme``, ``year`` and ``body`` (a township, or the
    county) and guess its header. The job waits for the officer to confirm the columns."""
    _ensure_scope(body)
    require(rules.can_import_payouts(actor, body), "没有导入该乡镇补贴发放名单的权限")
    if not (2000 <= year <= 2100):
        raise ServiceError("年度应为四位数年份，如 2025")
    if not data:
        raise ServiceError("文件为空")
    if len(data) > subsidies.max_file_bytes():
        raise ServiceError(f"文件超过 {subsidies.max_file_bytes() // 1024 // 1024} MB，请按乡镇拆分后导入")
    if not programme.is_active:
        raise ServiceError(f"补贴项目“{programme.name}”已停用")
    if declared_total is not None and (declared_total < 0 or declared_total != declared_total.quantize(
            payout_file.FEN)):
        raise ServiceError("批次总额应为非负数，精确到分")
    guess = _guess(data, filename)
    if guess.header_row is None:
        raise ServiceError("文件中没有内容")
    name = (filename.replace("\\", "/").rsplit("/", 1)[-1] or "payouts")[:200]
    suffix = ".xlsx" if data[:4] == b"PK\x03\x04" else ".csv"
    job = ImportJob(programme=programme, year=year, body=body, source_name=name,
                    sha256=hashlib.sha256(data).hexdigest(), skip_invalid=skip_invalid,
                    declared_total=declared_total, header_row=guess.header_row, columns=guess.columns,
                    created_by=actor if getattr(actor, "pk", None) else None,
                    created_by_label=actor_label(actor)[:150], retry_of=retry_of)
    # The file is written to storage before the transaction (issue 13 §4: writing 50 MB must not
    # hold the database's write lock) and removed if the row is not saved.
    job.file.save(f"upload{suffix}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            job.save()
            audit.record("subsidy.import_uploaded", actor, job, {
                "programme": programme.name, "year": year, "file": name, "sha256": job.sha256,
                "header_row": guess.header_row, "detected": sorted(guess.columns), "complete": guess.complete,
                **({"retry_of": retry_of.pk} if retry_of is not None else {})}, scope=body)
    except BaseException:
        job.file.delete(save=False)
        raise
    return job


@dataclass
class Preview:
    """The header cells and the first rows of a stored file, every cell masked."""

    header_row: int | None
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    columns: dict[str, int]  # field → 0-based column

    @property
    def column_fields(self) -> dict[int, str]:
        return {i: f for f, i in self.columns.items()}

    @property
    def missing(self) -> list[str]:
        """Labels of the needed fields without a column."""
        return [payout_file.FIELD_LABELS[f] for f in NEEDED_FIELDS if f not in self.columns]

    @property
    def ambiguous(self) -> list[str]:
        """Labels of the fields whose header appears in more than one column (the officer chooses)."""
        seen: dict[str, int] = {}
        for h in self.headers:
            f = payout_file.match_header(h)
            if f is not None:
                seen[f] = seen.get(f, 0) + 1
        return [payout_file.FIELD_LABELS[f] for f, n in seen.items() if n > 1]


def mask_cell(text: str, field: str | None) -> str:
    """A cell as the admin preview shows it. Nobody sees a full ID number, account or phone number
    in the admin (the platform never keeps them; the officer has the file): ID numbers first 6 +
    last 4, accounts last 4, phone numbers not at all, any other column through the privacy
    masker (an ID number in a column not mapped yet is masked too)."""
    if not text:
        return ""
    if field == "phone":
        return "（不显示）"
    if field == "id_number":
        return mask_value(Kind.ID_CARD, text)
    if field == "account":
        return mask_value(Kind.BANK_CARD, text)
    masked = mask_text(text)
    # Long digit runs the detectors do not claim (a card number without context) are masked anyway.
    digits = sum(ch.isdigit() for ch in masked)
    return mask_value(Kind.BANK_CARD, masked) if digits >= 12 else masked


def preview(job: ImportJob, header_row: int | None = None, columns: dict[str, int] | None = None) -> Preview:
    """The file's header row (``header_row``, default the job's) and the first rows after it,
    masked by the column each is mapped to (``columns``, default the job's)."""
    header_row = header_row or job.header_row or 1
    all_rows = _first_rows(_read(job), job.source_name, header_row + PREVIEW_ROWS)
    headers = [payout_file._text(c) for c in next((c for n, c in all_rows if n == header_row), [])]
    columns = dict(job.columns if columns is None else columns)
    field_of = {i: f for f, i in columns.items()}
    width = max([len(headers), *(len(c) for n, c in all_rows if n > header_row)])
    headers += [""] * (width - len(headers))
    shown = []
    for n, cells in all_rows:
        texts = [payout_file._text(c) for c in cells]
        if n <= header_row or not any(texts):
            continue
        texts += [""] * (width - len(texts))
        shown.append((n, [mask_cell(t, field_of.get(i)) for i, t in enumerate(texts[:width])]))
        if len(shown) >= PREVIEW_ROWS:
            break
    return Preview(header_row, headers, shown, columns)


def _first_rows(data: bytes, filename: str, last: int) -> list[tuple[int, list]]:
    out = []
    try:
        for number, cells in payout_file.read_table(data, filename):
            if number > last + 20:  # empty lines are skipped in the preview: read a few more
                break
            out.append((number, list(cells)))
    except payout_file.PayoutFileError as exc:
        raise ServiceError(str(exc)) from None
    return out


def columns_from_choices(choices: dict[int, str]) -> dict[str, int]:
    """The mapping form's answer (column → field, "" for a column not imported) as field → column.
    A field chosen for two columns is refused with both column numbers."""
    columns: dict[str, int] = {}
    for i, f in sorted(choices.items()):
        if not f:
            continue
        if f not in MAPPABLE_FIELDS:
            raise ServiceError(f"未知的字段：{f}")
        if f in columns:
            raise ServiceError(f"“{payout_file.FIELD_LABELS[f]}”同时选择了第 {columns[f] + 1} 列和第 {i + 1} 列，"
                               "请只保留一列")
        columns[f] = i
    return columns


def validate_mapping(columns: dict[str, int], headers: list[str]) -> None:
    """Every needed field mapped, each to one column of the header row. ServiceError otherwise."""
    labels = payout_file.FIELD_LABELS
    unknown = [f for f in columns if f not in MAPPABLE_FIELDS]
    if unknown:
        raise ServiceError(f"未知的字段：{'、'.join(unknown)}")
    bad = [f for f, i in columns.items() if not (isinstance(i, int) and 0 <= i < max(len(headers), 1))]
    if bad:
        raise ServiceError(f"{'、'.join(labels[f] for f in bad)}对应的列不在表头中")
    missing = [labels[f] for f in NEEDED_FIELDS if f not in columns]
    if missing:
        raise ServiceError(f"请为{'、'.join(missing)}选择对应的列")


def confirm_mapping(actor, job: ImportJob, *, header_row: int, columns: dict[str, int]) -> ImportJob:
    """Fix the header row and the column of each field (as detected or chosen by hand) and queue
    the import. Raises ServiceError for an incomplete mapping; PermissionDenied."""
    require(rules.can_import_payouts(actor, job.body), "没有导入该乡镇补贴发放名单的权限")
    if not (1 <= header_row <= payout_file.HEADER_SCAN_ROWS):
        raise ServiceError(f"表头应在文件前 {payout_file.HEADER_SCAN_ROWS} 行内")
    headers = [h for h in preview(job, header_row, columns).headers]
    validate_mapping(columns, headers)
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.MAPPING).update(
            header_row=header_row, columns=columns, status=ImportJobStatus.QUEUED)
        if not claimed:
            raise ServiceError("该导入任务已确认或已结束")
        job.refresh_from_db()
        audit.record("subsidy.import_queued", actor, job, {
            "header_row": header_row, "columns": {f: headers[i] for f, i in columns.items() if i < len(headers)},
            "skip_invalid": job.skip_invalid}, scope=job.body)
    return job


CANCELLABLE = (ImportJobStatus.MAPPING, ImportJobStatus.QUEUED, ImportJobStatus.FAILED)
RETRYABLE = (ImportJobStatus.FAILED,)


def cancel(actor, job: ImportJob) -> ImportJob:
    """Cancel a job not yet running, close a failed one, or end one whose process died (running
    with a stale heartbeat); its file, and any rows it had written, are deleted."""
    require(rules.can_import_payouts(actor, job.body), "没有导入该乡镇补贴发放名单的权限")
    stale = Q(status=ImportJobStatus.RUNNING) & _stale_heartbeat(timezone.now())
    with transaction.atomic():
        claimed = ImportJob.objects.filter(Q(status__in=CANCELLABLE) | stale, pk=job.pk).update(
            status=ImportJobStatus.CANCELLED, finished_at=timezone.now(), message="已取消")
        if not claimed:
            raise ServiceError("该导入任务正在导入或已结束，不能取消")
        job.refresh_from_db()
        audit.record("subsidy.import_cancelled", actor, job, {"file": job.source_name}, scope=job.body)
    _discard_partial_batch(job)
    _delete_upload(job)
    return job


def retry(actor, job: ImportJob, *, data: bytes, filename: str) -> ImportJob:
    """Import a failed job's file again. Its file was deleted when it ended (it holds full ID
    numbers), so the officer uploads it again: a new job with the same programme, year, scope and
    options; the header mapping confirmed for the failed job is reused when it fits the new file
    (the job is queued at once), otherwise the new job waits for the mapping as after an upload."""
    require(rules.can_import_payouts(actor, job.body), "没有导入该乡镇补贴发放名单的权限")
    if job.status not in RETRYABLE:
        raise ServiceError("只有导入失败的任务可以重试")
    new = upload(actor, data=data, filename=filename, programme=job.programme, year=job.year, body=job.body,
                 skip_invalid=job.skip_invalid, declared_total=job.declared_total, retry_of=job)
    if job.started_at is not None and job.header_row and job.columns:
        columns = {f: int(i) for f, i in job.columns.items()}
        try:
            return confirm_mapping(actor, new, header_row=job.header_row, columns=columns)
        except ServiceError:
            pass  # another layout: the officer confirms the columns
    return new


def rejects_for_download(actor, job: ImportJob) -> bytes:
    """The reject file (rows as they were, full ID numbers included): audited on each download."""
    require(rules.can_import_payouts(actor, job.body), "没有下载该剔除行文件的权限")
    if not job.rejects:
        raise ServiceError("没有剔除行文件（或已按保存期限删除）")
    with job.rejects.open("rb") as handle:
        data = handle.read()
    audit.record("subsidy.import_rejects_downloaded", actor, job, {"file": job.source_name,
                                                                  "rows": job.error_count}, scope=job.body)
    return data


# ---- running -------------------------------------------------------------------------------------

def _delete_upload(job: ImportJob) -> None:
    """Delete the uploaded file (full ID numbers) through its storage, whatever ended the job."""
    if job.file:
        job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).exclude(file="").update(file="")


def _discard_partial_batch(job: ImportJob) -> None:
    """Remove the rows an ended job had written, unless its batch was completed."""
    batch_id = ImportJob.objects.filter(pk=job.pk).values_list("batch_id", flat=True).first()
    if batch_id is not None:
        subsidies.discard_batch(PayoutBatch(pk=batch_id))


class Heartbeat:
    """The running job's sign of life (``heartbeat_at``), written at most every
    :data:`HEARTBEAT_EVERY`. Returns False once the job is no longer running (cancelled, or failed
    as stale by another process): the import then stops and removes what it wrote."""

    def __init__(self, job: ImportJob):
        self.pk = job.pk
        self.last: dt.datetime | None = None

    def __call__(self, *, rows_done: int | None = None, force: bool = False) -> bool:
        now = timezone.now()
        if not force and self.last is not None and now - self.last < HEARTBEAT_EVERY:
            return True
        self.last = now
        values = {"heartbeat_at": now, **({"rows_done": rows_done} if rows_done is not None else {})}
        return bool(ImportJob.objects.filter(pk=self.pk, status=ImportJobStatus.RUNNING).update(**values))


def _fail(job: ImportJob, message: str, errors: list[dict] | None = None, error_count: int | None = None) -> None:
    """End a running job as failed (only if still running: a job cancelled or failed meanwhile
    keeps that ending) and audit ``subsidy.import_failed``."""
    errors = errors if errors is not None else [{"row": None, "message": message}]
    job.status, job.message, job.finished_at = ImportJobStatus.FAILED, message[:500], timezone.now()
    job.errors, job.error_count = errors[:MAX_STORED_ERRORS], error_count if error_count is not None else len(errors)
    with transaction.atomic():
        if not ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.RUNNING).update(
                status=job.status, message=job.message, finished_at=job.finished_at, errors=job.errors,
                error_count=job.error_count, rows_done=job.rows_done, rows_total=job.rows_total):
            return
        actor = job.created_by
        audit.record("subsidy.import_failed", actor if actor is not None else None, job, {
            "file": job.source_name, "message": job.message,
            "rows": [e["row"] for e in job.errors if e["row"] is not None][:200], "errors": job.error_count},
            scope=job.body)


def run_job(job: ImportJob) -> ImportJob:
    """Run one queued job (claimed first: a job runs once even with two runners). Never raises for
    a bad file; the job ends ``succeeded`` or ``failed`` with the reasons. However it ends, its
    uploaded file is deleted and rows written by an unfinished import are removed."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.QUEUED).update(
        status=ImportJobStatus.RUNNING, started_at=now, heartbeat_at=now, rows_done=0)
    job.refresh_from_db()
    if not claimed:
        return job
    try:
        _run(job, Heartbeat(job))
    except subsidies.ImportInterrupted:
        log.warning("payout import job %s was ended from outside while running", job.pk)
    except Exception as exc:  # a job that stops must say so, never stay "running"
        log.exception("payout import job %s failed", job.pk)
        job.refresh_from_db()
        _fail(job, f"导入时发生内部错误（{type(exc).__name__}），未写入任何数据；请联系系统管理员")
    finally:
        job.refresh_from_db()
        if job.status != ImportJobStatus.SUCCEEDED:
            _discard_partial_batch(job)
        _delete_upload(job)
    job.refresh_from_db()
    return job


def _read_rows(job: ImportJob, data: bytes, beat: Heartbeat) -> list[tuple[int, list]]:
    """The whole table, with a heartbeat while a large workbook is read."""
    table = []
    for n, row in enumerate(payout_file.read_table(data, job.source_name), 1):
        table.append(row)
        if n % PROGRESS_EVERY == 0 and beat() is False:
            raise subsidies.ImportInterrupted()
    return table


def _run(job: ImportJob, beat: Heartbeat) -> None:
    actor = job.created_by
    if actor is None or not actor.is_active:
        _fail(job, "上传人的账号已停用或删除，未导入")
        return
    try:
        data = _read(job)
        table = _read_rows(job, data, beat)
    except ServiceError as exc:
        _fail(job, "；".join(exc.messages))
        return
    except payout_file.PayoutFileError as exc:
        _fail(job, str(exc))
        return
    job.rows_total = sum(1 for n, cells in table if n > (job.header_row or 0)
                         and any(payout_file._text(c) for c in cells))
    ImportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)

    def progress(done: int) -> None:
        if beat(rows_done=done, force=True) is False:
            raise subsidies.ImportInterrupted()

    def on_batch(batch) -> None:
        ImportJob.objects.filter(pk=job.pk).update(batch=batch)

    scope = {"township": job.body} if job.body.kind == BodyKind.TOWNSHIP else {"county": job.body}
    try:
        result = subsidies.import_payouts(
            actor, data=data, filename=job.source_name, programme=job.programme, year=job.year,
            skip_invalid=job.skip_invalid, declared_total=job.declared_total, header_row=job.header_row,
            columns={f: int(i) for f, i in job.columns.items()},
            progress=progress, progress_every=PROGRESS_EVERY, table=table, on_batch=on_batch, heartbeat=beat,
            **scope)
    except PermissionDenied as exc:
        _fail(job, str(exc) or "没有导入该乡镇补贴发放名单的权限")
        return
    except ServiceError as exc:
        _fail(job, "；".join(exc.messages))
        return
    parsed = result.parsed
    job.rows_done = job.rows_total = parsed.data_rows  # the estimate counted a 合计 row too
    errors = [{"row": p.row, "message": p.message} for p in parsed.problems]
    if result.batch is None:
        rows = "、".join(str(r) for r in parsed.bad_rows[:20])
        more = "等" if len(parsed.bad_rows) > 20 else ""
        detail = f"第 {rows}{more} 行有错误" if rows else "文件有错误"
        if not parsed.problems and not parsed.rows:
            detail = "文件中没有可导入的行"
        _fail(job, f"拒绝导入：{detail}，共 {len(parsed.problems)} 处，未写入任何数据", errors, len(errors))
        return
    job.batch, job.errors, job.error_count = result.batch, errors[:MAX_STORED_ERRORS], len(errors)
    job.status, job.finished_at = ImportJobStatus.SUCCEEDED, timezone.now()
    job.message = (f"已导入 {result.batch.row_count} 行，合计 {money(result.batch.total_amount)} 元，"
                   f"涉及 {len(result.per_village)} 个村（社区）"
                   + (f"；剔除错误行 {len(parsed.bad_rows)} 行" if parsed.bad_rows else ""))[:500]
    if result.rejects_csv:
        job.rejects.save("rejects.csv", ContentFile(result.rejects_csv.encode("utf-8")), save=False)
    job.save()


def fail_stale(now: dt.datetime | None = None) -> int:
    """Jobs left ``running`` by a dead process become failed ("处理进程中断"): the rows they had
    written are removed, their uploaded file deleted, and ``subsidy.import_failed`` is audited.
    Called by the scheduler's round and when the job list or a job is viewed. Returns how many."""
    now = now or timezone.now()
    count = 0
    for job in ImportJob.objects.filter(_stale_heartbeat(now), status=ImportJobStatus.RUNNING):
        message = "处理进程中断，未写入任何数据；请重新上传文件重试，或取消该任务"
        with transaction.atomic():
            if not ImportJob.objects.filter(_stale_heartbeat(now), pk=job.pk, status=ImportJobStatus.RUNNING).update(
                    status=ImportJobStatus.FAILED, finished_at=now, message=message,
                    errors=[{"row": None, "message": message}], error_count=1):
                continue
            job.refresh_from_db()
            audit.record("subsidy.import_failed", None, job, {
                "file": job.source_name, "message": message, "rows": [], "errors": 1, "stale": True,
                "heartbeat_at": job.heartbeat_at or job.started_at}, scope=job.body)
        _discard_partial_batch(job)
        _delete_upload(job)
        count += 1
    # Batches left incomplete by an import killed outside a job (the command line).
    live = set(ImportJob.objects.filter(status=ImportJobStatus.RUNNING, batch__isnull=False)
               .values_list("batch_id", flat=True))
    subsidies.discard_abandoned_batches(now - max(stale_after(), dt.timedelta(hours=1)), keep=live)
    return count


def run_queued_imports(now: dt.datetime | None = None) -> int:
    """The scheduler's job: fail jobs left ``running`` by a dead process (:func:`fail_stale`),
    cancel uploads abandoned in ``mapping``, delete expired reject files, then run every queued
    job, oldest first. Returns how many jobs ran."""
    now = now or timezone.now()
    fail_stale(now)
    for job in ImportJob.objects.filter(status=ImportJobStatus.MAPPING, created_at__lt=now - ABANDONED_AFTER):
        if ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.MAPPING).update(
                status=ImportJobStatus.CANCELLED, finished_at=now, message="上传后超过 7 天未确认表头，已自动取消"):
            _delete_upload(job)
    for job in ImportJob.objects.filter(finished_at__lt=now - REJECTS_KEPT_FOR).exclude(rejects=""):
        job.rejects.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(rejects="")
    count = 0
    for job in ImportJob.objects.filter(status=ImportJobStatus.QUEUED).order_by("created_at", "pk"):
        run_job(job)
        count += 1
    return count


def visible_jobs(user):
    """Jobs of the bodies ``user`` may import for (a township's officers: their township; the county
    office: all of the county)."""
    bodies = [b.pk for b in Body.objects.filter(kind__in=[BodyKind.TOWNSHIP, BodyKind.COUNTY], is_active=True)
              if rules.can_import_payouts(user, b)]
    return ImportJob.objects.filter(body_id__in=bodies).select_related("programme", "body")


def import_scopes(user) -> list[Body]:
    """Townships (and counties, for the county office) ``user`` may import payouts for."""
    return [b for b in Body.objects.filter(kind__in=[BodyKind.COUNTY, BodyKind.TOWNSHIP], is_active=True)
            .order_by("path") if rules.can_import_payouts(user, b)]
