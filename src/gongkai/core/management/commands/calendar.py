"""`gongkai calendar`: working-day arithmetic and holiday-calendar maintenance."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from gongkai.core.actors import command_line_actor
from gongkai.core.models import CalendarYear
from gongkai.core.selectors import work_calendar
from gongkai.core.services.calendar import after_load, load_calendar_year, remind_missing_year
from gongkai.rules.holiday_notice import parse_notice
from gongkai.rules.workdays import (
    CalendarError,
    add_workdays,
    is_workday,
    parse_iso_date,
    parse_year_file,
    workdays_between,
)

_ISO_LINE = re.compile(r"^\s*\ufeff?\d{4}-\d{2}-\d{2}", re.MULTILINE)


def read_text_file(path: str) -> str:
    """Read a small text file written by a person: UTF-8 (with or without BOM) or GBK/GB18030."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"文件 {path} 既不是 UTF-8 也不是 GBK 编码")


def parse_count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise CalendarError(f"工作日数无效：{text!r}（应为非负整数）") from None
    if n < 0:
        raise CalendarError(f"工作日数不能为负数：{n}")
    return n


class Command(BaseCommand):
    help = "工作日计算与节假日数据维护 (working days and the holiday calendar)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("add-workdays", help="DATE 之后第 N 个工作日；DATE 为 - 时从标准输入逐行读取“DATE N”")
        p.add_argument("date", help="YYYY-MM-DD，或 - 表示从标准输入读取")
        p.add_argument("n", nargs="?", help="工作日数（不计起算日）")
        p = sub.add_parser("is-workday", help="打印 true 或 false")
        p.add_argument("date")
        p = sub.add_parser("workdays-between", help="START 之后至 END（含）之间的工作日数")
        p.add_argument("start")
        p.add_argument("end")
        p = sub.add_parser("load-year", help="从文件载入（或替换）某一年的节假日数据：逐日列表（格式见 docs/operations.md）"
                                             "或国务院办公厅节假日安排通知的正文")
        p.add_argument("year", type=int)
        p.add_argument("file")
        p.add_argument("--notice", default="", help="依据，如：国务院办公厅关于2027年部分节假日安排的通知")
        p.add_argument("--dry-run", action="store_true", help="只校验文件，不写入")
        sub.add_parser("years", help="列出已有节假日数据的年份")
        sub.add_parser("remind", help="缺少所需年份的节假日数据时，每周提醒公开办管理员一次（每日运行，可重复运行）")

    def handle(self, *args, action, **options):
        try:
            return getattr(self, "do_" + action.replace("-", "_"))(**options)
        except CalendarError as exc:
            raise CommandError(str(exc)) from None

    def do_add_workdays(self, date, n, **_):
        cal = work_calendar()
        if date == "-":
            if n is not None:
                raise CommandError("从标准输入读取时不要再给出 N")
            return self._add_workdays_stream(cal)
        if n is None:
            raise CommandError("缺少工作日数 N：gongkai calendar add-workdays DATE N")
        self.stdout.write(add_workdays(parse_iso_date(date), parse_count(n), cal).isoformat())

    def _add_workdays_stream(self, cal):
        failed = False
        for lineno, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            parts = line.split()
            try:
                if len(parts) != 2:
                    raise CalendarError(f"第{lineno}行应为“DATE N”，实际为 {line.strip()!r}")
                result = add_workdays(parse_iso_date(parts[0]), parse_count(parts[1]), cal).isoformat()
            except CalendarError as exc:
                failed = True
                result = f"error: {exc}"
            self.stdout.write(result)
        if failed:
            raise CommandError("部分输入行有错误（见 error: 行）", returncode=1)

    def do_is_workday(self, date, **_):
        self.stdout.write("true" if is_workday(parse_iso_date(date), work_calendar()) else "false")

    def do_workdays_between(self, start, end, **_):
        self.stdout.write(str(workdays_between(parse_iso_date(start), parse_iso_date(end), work_calendar())))

    def do_load_year(self, year, file, notice, dry_run, **_):
        text = read_text_file(file)
        if _ISO_LINE.search(text):
            days = parse_year_file(year, text)
        else:  # the State Council's notice, as published
            parsed = parse_notice(year, text)
            days = parsed.triples()
            for day in parsed.days:
                self.stdout.write(f"{day.date.isoformat()}\t周{'一二三四五六日'[day.date.weekday()]}\t"
                                  f"{'放假' if day.kind == 'holiday' else '上班'}\t{day.name}")
            for day in parsed.other_years:
                self.stdout.write(f"（不属于{year}年，未载入）{day.date.isoformat()} {day.name}")
        if dry_run:
            self.stdout.write(f"{year}年：{len(days)} 条，校验通过（未写入）")
            return
        try:
            load_calendar_year(command_line_actor(), year, days, notice=notice)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{year}年节假日数据已载入：{len(days)} 条")
        for summary in after_load(command_line_actor(), year):
            self.stdout.write(summary)

    def do_remind(self, **_):
        year = remind_missing_year()
        self.stdout.write(f"已提醒载入{year}年节假日安排" if year else "无需提醒")

    def do_years(self, **_):
        for cy in CalendarYear.objects.order_by("year"):
            self.stdout.write(f"{cy.year}\t{cy.get_source_display()}\t{cy.days.count()}")
