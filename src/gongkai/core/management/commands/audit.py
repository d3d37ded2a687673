"""`gongkai audit`: the audit log from the command line.

- ``verify [--checkpoint FILE]``: check the keyed hash chain (and, with a checkpoint, that nothing
  after it was cut or rewritten); exit status 1 on any problem.
- ``checkpoint [--output FILE]``: print (or write) the signed head of the chain, to keep off the server.
- ``tail [-n N]``: show recent entries.
- ``prune --before YYYY-MM-DD [--dry-run]``: remove entries older than the retention period.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from gongkai.core import audit
from gongkai.core.actors import command_line_actor
from gongkai.core.models import AuditEvent
from gongkai.core.services import ServiceError


class Command(BaseCommand):
    help = "审计日志 (audit log)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("verify", help="校验审计日志哈希链，发现篡改、删除或乱序时以非零状态退出")
        p.add_argument("--checkpoint", metavar="FILE", help="同时核对此前保存的检查点（发现检查点之后的截断或改写）")
        p = sub.add_parser("checkpoint", help="输出带签名的日志链末端（时间、条数、哈希），请保存到服务器以外")
        p.add_argument("--output", "-o", metavar="FILE", help="写入文件而不是标准输出")
        p = sub.add_parser("tail", help="显示最近的日志")
        p.add_argument("-n", type=int, default=20)
        p = sub.add_parser("prune", help="清理超过保存期限（至少180天）的审计日志")
        p.add_argument("--before", required=True, metavar="YYYY-MM-DD", help="清理此日期之前的日志")
        p.add_argument("--dry-run", action="store_true", help="只显示将清理多少条，不删除")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_tail(self, n=20, **_):
        for e in reversed(AuditEvent.objects.order_by("-seq")[:n]):
            when = e.created_at.strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(f"#{e.seq}\t{when}\t{e.event_type}\t{e.actor_label}\t{e.object_label}")

    def do_verify(self, checkpoint=None, **_):
        if audit.uses_development_key():
            self.stderr.write("注意：未设置 GONGKAI_AUDIT_KEY，正在使用公开的开发用审计密钥，日志链无法防止有意改写；"
                              "生产环境请设置 GONGKAI_AUDIT_KEY（见 docs/configuration.md）")
        report = audit.verify_report()
        problems = list(report.problems)
        if checkpoint:
            problems += audit.verify_checkpoint(self._read_checkpoint(checkpoint))
        for problem in problems:
            self.stdout.write(f"{problem.kind}\t#{problem.seq if problem.seq is not None else '-'}\t{problem.message}")
        if problems:
            raise CommandError(f"审计日志校验失败：发现 {len(problems)} 处问题（共 {report.total} 条）", returncode=1)
        notes = [f"当前密钥指纹 {audit.current_key_id()}"]
        if report.legacy:
            notes.append(f"其中 {report.legacy} 条为启用密钥前的旧格式（SHA-256）")
        if report.development and not audit.uses_development_key():
            notes.append(f"其中 {report.development} 条由开发用密钥生成")
        if report.genesis_seq:
            notes.append(f"第{report.genesis_seq}条及以前已按保存期限清理")
        self.stdout.write(f"审计日志完整：{report.total} 条，哈希链校验通过（{'；'.join(notes)}）")
        if checkpoint:
            self.stdout.write("检查点核对通过：检查点之后的日志没有被截断或改写")

    def _read_checkpoint(self, path: str):
        try:
            return json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"无法读取检查点文件 {path}：{exc.strerror or exc}", returncode=2) from None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise CommandError(f"检查点文件 {path} 不是有效的 JSON", returncode=2) from None

    def do_checkpoint(self, output=None, **_):
        if audit.uses_development_key():
            self.stderr.write("注意：未设置 GONGKAI_AUDIT_KEY，检查点由公开的开发用密钥签名，不能作为证据")
        text = json.dumps(audit.make_checkpoint(), ensure_ascii=False, indent=2) + "\n"
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"无法写入检查点文件 {output}：{exc.strerror or exc}", returncode=2) from None
        self.stdout.write(f"已写入检查点 {output}")

    def do_prune(self, before, dry_run=False, **_):
        from gongkai.core.services.audit_log import prune

        try:
            day = dt.date.fromisoformat(before)
        except ValueError:
            raise CommandError(f"日期格式不正确：{before}（应为 YYYY-MM-DD）", returncode=2) from None
        try:
            result = prune(command_line_actor(), day, dry_run=dry_run)
        except (ServiceError, PermissionDenied) as exc:
            message = "；".join(exc.messages) if isinstance(exc, ServiceError) else str(exc)
            raise CommandError(message, returncode=1) from None
        if not result.count:
            self.stdout.write(f"没有 {day.isoformat()} 之前可清理的审计日志")
        elif dry_run:
            self.stdout.write(f"将清理第{result.first_seq}至{result.last_seq}条，共 {result.count} 条（未删除）")
        else:
            self.stdout.write(f"已清理第{result.first_seq}至{result.last_seq}条，共 {result.count} 条；清理本身已记入审计日志")
