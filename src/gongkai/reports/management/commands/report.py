"""`gongkai report`: annual reports at the command line.

- ``annual --body CODE --year YYYY --format json|html|docx|xlsx [-o FILE]``: the report of a body
  for a year — the published version if there is one, else the open draft, else computed from the
  data without saving anything. Text formats (json, html) go to standard output without ``-o``;
  docx and xlsx need ``-o``. The JSON shape is documented in docs/annual-report.md. With
  ``--from-data``: always computed from the data now, without saving, whatever versions exist.
- ``generate --body CODE --year YYYY [--redraft] [--dry-run]``: (re)compute the open draft (or open
  correction) from the data; refused for a published report, pointing to ``correct``.
- ``correct --body CODE --year YYYY --reason TEXT [--dry-run]``: open a correction of the published
  report (a new draft version; the published one stays public until the correction is published).
- ``summary --county CODE --year YYYY --format json|html|docx|xlsx [-o FILE]``: the county 汇总.
- ``remind [--date YYYY-MM-DD]``: deadline reminders (two weeks before, and once when overdue) to the
  body's 信息员 and 审核领导 and the county office; daily from cron, safe to rerun.
- ``import FILE --body CODE --year YYYY [--dry-run]``: an earlier year's published report from the
  template's XLSX or the report's DOCX (2021 layout or the 2019 trial layout), stored as published,
  so the next year's cross-year check has its 结转下年度. Prints the notes (blank cells read as 0)
  and, per table, every stored cell beside the label and cell text it came from.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.reports.exports import FORMATS, TEXT_FORMATS

IMPORT_TABLES = (("table2", "表二（存储值 ← 文件中的行名和单元格）"), ("table3", "表三（存储值 ← 文件中的行名和单元格）"),
                 ("table4", "表四（存储值 ← 文件中的行名和单元格）"))


class Command(BaseCommand):
    help = "政府信息公开工作年度报告：导出、生成、更正、汇总 (annual reports)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("annual", help="导出一个机构某年度的年度报告")
        p.add_argument("--body", required=True, metavar="CODE", help="机构的统一社会信用代码")
        p.add_argument("--year", required=True, type=int, metavar="YYYY", help="报告年度")
        p.add_argument("--format", required=True, choices=sorted(FORMATS), dest="fmt", help="输出格式")
        p.add_argument("-o", "--output", metavar="FILE", help="输出文件（json、html 缺省输出到标准输出）")
        p.add_argument("--from-data", action="store_true",
                       help="按平台现有数据计算（不保存），不论是否已有草稿或已发布版本")
        p = sub.add_parser("generate", help="根据平台数据重新计算某机构某年度报告的草稿（已发布的须先发起更正）")
        p.add_argument("--body", required=True, metavar="CODE", help="机构的统一社会信用代码")
        p.add_argument("--year", required=True, type=int, metavar="YYYY", help="报告年度")
        p.add_argument("--redraft", action="store_true", help="同时按数据重写一、五、六部分的文字")
        p.add_argument("--dry-run", action="store_true", help="只显示计算结果与草稿的差异，不保存")
        p = sub.add_parser("correct", help="对已发布的年度报告发起更正（建立新版本草稿）")
        p.add_argument("--body", required=True, metavar="CODE", help="机构的统一社会信用代码")
        p.add_argument("--year", required=True, type=int, metavar="YYYY", help="报告年度")
        p.add_argument("--reason", required=True, help="更正原因（公开显示）")
        p.add_argument("--dry-run", action="store_true", help="只检查能否更正，不保存")
        p = sub.add_parser("summary", help="导出全县年度报告汇总")
        p.add_argument("--county", required=True, metavar="CODE", help="县（市、区）人民政府的统一社会信用代码")
        p.add_argument("--year", required=True, type=int, metavar="YYYY", help="报告年度")
        p.add_argument("--format", required=True, choices=sorted(FORMATS), dest="fmt", help="输出格式")
        p.add_argument("-o", "--output", metavar="FILE", help="输出文件（json、html 缺省输出到标准输出）")
        p = sub.add_parser("remind", help="发送年度报告发布期限提醒（每日运行，可重复运行）")
        p.add_argument("--date", metavar="YYYY-MM-DD", help="按该日计算（缺省为今天）")
        p = sub.add_parser("import", help="导入已发布的以往年度报告（XLSX 或 DOCX，2021年格式或2019年试行格式）")
        p.add_argument("file", help="XLSX 或 DOCX 文件")
        p.add_argument("--dry-run", action="store_true", help="只读取并显示对照，不保存")
        p.add_argument("--body", required=True, metavar="CODE", help="机构的统一社会信用代码")
        p.add_argument("--year", required=True, type=int, metavar="YYYY", help="报告年度")

    def handle(self, *args, action, **options):
        return getattr(self, f"do_{action}")(**options)

    def do_remind(self, *, date=None, **options):
        import datetime as dt

        from gongkai.reports.jobs import remind

        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"日期“{date}”格式应为 YYYY-MM-DD") from None
        self.stdout.write(remind(today).summary())

    def do_import(self, *, file, body, year, dry_run=False, **options):
        from gongkai.core.actors import command_line_actor
        from gongkai.core.services import ServiceError
        from gongkai.reports import services

        found = self._body(body)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            report = services.import_history(command_line_actor(), found, year, path.read_bytes(), dry_run=dry_run)
        except ServiceError as exc:
            raise CommandError("；".join(exc.messages)) from None
        details = services.import_details(report) or {}
        verb = "读取（未保存）" if dry_run else "已导入"
        self.stdout.write(f"{verb}{report}（{report.get_layout_display()}），校验提示{len(report.checks)}项，"
                          f"说明{len(details.get('notes', []))}项")
        for check in report.checks:
            self.stdout.write(f"  {'错误' if check['level'] == 'error' else '提示'}：{check['message']}")
        for note in details.get("notes", []):
            self.stdout.write(f"  说明：{note}")
        for table, caption in IMPORT_TABLES:
            self.stdout.write(caption)
            for cell in details.get("cells", []):
                if cell["cell"].startswith(table + "."):
                    raw = cell["raw"].strip() or "（空白）"
                    self.stdout.write(f"  {cell['cell']} = {cell['value']}\t← 「{cell['label']}」 {raw}\t{cell['where']}")

    def _body(self, code: str):
        from gongkai.core.models import Body

        found = Body.objects.filter(code=code.strip().upper()).first()
        if found is None:
            raise CommandError(f"没有统一社会信用代码为 {code} 的机构")
        return found

    def do_annual(self, *, body, year, fmt, output=None, from_data=False, **options):
        from gongkai.core.actors import command_line_actor
        from gongkai.core.services import ServiceError
        from gongkai.reports import selectors, services

        found = self._body(body)
        if found.kind not in selectors.REPORT_BODY_KINDS:
            raise CommandError(f"{found.name}不单独编制政府信息公开工作年度报告")
        if fmt not in TEXT_FORMATS and not output:
            raise CommandError(f"{fmt} 格式须用 -o 指定输出文件")
        report = None if from_data else (selectors.published_report(found, year)
                                         or selectors.current_report(found, year))
        try:
            report = report or services.compute(found, year)
            content = services.export(command_line_actor(), report, fmt)
        except (ServiceError, ValueError) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        self._write(content, fmt, output)

    def _write(self, content, fmt: str, output: str | None) -> None:
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

    def _reporting_body(self, code: str):
        from gongkai.reports import selectors

        found = self._body(code)
        if found.kind not in selectors.REPORT_BODY_KINDS:
            raise CommandError(f"{found.name}不单独编制政府信息公开工作年度报告")
        return found

    def do_generate(self, *, body, year, redraft=False, dry_run=False, **options):
        from gongkai.core.actors import command_line_actor
        from gongkai.core.services import ServiceError
        from gongkai.reports import selectors, services
        from gongkai.reports.models import OPEN_STATUSES
        from gongkai.rules import annual_report as ar

        found = self._reporting_body(body)
        open_report = selectors.current_report(found, year)
        if open_report is not None and open_report.status not in OPEN_STATUSES:
            raise CommandError(
                f"{found.name}{year}年度报告已发布（第{open_report.version}版），不能重新生成。"
                f"如发布后数据有变化需要修改，请先发起更正：gongkai report correct --body {found.code} "
                f"--year {year} --reason 更正原因；再运行本命令重新计算更正版本")
        try:
            if dry_run:
                computed = services.compute(found, year)
                differences = ar.table_differences(
                    {"table2": open_report.table2, "table3": open_report.table3, "table4": open_report.table4},
                    {"table2": computed.table2, "table3": computed.table3, "table4": computed.table4},
                ) if open_report else []
                self.stdout.write(f"（试运行，未保存）{computed.title}：按平台数据计算，"
                                  + (f"与现有草稿有{len(differences)}格不同" if open_report else "尚无草稿"))
                for d in differences:
                    self.stdout.write(f"  {d.table_label}「{d.row_label}」「{d.column_label}」："
                                      f"草稿{d.published}，数据{d.computed}")
                return
            report = services.generate(command_line_actor(), found, year, redraft=redraft)
        except ServiceError as exc:
            raise CommandError("；".join(exc.messages)) from None
        errors = [c for c in report.checks if c["level"] == "error"]
        self.stdout.write(f"已根据平台数据生成{report}（{report.get_status_display()}），"
                          f"校验错误{len(errors)}项，提示{len(report.checks) - len(errors)}项")
        for check in report.checks:
            self.stdout.write(f"  {check['message']}")

    def do_correct(self, *, body, year, reason, dry_run=False, **options):
        from gongkai.core.actors import command_line_actor
        from gongkai.core.services import ServiceError
        from gongkai.reports import selectors, services

        found = self._reporting_body(body)
        published = selectors.published_report(found, year)
        if published is None:
            raise CommandError(f"{found.name}{year}年度报告尚未发布，无需更正；请用 gongkai report generate 生成草稿")
        if not reason.strip():
            raise CommandError("请用 --reason 填写更正原因")
        if dry_run:
            self.stdout.write(f"（试运行，未保存）将对{published}发起更正，原因：{reason.strip()}")
            return
        try:
            correction = services.start_correction(command_line_actor(), published, reason)
        except ServiceError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(f"已建立更正版本：{correction}（草稿）；原版本在更正版本发布前继续公开。"
                          f"重新计算表格：gongkai report generate --body {found.code} --year {year}")

    def do_summary(self, *, county, year, fmt, output=None, **options):
        from gongkai.core.actors import command_line_actor
        from gongkai.core.services import ServiceError
        from gongkai.reports import services

        found = self._body(county)
        if fmt not in TEXT_FORMATS and not output:
            raise CommandError(f"{fmt} 格式须用 -o 指定输出文件")
        try:
            content = services.export_summary(command_line_actor(), found, year, fmt)
        except (ServiceError, ValueError) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        self._write(content, fmt, output)
