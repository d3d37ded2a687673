"""Demo government information: about 300 records of 青山县's bodies, taken through the real
review workflow (drafted by the body's information officer, 保密审查 by its reviewer, approved by
its leader). Some are left as drafts or waiting for review, some are repealed or expired, and some
were published after their 公开时限 so the timeliness check has something to flag.

Publication dates are spread over the past months so the portal reads like a working site: after
each record is published through the services, its first/last publication timestamps are set to
the demo date (the audit log keeps the real load time).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gongkai.catalog.selectors import items_for_body
from gongkai.core.models import Body, BodyKind, Membership, Role
from gongkai.core.selectors import work_calendar
from gongkai.core.services.people import assign_role, create_person
from gongkai.disclosure import search as record_index
from gongkai.disclosure.models import DocumentType, Record, RecordAttachment, Topic, Validity
from gongkai.disclosure.services.records import save_draft, set_validity
from gongkai.disclosure.services.review import decide_approval, decide_confidentiality, submit_for_review
from gongkai.rules.workdays import CalendarError, add_workdays

SEED = 20261128
RECORDS_PER_BODY = 11

# (title template, doc type, topic, summary template). {body} {place} {year} {month} {n} are filled in.
GENERIC = [
    ("{body}{year}年部门预算", DocumentType.FISCAL, Topic.FINANCE, "{body}{year}年部门收支预算总表、财政拨款支出预算表及“三公”经费预算说明。"),
    ("{body}{year}年部门决算", DocumentType.FISCAL, Topic.FINANCE, "{body}{year}年度收入支出决算及绩效评价情况。"),
    ("{body}{year}年政府信息公开工作要点", DocumentType.PLAN_REPORT, Topic.GENERAL, "明确{year}年主动公开、依申请公开和政策解读的重点任务及责任分工。"),
    ("{body}{year}年上半年工作总结", DocumentType.PLAN_REPORT, Topic.GENERAL, "{body}{year}年上半年重点工作完成情况及下半年工作打算。"),
    ("{body}领导班子成员及分工", DocumentType.PERSONNEL, Topic.LABOUR, "{body}领导班子成员姓名、职务及工作分工。"),
    ("{body}{year}年公开招聘编外工作人员公告", DocumentType.NOTICE, Topic.LABOUR, "招聘岗位、名额、报名条件、报名时间和方式。"),
    ("关于开展{year}年安全生产大检查的通知", DocumentType.OTHER_DOCUMENT, Topic.MARKET, "部署{year}年安全生产大检查的范围、重点和时间安排。"),
    ("{body}召开{year}年第{n}季度政务公开工作推进会", DocumentType.NEWS, Topic.GENERAL, "通报政务公开工作进展，部署下一阶段基层政务公开标准化规范化工作。"),
    ("{body}{year}年度行政执法统计年报", DocumentType.STATISTICS, Topic.SECURITY, "{year}年度行政许可、行政处罚、行政强制等执法决定数量统计。"),
    ("{body}关于印发{year}年“双随机、一公开”抽查工作计划的通知", DocumentType.OTHER_DOCUMENT, Topic.MARKET, "明确抽查事项、抽查比例和结果公开要求。"),
    ("{body}{year}年法治政府建设情况报告", DocumentType.PLAN_REPORT, Topic.GENERAL, "{year}年度推进法治政府建设的主要举措和成效。"),
]
SPECIFIC = {
    "青山县农业农村局": [
        ("关于下达{year}年耕地地力保护补贴资金的通知", DocumentType.OTHER_DOCUMENT, Topic.AGRICULTURE, "下达{year}年耕地地力保护补贴资金，明确补贴对象、标准和发放时限。"),
        ("{year}年耕地地力保护补贴实施方案", DocumentType.NORMATIVE, Topic.AGRICULTURE, "耕地地力保护补贴的补贴对象、补贴依据、补贴标准、申报程序和监督渠道。"),
        ("{year}年农机购置补贴实施方案", DocumentType.NORMATIVE, Topic.AGRICULTURE, "农机购置补贴的补贴范围、补贴标准、操作流程和咨询电话。"),
        ("关于{year}年第{n}批农机购置补贴资金兑付情况的公示", DocumentType.NOTICE, Topic.AGRICULTURE, "公示第{n}批农机购置补贴受益对象、机具品目和补贴金额，公示期7个工作日。"),
        ("青山县高标准农田建设项目{year}年度实施计划", DocumentType.PLAN_REPORT, Topic.AGRICULTURE, "项目建设地点、建设内容、投资规模和实施进度。"),
    ],
    "青山县民政局": [
        ("{year}年{month}月城乡最低生活保障资金发放情况", DocumentType.FISCAL, Topic.CIVIL, "{month}月全县城乡低保保障对象户数、人数及发放金额。"),
        ("关于提高{year}年城乡最低生活保障标准的通知", DocumentType.NORMATIVE, Topic.CIVIL, "城市、农村最低生活保障标准调整及执行时间。"),
        ("{year}年特困人员供养资金发放情况", DocumentType.FISCAL, Topic.CIVIL, "特困人员基本生活费和照料护理费发放情况。"),
        ("青山县临时救助实施细则", DocumentType.NORMATIVE, Topic.CIVIL, "临时救助的对象、标准、申请程序和审批权限。"),
    ],
    "青山县教育局": [
        ("{year}年义务教育学校招生入学工作方案", DocumentType.NORMATIVE, Topic.EDUCATION, "义务教育阶段学校招生范围、报名条件、时间和流程。"),
        ("{year}年义务教育阶段家庭经济困难学生生活补助发放情况", DocumentType.FISCAL, Topic.EDUCATION, "“两免一补”政策落实及生活补助发放情况。"),
        ("关于{year}年中小学教师职称评审结果的公示", DocumentType.NOTICE, Topic.EDUCATION, "评审通过人员名单，公示期7个工作日。"),
    ],
    "青山县发展和改革局": [
        ("关于青山县城乡供水一体化工程可行性研究报告的批复", DocumentType.OTHER_DOCUMENT, Topic.ECONOMY, "项目建设规模、建设内容、投资估算及资金来源。"),
        ("青山县{year}年重大建设项目计划", DocumentType.PLAN_REPORT, Topic.ECONOMY, "{year}年续建、新建重大项目名称、建设内容和年度投资计划。"),
    ],
    "青山县财政局": [
        ("青山县{year}年财政预算执行情况和{next_year}年财政预算草案的报告", DocumentType.FISCAL, Topic.FINANCE, "全县一般公共预算、政府性基金预算执行情况。"),
        ("关于{year}年惠民惠农财政补贴资金“一卡通”发放情况的公告", DocumentType.FISCAL, Topic.FINANCE, "各项惠民惠农补贴资金通过“一卡通”发放的项目和金额汇总。"),
    ],
}
TOWNSHIP = [
    ("{place}{year}年耕地地力保护补贴面积公示", DocumentType.NOTICE, Topic.AGRICULTURE, "各村耕地地力保护补贴面积汇总，公示期7个工作日。"),
    ("{place}{year}年第{n}季度城乡低保对象动态调整情况", DocumentType.NOTICE, Topic.CIVIL, "本季度低保新增、停保和调整情况。"),
    ("{place}农村危房改造{year}年度实施情况", DocumentType.PLAN_REPORT, Topic.CONSTRUCTION, "危房改造对象认定、改造进度和补助资金拨付情况。"),
    ("{place}关于做好{year}年防汛抗旱工作的通知", DocumentType.OTHER_DOCUMENT, Topic.AGRICULTURE, "明确防汛责任人、值班制度和应急处置要求。"),
]
PARAGRAPHS = [
    "为贯彻落实《中华人民共和国政府信息公开条例》和县委、县政府有关工作部署，现将有关事项通知如下。",
    "各单位要高度重视，明确分管领导和具体责任人，确保各项工作按时保质完成。",
    "请各乡镇、各有关单位于规定时限内将工作开展情况报送县政府办公室，联系电话：0797-5221002。",
    "本文件自印发之日起施行。此前有关规定与本文件不一致的，以本文件为准。",
]
DOC_PREFIX = {"青山县农业农村局": "青农发", "青山县民政局": "青民发", "青山县教育局": "青教发", "青山县财政局": "青财发",
              "青山县发展和改革局": "青发改发", "青山县人民政府": "青政发", "青山县人民政府办公室": "青政办发"}


@dataclass
class Staff:
    officer: object
    reviewer: object
    leader: object


def _staff(body: Body, actor, password_hash: str, index: int) -> Staff:
    """The body's officer, reviewer and leader: the demo's named users where they exist, otherwise
    accounts named after the body (demo passwords, not printed)."""
    User = get_user_model()
    found = {}
    for role in (Role.INFO_OFFICER, Role.CONFIDENTIALITY_REVIEWER, Role.APPROVING_LEADER):
        membership = Membership.objects.filter(body=body, role=role).select_related("user").first()
        if membership:
            found[role] = membership.user
            continue
        username = f"b{index:02d}_{ {'info_officer': 'xxy', 'confidentiality_reviewer': 'bmsc', 'approving_leader': 'ld'}[role]}"
        user = User.objects.filter(username=username).first() or create_person(
            actor, body=body, username=username, full_name=f"{body.short_name or body.name}{Role(role).label}",
            password_hash=password_hash)
        assign_role(actor, user=user, body=body, role=role)
        found[role] = user
    return Staff(found[Role.INFO_OFFICER], found[Role.CONFIDENTIALITY_REVIEWER], found[Role.APPROVING_LEADER])


def staff_usernames(count: int) -> set[str]:
    return {f"b{i:02d}_{suffix}" for i in range(count) for suffix in ("xxy", "bmsc", "ld")}


def _publish(record: Record, staff: Staff) -> None:
    submit_for_review(staff.officer, record)
    record.refresh_from_db()
    decide_confidentiality(staff.reviewer, record.current_workflow_task_state.specific, outcome="passed",
                           basis="no_secret", comment="经审查，不涉及国家秘密、工作秘密和个人隐私，同意公开。")
    record.refresh_from_db()
    decide_approval(staff.leader, record.current_workflow_task_state.specific, approve=True, comment="同意发布。")


def demo_bodies():
    return Body.objects.filter(kind__in=[BodyKind.COUNTY, BodyKind.DEPARTMENT, BodyKind.TOWNSHIP],
                               is_active=True).order_by("path")


@transaction.atomic
def ensure_demo_records(actor, password_hash: str, today: dt.date | None = None) -> int:
    """Create the demo records unless they exist. Returns the number created."""
    if Record.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    cal = work_calendar()
    created = 0
    for index, body in enumerate(demo_bodies()):
        staff = _staff(body, actor, password_hash, index)
        items = list(items_for_body(body))
        templates = SPECIFIC.get(body.name, []) + (TOWNSHIP if body.kind == BodyKind.TOWNSHIP else []) + GENERIC
        place = body.short_name or body.name
        for i, (title, doc_type, topic, summary) in enumerate(templates[:RECORDS_PER_BODY]):
            days_ago = rng.randint(3, 420)
            published = today - dt.timedelta(days=days_ago)
            late = rng.random() < 0.08
            try:
                formed = _formed_before(published, 35 if late else rng.randint(1, 12), cal)
            except CalendarError:
                formed = published - dt.timedelta(days=20)
            values = {"body": body.name, "place": place, "year": published.year, "next_year": published.year + 1,
                      "month": published.month, "n": rng.randint(1, 4)}
            prefix = DOC_PREFIX.get(body.name)
            number = f"{prefix}〔{published.year}〕{rng.randint(1, 80)}号" if prefix and doc_type in (
                DocumentType.NORMATIVE, DocumentType.OTHER_DOCUMENT) else ""
            record = Record(
                body=body, title=title.format(**values), summary=summary.format(**values),
                content="".join(f"<p>{p}</p>" for p in rng.sample(PARAGRAPHS, 3)), doc_number=number,
                written_date=formed, formed_date=formed, doc_type=doc_type, topic=topic,
            )
            item = _catalogue_item(record.title, items)
            if item is not None:
                record.catalogue_items = [item]
            if doc_type == DocumentType.FISCAL or "补贴" in record.title:
                record.attachments = [RecordAttachment(title=f"{record.title}（分乡镇汇总表）",
                                                       file=_summary_sheet(record.title, rng))]
            record = save_draft(staff.officer, record, creating=True)[0]
            created += 1
            state = rng.random()
            if state < 0.04:
                continue  # a draft
            if state < 0.09:
                submit_for_review(staff.officer, record)  # waiting for 保密审查
                continue
            _publish(record, staff)
            when = timezone.make_aware(dt.datetime.combine(published, dt.time(9, 30)) + dt.timedelta(minutes=i))
            Record.objects.filter(pk=record.pk).update(first_published_at=when, last_published_at=when)
            record_index.refresh(record)  # the index dates results by first publication too
            if doc_type in (DocumentType.NORMATIVE, DocumentType.OTHER_DOCUMENT) and rng.random() < 0.3:
                validity = Validity.REPEALED if rng.random() < 0.6 else Validity.EXPIRED
                set_validity(staff.leader, record, validity, date=min(today, published + dt.timedelta(days=90)),
                             note="已被新文件替代" if validity == Validity.REPEALED else "有效期届满")
    from gongkai.demo.leaks import plant_leaks

    created += len(plant_leaks(actor, password_hash))
    return created


# Title keyword → standard area code, to file demo records under their catalogue item.
AREA_KEYWORDS = [
    (("补贴",), "agricultural-subsidies"),
    (("低保", "救助", "特困"), "social-assistance"),
    (("义务教育", "学生", "招生", "教师"), "compulsory-education"),
    (("预算", "决算", "财政"), "budget"),
    (("重大建设", "可行性", "供水"), "major-projects"),
    (("危房",), "rural-housing"),
    (("安全生产",), "work-safety"),
    (("防汛",), "disaster-relief"),
    (("高标准农田",), "rural-revitalisation"),
]


def _catalogue_item(title: str, items):
    for words, area_code in AREA_KEYWORDS:
        if any(word in title for word in words):
            matching = [item for item in items if item.area.code == area_code]
            if matching:
                return next((i for i in matching if any(w in f"{i.level1}{i.level2}" for w in words)), matching[0])
    return None


TOWNSHIP_NAMES = ["城关镇", "青石镇", "白河镇", "柳溪乡", "松岭乡", "东坪镇", "龙泉镇", "城东街道"]


def _summary_sheet(title: str, rng: random.Random):
    """A small XLSX of per-township totals (no personal data), as attached to real notices."""
    import io

    import openpyxl
    from django.core.files.base import ContentFile

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "分乡镇汇总"
    sheet.append([title])
    sheet.append(["序号", "乡镇（街道）", "户数", "金额（元）"])
    for i, name in enumerate(TOWNSHIP_NAMES, start=1):
        households = rng.randint(300, 4000)
        sheet.append([i, name, households, round(households * rng.uniform(80, 260), 2)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ContentFile(buffer.getvalue(), name="summary.xlsx")


def _formed_before(published: dt.date, workdays: int, cal) -> dt.date:
    """A formation date ``workdays`` working days before ``published``."""
    day = published
    while True:
        day -= dt.timedelta(days=1)
        if add_workdays(day, workdays, cal) <= published:
            return day
