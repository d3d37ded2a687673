"""`gongkai privacy sweep`: the 存量排查 of published information, run now with progress.

(`gongkai privacy scan|mask` never reach Django: gongkai.cli hands them to gongkai.privacy.cli.)"""

from __future__ import annotations

import json
import os

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.actors import command_line_actor
from gongkai.core.models import Body
from gongkai.core.services import ServiceError
from gongkai.privacy import services
from gongkai.privacy.admin_views import report_groups
from gongkai.privacy.models import SweepStatus


class Command(BaseCommand):
    help = "存量排查：扫描已公开的政府信息及附件（gongkai privacy sweep）；scan/mask 见 gongkai privacy --help"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="子命令")
        sweep = sub.add_parser("sweep", help="排查一个县已公开的全部信息和附件")
        sweep.add_argument("--county", help="县级政府的统一社会信用代码（只有一个县时可省略）")
        sweep.add_argument("--json", action="store_true", help="输出 JSON 汇总")
        sweep.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                           help="并行扫描的进程数（默认：CPU 核数）")

    def handle(self, *args, **options):
        counties = Body.objects.filter(depth=1)
        if options["county"]:
            counties = counties.filter(code=options["county"])
        counties = list(counties)
        if len(counties) != 1:
            raise CommandError("请用 --county 指定县级政府的统一社会信用代码" if counties else "未找到该县")
        actor = command_line_actor()
        try:
            sweep = services.start_sweep(actor, counties[0])
        except ServiceError as exc:
            raise CommandError("；".join(exc.messages)) from None

        def progress(s):
            self.stderr.write(f"\r已排查 {s.scanned}/{s.total}（{s.progress}%）", ending="")

        if options["jobs"] < 1:
            raise CommandError("--jobs 至少为 1")
        sweep = services.run_sweep(sweep, progress=progress, jobs=options["jobs"])
        self.stderr.write("")
        if sweep.status != SweepStatus.DONE:
            raise CommandError(f"排查失败：{sweep.error}")
        groups = report_groups(sweep)
        if options["json"]:
            self.stdout.write(json.dumps({
                "sweep": sweep.pk, "records": sweep.scanned, "files": sweep.files, "unverifiable": sweep.unverifiable,
                "bodies": [{"body": body.name, "code": body.code, "records": [
                    {"source": item.source, "id": item.object_id, "title": item.title, "findings": [
                        {"kind": f.kind, "part": f.part, "location": f.location, "masked": f.masked} for f in findings]}
                    for item, findings in records]} for body, records in groups],
            }, ensure_ascii=False))
        else:
            total = sum(len(findings) for _body, records in groups for _record, findings in records)
            self.stdout.write(f"排查完成：{sweep.scanned} 条信息、{sweep.files} 个附件，发现 {total} 处问题"
                              f"（{sum(len(r) for _b, r in groups)} 条信息）；无法核查的附件 {sweep.unverifiable} 个。")
            for body, records in groups:
                self.stdout.write(f"  {body.name}：{len(records)} 条信息")
                for item, findings in records:
                    kinds = "、".join(sorted({f.kind for f in findings}))
                    self.stdout.write(f"    - [{item.label}] {item.title}（{kinds}）")
            self.stdout.write(f"报告：管理后台 › 存量排查（编号 {sweep.pk}）")
        if groups:
            raise SystemExit(1)
