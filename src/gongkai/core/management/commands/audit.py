"""`gongkai audit verify`: check the audit log's hash chain; `gongkai audit tail`: show recent entries."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.audit import verify_chain
from gongkai.core.models import AuditEvent


class Command(BaseCommand):
    help = "审计日志 (audit log)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("verify", help="校验审计日志哈希链，发现篡改、删除或乱序时以非零状态退出")
        p = sub.add_parser("tail", help="显示最近的日志")
        p.add_argument("-n", type=int, default=20)

    def handle(self, *args, action, **options):
        if action == "tail":
            for e in reversed(AuditEvent.objects.order_by("-seq")[: options["n"]]):
                when = e.created_at.strftime("%Y-%m-%d %H:%M:%S")
                self.stdout.write(f"#{e.seq}\t{when}\t{e.event_type}\t{e.actor_label}\t{e.object_label}")
            return
        problems = verify_chain()
        total = AuditEvent.objects.count()
        for problem in problems:
            self.stdout.write(f"{problem.kind}\t#{problem.seq}\t{problem.message}")
        if problems:
            raise CommandError(f"审计日志校验失败：发现 {len(problems)} 处问题（共 {total} 条）", returncode=1)
        self.stdout.write(f"审计日志完整：{total} 条，哈希链校验通过")
