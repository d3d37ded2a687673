"""`gongkai requests`: 依申请公开 cases at the command line.

- ``tick [--json]``: lapse cases whose 补正 or payment period ran out, retry due dates that lacked
  calendar data, send due-date reminders. Idempotent; run daily from cron (the scheduler of
  `gongkai serve` also runs it).
- ``import FILE.jsonl [--dry-run] [--json]``: historical cases (format in docs/requests.md);
  all-or-nothing, every bad line reported as 第N行：reason on stderr, exit status 1.
- ``export --xlsx FILE [--body CODE] [--year YYYY]``: the case register, formula-safe cells.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.actors import SystemActor

OPERATOR = SystemActor("命令行")
MAX_IMPORT_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = "依申请公开：定时处理、导入、导出 (disclosure-on-application cases)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("tick", help="逾期未补正/未缴费视为放弃申请、到期提醒（可重复运行）")
        p.add_argument("--json", action="store_true", help="输出 JSON")
        p = sub.add_parser("import", help="导入历史案件（JSON Lines，每行一件；全部正确才写入）")
        p.add_argument("file", help="UTF-8 编码的 .jsonl 文件")
        p.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        p.add_argument("--json", action="store_true", help="输出 JSON")
        p = sub.add_parser("export", help="导出案件登记簿")
        p.add_argument("--xlsx", required=True, metavar="FILE", help="输出的 .xlsx 文件")
        p.add_argument("--body", metavar="CODE", help="只导出该统一社会信用代码的机关")
        p.add_argument("--year", type=int, metavar="YYYY", help="只导出该年收到的申请")

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

    def do_import(self, *, file, dry_run=False, **options):
        from gongkai.requests.services.transfer import MAX_ERRORS_SHOWN, import_cases

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise CommandError("文件超过 200 MB，请拆分后导入")
        try:
            with path.open(encoding="utf-8") as handle:
                result = import_cases(OPERATOR, handle, dry_run=dry_run)
        except UnicodeDecodeError:
            raise CommandError("文件不是 UTF-8 编码，请另存为 UTF-8 后导入") from None
        if options.get("json"):
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        for error in result.errors[:MAX_ERRORS_SHOWN]:
            self.stderr.write(str(error))
        if len(result.errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(f"……另有 {len(result.errors) - MAX_ERRORS_SHOWN} 行有错误")
        if result.errors:
            raise CommandError(result.summary())
        if not options.get("json"):
            self.stdout.write(result.summary())

    def do_export(self, *, xlsx, body=None, year=None, **options):
        from gongkai.core.models import Body
        from gongkai.requests.services.transfer import export_xlsx

        if body and not Body.objects.filter(code=body.upper()).exists():
            raise CommandError(f"找不到统一社会信用代码为 {body} 的机关")
        if year is not None and not 1990 <= year <= 2100:
            raise CommandError("--year 应为四位年份")
        try:
            count = export_xlsx(OPERATOR, xlsx, body_code=body, year=year)
        except OSError as exc:
            raise CommandError(f"无法写入 {xlsx}：{exc.strerror or exc}") from None
        self.stdout.write(f"已导出 {count} 件到 {xlsx}")
