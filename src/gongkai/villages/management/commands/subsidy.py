"""`gongkai subsidy …`: subsidy payout files, notices and the 公示期 job.

- ``import FILE --programme NAME --year YYYY [--township NAME] [--dry-run] [--skip-invalid]
  [--rejects PATH] [--total AMOUNT] [--map FIELD=HEADER …]``
- ``publish --programme NAME --year YYYY --township NAME [--start DATE] [--days N] [--phone TEXT]``
- ``notices --year YYYY --out DIR [--village NAME] [--township NAME] [--json] [--paper A4|A3]``
- ``tick``: archive notices whose 公示期 has ended (idempotent; run daily)
- ``run-imports``: run the payout import jobs queued in the admin (the scheduler does this too)

Exit status: 0 done, 1 refused (bad rows or file; nothing written), 2 usage error.

JSON contract of ``notices --json`` (stable)::

    {"year": 2025, "villages": [{"village": "甲村", "township": "甲镇人民政府",
      "programmes": {"耕地地力保护补贴": {"rows": 12, "amount": "1234.56", "published": true}},
      "total": "1234.56", "published_total": "1234.56"}]}

``total`` is 实发金额: every programme, every imported batch (void rows excluded), published or not;
``published_total`` counts only the programmes whose 公示 has been published (the figure of the
public year summary); each programme says ``"published": true|false``. Amounts are decimal
strings in yuan with two places, never floats.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from gongkai.core.actors import command_line_actor
from gongkai.core.models import Body, BodyKind
from gongkai.core.services import ServiceError
from gongkai.villages import payout_file
from gongkai.villages.services import subsidies
from gongkai.villages.templatetags.villages_tags import money


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”无法识别，请写作 2025-03-15") from None


def _messages(exc: ServiceError) -> str:
    return "；".join(str(m) for m in exc.messages)


class Command(BaseCommand):
    help = "补贴发放名单导入、公示和公示期归档"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("import", help="导入一卡通发放名单（XLSX 或 CSV）")
        p.add_argument("file")
        p.add_argument("--programme", required=True, help="补贴项目名称，如 耕地地力保护补贴")
        p.add_argument("--year", required=True, type=int)
        p.add_argument("--township", help="乡镇（街道）名称；不填则在全县范围内匹配村名")
        p.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        p.add_argument("--skip-invalid", action="store_true", help="导入有效行，错误行写入剔除文件")
        p.add_argument("--rejects", help="剔除文件路径（默认：原文件名.rejects.csv）")
        p.add_argument("--total", help="批次总额（元），与各行金额之和核对")
        p.add_argument("--map", action="append", default=[], metavar="FIELD=表头",
                       help="手工指定列：" + "、".join(f"{k}={v}" for k, v in payout_file.FIELD_LABELS.items()))
        p = sub.add_parser("publish", help="发布某乡镇某项目的补贴公示（开始公示期）")
        p.add_argument("--programme", required=True)
        p.add_argument("--year", required=True, type=int)
        p.add_argument("--township", required=True)
        p.add_argument("--start", help="公示开始日期（默认今天）")
        p.add_argument("--days", type=int, help="公示天数（默认按配置，7天）")
        p.add_argument("--phone", default="", help="监督电话（默认乡镇联系电话）")
        p = sub.add_parser("notices", help="生成每村的补贴公示表（HTML 和 DOCX）")
        p.add_argument("--year", required=True, type=int)
        p.add_argument("--out", required=True)
        p.add_argument("--village", help="只生成一个村")
        p.add_argument("--township", help="只生成一个乡镇的村")
        p.add_argument("--json", action="store_true", help="在标准输出打印各村合计（JSON）")
        p.add_argument("--paper", choices=["A4", "A3"], default="A4", help="纸张（默认 A4；村务公开栏可用 A3）")
        sub.add_parser("tick", help="把公示期已满的公示归档（可重复运行）")
        sub.add_parser("run-imports", help="执行后台排队的发放名单导入任务（管理后台上传的文件）")

    def handle(self, *args, action, **options):
        try:
            return getattr(self, f"_{action.replace('-', '_')}")(**options)
        except ServiceError as exc:
            raise CommandError(_messages(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None

    # ---- import ----
    def _import(self, *, file, programme, year, township=None, dry_run=False, skip_invalid=False, rejects=None,
                total=None, map=(), **_):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        if path.stat().st_size > subsidies.max_file_bytes():
            raise CommandError(f"文件超过 {subsidies.max_file_bytes() // 1024 // 1024} MB，请按乡镇拆分后导入")
        mapping = {}
        for item in map:
            key, sep, header = item.partition("=")
            if not sep or key not in payout_file.FIELD_LABELS:
                raise CommandError(f"--map “{item}” 应写作 字段=表头，字段为：{'、'.join(payout_file.FIELD_LABELS)}")
            mapping[key] = header
        declared = None
        if total:
            try:
                declared = Decimal(total.replace(",", ""))
            except InvalidOperation:
                raise CommandError(f"批次总额“{total}”不是数字") from None
        prog = subsidies.find_programme(programme)
        town = subsidies.find_body(township, BodyKind.TOWNSHIP) if township else None
        county = None
        if town is None:
            counties = list(Body.objects.filter(kind=BodyKind.COUNTY, is_active=True)[:2])
            if len(counties) != 1:
                raise CommandError("平台上有多个县，请用 --township 指定乡镇")
            county = counties[0]
        result = subsidies.import_payouts(
            command_line_actor(), data=path.read_bytes(), filename=path.name, programme=prog, year=year,
            township=town, county=county, dry_run=dry_run, skip_invalid=skip_invalid, mapping=mapping,
            declared_total=declared)
        parsed = result.parsed
        for problem in parsed.problems[:500]:
            self.stderr.write(str(problem))
        if len(parsed.problems) > 500:
            self.stderr.write(f"……另有 {len(parsed.problems) - 500} 处错误")
        if result.rejects_csv:
            target = Path(rejects) if rejects else path.with_name(path.name + ".rejects.csv")
            target.write_text(result.rejects_csv, encoding="utf-8")
            self.stderr.write(f"错误行已写入 {target}（{len(parsed.bad_rows)} 行）")
        ok_rows = len(parsed.rows)
        if result.batch is not None:
            self.stdout.write(f"已导入 {result.batch.row_count} 行，合计 {money(result.batch.total_amount)} 元，"
                              f"涉及 {len(result.per_village)} 个村（社区）")
            return
        if parsed.file_problems or (parsed.problems and not skip_invalid) or not ok_rows:
            rows = "、".join(str(r) for r in parsed.bad_rows[:50])
            detail = f"第 {rows} 行有错误" if rows else "文件有错误"
            raise CommandError(f"拒绝导入：{detail}，共 {len(parsed.problems)} 处，未写入任何数据")
        self.stdout.write(f"校验通过（未写入）：有效 {ok_rows} 行，合计 {money(parsed.total)} 元，"
                          f"涉及 {len(result.per_village)} 个村（社区）；错误 {len(parsed.bad_rows)} 行")

    # ---- publish ----
    def _publish(self, *, programme, year, township, start=None, days=None, phone="", **_):
        town = subsidies.find_body(township, BodyKind.TOWNSHIP)
        notices = subsidies.publish_notices(
            command_line_actor(), programme=subsidies.find_programme(programme), year=year, township=town,
            starts_on=_date(start) if start else None, days=days, supervision_phone=phone)
        if not notices:
            self.stdout.write("没有需要发布的公示（无发放记录，或各村已有公示）")
            return
        n = notices[0]
        self.stdout.write(f"已发布 {len(notices)} 个村的公示，公示期 {n.starts_on} 至 {n.ends_on}")

    # ---- notices ----
    def _notices(self, *, year, out, village=None, township=None, json=False, paper="A4", **_):
        from gongkai.villages import notices as documents

        town = subsidies.find_body(township, BodyKind.TOWNSHIP) if township else None
        only = subsidies.find_body(village, BodyKind.VILLAGE, parent=town) if village else None
        try:
            summary = documents.write_notices(year=year, out_dir=Path(out), village=only, township=town, paper=paper,
                                              actor=command_line_actor())
        except OSError as exc:
            raise CommandError(f"无法写入目录 {out}：{exc.strerror or exc}") from None
        except documents.NoticeNotClean as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_json_dumps(summary))
        else:
            self.stdout.write(f"已生成 {len(summary['villages'])} 个村（社区）的公示表，保存在 {out}")
            total = sum((Decimal(v["total"]) for v in summary["villages"]), Decimal("0"))
            published = sum((Decimal(v["published_total"]) for v in summary["villages"]), Decimal("0"))
            self.stdout.write(f"实发金额合计（全部项目、全部已导入批次）{money(total)} 元；"
                              f"其中已发布公示的项目 {money(published)} 元")

    # ---- tick ----
    def _tick(self, **_):
        archived = subsidies.archive_ended_notices(command_line_actor())
        self.stdout.write(f"归档公示 {len(archived)} 个")


    # ---- run-imports ----
    def _run_imports(self, **_):
        from gongkai.villages.import_jobs import run_queued_imports

        self.stdout.write(f"执行导入任务 {run_queued_imports()} 个")


def _json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
