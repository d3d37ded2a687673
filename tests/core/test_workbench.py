"""The admin home as a workbench (issue 14 §1): per role, over HTTP, the right items with the right
counts from seeded data and nothing of another body; the county office's table and charts; the
menus per role; a query bound with the demo county."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from gongkai.core.actors import SYSTEM
from gongkai.core.models import Role
from gongkai.disclosure.services.records import create_record
from gongkai.disclosure.services.review import decide_confidentiality, submit_for_review
from gongkai.requests.models import Case, Letter
from gongkai.requests.services.cases import register
from gongkai.rules.case_flow import CaseState
from gongkai.villages import catalogue_selectors
from gongkai.villages.models import (
    ImportJob,
    ImportJobStatus,
    Notice,
    Objection,
    SubsidyProgramme,
)
from gongkai.villages.services.catalogue import adopt_catalogue

TODAY = dt.date(2026, 6, 15)  # a Monday; 端午节 falls on Friday 19 June
NOW = "2026-06-15 09:00:00+08:00"
APPLICANT = {"name": "张三", "id_type": "resident_id", "id_number": "360702199001011234", "phone": "13800001234",
             "email": "zhangsan@example.com", "address": "测试县城关镇1号"}


def items(html: str) -> dict[str, int]:
    """{item key: count} of the workbench's own list."""
    mine = html.split('id="workbench-mine-title"', 1)[1].split("</section>", 1)[0]
    return {key: int(n) for key, n in re.findall(
        r'data-item="([\w]+)">.*?gk-workbench__count">(\d+) 项', mine, flags=re.S)}


def home(client, user) -> str:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def case(handler, body, day: str) -> Case:
    return register(handler, body=body, channel="in_person",
                    arrived_at=timezone.make_aware(dt.datetime.fromisoformat(f"{day}T10:00:00")),
                    applicant_type="natural_person", subject="2025年耕地地力保护补贴发放名单",
                    applicant=dict(APPLICANT))


def record(officer, body, title: str):
    return create_record(officer, body=body, title=title, summary=title, content="<p>正文。</p>",
                         doc_number="", formed_date=dt.date(2026, 5, 4), doc_type="other_document",
                         topic="agriculture")


def letter(case_: Case, serial: int, sent: bool) -> Letter:
    return Letter.objects.create(
        case=case_, body=case_.body, kind="receipt", prefix="测农公开", year=2026, serial=serial,
        doc_number=f"测农公开〔2026〕{serial}号", title="告知书", addressee="张三", written_on=TODAY,
        file=ContentFile(b"docx", name=f"l{serial}.docx"), sha256="0" * 64, generated_at=timezone.now(),
        generated_by="测试", sent_at=timezone.now() if sent else None)


class Cast:
    pass


@pytest.fixture
def cast(county, make_user, office_admin):
    c = Cast()
    c.office = office_admin
    c.officer = make_user(Role.INFO_OFFICER, county.dept_a)
    c.reviewer = make_user(Role.CONFIDENTIALITY_REVIEWER, county.dept_a)
    c.leader = make_user(Role.APPROVING_LEADER, county.dept_a)
    c.handler = make_user(Role.REQUEST_HANDLER, county.dept_a)
    c.handler_b = make_user(Role.REQUEST_HANDLER, county.dept_b)
    c.officer_b = make_user(Role.INFO_OFFICER, county.dept_b)
    c.reviewer_b = make_user(Role.CONFIDENTIALITY_REVIEWER, county.dept_b)
    c.township = make_user(Role.INFO_OFFICER, county.township_a)
    c.clerk = make_user(Role.VILLAGE_CLERK, county.village_a)
    return c


@pytest.fixture
def seeded(county, cast, settings, tmp_path):
    """At dept_a: 2 overdue cases, 1 due within 3 working days, 1 waiting for 补正, 1 letter not
    sent (and 1 sent); 1 record at 保密审查, 1 at 审核, 1 sent back. At dept_b: 1 overdue case and 1
    record at 保密审查. Villages: catalogues adopted in January, objections, a failed import."""
    settings.MEDIA_ROOT = tmp_path
    with freeze_time("2026-04-01 18:00:00+08:00"):
        overdue = [case(cast.handler, county.dept_a, "2026-04-01"), case(cast.handler, county.dept_a, "2026-04-01")]
        case(cast.handler_b, county.dept_b, "2026-04-01")
    with freeze_time("2026-05-19 18:00:00+08:00"):
        due_soon = case(cast.handler, county.dept_a, "2026-05-19")
    with freeze_time("2026-06-01 18:00:00+08:00"):
        waiting = case(cast.handler, county.dept_a, "2026-06-01")
        # 补正 and its pause, as the service leaves them (state, clock stopped).
        Case.objects.filter(pk=waiting.pk).update(state=CaseState.CORRECTION_REQUESTED, due_on=None,
                                                  correction_requested_on=dt.date(2026, 6, 2))
        letter(overdue[0], 1, sent=False)
        letter(overdue[1], 2, sent=True)
    with freeze_time("2026-05-06 09:00:00+08:00"):
        at_review = record(cast.officer, county.dept_a, "甲局信息一")
        submit_for_review(cast.officer, at_review)
        at_approval = record(cast.officer, county.dept_a, "甲局信息二")
        submit_for_review(cast.officer, at_approval)
        at_approval.refresh_from_db()
        decide_confidentiality(cast.reviewer, at_approval.current_workflow_task_state.specific, outcome="passed",
                               basis="no_secret")
        back = record(cast.officer, county.dept_a, "甲局信息三")
        submit_for_review(cast.officer, back)
        back.refresh_from_db()
        decide_confidentiality(cast.reviewer, back.current_workflow_task_state.specific, outcome="needs_changes",
                               basis="art_15", comment="请删除个人信息")
        other = record(cast.officer_b, county.dept_b, "乙局信息")
        submit_for_review(cast.officer_b, other)
    for v in (county.village_a, county.village_b):
        adopt_catalogue(SYSTEM, v, today=dt.date(2026, 1, 5))
    programme = SubsidyProgramme.objects.get(name="耕地地力保护补贴")
    for village, n in ((county.village_a, 2), (county.village_b, 1)):
        notice = Notice.objects.create(village=village, programme=programme, year=2026, supervision_phone="0797-5221001",
                                       starts_on=dt.date(2026, 6, 8), ends_on=dt.date(2026, 6, 15), status="open")
        for k in range(n):
            Objection.objects.create(notice=notice, code=f"WB{village.pk}X{k}", name="李四", phone="13900000000", content=f"金额有误{k}")
    ImportJob.objects.create(programme=programme, year=2026, body=county.township_a, created_by_label="测试",
                             source_name="甲镇.xlsx", sha256="1" * 64, status=ImportJobStatus.FAILED)
    ImportJob.objects.create(programme=programme, year=2026, body=county.township_b, created_by_label="测试",
                             source_name="乙乡.xlsx", sha256="2" * 64, status=ImportJobStatus.FAILED)
    return {"due_soon": due_soon}


def late_in(village) -> int:
    return len(catalogue_selectors.village_rows([village], TODAY)[0].late)


@pytest.mark.django_db
def test_request_handler_sees_own_cases_and_letters_only(client, cast, seeded):
    due_on = Case.objects.get(pk=seeded["due_soon"].pk).due_on
    assert TODAY <= due_on <= TODAY + dt.timedelta(days=5)  # the seed is what it says
    with freeze_time(NOW):
        html = home(client, cast.handler)
    assert items(html) == {"cases_overdue": 2, "cases_due_soon": 1, "cases_correction": 1, "letters_unsent": 1}
    assert 'href="/admin/requests/?status=overdue"' in html and 'href="/admin/requests/?letters=unsent"' in html
    assert "各单位待办" not in html and 'id="workbench-charts"' not in html


@pytest.mark.django_db
def test_handler_of_another_body(client, cast, seeded):
    with freeze_time(NOW):
        assert items(home(client, cast.handler_b)) == {"cases_overdue": 1}


@pytest.mark.django_db
def test_the_filtered_screens_match_the_counts(client, cast, seeded):
    client.force_login(cast.handler)
    with freeze_time(NOW):
        unsent = client.get("/admin/requests/?letters=unsent").content.decode()
        overdue = client.get("/admin/requests/?status=overdue").content.decode()
    assert unsent.count('href="/admin/requests/') - overdue.count('href="/admin/requests/') == -1


@pytest.mark.django_db
def test_reviewer_leader_and_officer(client, cast, seeded):
    with freeze_time(NOW):
        assert items(home(client, cast.reviewer)) == {"reviews_awaiting": 1}
        assert items(home(client, cast.leader)) == {"reviews_awaiting": 1, "reports_late": 1}
        officer = items(home(client, cast.officer))
        assert items(home(client, cast.reviewer_b)) == {"reviews_awaiting": 1}
    # The information officer: the record sent back, and the body's 2025 report (due 31 January).
    assert officer == {"records_sent_back": 1, "reports_late": 1}


@pytest.mark.django_db
def test_township_officer(client, county, cast, seeded):
    with freeze_time(NOW):
        html = home(client, cast.township)
    key = f"village_late_{county.township_a.pk}"
    assert items(html) == {key: late_in(county.village_a), "objections_pending": 2, "imports_failed": 1,
                           "reports_late": 1}
    assert late_in(county.village_a) > 0
    assert f'href="/admin/cwml/township/{county.township_a.pk}/"' in html


@pytest.mark.django_db
def test_village_clerk(client, county, cast, seeded):
    with freeze_time(NOW):
        html = home(client, cast.clerk)
    assert items(html) == {f"village_late_{county.village_a.pk}": late_in(county.village_a)}


@pytest.mark.django_db
def test_a_role_with_nothing_to_do_gets_one_calm_line(client, cast):
    with freeze_time("2026-12-01 09:00:00+08:00"):
        html = home(client, cast.reviewer)
    assert items(html) == {} and "无待办：目前没有需要您处理的事项。" in html


@pytest.mark.django_db
def test_office_admin_items_table_and_charts(client, county, cast, seeded):
    with freeze_time(NOW):
        html = home(client, cast.office)
    got = items(html)
    late_total = late_in(county.village_a) + late_in(county.village_b)
    assert got == {"cases_overdue": 3, "cases_due_soon": 1, "cases_correction": 1, "letters_unsent": 1,
                   f"village_late_{county.county.pk}": late_total, "objections_pending": 3, "imports_failed": 2,
                   "reports_late": 6}  # county, office, two departments, two townships: none published
    assert "reviews_awaiting" not in got  # the office neither reviews nor approves
    table = html.split("各单位待办", 1)[1].split("</table>", 1)[0]
    rows = {name: cells for name, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', table, flags=re.S)}
    assert set(rows) == {county.county.name, county.office.name, county.dept_a.name, county.dept_b.name,
                         county.township_a.name, county.township_b.name}
    assert "审查审核中的政府信息" in table  # oversight: 2 at 甲局, 1 at 乙局
    header = re.findall(r'<th scope="col">([^<]+)</th>', table)
    column = header.index("审查审核中的政府信息")
    cells = lambda name: [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", rows[name], re.S)]  # noqa: E731
    assert cells(county.dept_a.name)[column - 1] == "2" and cells(county.dept_b.name)[column - 1] == "1"
    overdue_column = header.index("依申请公开：已超期") - 1
    assert cells(county.dept_a.name)[overdue_column] == "2" and cells(county.dept_b.name)[overdue_column] == "1"
    # Charts: data in json_script, a data table per chart, the scripts as static files.
    data = json.loads(re.search(r'<script id="workbench-charts" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    charts = {c["key"]: c for c in data}
    assert set(charts) == {"publication", "cases", "village_postings"}
    cases_chart = charts["cases"]
    assert cases_chart["months"][0] == "2025-07" and cases_chart["months"][-1] == "2026-06"
    received = dict(zip(cases_chart["months"], cases_chart["series"][0]["values"], strict=True))
    assert received["2026-04"] == 3 and received["2026-05"] == 1 and received["2026-06"] == 1
    assert html.count("（数据表）") == 3
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/core/workbench.js" in html
    # Wagtail's page summary, page search and English guide link are gone.
    assert "editor guide" not in html and 'role="search"' not in html and "w-summary" not in html


@pytest.mark.django_db
def test_calendar_notice_is_part_of_the_workbench(client, cast, seeded):
    from gongkai.core.models import CalendarYear

    CalendarYear.objects.filter(year=2027).delete()
    with freeze_time("2026-11-02 09:00:00+08:00"):
        html = home(client, cast.office)
        assert html.index("尚未载入2027年节假日安排") < html.index("我的待办")
        assert "尚未载入2027年节假日安排" not in home(client, cast.handler)


def menu_labels(user) -> set[str]:
    from wagtail.admin.menu import admin_menu

    request = RequestFactory().get("/admin/")
    request.user = user
    labels = set()
    for item in admin_menu.menu_items_for_request(request):
        labels.add(str(item.label))
        for sub in getattr(getattr(item, "menu", None), "menu_items_for_request", lambda r: [])(request):
            labels.add(str(sub.label))
    return labels


@pytest.mark.django_db
@pytest.mark.parametrize("who, shown, hidden", [
    ("clerk", {"村务公开目录"}, {"依申请公开", "角色授权", "节假日", "政府信息公开年报", "发放名单导入"}),
    ("handler", {"依申请公开", "节假日", "政府信息公开年报"}, {"角色授权", "村务公开目录", "发放名单导入"}),
    ("reviewer", {"节假日", "政府信息公开年报"}, {"依申请公开", "角色授权", "依申请公开文书模板"}),
    ("leader", {"依申请公开", "政府信息公开年报"}, {"角色授权", "依申请公开文书模板"}),
    ("township", {"村务公开目录", "发放名单导入", "政府信息公开年报"}, {"依申请公开", "角色授权"}),
    ("office", {"依申请公开", "角色授权", "节假日", "政府信息公开年报", "依申请公开文书模板"}, set()),
])
def test_menus_per_role(cast, who, shown, hidden):
    labels = menu_labels(getattr(cast, who))
    assert shown <= labels, shown - labels
    assert not hidden & labels, hidden & labels


@pytest.mark.django_db
@pytest.mark.parametrize("who, path", [("clerk", "/admin/requests/"), ("clerk", "/admin/annual-reports/"),
                                       ("clerk", "/admin/memberships/"), ("clerk", "/admin/calendar/"),
                                       ("reviewer", "/admin/requests/"), ("handler", "/admin/memberships/")])
def test_hidden_screens_refuse_too(client, cast, who, path):
    client.force_login(getattr(cast, who))
    assert client.get(path).status_code in (302, 403)


@pytest.mark.django_db
def test_query_bound_with_the_demo_county(client):
    from gongkai.core.models import Membership
    from gongkai.demo.loader import load_demo

    load_demo(records=False)
    office = Membership.objects.filter(role=Role.OFFICE_ADMIN).first().user
    client.force_login(office)
    client.get("/admin/")  # warm the caches every page shares (site root, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200 and "各单位待办" in response.content.decode()
    # 84 measured (SQLite, demo county without records): Wagtail's own page furniture, one query per
    # selector, a few per body rule. The bound keeps per-row queries from creeping in.
    assert len(queries) <= 100, "\n".join(q["sql"][:150] for q in queries.captured_queries)
