"""The admin home as a workbench (issue 14 §1): the work waiting for the signed-in person, with
counts and links to the filtered screens, and for the county office the same items per body and
charts over the last twelve months.

Each app contributes through two Wagtail hooks (registered in its ``wagtail_hooks.py``), so core
imports no app and every count comes from the owning app's selectors, computed on read:

- ``gongkai_work_items``: ``fn(user, today) -> list[WorkItem]``; an app returns only the items
  ``user`` may act on (its ``rules.can_*``), each with its count per body;
- ``gongkai_workbench_charts``: ``fn(county, months) -> Chart | None``, for the county office.

Items with a count of zero are left out: the list is what needs doing now, and a column of zeros
would bury the one line that matters. When nothing is left, one calm sentence says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.forms import Media
from wagtail import hooks

from gongkai.core import rules
from gongkai.core.models import Body, BodyKind, Role

WORK_ITEMS_HOOK = "gongkai_work_items"
CHARTS_HOOK = "gongkai_workbench_charts"
CHART_MONTHS = 12


@dataclass
class WorkItem:
    key: str
    label: str
    count: int
    url: str = ""  # the filtered screen; empty when the work is done elsewhere
    per_body: dict[int, int] = field(default_factory=dict)  # body id → count
    order: int = 100
    # True for the county office's oversight of work others do (reviews waiting at a department):
    # shown in the per-body table only, never as the office's own to-do.
    oversight: bool = False


@dataclass
class Series:
    name: str
    values: list[float | int | None]
    kind: str = "bar"  # "bar" | "line"
    unit: str = ""  # "" counts, "%" percentages (drawn on a second axis)


@dataclass
class Chart:
    key: str
    title: str
    months: list[str]  # "2026-01" … oldest first
    series: list[Series]
    note: str = ""

    @property
    def rows(self) -> list[tuple[str, list]]:
        """The data table: one row per month, one value per series."""
        return [(m, [s.values[k] for s in self.series]) for k, m in enumerate(self.months)]

    def as_json(self) -> dict:
        return {"key": self.key, "title": self.title, "months": self.months,
                "series": [{"name": s.name, "values": s.values, "kind": s.kind, "unit": s.unit}
                           for s in self.series]}


def last_months(today: dt.date, n: int = CHART_MONTHS) -> list[tuple[int, int]]:
    """The ``n`` calendar months up to and including ``today``'s, oldest first."""
    out, year, month = [], today.year, today.month
    for _ in range(n):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def month_label(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent, one decimal; None (no bar) for an empty month."""
    return round(100 * part / whole, 1) if whole else None


def offices_counties(user) -> list[Body]:
    """The counties whose disclosure office ``user`` runs (office admins; platform operators: all)."""
    counties = Body.objects.filter(kind=BodyKind.COUNTY, depth=1, is_active=True).order_by("path")
    if rules.is_platform_operator(user):
        return list(counties)
    return [c for c in counties if rules.has_role(user, Role.OFFICE_ADMIN, c)]


def work_items(user, today: dt.date) -> list[WorkItem]:
    items: list[WorkItem] = []
    for fn in hooks.get_hooks(WORK_ITEMS_HOOK):
        items.extend(fn(user, today))
    return sorted(items, key=lambda i: (i.order, i.key))


def county_table(items: list[WorkItem], county: Body) -> dict:
    """Bodies × items of ``county`` (only bodies and items with something waiting)."""
    columns = [i for i in items if i.per_body]
    ids = {b for i in columns for b, n in i.per_body.items() if n}
    bodies = list(Body.objects.filter(pk__in=ids, path__startswith=county.path).order_by("path"))
    rows = [(b, [(i.per_body.get(b.pk, 0), i) for i in columns]) for b in bodies]
    shown = [k for k, i in enumerate(columns) if any(r[1][k][0] for r in rows)]
    return {"county": county, "columns": [columns[k] for k in shown],
            "rows": [(b, [cells[k] for k in shown]) for b, cells in rows]}


def charts(county: Body, today: dt.date) -> list[Chart]:
    months = last_months(today)
    out = []
    for fn in hooks.get_hooks(CHARTS_HOOK):
        chart = fn(county, months)
        if chart is not None:
            out.append(chart)
    return out


class WorkbenchPanel:
    """The home panel: the calendar notice (core), my items, and for the county office the table
    and the charts. Wagtail renders it with ``render_html``; its media brings ECharts and the
    chart script only when there are charts (no inline script: data in ``json_script``)."""

    name = "workbench"
    order = 0

    def __init__(self, request, today: dt.date, notices: list | None = None):
        self.request, self.today = request, today
        self.notices = notices or []
        user = request.user
        self.items = work_items(user, today)
        self.counties = offices_counties(user) if not rules.is_platform_operator(user) else []
        self.tables = [county_table(self.items, c) for c in self.counties]
        self.charts = [chart for c in self.counties[:1] for chart in charts(c, today)]

    @property
    def mine(self) -> list[WorkItem]:
        return [i for i in self.items if i.count and not i.oversight]

    def render_html(self, parent_context=None):
        from django.template.loader import render_to_string

        return render_to_string("gongkai/admin/workbench.html", {
            "notices": [n.render_html() for n in self.notices], "mine": self.mine, "tables": self.tables,
            "charts": self.charts, "chart_data": [c.as_json() for c in self.charts], "today": self.today,
        }, request=self.request)

    @property
    def media(self):
        css = {"all": ["core/workbench.css"]}
        if not self.charts:
            return Media(css=css)
        return Media(css=css, js=["vendor/echarts/echarts.min.js", "core/workbench.js"])
