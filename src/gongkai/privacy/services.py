"""Changes made by the privacy guard's users: exceptions at review, one-click masking, sweeps and
what is done about their findings. Each function checks its ``can_*`` rule and writes the audit log."""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.actors import SYSTEM
from gongkai.core.heartbeats import stale
from gongkai.core.models import Body
from gongkai.core.services import ServiceError, require
from gongkai.privacy.config import PrivacyConfig
from gongkai.privacy.detectors import detector_for
from gongkai.privacy.extraction import FileRejected
from gongkai.privacy.gate import BODY_PART, official_emails, record_text, scan_record, site_config
from gongkai.privacy.masking import mask_file, mask_text
from gongkai.privacy.models import (
    ExceptionBasis,
    FindingStatus,
    PublicationException,
    Rectification,
    RectificationStatus,
    Sweep,
    SweepFinding,
    SweepStatus,
)
from gongkai.privacy.reading import mask_html

log = logging.getLogger(__name__)
RECTIFICATION_DAYS = 15  # default 整改期限 from the day an item is opened


# --- at review ---------------------------------------------------------------------------------


@transaction.atomic
def grant_exception(actor, record, *, basis: str, legal_basis: str, note: str = "") -> PublicationException:
    """Record that the latest revision of ``record`` may be published with what the scan found."""
    require(rules.can_grant_privacy_exception(actor, record.body), "只有本单位的保密审查员可以登记隐私检查例外")
    errors = {}
    if basis not in ExceptionBasis.values:
        errors["basis"] = ["请选择例外情形"]
    if len(legal_basis.strip()) < 4:
        errors["legal_basis"] = ["请写明具体的法律依据（法律法规名称和条款）"]
    if errors:
        raise ServiceError(errors)
    revision = record.get_latest_revision()
    scan = scan_record(revision.as_object())
    if not scan.findings:
        raise ServiceError(["该版本没有需要登记例外的隐私检查发现"])
    exception = PublicationException.objects.create(
        record=record, revision=revision, reviewer=actor, basis=basis, legal_basis=legal_basis.strip()[:300],
        note=note.strip(), findings=scan.summary())
    audit.record("privacy.exception_granted", actor, record,
                 {"revision": revision.pk, "basis": basis, "legal_basis": exception.legal_basis,
                  "findings": exception.findings}, scope=record.body)
    _log_on_record(record, actor, "gongkai.privacy_exception",
                   {"basis": exception.get_basis_display(), "legal_basis": exception.legal_basis})
    return exception


def _log_on_record(record, actor, action: str, data: dict) -> None:
    """Also show the step in the record's own history in the admin (Wagtail's log)."""
    from wagtail.log_actions import log

    log(instance=record, action=action, user=actor if getattr(actor, "pk", None) else None, data=data)


def masked_copy(attachment, config: PrivacyConfig | None = None) -> tuple[str, bytes]:
    """A masked copy of an attachment's file (same format), checked clean. Raises ServiceError."""
    config = config or site_config()
    suffix = PurePath(attachment.file.name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "source" + suffix)
        target = os.path.join(folder, "masked" + suffix)
        with attachment.file.open("rb") as handle, open(source, "wb") as out:
            out.write(handle.read())
        try:
            result = mask_file(source, target, config=config)
        except FileRejected as exc:
            raise ServiceError([f"附件“{attachment.title}”无法自动遮盖：{exc}"]) from None
        if not result.clean:
            raise ServiceError([f"附件“{attachment.title}”遮盖后仍有无法自动遮盖的内容，请人工处理"])
        with open(target, "rb") as handle:
            data = handle.read()
    stem = PurePath(attachment.title).stem if attachment.title.lower().endswith(suffix) else attachment.title
    name = stem if stem.endswith("（已脱敏）") else f"{stem}（已脱敏）"
    return name + suffix, data


@transaction.atomic
def mask_record(actor, record, *, attachment_ids: list[int] | None = None, text: bool = True,
                reason: str = "隐私检查：一键遮盖"):
    """Mask the latest revision's text (when it has findings) and the given attachments (default:
    every maskable attachment with findings), as a new revision that goes through review again."""
    from gongkai.disclosure.services.records import save_masked_revision

    require(rules.can_mask_record(actor, record.body), "您没有遮盖该政府信息中个人信息的权限")
    config = site_config()
    draft = record.get_latest_revision_as_object()
    scan = scan_record(draft, config=config)
    wanted = set(attachment_ids) if attachment_ids is not None else {
        part.attachment_id for part in scan.parts if part.attachment_id and part.findings and part.maskable}
    by_id = {a.pk: a for a in draft.attachments.all()}
    files = {}
    for attachment_id in wanted:
        if attachment_id not in by_id:
            raise ServiceError([f"附件（编号 {attachment_id}）不在该政府信息的最新版本中"])
        files[attachment_id] = masked_copy(by_id[attachment_id], config)
    fields = {}
    body_part = next(part for part in scan.parts if part.name == BODY_PART)
    if text and body_part.findings:
        fields = {"title": mask_text(draft.title, config=config), "summary": mask_text(draft.summary, config=config),
                  "content": mask_html(draft.content or "", detector_for(config))[0]}
    if not files and not fields:
        raise ServiceError(["没有可以自动遮盖的内容"])
    record, revision = save_masked_revision(actor, record, attachments=files, reason=reason, **fields)
    _log_on_record(record, actor, "gongkai.privacy_masked", {"attachments": [n for n, _d in files.values()],
                                                              "text": bool(fields)})
    return record, revision


# --- sweeps ------------------------------------------------------------------------------------


def start_sweep(actor, county: Body) -> Sweep:
    """Queue a sweep of ``county``'s published information (run by the scheduler or the command)."""
    require(rules.can_run_privacy_sweep(actor, county), "只有公开办管理员可以发起存量排查")
    fail_stale_sweeps()
    running = Sweep.objects.filter(county=county, status__in=[SweepStatus.QUEUED, SweepStatus.RUNNING]).first()
    if running is not None:
        raise ServiceError(["已有一次排查正在进行，请等待其完成"])
    sweep = Sweep.objects.create(county=county, requested_by=actor if getattr(actor, "pk", None) else None)
    audit.record("privacy.sweep_started", actor, sweep, {"county": county.pk}, scope=county)
    return sweep


def record_sweep_export(actor, sweep: Sweep, *, rows: int, fmt: str = "xlsx") -> None:
    """Audit an export of a sweep's findings (their masked contexts); the export is the screen's,
    so it takes the screen's rule."""
    require(rules.can_run_privacy_sweep(actor, sweep.county), "您没有导出该排查结果的权限")
    audit.record("privacy.sweep_exported", actor, sweep, {"rows": rows, "format": fmt},
                 label=f"{sweep.county.name}存量排查#{sweep.pk}", scope=sweep.county)


def _swept_items(county) -> list[tuple[str, object]]:
    """(source key, object) for everything of ``county`` that is public now, source by source."""
    from gongkai.privacy import public_sources

    return [(key, obj) for key, source in public_sources.sources().items() for obj in source.live(county)]


def _scan_item(key: str, obj, config: PrivacyConfig, emails: frozenset[str]) -> dict:
    """The findings of one public object, as plain data (what a worker process sends back)."""
    from gongkai.disclosure.models import Record
    from gongkai.privacy import public_sources

    source = public_sources.source(key)
    scan = public_sources.check(key, obj, config=config, emails=emails)
    body = source.body(obj)
    common = {"source": key, "object_id": str(obj.pk), "object_title": str(source.title(obj) or "")[:300],
              "admin_url": (source.admin_url(obj) or "")[:300], "body_id": body.pk if body else None,
              "record_id": obj.pk if isinstance(obj, Record) else None}
    rows, files, unverifiable = [], 0, 0
    for part in scan.parts:
        if part.file:
            files += 1
            unverifiable += part.status.value == "unverifiable"
        for finding, context in zip(part.findings, part.contexts, strict=True):
            rows.append({**common, "attachment_id": part.attachment_id, "part": part.name[:200],
                         "kind": finding.kind.value, "location": finding.location[:100],
                         "masked": (finding.masked or finding.kind.label)[:200], "context": context[:300],
                         "confidence": finding.confidence})
        if part.status.value == "error":
            rows.append({**common, "attachment_id": part.attachment_id, "part": part.name[:200], "kind": "error",
                         "location": "", "masked": "", "context": part.message[:300], "confidence": 1.0})
    return {"rows": rows, "files": files, "unverifiable": unverifiable}


_WORK: dict = {}  # what a forked sweep worker reads: the items and the scan settings


def _scan_slice(bounds: tuple[int, int]) -> list[dict]:
    items, config, emails = _WORK["items"], _WORK["config"], _WORK["emails"]
    return [_scan_item(key, obj, config, emails) for key, obj in items[bounds[0]:bounds[1]]]


def run_sweep(sweep: Sweep, *, progress=None, batch: int = 20, jobs: int = 1) -> Sweep:
    """Scan everything of the sweep's county that is public now — every registered public source
    (privacy.public_sources): records and their attachments, answers in 答复选登, annual reports,
    village postings, subsidy notices, editorial pages, body profiles — saving findings as it goes
    (progress is visible while it runs). ``jobs`` > 1 spreads the scanning over that many worker
    processes (forked; the database is written by this process only). Safe to call for a queued
    sweep only once: the sweep is claimed first, so two workers never run it twice."""
    claimed = Sweep.objects.filter(pk=sweep.pk, status=SweepStatus.QUEUED).update(
        status=SweepStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return Sweep.objects.get(pk=sweep.pk)
    sweep.refresh_from_db()
    try:
        config, emails = site_config(), official_emails()  # read once for the whole sweep
        items = _swept_items(sweep.county)
        Sweep.objects.filter(pk=sweep.pk).update(total=len(items), heartbeat_at=timezone.now())
        sweep.total = len(items)
        for results in _scan_all(items, config, emails, batch, jobs):
            rows = []
            for result in results:
                rows += [SweepFinding(sweep=sweep, **row) for row in result["rows"] if row["body_id"]]
                sweep.files += result["files"]
                sweep.unverifiable += result["unverifiable"]
            SweepFinding.objects.bulk_create(rows)
            sweep.scanned += len(results)
            # The progress is also the heartbeat; a sweep failed meanwhile as stale stops here.
            if not Sweep.objects.filter(pk=sweep.pk, status=SweepStatus.RUNNING).update(
                    scanned=sweep.scanned, files=sweep.files, unverifiable=sweep.unverifiable,
                    heartbeat_at=timezone.now()):
                return Sweep.objects.get(pk=sweep.pk)
            if progress:
                progress(sweep)
    except Exception as exc:  # a sweep that stops must say so, never stay "running"
        log.exception("privacy sweep %s failed", sweep.pk)
        Sweep.objects.filter(pk=sweep.pk).update(status=SweepStatus.FAILED, error=f"{type(exc).__name__}: {exc}",
                                                 finished_at=timezone.now())
        sweep.refresh_from_db()
        audit.record("privacy.sweep_failed", SYSTEM, sweep, {"scanned": sweep.scanned, "total": sweep.total,
                                                             "error": type(exc).__name__}, scope=sweep.county)
        return sweep
    if not Sweep.objects.filter(pk=sweep.pk, status=SweepStatus.RUNNING).update(
            status=SweepStatus.DONE, finished_at=timezone.now()):
        return Sweep.objects.get(pk=sweep.pk)  # failed as stale meanwhile: it stays failed
    sweep.refresh_from_db()
    audit.record("privacy.sweep_finished", SYSTEM, sweep,
                 {"records": sweep.scanned, "files": sweep.files, "findings": sweep.findings.count(), "jobs": jobs},
                 scope=sweep.county)
    return sweep


def _scan_all(items, config, emails, batch: int, jobs: int):
    """Batches of scan results, in order, from this process or from ``jobs`` forked workers."""
    from django.db import connection, connections

    bounds = [(i, min(i + batch, len(items))) for i in range(0, len(items), batch)]
    # Workers are forked, and a connection must never be shared across a fork: they are closed
    # first, which cannot be done inside a transaction (a caller's atomic block), so there the
    # sweep runs in this process.
    if jobs <= 1 or len(bounds) <= 1 or connection.in_atomic_block:
        for lo, hi in bounds:
            yield [_scan_item(key, obj, config, emails) for key, obj in items[lo:hi]]
        return
    import multiprocessing

    _WORK.update(items=items, config=config, emails=emails)
    connections.close_all()  # each worker opens its own connection; none is shared across a fork
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(_scan_slice, bounds)
    finally:
        _WORK.clear()


def fail_stale_sweeps(now=None) -> int:
    """Sweeps left ``running`` by a dead process (no heartbeat for GONGKAI_JOB_STALE_MINUTES)
    become failed, so the county can start a new one (the findings saved so far stay visible).
    Called before a sweep is started or run and when the sweep list is shown. Audit:
    ``privacy.sweep_failed``. Returns how many."""
    now = now or timezone.now()
    message = "排查进程中断（超过规定时间没有进展）；已保存的发现仍可查看，请重新发起排查"
    count = 0
    for sweep in Sweep.objects.filter(stale(now), status=SweepStatus.RUNNING).select_related("county"):
        if Sweep.objects.filter(stale(now), pk=sweep.pk, status=SweepStatus.RUNNING).update(
                status=SweepStatus.FAILED, finished_at=now, error=message):
            audit.record("privacy.sweep_failed", SYSTEM, sweep, {
                "scanned": sweep.scanned, "total": sweep.total, "stale": True,
                "heartbeat_at": sweep.heartbeat_at or sweep.started_at}, scope=sweep.county)
            count += 1
    return count


def run_queued_sweeps() -> int:
    """Run every queued sweep (the scheduler's job); return how many ran."""
    fail_stale_sweeps()
    count = 0
    for sweep in Sweep.objects.filter(status=SweepStatus.QUEUED).order_by("created_at"):
        run_sweep(sweep)
        count += 1
    return count


# --- acting on findings ------------------------------------------------------------------------

FINDING_ACTIONS = ("rectify", "withdraw", "mask", "dismiss")


@transaction.atomic
def handle_findings(actor, record, sweep: Sweep, action: str, *, note: str = "",
                    due_date: dt.date | None = None):
    """Act on every open finding of ``sweep`` about ``record``, in one step:

    * ``rectify``: open a rectification item for the record's body (整改事项);
    * ``withdraw``: take the record off the public site now (撤回);
    * ``mask``: take it off the public site, mask its text and attachments as a new revision and,
      when the actor may, send that revision to review;
    * ``dismiss``: checked, nothing to do (a note is required)."""
    from gongkai.disclosure.services.review import submit_for_review, withdraw_record

    require(rules.can_handle_privacy_finding(actor, record.body), "只有本单位审核领导或公开办管理员可以处理排查发现")
    if action not in FINDING_ACTIONS:
        raise ServiceError([f"未知的处理方式：{action}"])
    findings = SweepFinding.objects.select_for_update().filter(sweep=sweep, record=record, status=FindingStatus.OPEN)
    if not findings.exists():
        raise ServiceError(["该信息没有待处理的排查发现"])
    kinds = sorted({f.kind for f in findings})
    result = None
    if action == "rectify":
        result = _open_rectification(actor, record.body, f"已公开信息“{record.title[:80]}”含未遮盖的个人信息",
                                     findings, note, due_date)
        status = FindingStatus.RECTIFYING
    elif action == "withdraw":
        withdraw_record(actor, record, reason=note.strip() or "存量排查发现未遮盖的个人信息")
        status = FindingStatus.WITHDRAWN
    elif action == "mask":
        if record.live:
            withdraw_record(actor, record, reason=note.strip() or "存量排查发现未遮盖的个人信息，已遮盖待重新审核")
        record.refresh_from_db()
        mask_record(actor, record, reason="存量排查：遮盖个人信息")
        record.refresh_from_db()
        if rules.can_draft_record(actor, record.body) and not record.workflow_in_progress:
            submit_for_review(actor, record)
        status = FindingStatus.MASKED
    else:
        status = _dismissed(note)
    ids = _mark(findings, status)
    audit.record("privacy.finding_handled", actor, record,
                 {"sweep": sweep.pk, "action": action, "findings": ids, "kinds": kinds, "note": note.strip()},
                 scope=record.body)
    return result


def _dismissed(note: str) -> FindingStatus:
    """核实无问题 needs a note saying what was checked."""
    if not note.strip():
        raise ServiceError({"note": ["请说明核实情况"]})
    return FindingStatus.DISMISSED


def _mark(findings, status: FindingStatus) -> list[int]:
    """Give the findings their new status; return their ids (for the audit entry)."""
    ids = list(findings.values_list("pk", flat=True))
    SweepFinding.objects.filter(pk__in=ids).update(status=status)
    return ids


def _open_rectification(actor, body, title: str, findings, note: str, due_date) -> Rectification:
    """A 整改事项 for ``body`` about these findings, due in RECTIFICATION_DAYS unless a date is given."""
    item = Rectification.objects.create(
        body=body, title=title,
        detail=note.strip() or "；".join(f"{f.part} {f.location} {f.masked}".strip() for f in findings)[:2000],
        due_date=due_date or timezone.localdate() + dt.timedelta(days=RECTIFICATION_DAYS),
        created_by=actor if getattr(actor, "pk", None) else None)
    item.findings.set(findings)
    return item


@transaction.atomic
def handle_source_findings(actor, sweep: Sweep, source: str, object_id: str, action: str, *, note: str = "",
                           due_date: dt.date | None = None) -> str:
    """Act on the open findings of ``sweep`` about one object of a public source other than a
    record (an answer, a report, a posting, a notice, a page): ``rectify`` opens a 整改事项 for the
    body answerable for it, ``dismiss`` records that it was checked (a note is required). Taking
    such an object down or masking it is done on its own screen (the finding links there).
    Returns the object's title."""
    if action not in ("rectify", "dismiss"):
        raise ServiceError([f"该类内容不支持此处理方式：{action}（请在其处理页面撤下或修改）"])
    findings = SweepFinding.objects.select_for_update().select_related("body").filter(
        sweep=sweep, source=source, object_id=object_id, status=FindingStatus.OPEN)
    first = findings.first()
    if first is None:
        raise ServiceError(["该内容没有待处理的排查发现"])
    require(rules.can_handle_privacy_finding(actor, first.body), "只有本单位审核领导或公开办管理员可以处理排查发现")
    if action == "rectify":
        _open_rectification(actor, first.body, f"已公开内容“{first.object_title[:80]}”含未遮盖的个人信息",
                            findings, note, due_date)
        status = FindingStatus.RECTIFYING
    else:
        status = _dismissed(note)
    ids = _mark(findings, status)
    audit.record("privacy.finding_handled", actor, sweep,
                 {"sweep": sweep.pk, "source": source, "object": object_id, "action": action, "findings": ids,
                  "note": note.strip()}, label=first.object_title[:100], scope=first.body)
    return first.object_title


@transaction.atomic
def close_rectification(actor, item: Rectification, *, outcome: str) -> Rectification:
    require(rules.can_handle_privacy_finding(actor, item.body), "只有本单位审核领导或公开办管理员可以办结整改事项")
    if not outcome.strip():
        raise ServiceError({"outcome": ["请填写整改情况"]})
    item.status, item.outcome, item.closed_at = RectificationStatus.DONE, outcome.strip(), timezone.now()
    item.save()
    audit.record("privacy.rectification_updated", actor, item, {"status": item.status, "outcome": item.outcome},
                 scope=item.body)
    return item


__all__ = ["close_rectification", "grant_exception", "handle_findings", "handle_source_findings", "mask_record", "masked_copy",
           "record_text", "run_queued_sweeps", "run_sweep", "start_sweep"]
