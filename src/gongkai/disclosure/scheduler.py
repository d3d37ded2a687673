"""The one entry point of scheduled publishing, for the command line, cron and the scheduler that
`gongkai serve` starts.

:func:`run_once` publishes due records through the service layer (services.schedule.publish_due:
audited, indexed) and then does Wagtail's own scheduled publishing for everything else (editorial
pages such as 制度 pages, other snippets), leaving records out: Wagtail's ``publish_scheduled``
would publish records without our audit log or search index, so that command is overridden to call
this (disclosure/management/commands/publish_scheduled.py). :func:`run_forever` repeats it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import close_old_connections
from django.utils import timezone
from wagtail.models import DraftStateMixin, Page, Revision

from gongkai.disclosure.models import Record
from gongkai.disclosure.services.schedule import SCHEDULER, ScheduleResult, publish_due

logger = logging.getLogger("gongkai.scheduler")


@dataclass
class RunResult:
    records: ScheduleResult
    other_published: list[str] = field(default_factory=list)  # "model: object"
    other_unpublished: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.records.changed or self.records.failed or self.other_published or self.other_unpublished)

    def summary(self) -> str:
        r = self.records
        text = (f"政府信息：发布 {len(r.published)} 条，撤回 {len(r.withdrawn)} 条，取消定时发布 {len(r.cancelled)} 条，"
                f"失败 {len(r.failed)} 条")
        if self.other_published or self.other_unpublished:
            text += f"；其他页面：发布 {len(self.other_published)} 个，下线 {len(self.other_unpublished)} 个"
        return text

    def as_dict(self) -> dict:
        return {"records": self.records.as_dict(), "other": {"published": self.other_published,
                                                            "unpublished": self.other_unpublished}}


def _other_models() -> list:
    return [Page, *(m for m in apps.get_models()
                    if issubclass(m, DraftStateMixin) and not issubclass(m, Page) and not issubclass(m, Record))]


def other_due(now: dt.datetime):
    """What Wagtail would publish or unpublish now, records excepted: (revisions, objects)."""
    revisions = (Revision.objects.filter(approved_go_live_at__lte=now)
                 .exclude(base_content_type=ContentType.objects.get_for_model(Record))
                 .order_by("approved_go_live_at", "pk"))
    expired = [obj for model in _other_models()
               for obj in model.objects.filter(live=True, expire_at__lte=now).order_by("expire_at")]
    return list(revisions), expired


def run_once(actor=SCHEDULER, now: dt.datetime | None = None) -> RunResult:
    """Publish and withdraw what is due now. Records first, through the services."""
    now = now or timezone.now()
    result = RunResult(records=publish_due(actor, now))
    revisions, expired = other_due(now)
    for obj in expired:
        try:
            obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
            result.other_unpublished.append(f"{obj._meta.verbose_name}: {obj}")
        except Exception:  # one bad object must not stop the others
            logger.exception("scheduled unpublishing of %r failed", obj)
    for revision in revisions:
        try:
            revision.publish(log_action="wagtail.publish.scheduled")
            result.other_published.append(f"{revision.content_type.name}: {revision.object_str}")
        except Exception:
            logger.exception("scheduled publication of revision %s failed", revision.pk)
    try:  # 依申请公开: lapses and due-date reminders (idempotent, gongkai.requests)
        from gongkai.requests.services.jobs import tick

        tick()
    except Exception:
        logger.exception("requests tick failed")
    try:  # 存量排查 queued in the admin (gongkai.privacy)
        from gongkai.privacy.services import run_queued_sweeps

        run_queued_sweeps()
    except Exception:
        logger.exception("privacy sweep failed")
    try:  # payout files queued in the admin (gongkai.villages)
        from gongkai.villages.import_jobs import run_queued_imports

        run_queued_imports()
    except Exception:
        logger.exception("payout import jobs failed")
    try:  # subsidy notices whose 公示期 has ended go to the archive (idempotent, `gongkai subsidy tick`)
        from gongkai.villages.services.subsidies import archive_ended_notices

        archive_ended_notices(actor)
    except Exception:
        logger.exception("subsidy notice archiving failed")
    try:  # next year's holiday days missing: a weekly mail to the office (`gongkai calendar remind`)
        from gongkai.core.services.calendar import remind_missing_year

        remind_missing_year()
    except Exception:
        logger.exception("calendar reminder failed")
    try:  # annual-report deadline reminders, each sent once (gongkai.reports, `gongkai report remind`)
        from gongkai.reports.jobs import remind

        remind()
    except Exception:
        logger.exception("annual report reminders failed")
    return result


def run_forever(interval: float = 60, *, parent_pid: int | None = None, stop: threading.Event | None = None,
                actor=SCHEDULER, report: Callable[[RunResult], None] | None = None) -> None:
    """Call :func:`run_once` every ``interval`` seconds until ``stop`` is set or, when
    ``parent_pid`` is given, the parent process is gone (the `gongkai serve` case: the scheduler
    never outlives the server). ``report`` receives each round's result. Errors are logged, never
    raised: the next round tries again."""
    stop = stop or threading.Event()
    while not stop.is_set():
        close_old_connections()
        try:
            result = run_once(actor)
            if report is not None:
                report(result)
        except Exception:
            logger.exception("scheduled publishing round failed")
        finally:
            close_old_connections()
        deadline = timezone.now() + dt.timedelta(seconds=interval)
        while not stop.is_set() and timezone.now() < deadline:
            if parent_pid is not None and os.getppid() != parent_pid:
                return
            stop.wait(min(1.0, interval))
