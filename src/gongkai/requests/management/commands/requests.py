"""`gongkai requests`: 依申请公开 cases at the command line.

- ``tick [--json]``: lapse cases whose 补正 or payment period ran out, retry due dates that lacked
  calendar data, send due-date reminders. Idempotent; run daily from cron (the scheduler of
  `gongkai serve` also runs it).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "依申请公开：定时处理、导入、导出 (disclosure-on-application cases)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("tick", help="逾期未补正/未缴费视为放弃申请、到期提醒（可重复运行）")
        p.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, action, **options):
        return getattr(self, f"do_{action}")(**options)

    def do_tick(self, **options):
        from gongkai.requests.services.jobs import tick

        result = tick()
        if options.get("json"):
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(result.summary())
            for problem in result.problems:
                self.stderr.write(problem)
