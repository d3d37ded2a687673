"""Drafting government information records and changing their validity."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from gongkai.core import audit, rules
from gongkai.core.models import Body
from gongkai.core.services import ServiceError, require
from gongkai.disclosure.models import IndexNumberCounter, Record, Validity
from gongkai.rules.document_numbers import format_index_number

EDITABLE_FIELDS = ("title", "summary", "content", "doc_number", "index_number", "written_date", "formed_date",
                   "topic", "doc_type", "keywords")


def _user(actor):
    return actor if getattr(actor, "pk", None) is not None else None


def _validate(record: Record) -> None:
    try:
        record.full_clean(exclude=["body", "latest_revision", "live_revision"], validate_unique=False)
    except ValidationError as exc:
        raise ServiceError(exc.message_dict) from None
    if record.index_number and Record.objects.exclude(pk=record.pk).filter(index_number=record.index_number).exists():
        raise ServiceError({"index_number": [f"索引号“{record.index_number}”已被其他政府信息使用"]})


@transaction.atomic
def create_record(actor, *, body: Body, **fields: Any) -> Record:
    """Draft a new record for ``body`` (saved as a draft revision; nothing is public)."""
    require(rules.can_draft_record(actor, body), "您没有为该机构起草政府信息的权限")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown record fields: {sorted(unknown)}")
    record = Record(body=body, live=False, has_unpublished_changes=True, created_by=_user(actor), **fields)
    if not record.index_number:
        record.index_number = None
    _validate(record)
    record.save()
    record.save_revision(user=_user(actor), log_action=False)
    audit.record("record.created", actor, record, {"doc_type": record.doc_type, "doc_number": record.doc_number},
                 scope=body)
    return record


@transaction.atomic
def update_record(actor, record: Record, **changes: Any) -> Record:
    """Save changes as a new draft revision. A published record stays as published until the new
    revision has been reviewed and approved (and any earlier review is void: 一事一审)."""
    require(rules.can_draft_record(actor, record.body), "您没有修改该机构政府信息的权限")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown record fields: {sorted(unknown)}")
    draft = record.get_latest_revision_as_object()
    diff = {k: {"old": getattr(draft, k), "new": v} for k, v in changes.items() if getattr(draft, k) != v}
    if not diff:
        return draft
    for field, values in diff.items():
        setattr(draft, field, values["new"])
    if not draft.index_number:
        draft.index_number = None
    _validate(draft)
    # The row is what the public sees: update it only while the record is not public.
    if not Record.objects.filter(pk=record.pk, live=True).exists():
        draft.save()
    draft.save_revision(user=_user(actor), log_action=False)
    audit.record("record.updated", actor, record, {k: {"old": str(v["old"]), "new": str(v["new"])}
                                                  for k, v in diff.items()}, scope=record.body)
    return draft


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
    """Mark a published record 有效 / 失效 / 废止 on its own page (it is never deleted)."""
    require(rules.can_withdraw_record(actor, record.body), "您没有变更该政府信息有效性的权限")
    if validity not in Validity.values:
        raise ServiceError({"validity": [f"未知的有效性：{validity}"]})
    if validity != Validity.VALID and date is None:
        raise ServiceError({"validity_date": ["失效或废止的信息必须填写失效或废止日期"]})
    record = Record.objects.select_for_update().get(pk=record.pk)
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
    audit.record("record.validity_changed", actor, record,
                 {"old": old, "new": {"validity": validity, "date": date.isoformat() if date else None},
                  "note": note}, scope=record.body)
    return record
