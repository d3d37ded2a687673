"""Demo 村务公开目录 for 青山县 (issue 7 point 1): every demo village adopts the standard catalogue
(about five months ago), most have posted their monthly 财务收支明细 and quarterly 党费收缴, a few
have not — so the township dashboards and the county overview show late villages — and some have
事时 postings (宅基地审批, 村"两委"班子). Everything goes through ``services.catalogue``; the photos
are drawn here (a notice board with lines of "text"), so the demo needs no image files."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from PIL import Image, ImageDraw

from gongkai.core.models import Body, BodyKind
from gongkai.villages import catalogue_schedule
from gongkai.villages.models import VillageCatalogueItem
from gongkai.villages.services import catalogue as service

ADOPTED_DAYS_AGO = 150
QUARTERLY = {
    "DW-03": ("{v}党支部{p}党费收缴情况", "{p}本支部应交党费党员 {x} 名，实交 {x} 名，合计 {a:.2f} 元，已按规定上缴乡镇党委。"),
    "DW-04": ("{v}党支部{p}“三会一课”和主题党日", "{p}召开支部党员大会 1 次、支部委员会 3 次、党小组会 3 次，"
              "讲党课 1 次；开展主题党日 3 次。"),
    "CW-04": ("{v}{p}特困供养和临时救助情况", "{p}本村特困供养人员 {k} 人，供养金按月足额发放；临时救助 {m} 户，"
              "救助金由乡镇人民政府直接发放。"),
    "CW-10": ("{v}{p}协助政府开展工作情况", "{p}协助乡镇人民政府开展城乡居民医疗保险参保缴费、森林防火巡查、"
              "人居环境整治等工作。"),
    "CW-12": ("{v}{p}村务监督委员会工作情况", "{p}村务监督委员会审核村级财务票据 {x} 张，列席村“两委”会议 {m} 次，"
              "提出意见建议 {k} 条，均已答复。"),
    "CF-03": ("{v}{p}债权债务情况", "截至{end}，村集体债权 {a:.2f} 元、债务 {b:.2f} 元，本季度无新增债务。"),
    "CF-06": ("{v}{p}上级转移支付和专项资金使用情况", "{p}收到上级转移支付 {b:.2f} 元，用于村级组织运转和公共服务，"
              "使用明细见当月村级财务收支明细。"),
}


def board_photo(seed: int) -> bytes:
    """A small JPEG of a notice board: a red-framed panel with a title bar and lines of text."""
    image = Image.new("RGB", (640, 480), (214, 214, 205))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 440), fill=(246, 241, 222), outline=(160, 20, 28), width=10)
    draw.rectangle((60, 60, 580, 100), fill=(180, 30, 36))
    for i, y in enumerate(range(125, 420, 26)):
        length = 300 + (seed * 37 + i * 53) % 200
        draw.rectangle((80, y, 80 + length, y + 10), fill=(70, 70, 70))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _finance_text(village: Body, period: catalogue_schedule.Period, n: int) -> str:
    income = 18000 + (n * 1370) % 15000
    spend = 9000 + (n * 910) % 8000
    return (f"{village.name}{period.label}村级财务收支明细\n"
            f"一、收入：上级转移支付 {income:.2f} 元；集体资产租赁 {2400 + n % 7 * 300:.2f} 元。\n"
            f"二、支出：村道和水利设施维护 {spend:.2f} 元；办公和水电 {860 + n % 5 * 40:.2f} 元。\n"
            "三、以上收支经村务监督委员会审核。对公开内容有疑问的，可向村务监督委员会反映。")


def _post(actor, item: VillageCatalogueItem, period: catalogue_schedule.Period | None, title: str, text: str,
          posted_on: dt.date, seed: int) -> None:
    service.post_item(actor, item, period_key=period.key if period else "", title=title, text=text,
                      photos=[(f"board-{seed}.jpg", board_photo(seed))], photos_checked=True,
                      posted_on=posted_on, today=posted_on)


def ensure_demo_catalogues(actor, county: Body, today: dt.date | None = None) -> int:
    """Adopt and post for every demo village that has no catalogue yet. Returns postings made."""
    today = today or timezone.localdate()
    adopted_on = today - dt.timedelta(days=ADOPTED_DAYS_AGO)
    villages = list(Body.objects.filter(kind=BodyKind.VILLAGE, is_active=True, path__startswith=county.path)
                    .exclude(affairs_catalogue__isnull=False).order_by("path"))
    posted = 0
    for n, village in enumerate(villages):
        catalogue = service.adopt_catalogue(actor, village, today=adopted_on)
        items = {i.standard_code: i for i in catalogue.items.all()}
        # 财务收支明细 monthly: every 4th village misses the last ended month, every 7th two months.
        months = catalogue_schedule.required_periods("monthly", adopted_on, today)
        skip = 2 if n % 7 == 3 else 1 if n % 4 == 1 else 0
        for period in months[: len(months) - skip] if skip else months:
            posted_on = min(period.end + dt.timedelta(days=3 + n % 5), today)
            _post(actor, items["CF-01"], period, f"{village.name}{period.label}村级财务收支明细",
                  _finance_text(village, period, n), posted_on, n * 100 + period.start.month)
            posted += 1
        # Quarterly items: all posted, except that every 3rd village has not posted the last ended
        # quarter's 党费收缴.
        quarters = catalogue_schedule.required_periods("quarterly", adopted_on, today)
        for code, (title, body) in QUARTERLY.items():
            for period in quarters[:-1] if code == "DW-03" and n % 3 == 0 else quarters:
                values = {"v": village.name, "p": period.label, "k": 1 + n % 4, "m": 2 + n % 3, "a": 1200 + n * 35 % 600,
                          "b": 30000 + n * 1710 % 40000, "x": 40 + n % 25, "end": f"{period.end:%Y年%m月%d日}"}
                _post(actor, items[code], period, title.format(**values), body.format(**values),
                      min(period.end + dt.timedelta(days=4 + n % 6), today), n * 10 + period.start.month)
                posted += 1
        # 事时 items in some villages.
        if n % 2 == 0:
            day = adopted_on + dt.timedelta(days=20 + n % 30)
            _post(actor, items["DW-01"], None, f"{village.name}村“两委”班子成员及分工",
                  "村党组织书记、村民委员会主任：负责全面工作。\n村党组织副书记：负责党建和综治。\n"
                  "村民委员会委员：负责财务、民政和妇女工作。\n村委会办公电话见村务公开栏。", day, n + 7)
            posted += 1
        if n % 5 == 0:
            day = today - dt.timedelta(days=12 + n % 9)
            _post(actor, items["CW-05"], None, f"{village.name}宅基地申请审批结果公示",
                  f"本村 {1 + n % 3} 户宅基地申请经村民代表会议审议、乡镇人民政府审批同意，"
                  "建房位置和面积详见公开栏附图。公示期7天，如有异议请向村务监督委员会反映。", day, n + 11)
            posted += 1
    return posted
