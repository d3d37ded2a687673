"""`gongkai disclosure`: government-information records at the command line.

- ``publish-scheduled [--dry-run] [--json]``: publish what is due now — record revisions whose
  approved 定时发布时间 has come (through the publication service: gate asked again, audited,
  indexed), public records whose 定时撤回时间 has passed, and Wagtail's own scheduled pages. Safe to
  run every minute from cron or a systemd timer, and alongside the scheduler of `gongkai serve`:
  every item is claimed, so it is acted on once. Exit status 1 when an item failed (it is tried
  again on the next run). Prints nothing when nothing was due (cron mails any output).
- ``scheduler [--interval SECONDS]``: run publish-scheduled every SECONDS (default 60) until
  stopped; `gongkai serve` starts it unless GONGKAI_SCHEDULER=off.

JSON contract of ``publish-scheduled --json`` (stable): ``{"dry_run": bool, "records":
{"published": [...], "withdrawn": [...], "cancelled": [...], "failed": [...]}, "other":
{"published": [str], "unpublished": [str]}}``, each record item ``{"record": id, "title": str,
"at": ISO time (go-live or withdrawal time), "revision": id or null, "detail": str}``. With
``--dry-run`` the lists say what would be done (nothing is ``cancelled`` or ``failed``).
"""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from gongkai.core.actors import SystemActor
from gongkai.disclosure import scheduler
from gongkai.disclosure.services.schedule import (
    ScheduledItem,
    ScheduleResult,
    due_revisions,
    expiring_records,
)


def scheduler_actor() -> SystemActor:
    """The audit log names the scheduled task and the operating-system account it ran as."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return SystemActor(f"定时任务（{who}）")


def preview(now) -> scheduler.RunResult:
    """What publish-scheduled would do at ``now``, without doing it."""
    records = ScheduleResult(
        published=[ScheduledItem(int(r.object_id), r.content.get("title", r.object_str), r.approved_go_live_at, r.pk)
                   for r in due_revisions(now)],
        withdrawn=[ScheduledItem(r.pk, r.title, r.expire_at) for r in expiring_records(now)],
    )
    revisions, expired = scheduler.other_due(now)
    return scheduler.RunResult(records, [f"{r.content_type.name}: {r.object_str}" for r in revisions],
                               [f"{o._meta.verbose_name}: {o}" for o in expired])


class Command(BaseCommand):
    help = "政府信息：定时发布与定时撤回 (scheduled publication of records)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("publish-scheduled", help="发布到时的定时发布信息、撤回到时的定时撤回信息（可每分钟运行）")
        p.add_argument("--dry-run", action="store_true", help="只列出到时的项目，不发布")
        p.add_argument("--json", action="store_true", help="输出 JSON")
        p = sub.add_parser("scheduler", help="持续运行定时任务（gongkai serve 默认自动启动）")
        p.add_argument("--interval", type=float, default=60.0, help="间隔秒数（默认 60）")
        p.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, action, **options):
        try:
            return getattr(self, "do_" + action.replace("-", "_"))(**options)
        except DatabaseError as exc:
            raise CommandError(f"无法读写数据库（是否已运行 gongkai migrate？）：{exc}") from None

    def do_publish_scheduled(self, dry_run=False, json=False, **_):
        now = timezone.now()
        result = preview(now) if dry_run else scheduler.run_once(scheduler_actor(), now)
        if json:
            self.stdout.write(_dumps({"dry_run": dry_run, **result.as_dict()}))
        else:
            self._print(result, dry_run)
        if result.records.failed:
            raise CommandError(f"{len(result.records.failed)} 条定时任务失败，将在下次运行时重试", returncode=1)

    def _print(self, result: scheduler.RunResult, dry_run: bool) -> None:
        verbs = {"published": "将发布" if dry_run else "已发布", "withdrawn": "将撤回" if dry_run else "已撤回",
                 "cancelled": "已取消定时发布", "failed": "失败"}
        for name, verb in verbs.items():
            for item in getattr(result.records, name):
                at = timezone.localtime(item.at).strftime("%Y-%m-%d %H:%M")
                detail = f"（{item.detail}）" if item.detail else ""
                self.stdout.write(f"{verb}\t{at}\t#{item.record_id}\t{item.title}{detail}")
        for label in result.other_published:
            self.stdout.write(f"{'将发布' if dry_run else '已发布'}\t{label}")
        for label in result.other_unpublished:
            self.stdout.write(f"{'将下线' if dry_run else '已下线'}\t{label}")
        if dry_run and not result.changed:
            self.stdout.write("当前没有到时的定时发布或定时撤回")
        elif not dry_run and result.changed:  # silent when nothing was due: cron mails any output
            self.stdout.write(result.summary())

    def do_scheduler(self, interval=60.0, parent_pid=None, **_):
        if interval < 1:
            raise CommandError(f"间隔无效：{interval}（至少 1 秒）")
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())

        def report(result):
            if result.changed:
                stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
                self.stdout.write(f"[{stamp}] 定时任务：{result.summary()}")
                self.stdout.flush()

        scheduler.run_forever(interval, parent_pid=parent_pid, stop=stop, actor=scheduler_actor(), report=report)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
