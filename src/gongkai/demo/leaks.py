"""Privacy leaks planted in the demo county, as inspections find them on real county sites
(domain facts §6.3): subsidy and 低保 lists published with full ID numbers, 一卡通 accounts and
mobile numbers. They were "published before the privacy guard was switched on", so the loader
publishes them with the privacy gate suspended — the only place that ever happens. One more list
waits in review, where the gate stops it.

The sweep (`gongkai privacy sweep`) and the tests find exactly these.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.utils import timezone

from gongkai.core.models import Body
from gongkai.disclosure.models import Record, RecordAttachment
from gongkai.privacy.checksums import id_check_char

SEED = 6302
REGION = "361124"  # the address code printed on the demo county's ID cards
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "桂兰", "志强", "海燕", "国华", "春梅", "德明", "玉珍", "长根", "金花", "水生"]

# (body, title, kind, village, in review)
LEAKS = [
    ("青山县城关镇人民政府", "2024年城西村耕地地力保护补贴发放名单", "xlsx", "城西村", False),
    ("青山县青石镇人民政府", "2024年下半年东岭村农机购置补贴兑付名单", "xlsx", "东岭村", False),
    ("青山县民政局", "2024年第四季度城乡最低生活保障对象名单公示", "text", "", False),
    ("青山县农业农村局", "2026年实际种粮农民一次性补贴发放名单", "xlsx", "柳溪村", True),
]


def person_id(rng: random.Random) -> str:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 60 * 365))
    first17 = f"{REGION}{born:%Y%m%d}{rng.randrange(1, 999):03d}"
    return first17 + id_check_char(first17)


def card_number(rng: random.Random) -> str:
    """A 19-digit 一卡通 (UnionPay) account passing the Luhn check (ISO/IEC 7812)."""
    body = "621799" + "".join(str(rng.randrange(10)) for _ in range(12))
    total = 0
    for i, ch in enumerate(reversed(body)):
        digit = int(ch) * (2 if i % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)


def mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "158", "187", "135"]) + "".join(str(rng.randrange(10)) for _ in range(8))


def people(rng: random.Random, count: int) -> list[dict]:
    return [{"name": rng.choice(SURNAMES) + rng.choice(GIVEN), "id": person_id(rng), "card": card_number(rng),
             "phone": mobile(rng), "area": round(rng.uniform(1.5, 12), 2)} for _ in range(count)]


def payout_sheet(title: str, village: str, rows: list[dict]):
    import openpyxl
    from django.core.files.base import ContentFile

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "发放名单"
    sheet.append([title])
    sheet.append(["序号", "村（社区）", "户主姓名", "身份证号码", "一卡通账号", "补贴面积（亩）", "补贴金额（元）", "联系电话"])
    for i, row in enumerate(rows, start=1):
        sheet.append([i, village, row["name"], row["id"], row["card"], row["area"], round(row["area"] * 107.5, 2),
                      row["phone"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return ContentFile(buffer.getvalue(), name=f"{title}.xlsx")


def plant_leaks(actor, password_hash: str) -> list[Record]:
    """Create the leaky records (idempotent: skipped when they exist). Returns them."""
    from gongkai.demo import records as records_module
    from gongkai.disclosure import publication
    from gongkai.disclosure import search as record_index
    from gongkai.disclosure.services.records import save_draft
    from gongkai.disclosure.services.review import submit_for_review
    from gongkai.privacy import gate

    rng = random.Random(SEED)
    bodies = list(records_module.demo_bodies())
    planted = []
    for body_name, title, kind, village, in_review in LEAKS:
        body = Body.objects.filter(name=body_name).first()
        if body is None or Record.objects.filter(title=title).exists():
            continue
        staff = records_module._staff(body, actor, password_hash, bodies.index(body))
        rows = people(rng, 12)
        record = Record(body=body, title=title, doc_type="notice", topic="agriculture" if kind == "xlsx" else "civil",
                        formed_date=dt.date(2026, 11, 2) if in_review else dt.date(2024, 12, 10),
                        summary=f"{title}，公示期7天。")
        if kind == "xlsx":
            record.content = f"<p>现将{title}予以公示，详见附件。如有异议，请在公示期内向乡镇反映。</p>"
            record.attachments = [RecordAttachment(title=f"{title}.xlsx", file=payout_sheet(title, village, rows))]
        else:
            lines = "".join(f"<tr><td>{r['name']}</td><td>{r['id']}</td><td>{r['phone']}</td><td>2人</td></tr>"
                            for r in rows[:8])
            record.content = ("<p>经个人申请、入户调查、民主评议，以下家庭符合城乡最低生活保障条件，现予公示。</p>"
                              f"<table><tr><th>姓名</th><th>身份证号</th><th>联系电话</th><th>保障人数</th></tr>{lines}</table>")
        record = save_draft(staff.officer, record, creating=True)[0]
        if in_review:
            submit_for_review(staff.officer, record)
        else:
            publication.unregister_gate(gate.no_unmasked_personal_data)
            try:
                records_module._publish(record, staff)
            finally:
                publication.register_gate(gate.no_unmasked_personal_data)
            when = timezone.make_aware(dt.datetime(2024, 12, 16, 10, 0))
            Record.objects.filter(pk=record.pk).update(first_published_at=when, last_published_at=when)
            record_index.refresh(record)
        planted.append(record)
    return planted
