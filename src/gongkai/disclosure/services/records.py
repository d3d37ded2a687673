"""Drafting government information records and changing their validity."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.models import Body
from gongkai.core.services import ServiceError, StaleEdit, require
from gongkai.disclosure import search
from gongkai.disclosure.models import IndexNumberCounter, Record, Validity
from gongkai.privacy.extraction import FileRejected, extract
from gongkai.rules.document_numbers import format_index_number

EDITABLE_FIELDS = ("title", "summary", "content", "doc_number", "index_number", "written_date", "formed_date",
                   "topic", "doc_type", "keywords")
# 定时发布 / 定时撤回 (Wagtail's go_live_at / expire_at): saved with the draft, audited when changed,
# acted on by services.schedule once the revision is approved.
SCHEDULE_FIELDS = ("go_live_at", "expire_at")


def _user(actor):
    return actor if getattr(actor, "pk", None) is not None else None


def _validate(record: Record) -> None:
    try:
        record.full_clean(exclude=["body", "latest_revision", "live_revision"], validate_unique=False)
    except ValidationError as exc:
        raise ServiceError(exc.message_dict) from None
    if record.index_number and Record.objects.exclude(pk=record.pk).filter(index_number=record.index_number).exists():
        raise ServiceError({"index_number": [f"索引号“{record.index_number}”已被其他政府信息使用"]})
    if record.expire_at is not None:
        if record.go_live_at is not None and record.expire_at <= record.go_live_at:
            raise ServiceError({"expire_at": ["定时撤回时间必须晚于定时发布时间"]})
        if record.expire_at <= timezone.now():
            raise ServiceError({"expire_at": ["定时撤回时间已过，请清空或改为以后的时间"]})


def _check_catalogue_items(record: Record) -> None:
    """Items must come from the record's body's catalogue (a section uses its parent body's)."""
    owner = record.body if record.body.kind != "section" else record.body.get_parent()
    foreign = [item for item in record.catalogue_items.all() if item.catalogue.body_id != owner.pk]
    if foreign:
        raise ServiceError({"catalogue_items": [f"公开目录事项“{foreign[0]}”不属于{owner.name}的公开目录"]})


class AttachmentRejected(ServiceError):
    """Attachments refused by the check on upload. ``refused``: (the attachment, its Chinese
    message) for each, so a form can show every message beside its file field."""

    def __init__(self, refused: list[tuple[Any, str]]):
        self.refused = refused
        super().__init__({"attachments": [message for _attachment, message in refused]})


def _process_attachments(record: Record) -> None:
    """Check every newly uploaded attachment (type, size, integrity, unpacked size, active content
    of PDFs) and extract its text. All are checked before any is stored: one refused file leaves
    nothing behind, neither rows nor files."""
    limit = settings.GONGKAI_MAX_ATTACHMENT_MB * 1024 * 1024
    checked, refused = [], []
    for attachment in record.attachments.all():
        upload = attachment.file
        if not upload or getattr(upload, "_committed", True):
            continue  # unchanged file, already checked when it was uploaded
        if upload.size > limit:
            refused.append((attachment, f"附件“{upload.name}”超过 {settings.GONGKAI_MAX_ATTACHMENT_MB} MB"))
            continue
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        try:
            checked.append((attachment, data, extract(upload.name, data)))
        except FileRejected as exc:
            refused.append((attachment, str(exc)))
    if refused:
        raise AttachmentRejected(refused)
    for attachment, data, extracted in checked:
        upload = attachment.file
        attachment.title = (attachment.title or upload.name).strip()[:200]
        attachment.size = len(data)
        attachment.sha256 = hashlib.sha256(data).hexdigest()
        attachment.extracted_text = extracted.text
        attachment.extraction_status = extracted.status
        # Store the file now: a published record's edits live only in its revision until approved.
        upload.save(upload.name, ContentFile(data), save=False)


@transaction.atomic
def save_draft(actor, record: Record, *, creating: bool,
               expected_revision: int | None = None) -> tuple[Record, object]:
    """Save ``record`` (built by a form or by the functions below, attachments included) as a new
    draft revision. Nothing becomes public: a published record keeps its public text until the new
    revision passes review. Returns the record and the new revision.

    ``expected_revision``: the latest revision the editor loaded (the edit form carries it). Every
    save writes a revision, so the latest revision is the record's version: if another save came
    first, StaleEdit ("该信息已被他人修改，请刷新后再改") and nothing is written."""
    require(rules.can_draft_record(actor, record.body), "您没有为该机构起草或修改政府信息的权限")
    if not creating and expected_revision is not None:
        claim_version(record, expected_revision)
    return _save_revision(actor, record, creating=creating)


def claim_version(record: Record, expected_revision: int) -> None:
    """Compare-and-set on the record's version (its latest revision), inside the caller's
    transaction: ``UPDATE … SET latest_revision = n WHERE id = … AND latest_revision = n``. The
    UPDATE takes the row's write lock, so of two saves loaded from the same revision the second
    waits for the first, then matches no row. Raises StaleEdit."""
    if not Record.objects.filter(pk=record.pk, latest_revision_id=expected_revision).update(
            latest_revision_id=expected_revision):
        raise StaleEdit()


def _save_revision(actor, record: Record, *, creating: bool, event: str = "",
                   extra: dict[str, Any] | None = None) -> tuple[Record, object]:
    """save_draft without its permission check, for services that check their own rule."""
    changed: dict[str, dict[str, str]] = {}
    if not creating:
        stored = Record.objects.get(pk=record.pk)
        if stored.body_id != record.body_id:
            raise ServiceError({"body": ["政府信息的发布机构不能更改"]})
        before = stored.get_latest_revision_as_object()
        changed = {f: {"old": str(getattr(before, f)), "new": str(getattr(record, f))}
                   for f in (*EDITABLE_FIELDS, *SCHEDULE_FIELDS) if getattr(before, f) != getattr(record, f)}
    if not record.index_number:
        record.index_number = None
    _validate(record)
    _check_catalogue_items(record)
    _process_attachments(record)
    if creating:
        record.live = False
        record.has_unpublished_changes = True
        record.created_by = _user(actor)
    # The row is what the public sees: write it only while the record is not public.
    if creating or not Record.objects.filter(pk=record.pk, live=True).exists():
        record.save()
    revision = record.save_revision(user=_user(actor), log_action=False, clean=False)  # validated above
    data = {"revision": revision.pk, "doc_type": record.doc_type, "doc_number": record.doc_number,
            "attachments": [a.title for a in record.attachments.all()], "changed": changed, **(extra or {})}
    audit.record(event or ("record.created" if creating else "record.updated"), actor, record, data,
                 scope=record.body)
    return record, revision


@transaction.atomic
def save_masked_revision(actor, record: Record, *, title: str | None = None, content: str | None = None,
                         summary: str | None = None, attachments: dict[int, tuple[str, bytes]] | None = None, reason: str) -> tuple[Record, object]:
    """A new revision of ``record`` with personal data masked (隐私遮盖): the given ``content`` and
    ``summary``, and attachment files replaced (``{attachment id: (file name, bytes)}``).

    The record's officer, its confidentiality reviewer (one click during 保密审查) or whoever may
    withdraw it (acting on a sweep finding) may do this. Nothing becomes public: the masked revision needs its own review, so a
    review in progress starts again from 保密审查 on the new revision (with
    WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT, approvals given to the old revision do not count)."""
    from wagtail.models import TaskState, WorkflowState

    require(rules.can_mask_record(actor, record.body), "您没有遮盖该政府信息中个人信息的权限")
    draft = record.get_latest_revision_as_object()
    if title is not None:
        draft.title = title
    if content is not None:
        draft.content = content
    if summary is not None:
        draft.summary = summary
    replaced = []
    by_id = {a.pk: a for a in draft.attachments.all()}
    for attachment_id, (name, data) in (attachments or {}).items():
        attachment = by_id.get(attachment_id)
        if attachment is None:
            raise ServiceError([f"附件（编号 {attachment_id}）不在该政府信息的最新版本中"])
        attachment.file = ContentFile(data, name=name)
        attachment.title = name
        replaced.append(name)
    record, revision = _save_revision(actor, draft, creating=False, event="record.masked",
                                      extra={"reason": reason, "masked_attachments": replaced})
    state = WorkflowState.objects.for_instance(record).filter(status=WorkflowState.STATUS_IN_PROGRESS).first()
    task_state = state.current_task_state if state else None
    if task_state is not None and task_state.status == TaskState.STATUS_IN_PROGRESS:
        task_state.specific.cancel(user=_user(actor), comment="遮盖个人信息后重新审查")
    return record, revision


def create_record(actor, *, body: Body, **fields: Any) -> Record:
    """Draft a new record for ``body`` from field values (see save_draft)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown record fields: {sorted(unknown)}")
    return save_draft(actor, Record(body=body, **fields), creating=True)[0]


def update_record(actor, record: Record, **changes: Any) -> Record:
    """Change fields of the latest revision and save it as a new draft revision (see save_draft)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown record fields: {sorted(unknown)}")
    require(rules.can_draft_record(actor, record.body), "您没有为该机构起草或修改政府信息的权限")
    draft = record.get_latest_revision_as_object()
    if all(getattr(draft, k) == v for k, v in changes.items()):
        return draft
    for field, value in changes.items():
        setattr(draft, field, value)
    return save_draft(actor, draft, creating=False)[0]


def allocate_index_number(record: Record, year: int) -> str:
    """Take the next serial for the record's body and year (row-locked) and format the 索引号
    with settings.GONGKAI_INDEX_NUMBER_PATTERN. Call inside a transaction."""
    counter, _created = IndexNumberCounter.objects.select_for_update().get_or_create(body=record.body, year=year)
    pattern = settings.GONGKAI_INDEX_NUMBER_PATTERN
    while True:
        counter.last_serial += 1
        value = format_index_number(pattern, code=record.body.code or f"B{record.body.pk}", year=year,
                                    serial=counter.last_serial)
        if not Record.objects.filter(index_number=value).exists():  # skip serials taken by hand
            break
    counter.save(update_fields=["last_serial"])
    return value


@transaction.atomic
def set_validity(actor, record: Record, validity: str, *, date: dt.date | None, note: str = "") -> Record:
    """Mark a published record 有效 / 失效 / 废止 on its own page (it is never deleted).

    The 政府网站发展指引 asks that a document's expiry or repeal be marked on the document itself
    (domain facts §7.4): the record stays public, with the date and the note on its page. Allowed
    by ``can_withdraw_record``. Raises ServiceError for an unknown state, a missing date for 失效/
    废止, a date before the 成文日期, a record never published, or marking 有效 a record that
    already is."""
    require(rules.can_withdraw_record(actor, record.body), "您没有变更该政府信息有效性的权限")
    if validity not in Validity.values:
        raise ServiceError({"validity": [f"未知的有效性：{validity}"]})
    if validity != Validity.VALID and date is None:
        raise ServiceError({"validity_date": ["失效或废止的信息必须填写失效或废止日期"]})
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.first_published_at is None:
        raise ServiceError(["该信息尚未发布，不能变更有效性"])
    if validity == Validity.VALID and record.validity == Validity.VALID:
        raise ServiceError(["该信息当前已是“有效”状态"])
    if validity != Validity.VALID and record.written_date and date < record.written_date:
        raise ServiceError({"validity_date": [f"失效或废止日期不能早于成文日期（{record.written_date.isoformat()}）"]})
    old = {"validity": record.validity, "date": record.validity_date.isoformat() if record.validity_date else None}
    values = {"validity": validity, "validity_date": date if validity != Validity.VALID else None,
              "validity_note": note.strip()[:300]}
    Record.objects.filter(pk=record.pk).update(**values)
    latest = record.latest_revision
    if latest is not None and isinstance(latest.content, dict):
        latest.content.update({**values, "validity_date": values["validity_date"].isoformat()
                               if values["validity_date"] else None})
        latest.save(update_fields=["content"])
    record.refresh_from_db()
    search.refresh(record)
    audit.record("record.validity_changed", actor, record,
                 {"old": old, "new": {"validity": validity, "date": date.isoformat() if date and validity != Validity.VALID
                                      else None}, "note": note.strip()[:300]}, scope=record.body)
    return record
