"""`gongkai backup OUT`: write a consistent backup of this installation while the site runs
(gongkai.core.backup; docs/operations.md, 备份与恢复)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库、公开文件和非公开文件到一个归档文件（不停机）；不含密钥，密钥须另行保存"

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT",
                            help="备份文件名（.tar，或 .tar.gz 压缩）；给出目录时在其中按时间命名")

    def handle(self, *args, out, **options):
        try:
            result = create_backup(out, progress=self.stderr.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:  # disk full, permissions: one line for the operator
            raise CommandError(f"文件读写失败：{exc}") from None
        manifest = result.manifest
        head = manifest["audit_head"]
        self.stdout.write(f"备份完成：{result.path}")
        self.stdout.write(f"  大小 {result.size} 字节，SHA-256 {result.sha256}")
        self.stdout.write(f"  数据库 {manifest['database']['engine']}，文件 {len(manifest['files']) - 1} 个，"
                          f"审计日志至第 {head['seq']} 条")
        self.stdout.write("  提醒：备份不含密钥，请另行妥善保存 var/keys.json 或环境变量中的密钥")
