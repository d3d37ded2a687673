"""`gongkai catalog`: the standard catalogues (基层政务公开标准目录) at the command line.

- ``areas [--json]``: the 26 standard areas: code, name, number of items (县级 / 乡级);
- ``export --body CODE -o FILE.xlsx``: a body's catalogue in the standard layout (one sheet per area
  and the sheet 未涉及领域说明); ``export --standard AREA -o FILE.xlsx``: a standard catalogue;
- ``import --body CODE --area AREA FILE.xlsx [--sheet NAME | --all-sheets] [--dry-run]``: load an
  official table as the body's items of that area (all-or-nothing).

CODE is the body's 统一社会信用代码; AREA an area's code, name or former name. Errors are Chinese
messages on stderr with a non-zero exit status, never a traceback. JSON contract of ``areas --json``
(stable): an array of ``{"code", "name", "former_name", "ministry", "items", "county_items",
"township_items"}`` in catalogue order.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from gongkai.catalog import xlsx
from gongkai.catalog.selectors import UnknownArea, areas_with_counts, resolve_area
from gongkai.catalog.services.transfer import (
    export_catalogue_xlsx,
    export_standard_xlsx,
    import_catalogue_xlsx,
)
from gongkai.core.actors import command_line_actor
from gongkai.core.models import Body


def find_body(code: str) -> Body:
    body = Body.objects.filter(code="".join(code.split()).upper()).first()
    if body is None:
        raise CommandError(f"找不到统一社会信用代码为 {code} 的机构（可用 gongkai bodies list 查看）")
    return body


def read_upload(path: str) -> bytes:
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > xlsx.MAX_BYTES:
            raise CommandError(f"文件过大（{size / 1024 / 1024:.1f} MB），导入的表格不能超过 10 MB")
        return file.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror or exc}") from None


class Command(BaseCommand):
    help = "基层政务公开标准目录：领域列表、导出和导入 (standard disclosure catalogues)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("areas", help="列出标准目录领域：代码、名称、事项数")
        p.add_argument("--json", action="store_true", help="输出 JSON 数组")
        p = sub.add_parser("export", help="导出单位目录或标准目录为 Excel（.xlsx）")
        target = p.add_mutually_exclusive_group(required=True)
        target.add_argument("--body", metavar="CODE", help="单位的统一社会信用代码：导出该单位的目录")
        target.add_argument("--standard", metavar="AREA", help="领域代码或名称：导出该领域的标准目录")
        p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="输出文件")
        p = sub.add_parser("import", help="把 Excel 目录表导入单位目录的某一领域（整表替换该领域事项）")
        p.add_argument("--body", required=True, metavar="CODE", help="单位的统一社会信用代码")
        p.add_argument("--area", required=True, metavar="AREA", help="领域代码、名称或原名称")
        p.add_argument("file", metavar="FILE.xlsx")
        which = p.add_mutually_exclusive_group()
        which.add_argument("--sheet", metavar="NAME", help="导入指定工作表（默认：与领域同名的工作表，否则第一个）")
        which.add_argument("--all-sheets", action="store_true", help="导入全部工作表（“未涉及领域说明”除外）")
        p.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")

    def handle(self, *args, action, **options):
        try:
            return getattr(self, "do_" + action)(**options)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "没有权限") from None
        except UnknownArea as exc:
            raise CommandError(str(exc)) from None

    def do_areas(self, json=False, **_):
        rows = [{"code": a.code, "name": a.name, "former_name": a.former_name, "ministry": a.ministry,
                 "items": a.items_count, "county_items": a.county_items, "township_items": a.township_items}
                for a in areas_with_counts()]
        if json:
            self.stdout.write(_dumps(rows))
            return
        for r in rows:
            name = f"{r['name']}（原{r['former_name']}）" if r["former_name"] else r["name"]
            self.stdout.write(f"{r['code']}\t{name}\t{r['items']}项（县级{r['county_items']}，乡级{r['township_items']}）")

    def do_export(self, body=None, standard=None, output="", **_):
        if body:
            target = find_body(body)
            data = export_catalogue_xlsx(command_line_actor(), target)
            what = f"{target.name}的公开目录"
        else:
            area = resolve_area(standard)
            data = export_standard_xlsx(area, command_line_actor())
            what = f"“{area.name}”领域标准目录"
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入文件 {output}：{exc.strerror or exc}") from None
        self.stdout.write(f"已导出{what}：{output}")

    def do_import(self, body, area, file, sheet=None, all_sheets=False, dry_run=False, **_):
        target, standard_area = find_body(body), resolve_area(area)
        result = import_catalogue_xlsx(command_line_actor(), target, standard_area, read_upload(file),
                                       filename=Path(file).name, sheet=sheet, all_sheets=all_sheets,
                                       dry_run=dry_run)
        for warning in result.warnings:
            self.stdout.write(f"注意：{warning}")
        self.stdout.write(f"{target.name}：{result.summary()}")


def _dumps(rows):
    return json.dumps(rows, ensure_ascii=False, indent=2)
