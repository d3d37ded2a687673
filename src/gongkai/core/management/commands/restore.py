"""`gongkai restore IN`: restore a backup into an empty installation, then verify the audit chain
(gongkai.core.backup; docs/operations.md, 备份与恢复)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "把备份恢复到一个空的安装（同类数据库），并校验清单、密钥和审计日志"

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="IN", help="gongkai backup 生成的备份文件")
        parser.add_argument("--dry-run", action="store_true",
                            help="只校验备份（清单、签名、密钥、版本、每个文件的哈希）和目标是否为空，不做改动")

    def handle(self, *args, archive, dry_run=False, **options):
        try:
            result = restore_backup(archive, dry_run=dry_run, progress=self.stderr.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:  # disk full, permissions: one line for the operator
            raise CommandError(f"文件读写失败：{exc}") from None
        manifest = result.manifest
        when, version = manifest["created_at"], manifest["versions"].get("gongkai", "?")
        if result.dry_run:
            self.stdout.write(f"备份校验通过：{archive}（{when}，Gongkai {version}，文件 {result.files} 个）；"
                              "本安装为空，可以恢复")
            return
        counts = result.counts
        self.stdout.write(f"恢复完成：{archive}（{when}，Gongkai {version}）")
        self.stdout.write(f"  机构 {counts['bodies']} 个，人员 {counts['users']} 名，文件 {result.files} 个，"
                          f"审计日志 {counts['audit_events']} 条")
        if result.migrated:
            self.stdout.write("  备份来自较早版本：已升级数据库结构（migrate）")
        for problem in result.chain_problems:
            self.stdout.write(f"{problem.kind}\t#{problem.seq}\t{problem.message}")
        if result.chain_problems:
            raise CommandError(f"数据已恢复，但审计日志校验失败：发现 {len(result.chain_problems)} 处问题", returncode=1)
        self.stdout.write("  审计日志哈希链校验通过，与备份清单记载的末端一致")
