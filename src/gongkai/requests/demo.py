"""About 200 demo 依申请公开 cases, created through the services (register, transition,
record_review, set_publication), so every row, event, due-date change and audit entry is what real
work would leave. The 条例第四十四条 sweep runs at the end, so the demo has open suggestions.

Deterministic (fixed seed). Dates are back-dated relative to ``today``: cases were received over the
last 14 months, so some are carried over from last year, some are overdue, some are due soon, some
wait for 补正, a consultation or a payment, and every table 三 disposition occurs. Each step's
date is in the past, as the services require.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongkai.core.actors import SystemActor
from gongkai.core.models import Body
from gongkai.core.selectors import work_calendar
from gongkai.requests.models import Case
from gongkai.requests.services import proactive
from gongkai.requests.services.cases import record_review, register, transition
from gongkai.requests.services.publication import set_publication
from gongkai.rules.dispositions import LAPSE_DISPOSITIONS, Disposition
from gongkai.rules.workdays import CalendarError, is_workday

SEED = 20261128
TOTAL = 200
LAPSE_ACTOR = SystemActor("依申请公开定时任务")

# (handler username, leader username, body name); the office administrator handles the others.
STAFFED = [("xzf_ysq", "xzf_ld", "青山县人民政府"), ("nyj_ysq", "nyj_ld", "青山县农业农村局"),
           ("qsz_ysq", "qsz_ld", "青山县青石镇人民政府")]
OFFICE_ADMIN = "gkb_admin"
OTHER_BODIES = ["青山县教育局", "青山县自然资源局", "青山县住房和城乡建设局", "青山县人力资源和社会保障局"]
SUBJECTS = [
    "{y}年耕地地力保护补贴发放名单", "{y}年城乡居民最低生活保障资金发放情况", "村道硬化工程招投标文件",
    "{y}年农村危房改造补助对象名单", "集体土地征收补偿安置方案", "县城老旧小区改造项目预算",
    "{y}年中小学教师招聘考试成绩及录取名单", "某地块国有建设用地使用权出让合同", "河道采砂许可审批材料",
    "养殖场环境影响评价批复文件", "{y}年财政预算执行情况", "农村饮水安全工程验收报告",
    "拆迁补偿标准的依据文件", "涉及本人房屋的不动产登记资料", "县政府常务会议纪要",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "志强", "丽华", "海燕", "明", "伟", "芳", "磊", "静", "军", "红梅"]
ORG_TYPES = ["commercial", "research", "nonprofit", "legal_service", "other_org"]
CHOOSABLE = [d for d in Disposition if d not in LAPSE_DISPOSITIONS
             and d is not Disposition.UNAVAILABLE_UNCLEAR_AFTER_CORRECTION]


def _workday(day: dt.date, cal) -> dt.date:
    for _ in range(15):
        try:
            if is_workday(day, cal):
                return day
        except CalendarError:
            return day
        day += dt.timedelta(days=1)
    return day


def _applicant(rng: random.Random, n: int, applicant_type: str) -> dict:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    data = {"name": name, "id_type": "resident_id",
            "id_number": f"3607{rng.randrange(10, 99)}19{rng.randrange(50, 99)}{rng.randrange(1, 13):02d}"
                         f"{rng.randrange(1, 29):02d}{n % 1000:03d}{rng.choice('0123456789X')}",
            "phone": f"13{rng.randrange(0, 10)}{rng.randrange(10_000_000, 99_999_999)}",
            "address": f"青山县城关镇民主路{rng.randrange(1, 300)}号"}
    if applicant_type != "natural_person":
        data["organisation"] = {"commercial": "青山县绿源农业发展有限公司", "research": "江西某农业科学研究所",
                                "nonprofit": "青山县乡村振兴志愿者协会", "legal_service": "青山律师事务所",
                                "other_org": "青山县某村股份经济合作社"}[applicant_type]
    return data


def ensure_demo_cases(today: dt.date | None = None) -> int:
    """Create the demo cases unless cases exist already; return how many were created."""
    if Case.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    cal = work_calendar()
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(
        username__in=[OFFICE_ADMIN, *(h for h, _, _ in STAFFED), *(ld for _, ld, _ in STAFFED)])}
    admin = users[OFFICE_ADMIN]
    teams = [(Body.objects.get(name=b), users[h], users[ld]) for h, ld, b in STAFFED]
    teams += [(body, admin, admin) for body in Body.objects.filter(name__in=OTHER_BODIES).order_by("path")]
    dispositions = itertools.cycle(CHOOSABLE)  # consumed only by answered cases, so every row occurs
    created = 0
    for n in range(TOTAL):
        body, handler, leader = teams[n % len(teams)]
        age = 2 + int(420 * (n / TOTAL) ** 1.3)  # days since receipt: many recent, a tail back into last year
        received = _workday(today - dt.timedelta(days=age), cal)
        if received > today:
            received = today
        scenario = _scenario(n, age)
        applicant_type = "natural_person" if rng.random() < 0.7 else rng.choice(ORG_TYPES)
        channel = rng.choice(["online", "online", "in_person", "letter_signed", "letter", "fax"])
        arrived = timezone.make_aware(dt.datetime.combine(received, dt.time(9 + rng.randrange(8), rng.randrange(60))))
        year = received.year
        case = register(handler, body=body, channel=channel, arrived_at=arrived,
                        confirmed_on=received if channel in ("online", "letter", "fax") else None,
                        applicant_type=applicant_type, subject=rng.choice(SUBJECTS).format(y=year - 1),
                        description=f"青山县{year - 1}年度相关文件", applicant=_applicant(rng, n, applicant_type),
                        preferred_form=rng.choice(["paper", "electronic"]),
                        delivery_method=rng.choice(["post", "email", "pickup", "download"]))
        created += 1
        _play(scenario, n, case, handler, leader, received, today, lambda: next(dispositions), rng)
    # 条例第四十四条: several applicants asked for the same disclosable information → suggestions.
    proactive.raise_suggestions(LAPSE_ACTOR, today)
    return created


def _scenario(n: int, age: int) -> str:
    """Which story a case tells, by its age (a story needs time to have happened)."""
    if age < 8:
        return ["open", "open", "correction", "consultation"][n % 4]
    if age < 30:
        return ["open", "correction", "consultation", "extended", "fee", "decided", "decided", "corrected",
                "processing", "paid"][n % 10]
    if age < 60:
        return ["overdue", "decided", "delivered", "extended_decided", "fee_paid", "correction_lapsed",
                "withdrawn", "decided"][n % 8]
    return ["archived", "delivered", "decided", "correction_decided", "fee_lapsed", "archived", "reviewed",
            "overdue", "unclear", "published"][n % 10]


def _play(scenario: str, n: int, case: Case, handler, leader, received: dt.date, today: dt.date, choose,
          rng) -> None:
    def day(k: int) -> dt.date:
        return min(received + dt.timedelta(days=k), today)

    if scenario in ("open", "overdue"):
        return
    if scenario == "correction":
        transition(handler, case, "request_correction", on=day(1), period_end=today + dt.timedelta(days=14))
        return
    if scenario == "consultation":
        transition(handler, case, "start_consultation", on=day(2), kind=rng.choice(["third_party", "co_producer"]))
        return
    if scenario == "extended":
        transition(leader, case, "extend", on=day(5), workdays=20, note="涉及多个股室，需调取历史档案")
        return
    if scenario == "fee":
        transition(handler, case, "notify_fee", on=day(4), mode="per_item", units=12)
        return
    if scenario == "correction_lapsed":
        transition(handler, case, "request_correction", on=day(2), period_end=day(20))
        transition(LAPSE_ACTOR, case, "lapse_correction", on=day(22))
        return
    if scenario == "fee_lapsed":
        transition(handler, case, "notify_fee", on=day(3), mode="per_page", units=60)
        transition(LAPSE_ACTOR, case, "lapse_fee", on=day(55))
        transition(handler, case, "archive", on=day(58))
        return
    if scenario == "corrected":
        transition(handler, case, "request_correction", on=day(1), period_end=day(12))
        transition(handler, case, "receive_correction", on=day(5))
        return
    if scenario == "processing":
        transition(handler, case, "start_consultation", on=day(1), kind="co_producer")
        transition(handler, case, "end_consultation", on=day(6))
        return
    if scenario == "paid":
        transition(handler, case, "notify_fee", on=day(1), mode="per_page", units=33)
        transition(handler, case, "receive_payment", on=day(5))
        return
    if scenario == "withdrawn":
        transition(handler, case, "withdraw", on=day(5), note="申请人书面撤回")
        return
    if scenario == "unclear":
        transition(handler, case, "request_correction", on=day(2), period_end=day(25))
        transition(handler, case, "receive_correction", on=day(9))
        transition(handler, case, "decide", on=day(30), disposition=Disposition.UNAVAILABLE_UNCLEAR_AFTER_CORRECTION)
        return
    # The answered stories.
    step = 10
    if scenario == "correction_decided":
        transition(handler, case, "request_correction", on=day(2), period_end=day(20))
        transition(handler, case, "receive_correction", on=day(8))
        step = 25
    elif scenario == "extended_decided":
        transition(leader, case, "extend", on=day(10), workdays=15)
        step = 35
    elif scenario == "fee_paid":
        transition(handler, case, "notify_fee", on=day(3), mode="per_page", units=36)
        transition(handler, case, "receive_payment", on=day(9))
        step = 20
    elif scenario in ("archived", "reviewed", "published") and n % 2:
        transition(handler, case, "start_consultation", on=day(3), kind="third_party")
        transition(handler, case, "end_consultation", on=day(15))
        step = 25
    disposition = choose()
    transition(handler, case, "decide", on=day(step + rng.randrange(0, 12)), disposition=disposition)
    if scenario == "decided":
        return
    transition(handler, case, "deliver", on=day(step + 14))
    if scenario in ("archived", "reviewed", "published"):
        transition(handler, case, "archive", on=day(step + 20))
    if scenario == "reviewed":
        filed = day(step + 30)
        concluded = day(step + 90) if day(step + 90) < today else None
        record_review(handler, case, kind=rng.choice(["reconsideration", "litigation_direct"]), filed_on=filed,
                      result=rng.choice(["upheld", "corrected", "other"]) if concluded else "pending",
                      concluded_on=concluded)
    if scenario == "published" and disposition is not Disposition.OTHER_OTHER:
        set_publication(handler, case, publish=True, title=f"关于{case.subject}的申请",
                        summary=f"本机关依法作出“{Disposition(disposition).label}”的答复。")
