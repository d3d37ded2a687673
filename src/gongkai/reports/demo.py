"""Demo annual reports of 青山县 for 2025, made through the services from the demo's own cases,
records and reviews (idempotent: nothing is done when 2025 reports exist).

- every department and township publishes on time (before 31 January 2026), except
- 青山县教育局: compiled and validated, never published — late after 31 January;
- 青山县人民政府: its 2024 report (entered afterwards, two paper applications carried forward) makes
  the 2025 report's 上年结转 disagree with it; the warning is explained in a note and the report
  published on 25 March 2026, before its 31 March deadline;
- 青山县农业农村局 has entered its table 二 figures (行政许可、处罚、强制, fees);
- every report's text is finished before validation: section 五 written from the body's own figures
  (:func:`demo_problems`) and the county's 监督保障 sentence (:func:`demo_supervision`) in place of
  the instructions the drafts leave to the body, so no demo report shows a placeholder.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongkai.core.models import Body
from gongkai.reports import selectors, services
from gongkai.reports.models import AnnualReport
from gongkai.rules import annual_report as ar

YEAR = 2025
COUNTY_NAME = "青山县人民政府"
LATE_BODY = "青山县教育局"
OFFICERS = {"青山县人民政府": ("xzf_xxy", "xzf_ld"), "青山县农业农村局": ("nyj_xxy", "nyj_ld"),
            "青山县青石镇人民政府": ("qsz_xxy", "qsz_ld"), "青山县教育局": ("jyj_xxy", "gkb_admin")}
OFFICE_ADMIN = "gkb_admin"
WARNING_NOTE = ("2024年度结转的2件申请为纸质登记，未录入本平台；两件均已于2025年1月办结，"
                "本报告“上年结转”按平台数据填报。")


def _at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00"))


ORDINALS = "一二三四五六七八"


def _numbered(items: list[str]) -> str:
    return "；".join(f"{ORDINALS[i]}是{text}" for i, text in enumerate(items)) + "。"


def _rows_total(t3: dict, prefix: str) -> int:
    return sum(cells[ar.TOTAL] for row, cells in t3.items() if row.startswith(prefix))


def demo_problems(body: Body, year: int, t3: dict, t4: dict) -> str:
    """五、存在的主要问题及改进情况 as a demo body would write it: each problem and each measure is
    taken from the body's own figures for the year (publication by area, requests and how they were
    answered, reviews, the rectification register), so no two bodies read alike."""
    pub = selectors.publication_facts(body, year)
    req = selectors.request_facts(body, year)
    rect = selectors.rectification_facts(body, year)
    problems, measures = [], []
    if pub["by_area"]:
        area, n = pub["by_area"][-1]
        problems.append(f"主动公开的覆盖面还不够均衡，全年主动公开政府信息{pub['published']}条，"
                        f"其中{area}领域仅{n}条，与群众关注程度不相适应")
        measures.append(f"对照基层政务公开标准目录逐项梳理{area}等领域的公开事项，明确责任股室和公开时限，做到应公开尽公开")
    elif pub["published"]:
        problems.append(f"全年主动公开的{pub['published']}条政府信息未能逐条对应公开目录事项，按目录查找不够便利")
        measures.append("将每条主动公开信息归入本单位公开目录事项，方便群众按目录查阅")
    else:
        problems.append("政府信息公开专栏更新不及时，全年未主动公开政府信息")
        measures.append("建立专栏内容月度更新制度，由分管领导督促落实")
    new, done = t3[ar.ROW_NEW][ar.TOTAL], t3[ar.ROW_RESULTS_TOTAL][ar.TOTAL]
    refused = _rows_total(t3, "withheld.") + _rows_total(t3, "unavailable.")
    if req["late"]:
        problems.append(f"依申请公开办理时效有待提高，办结的{req['decided']}件申请中有{req['late']}件超过法定期限答复")
        measures.append("在平台上对每件申请设置答复期限提醒，临近期限未答复的由办公室跟踪督办")
    elif refused:
        problems.append(f"依申请公开答复说理还不够充分，办结的{done}件申请中不予公开或无法提供{refused}件，"
                        "部分告知书对理由和依据的说明较为简略")
        measures.append("规范依申请公开答复文书，逐项写明不予公开、无法提供的理由、依据和救济途径，并由法制审核把关")
    elif new:
        problems.append(f"依申请公开工作人员力量较为薄弱，本年度新收申请{new}件，均由兼职信息员办理")
        measures.append("明确依申请公开专门联络人，参加全县依申请公开业务培训，提升办理能力")
    else:
        problems.append("依申请公开实务经验不足，本年度未收到政府信息公开申请，相关制度未经实际检验")
        measures.append("组织学习《中华人民共和国政府信息公开条例》和依申请公开办理流程，做好受理准备")
    corrected = sum(t4[kind]["corrected"] for kind in ar.TABLE4_KINDS)
    if corrected:
        problems.append(f"因政府信息公开被行政复议、行政诉讼纠正{corrected}件，依法答复的意识和能力仍需加强")
        measures.append("逐案分析被纠正的原因，形成案例在全县信息员培训中讲评")
    if rect["total"] > rect["done"]:
        problems.append(f"整改台账登记的{rect['total']}项问题中尚有{rect['total'] - rect['done']}项未完成整改")
        measures.append("对未完成的整改事项逐项明确责任人和完成时限，办结一项销号一项")
    elif rect["total"]:
        problems.append(f"公开信息中个人信息保护仍有疏漏，本年度排查发现并整改问题{rect['total']}项")
        measures.append("严格执行发布前保密审查和个人信息检查，对已公开信息定期开展排查")
    return (f"（一）存在的主要问题。{_numbered(problems)}\n"
            f"（二）改进措施。下一步，{body.name}将{_numbered(measures)}")


def demo_supervision(county: Body, year: int) -> str:
    """The county government's 监督保障 sentence (条例第五十条第（四）项 on 考核、社会评议和责任追究),
    from the county's reporting bodies and their published reports."""
    rows = selectors.overview(county, year)
    departments = sum(r.body.kind == "department" for r in rows)
    townships = sum(r.body.kind == "township" for r in rows)
    return (f"本年度将政务公开工作纳入对{departments}个县直部门和{townships}个乡镇（街道）的年度绩效考核，"
            "考核结果在全县通报；通过政府网站留言、12345热线和政务公开体验活动听取社会评议意见；"
            "未发生因政府信息公开工作被追究责任的情况。")


def _finish_text(officer, report):
    """Replace what the draft left for the body to write with the demo body's own text."""
    overview = report.section_overview
    left = ar.placeholder_in(overview)
    if left:
        overview = overview.replace(left, demo_supervision(report.body, report.year))
    return services.edit(officer, report, sections={
        "overview": overview, "problems": demo_problems(report.body, report.year, report.table3, report.table4)})


def ensure_demo_reports(today: dt.date | None = None) -> int:
    """Create the demo's 2025 reports unless some exist; return how many were published."""
    today = today or timezone.localdate()
    county = Body.objects.filter(name=COUNTY_NAME, kind="county").first()
    if county is None or today <= dt.date(YEAR + 1, 3, 25):
        return 0
    if AnnualReport.objects.filter(body__path__startswith=county.path, year=YEAR).exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=[OFFICE_ADMIN, *(n for pair in OFFICERS.values() for n in pair)])}
    admin = users[OFFICE_ADMIN]

    def team(body: Body):
        officer, leader = OFFICERS.get(body.name, (OFFICE_ADMIN, OFFICE_ADMIN))
        return users.get(officer, admin), users.get(leader, admin)

    published = 0
    agriculture = Body.objects.filter(name="青山县农业农村局").first()
    if agriculture is not None:
        officer, _leader = team(agriculture)
        services.save_figures(officer, agriculture, YEAR, licensing=126, penalty=18, coercion=2, fees_wan="0")
    for state in selectors.overview(county, YEAR, today):
        body = state.body
        officer, leader = team(body)
        if body.kind == "county":
            previous = services.generate(officer, body, YEAR - 1)
            previous = _finish_text(officer, previous)
            previous = services.edit(officer, previous, cells={
                "table3.new.natural_person": previous.table3["new"]["natural_person"] + 2,
                "table3.new.total": previous.table3["new"]["total"] + 2,
                "table3.carried_forward.natural_person": previous.table3["carried_forward"]["natural_person"] + 2,
                "table3.carried_forward.total": previous.table3["carried_forward"]["total"] + 2})
            services.publish(leader, previous, published_at=_at("2025-03-20"))
        report = _finish_text(officer, services.generate(officer, body, YEAR))
        services.validate(officer, report)
        if body.name == LATE_BODY:
            continue
        if body.kind == "county":
            services.publish(leader, report, note=WARNING_NOTE, published_at=_at("2026-03-25"))
        else:
            services.publish(leader, report, published_at=_at(f"2026-01-{20 + body.pk % 10:02d}"))
        published += 1
    return published
