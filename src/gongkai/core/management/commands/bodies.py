"""`gongkai bodies list [--kind KIND] [--json]`: the administrative tree.

JSON contract (stable): one array of ``{"code", "name", "kind", "parent"}`` where ``code`` is the
body's 统一社会信用代码 (null for a section without one) and ``parent`` the parent's code (null for
a county, or when the parent has no code), in tree order.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from gongkai.core.models import Body, BodyKind


class Command(BaseCommand):
    help = "列出机构 (list bodies)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("list", help="列出机构")
        p.add_argument("--kind", choices=BodyKind.values, help="只列出某类机构：" + "、".join(
            f"{value}={label}" for value, label in BodyKind.choices))
        p.add_argument("--json", action="store_true", help="输出 JSON 数组")
        p.add_argument("--all", action="store_true", help="包括已停用的机构")

    def handle(self, *args, action, kind=None, json=False, all=False, **options):
        bodies = Body.get_tree()
        if kind:
            bodies = bodies.filter(kind=kind)
        if not all:
            bodies = bodies.filter(is_active=True)
        parents = {b.path: b for b in Body.objects.filter(numchild__gt=0)}
        rows = []
        for body in bodies:
            parent = parents.get(body.path[: -Body.steplen]) if body.depth > 1 else None
            rows.append({"code": body.code, "name": body.name, "kind": body.kind,
                         "parent": parent.code if parent else None})
        if json:
            self.stdout.write(_dumps(rows))
            return
        for row in rows:
            self.stdout.write(f"{row['code'] or '-':18}  {BodyKind(row['kind']).label:10}  {row['name']}")


def _dumps(rows):
    return json.dumps(rows, ensure_ascii=False, indent=2)
