"""`gongkai keys init|check|fingerprints|rotate|reencrypt`: the installation's keys
(gongkai.core.keys, docs/operations.md "密钥")."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongkai.core import keys
from gongkai.core.actors import SYSTEM
from gongkai.core.services import ServiceError
from gongkai.core.services import keys as key_services


class Command(BaseCommand):
    help = "密钥管理：生成密钥文件、检查密钥与数据是否一致、更换数据加密密钥"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("init", help="生成本机密钥文件 var/keys.json（已存在时不变）")
        sub.add_parser("check", help="检查当前密钥与数据库中记录的密钥指纹是否一致；不一致时以状态 1 退出")
        p = sub.add_parser("fingerprints", help="显示当前密钥的指纹（不显示密钥本身）")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("rotate", help="生成新的数据加密密钥并用它重新加密全部加密字段和文件")
        p.add_argument("--drop-old", action="store_true", help="不生成新密钥：全部重新加密后停用旧密钥")
        p.add_argument("--dry-run", action="store_true", help="只说明将要做什么")
        sub.add_parser("reencrypt", help="用当前数据加密密钥重新加密全部加密字段和文件（可中断后重跑）")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except (ServiceError, keys.KeyError_) as exc:
            message = "；".join(exc.messages) if isinstance(exc, ServiceError) else str(exc)
            raise CommandError(message) from None

    def do_init(self, **options):
        path, created = key_services.init()
        if created:
            self.stdout.write(f"已生成本机密钥文件 {path}（权限 0600），请另行妥善备份")
        else:
            self.stdout.write(f"密钥文件已存在，未作改动：{path}")

    def do_check(self, **options):
        found = keys.check()
        for message in found.values():
            self.stderr.write(message)
        if found:
            raise CommandError("密钥与数据不一致：" + "、".join(keys.PURPOSE_LABELS[p] for p in found)
                               + "。请换回写入数据时使用的密钥（从备份恢复密钥文件或环境变量）", returncode=1)
        weak = keys.problems(keys.from_settings())
        for problem in weak:
            self.stderr.write(f"警告：{problem}")
        self.stdout.write(f"密钥与数据一致（来源：{_source_label(settings.GONGKAI_KEYS_SOURCE)}）")

    def do_fingerprints(self, json: bool = False, **options):  # noqa: A002
        values = keys.fingerprints()
        if json:
            self.stdout.write(_dumps(values))
        else:
            for purpose, value in values.items():
                self.stdout.write(f"{purpose}\t{value}\t{keys.PURPOSE_LABELS[purpose]}")

    def do_rotate(self, drop_old=False, dry_run=False, **options):
        from_env = settings.GONGKAI_KEY_SOURCES.get("data_keys") == "env"
        if dry_run:
            what = "停用旧密钥" if drop_old else "生成新的数据加密密钥"
            self.stdout.write(f"将{what}，并重新加密全部加密字段和文件（密钥来源："
                              f"{'环境变量' if from_env else '密钥文件'}）；未作改动")
            return
        if drop_old:
            keep = key_services.drop_old(SYSTEM, progress=self.stdout.write)
            if from_env:
                self.stdout.write("旧密钥已不再使用。请把环境变量改为：")
                self.stdout.write(f"GONGKAI_DATA_KEYS={','.join(keep)}")
            else:
                self.stdout.write("已停用旧的数据加密密钥，密钥文件已更新")
            return
        keys_list, report = key_services.rotate(SYSTEM, progress=self.stdout.write)
        if report is None:
            self.stdout.write("数据加密密钥来自环境变量，无法代为保存。请把环境变量改为以下值（新密钥在前）并重启全部进程，"
                              "然后运行 gongkai keys reencrypt：")
            self.stdout.write(f"GONGKAI_DATA_KEYS={','.join(keys_list)}")
            return
        self.stdout.write(f"已更换数据加密密钥并重新加密 {report.rows} 行、{report.files} 个文件；"
                          "密钥文件已更新，请重启服务并另行备份密钥文件。确认无误后运行 gongkai keys rotate --drop-old")

    def do_reencrypt(self, **options):
        report = key_services.reencrypt(progress=self.stdout.write)
        self.stdout.write(f"已用当前数据加密密钥重新加密 {report.rows} 行、{report.files} 个文件")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _source_label(source: str) -> str:
    return {"env": "环境变量", "file": "密钥文件", "development": "公开的开发密钥"}.get(source, source)
