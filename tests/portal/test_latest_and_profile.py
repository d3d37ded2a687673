"""The portal as a real county's 政府信息公开 column has it (issue 14 §7): 最新公开 on the home page
and the column, each body's 机构信息 page reachable from its list, and the menu folded on phones."""

from __future__ import annotations

import datetime as dt

from gongkai.core.actors import SYSTEM
from gongkai.core.models import BodyKind
from gongkai.core.services.bodies import create_body, update_body
from gongkai.disclosure.services.records import create_record
from gongkai.disclosure.services.review import withdraw_record
from tests.disclosure.conftest import draft, staff  # noqa: F401  (fixtures)
from tests.disclosure.test_review_flow import review_and_approve
from tests.portal.test_search_and_lists import column, html, published  # noqa: F401  (fixtures)


def test_latest_records_on_the_home_page_and_the_column(client, column, county, staff, published):  # noqa: F811
    notice, news, _area, _item = published
    home, disclosure = html(client.get("/")), html(client.get("/xxgk/"))
    for page in (home, disclosure):
        assert "最新公开" in page and notice.title in page and news.title in page
        assert "测试县农业农村局" in page and "更多法定主动公开内容" in page
    # Newest first; a withdrawn record leaves the list at once; drafts never appear.
    newest, older = sorted([notice, news], key=lambda r: (r.first_published_at, r.pk), reverse=True)
    latest = home[home.index("最新公开"):]
    assert latest.index(newest.title) < latest.index(older.title)
    withdraw_record(staff.leader, news, reason="信息有误")
    assert news.title not in html(client.get("/")) and news.title not in html(client.get("/xxgk/"))
    pending = create_record(staff.officer, body=county.dept_a, title="尚未发布的草稿标题",
                            content="<p>草稿</p>", formed_date=dt.date(2026, 3, 6), doc_type="news")
    assert pending.title not in html(client.get("/"))


def test_the_latest_list_is_bounded(client, column, county, staff):  # noqa: F811
    for n in range(12):
        record = create_record(staff.officer, body=county.dept_a, title=f"第{n + 1}号工作动态",
                               content="<p>动态</p>", formed_date=dt.date(2026, 3, 5), doc_type="news")
        review_and_approve(record, staff)
    page = html(client.get("/"))
    assert page.count("号工作动态</a>") == 10


def test_a_body_profile_is_reachable_from_its_list(client, column, county, staff):  # noqa: F811
    update_body(SYSTEM, county.dept_a, functions="负责全县农业农村发展规划和政策的组织实施。", head_name="王五",
                phone="0797-5223003", office_hours="工作日上午8:30—12:00")
    create_body(SYSTEM, parent=county.dept_a, kind=BodyKind.SECTION, name="农田建设管理股")
    leaders = create_record(staff.officer, body=county.dept_a, title="测试县农业农村局领导班子成员及分工",
                            content="<p>局长王五，主持全面工作。</p>", formed_date=dt.date(2026, 3, 5),
                            doc_type="personnel")
    review_and_approve(leaders, staff)
    records_page = html(client.get(column.body_records_url(county.dept_a)))
    profile_url = column.url + column.reverse_subpage("body_profile", kwargs={"code": county.dept_a.code})
    assert f'href="{profile_url}"' in records_page and "测试县农业农村局机构信息" in records_page
    profile = html(client.get(profile_url))
    for text in ("机构职能", "负责全县农业农村发展规划", "王五", "0797-5223003", "工作日上午8:30—12:00",
                 "内设机构", "农田建设管理股", "领导信息和人事信息", leaders.title, "政府信息公开指南"):
        assert text in profile, text
    assert f'href="{column.body_records_url(county.dept_a)}"' in profile
    withdraw_record(staff.leader, leaders, reason="人事调整")
    assert leaders.title not in html(client.get(profile_url))
    # Villages and unknown codes have no such page.
    assert client.get(column.url + f"body/{county.village_a.code}/about/").status_code == 404
    assert client.get(column.url + "body/nosuchbody/about/").status_code == 404


def test_the_menu_has_a_fold_button_for_phones(client, column):  # noqa: F811
    page = html(client.get("/"))
    assert 'class="nav-toggle" aria-expanded="false" aria-controls="site-nav-list" hidden' in page
    assert 'id="site-nav-list"' in page and "portal/js/nav.js" in page
