"""`gongkai report`: annual reports at the command line.

- ``annual --body CODE --year YYYY --format json|html|docx|xlsx [-o FILE]``: the report of a body
  for a year — the published version if there is one, else the open draft, else computed from the
  data without saving anything. Text formats (json, html) go to standard output without ``-o``;
  docx and xlsx need ``-o``. The JSON shape is documented in docs/annual-report.md.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.reports.exports import FORMATS, TEXT_FORMATS


class Command(BaseCommand):
    help = "政府信息公开工作年度报告：导出 (annual reports)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("annual", help="导出一个机构某年度的年度报告")
        p.add_argument("--body", required=True, metavar="CODE", help="机构的统一社会信用代码")
        p.add_argument("--year", required=True, type=int, metavar="YYYY", help="报告年度")
        p.add_argument("--format", required=True, choices=sorted(FORMATS), dest="fmt", help="输出格式")
        p.add_argument("-o", "--output", metavar="FILE", help="输出文件（json、html 缺省输出到标准输出）")

    def handle(self, *args, action, **options):
        return getattr(self, f"do_{action}")(**options)

    def do_annual(self, *, body, year, fmt, output=None, **options):
        from gongkai.core.models import Body
        from gongkai.core.services import ServiceError
        from gongkai.reports import selectors, services
        from gongkai.reports.document import report_document
        from gongkai.reports.exports import render

        found = Body.objects.filter(code=body.strip().upper()).first()
        if found is None:
            raise CommandError(f"没有统一社会信用代码为 {body} 的机构")
        if found.kind not in selectors.REPORT_BODY_KINDS:
            raise CommandError(f"{found.name}不单独编制政府信息公开工作年度报告")
        if fmt not in TEXT_FORMATS and not output:
            raise CommandError(f"{fmt} 格式须用 -o 指定输出文件")
        report = selectors.published_report(found, year) or selectors.current_report(found, year)
        try:
            report = report or services.compute(found, year)
            content = render(report_document(report), fmt)
        except (ServiceError, ValueError) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        if output:
            path = Path(output)
            if not path.parent.is_dir():
                raise CommandError(f"目录不存在：{path.parent}")
            if isinstance(content, str):
                path.write_text(content + ("\n" if fmt == "json" else ""), encoding="utf-8")
            else:
                path.write_bytes(content)
            self.stderr.write(f"已写入 {path}")
        else:
            self.stdout.write(content, ending="\n" if fmt == "json" else "")
