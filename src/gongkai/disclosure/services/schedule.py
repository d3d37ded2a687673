"""Scheduled publication and scheduled withdrawal of records (定时发布、定时撤回).

A leader may approve a revision whose 定时发布时间 (Wagtail's ``go_live_at``) lies in the future:
publish_revision then only schedules it (Wagtail sets ``approved_go_live_at`` on the revision and
the audit log says "record.scheduled"). A published record may carry a 定时撤回时间
(``expire_at``). Nothing happens at those times by itself: :func:`publish_due` is run every minute
(``gongkai disclosure publish-scheduled`` from cron or a systemd timer, or the scheduler that
``gongkai serve`` starts) and does, through the services, what Wagtail's own ``publish_scheduled``
would do without our audit log and search index.

Every item is claimed before it is acted on, so overlapping runs (cron and the in-process
scheduler, two servers) act once: a due revision by a conditional UPDATE that clears its
``approved_go_live_at`` (only one run's UPDATE matches), an expiring record under a row lock
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite transactions here begin IMMEDIATE) with its state
checked again. Each item has its own transaction: one failure is logged and reported, the others
go ahead, and the failed item is tried again on the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.actions.unpublish import UnpublishAction
from wagtail.models import Revision

from gongkai.core import audit
from gongkai.core.actors import SystemActor
from gongkai.core.services import ServiceError
from gongkai.disclosure import search
from gongkai.disclosure.models import Record
from gongkai.disclosure.services.review import mark_withdrawn, publish_revision

logger = logging.getLogger("gongkai.scheduler")

SCHEDULER = SystemActor("系统（定时任务）")
EXPIRY_REASON = "到达定时撤回时间"


@dataclass(frozen=True)
class ScheduledItem:
    record_id: int
    title: str
    at: dt.datetime  # the go-live or expiry time
    revision_id: int | None = None
    detail: str = ""  # why it was cancelled or failed

    def as_dict(self) -> dict:
        return {"record": self.record_id, "title": self.title, "at": timezone.localtime(self.at).isoformat(),
                "revision": self.revision_id, "detail": self.detail}


@dataclass
class ScheduleResult:
    """What one run did. ``published``/``withdrawn``: done; ``cancelled``: a due revision the
    publication gate now refuses (its schedule is cleared and the reasons audited); ``failed``: an
    unexpected error, logged, left for the next run."""

    published: list[ScheduledItem] = field(default_factory=list)
    withdrawn: list[ScheduledItem] = field(default_factory=list)
    cancelled: list[ScheduledItem] = field(default_factory=list)
    failed: list[ScheduledItem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.published or self.withdrawn or self.cancelled)

    def as_dict(self) -> dict:
        return {name: [item.as_dict() for item in getattr(self, name)]
                for name in ("published", "withdrawn", "cancelled", "failed")}


def _record_revisions():
    return Revision.objects.filter(base_content_type=ContentType.objects.get_for_model(Record))


def due_revisions(now: dt.datetime | None = None):
    """Record revisions approved for a go-live time that has come, earliest first."""
    now = now or timezone.now()
    return _record_revisions().filter(approved_go_live_at__lte=now).order_by("approved_go_live_at", "pk")


def scheduled_revisions():
    """Record revisions approved and waiting for their go-live time (due or not), earliest first."""
    return _record_revisions().filter(approved_go_live_at__isnull=False).order_by("approved_go_live_at", "pk")


def expiring_records(now: dt.datetime | None = None):
    """Public records whose 定时撤回时间 has come, earliest first."""
    now = now or timezone.now()
    return Record.objects.filter(live=True, expire_at__lte=now).order_by("expire_at", "pk")


def publish_due(actor=SCHEDULER, now: dt.datetime | None = None) -> ScheduleResult:
    """Publish every record revision whose approved go-live time has come, and withdraw every
    public record whose 定时撤回时间 has passed. Idempotent; safe to run concurrently.

    Publication goes through publish_revision (the publication gate is asked again at go-live
    time; the record enters the search index; audit "record.published" with ``scheduled``).
    A revision the gate now refuses is not retried: its schedule is cleared and
    "record.schedule_cancelled" records the reasons. Withdrawal audits "record.withdrawn" with
    ``scheduled``. ``now`` defaults to the current time (Wagtail compares go-live times with the
    clock, so pass the real time)."""
    now = now or timezone.now()
    result = ScheduleResult()
    for revision_id, record_id, at in due_revisions(now).values_list("pk", "object_id", "approved_go_live_at"):
        try:
            outcome, item = _publish_one(actor, revision_id, now)
        except Exception as exc:  # one bad item must not stop the others
            logger.exception("scheduled publication of record %s (revision %s) failed", record_id, revision_id)
            result.failed.append(ScheduledItem(int(record_id), "", at, revision_id, f"{type(exc).__name__}: {exc}"))
            continue
        if item is not None:
            getattr(result, outcome).append(item)
    for record_id, at in expiring_records(now).values_list("pk", "expire_at"):
        try:
            item = _withdraw_one(actor, record_id, now)
        except Exception as exc:
            logger.exception("scheduled withdrawal of record %s failed", record_id)
            result.failed.append(ScheduledItem(record_id, "", at, None, f"{type(exc).__name__}: {exc}"))
            continue
        if item is not None:
            result.withdrawn.append(item)
    return result


@transaction.atomic
def _publish_one(actor, revision_id: int, now: dt.datetime) -> tuple[str, ScheduledItem | None]:
    revision = Revision.objects.get(pk=revision_id)
    at = revision.approved_go_live_at
    # The claim: only one run's UPDATE finds the schedule still set.
    if not Revision.objects.filter(pk=revision_id, approved_go_live_at__lte=now).update(approved_go_live_at=None):
        return "published", None
    record = Record.objects.select_for_update().get(pk=revision.object_id)
    revision.approved_go_live_at = None
    item = ScheduledItem(record.pk, revision.content.get("title", record.title), at, revision.pk)
    try:
        publish_revision(actor, record, revision, scheduled=True)
    except ServiceError as exc:
        reasons = list(exc.messages)
        audit.record("record.schedule_cancelled", actor, record,
                     {"revision": revision.pk, "go_live_at": timezone.localtime(at).isoformat(), "reasons": reasons}, scope=record.body)
        logger.warning("scheduled publication of record %s cancelled: %s", record.pk, "；".join(reasons))
        return "cancelled", ScheduledItem(item.record_id, item.title, at, revision.pk, "；".join(reasons))
    return "published", item


@transaction.atomic
def _withdraw_one(actor, record_id: int, now: dt.datetime) -> ScheduledItem | None:
    record = Record.objects.select_for_update().get(pk=record_id)
    if not record.live or record.expire_at is None or record.expire_at > now:
        return None  # another run withdrew it, or the schedule changed
    at = record.expire_at
    UnpublishAction(record, set_expired=True, user=None, log_action="wagtail.unpublish.scheduled").execute(
        skip_permission_checks=True)
    mark_withdrawn(record)
    search.refresh(record)
    audit.record("record.withdrawn", actor, record,
                 {"reason": EXPIRY_REASON, "scheduled": True, "expire_at": timezone.localtime(at).isoformat()}, scope=record.body)
    return ScheduledItem(record.pk, record.title, at)
