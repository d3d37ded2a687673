"""Demo subsidy data for 青山县 (issue 7 §7): 2025 payouts of several programmes in every demo village,
one open 公示 (青石镇, 耕地地力保护补贴) with one objection, and one archived 公示 (白河镇, 生态公益林补偿).

Names and ID numbers are invented; ID numbers use the fictional address code 369901 (province 36
exists, prefecture 99 does not) so they pass the GB 11643 check yet belong to nobody."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from gongkai.core.models import Body, BodyKind
from gongkai.privacy.checksums import id_check_char
from gongkai.villages.models import Payout, SubsidyProgramme
from gongkai.villages.services import subsidies

YEAR = 2025
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "建国秀英志强桂兰春梅德明玉珍海燕文华丽娟金凤永红"
HEADER = ["序号", "户主姓名", "身份证号码", "一卡通账号", "村（社区）", "补贴面积", "补贴标准", "补贴金额", "发放日期"]


def demo_id(n: int) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=(n * 37) % 18000)
    first = f"369901{born:%Y%m%d}{n % 1000:03d}"
    return first + id_check_char(first)


def _name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + GIVEN[(n * 3 + 1) % len(GIVEN)]


def _file(villages: list[Body], per_village: int, start: int, standard: Decimal | None,
          flat: Decimal | None = None) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    n = start
    for v in villages:
        for i in range(per_village):
            if standard is not None:
                area = Decimal(3 + (n % 9)) + Decimal(n % 4) / 4
                amount = (area * standard).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                row = [str(area), str(standard), str(amount)]
            else:
                row = ["", "", str(flat + (n % 5) * 10)]
            w.writerow([i + 1, _name(n), demo_id(n), f"62179901{n:011d}", v.name, *row, "2025-06-20"])
            n += 1
    return out.getvalue().encode("utf-8")


def ensure_demo_subsidies(actor, county: Body) -> int:
    """Load the demo payouts once (nothing happens when 2025 payouts exist). Returns rows imported.
    Also gives every demo village its 村务公开目录 with some postings (catalogue_demo, idempotent)."""
    from gongkai.villages.catalogue_demo import ensure_demo_catalogues

    ensure_demo_catalogues(actor, county)
    if Payout.objects.filter(year=YEAR, village__path__startswith=county.path).exists():
        return 0
    programmes = {p.name: p for p in SubsidyProgramme.objects.all()}
    townships = list(Body.objects.filter(kind=BodyKind.TOWNSHIP, path__startswith=county.path).order_by("path"))
    today = timezone.localdate()
    imported, start = 0, 1
    for t in townships:
        villages = list(Body.objects.filter(kind=BodyKind.VILLAGE, path__startswith=t.path).order_by("path"))
        plans = [("耕地地力保护补贴", 12, Decimal("112.50"), None), ("城乡低保", 3, None, Decimal("380.00"))]
        if "白河镇" in t.name or "青石镇" in t.name:
            plans.append(("生态公益林补偿", 5, Decimal("17.25"), None))
        for name, per, standard, flat in plans:
            data = _file(villages, per, start, standard, flat)
            start += per * len(villages)
            result = subsidies.import_payouts(actor, data=data, filename=f"{t.short_name or t.name}{name}.csv",
                                              programme=programmes[name], year=YEAR, township=t, today=today)
            if result.batch is None:  # the demo data is built valid: a refusal is a bug
                raise RuntimeError(f"demo payouts refused: {result.parsed.problems[:3]}")
            imported += result.imported
    by_short = {key: t for t in townships for key in ("青石镇", "白河镇") if key in t.name}
    if "青石镇" in by_short:
        town = by_short["青石镇"]
        notices = subsidies.publish_notices(actor, programme=programmes["耕地地力保护补贴"], year=YEAR,
                                            township=town, starts_on=today - dt.timedelta(days=2))
        if notices:
            subsidies.file_objection(notice=notices[0], name="王建国", phone="0797-5232999",
                                     content="我家承包地面积应为6.5亩，公示为6亩，请核实。", today=today)
    if "白河镇" in by_short:
        subsidies.publish_notices(actor, programme=programmes["生态公益林补偿"], year=YEAR,
                                  township=by_short["白河镇"], starts_on=today - dt.timedelta(days=30))
        subsidies.archive_ended_notices(actor, today=today)
    return imported
