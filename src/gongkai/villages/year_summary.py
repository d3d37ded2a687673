"""Year-end summary of subsidy payouts (年度补贴发放汇总) for a township or the county: on screen in
the admin and as XLSX (issue 14 §4).

Each programme of each village carries three figures, named for what they count:

- 实发金额: the non-void payouts of every complete imported batch (after corrections). The same
  figure as ``gongkai subsidy notices --json`` (``total``) and the printable 公示表;
- 公示金额: the total of the programme's current notice as published (or corrected); empty when
  no 公示 has been published;
- 未公示金额: 实发 minus 公示 — a programme not yet published, or a batch imported after its
  notice was published (those rows never went through a 公示期 of their own).

The public year summary on the village page counts only published programmes (its caption says so);
a village's totals there and in the CLI differ by exactly the programmes not yet published.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from gongkai.core import audit, rules
from gongkai.core.models import Body, BodyKind
from gongkai.core.services import require
from gongkai.villages.selectors import ZERO, VillageYear, village_years
from gongkai.villages.templatetags.villages_tags import money

HEADERS = ["乡镇（街道）", "村（社区）", "补贴项目", "人数", "实发金额（元）", "公示状态", "公示期", "公示金额（元）",
           "未公示金额（元）"]


@dataclass
class Line:
    """One village × programme row of the summary."""

    township: str
    village: str
    programme: str
    count: int
    amount: Decimal
    status: str
    period: str
    notice_amount: Decimal | None
    unpublished: Decimal


@dataclass
class Summary:
    year: int
    scope: Body
    lines: list[Line]

    @property
    def total(self) -> Decimal:
        """实发金额, every programme, every batch."""
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def notice_total(self) -> Decimal:
        return sum((line.notice_amount or ZERO for line in self.lines), ZERO)

    @property
    def unpublished_total(self) -> Decimal:
        return sum((line.unpublished for line in self.lines), ZERO)

    @property
    def count(self) -> int:
        return sum(line.count for line in self.lines)


def summary_scopes(user) -> list[Body]:
    """The county (its office) and the townships ``user`` may see the year summary of: those whose
    payouts the user may import and publish (township staff, the county office)."""
    return [b for b in Body.objects.filter(kind__in=[BodyKind.COUNTY, BodyKind.TOWNSHIP], is_active=True)
            .order_by("path")
            if (rules.can_import_payouts(user, b) if b.kind == BodyKind.COUNTY
                else rules.can_publish_subsidy_notice(user, b))]


def _can_see(user, scope: Body) -> bool:
    if scope.kind == BodyKind.COUNTY:
        return rules.can_import_payouts(user, scope)
    return scope.kind == BodyKind.TOWNSHIP and rules.can_publish_subsidy_notice(user, scope)


def _lines(vy: VillageYear) -> list[Line]:
    lines = []
    for b in vy.blocks:
        n = b.notice
        status = "未发布公示" if n is None else ("待开始" if not b.published else n.get_status_display())
        if n is not None and n.corrects_id:
            status += "（更正公示）"
        lines.append(Line(
            township=vy.township.name if vy.township else "", village=vy.village.name, programme=b.programme.name,
            count=b.count, amount=b.amount, status=status,
            period=f"{n.starts_on.isoformat()}至{n.ends_on.isoformat()}" if n else "",
            notice_amount=n.total_amount if n else None, unpublished=b.unpublished_amount))
    return lines


def year_summary(actor, *, year: int, scope: Body) -> Summary:
    """The summary of ``year`` for ``scope`` (a township, or the county). Raises PermissionDenied."""
    require(_can_see(actor, scope), "没有查看该范围补贴汇总的权限")
    lines = []
    for vy in village_years(year, township=scope, with_rows=False):
        lines.extend(_lines(vy))
    return Summary(year, scope, lines)


def to_xlsx(actor, summary: Summary) -> bytes:
    """The summary as a spreadsheet (text cells formula-escaped, amounts as numbers with two
    decimals). Audited: the export names the scope and year, not the people."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from gongkai.catalog.xlsx import escape_cell, sheet_name

    require(_can_see(actor, summary.scope), "没有导出该范围补贴汇总的权限")
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(f"{summary.year}年补贴汇总")
    ws.append([escape_cell(f"{summary.scope.name}{summary.year}年度补贴发放汇总")])
    ws.cell(1, 1).font = Font(bold=True)
    ws.append([escape_cell(h) for h in HEADERS])

    def amount(value: Decimal | None):
        return None if value is None else float(money(value))

    for line in summary.lines:
        ws.append([escape_cell(line.township), escape_cell(line.village), escape_cell(line.programme), line.count,
                   amount(line.amount), escape_cell(line.status), escape_cell(line.period),
                   amount(line.notice_amount), amount(line.unpublished)])
    ws.append(["合计", "", "", summary.count, amount(summary.total), "", "", amount(summary.notice_total),
               amount(summary.unpublished_total)])
    for row in ws.iter_rows(min_row=3, min_col=5, max_col=9):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    for col, width in zip("ABCDEFGHI", (18, 14, 20, 8, 14, 14, 24, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    audit.record("subsidy.summary_exported", actor, data={
        "year": summary.year, "scope": summary.scope.name, "lines": len(summary.lines),
        "total": money(summary.total)}, label=f"{summary.scope.name}{summary.year}年补贴汇总", scope=summary.scope)
    return buffer.getvalue()
