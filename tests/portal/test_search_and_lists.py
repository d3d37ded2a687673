"""The public search page and the record lists' filters (body → area → catalogue item → records)."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.catalog.models import StandardArea
from gongkai.catalog.services.catalogues import adopt_areas
from gongkai.core.actors import SYSTEM
from gongkai.disclosure.models import Record
from gongkai.disclosure.services.records import create_record, save_draft
from gongkai.disclosure.services.review import withdraw_record
from gongkai.portal.models import ProactiveIndexPage
from gongkai.portal.setup import ensure_county_site
from tests.disclosure.conftest import draft, staff  # noqa: F401  (fixtures)
from tests.disclosure.test_review_flow import review_and_approve


@pytest.fixture
def column(county):
    ensure_county_site(county.county)
    return ProactiveIndexPage.objects.get()


@pytest.fixture
def published(county, staff, draft):  # noqa: F811
    """Two public records of dept_a: a subsidy notice in 涉农补贴 and a news item in no area."""
    area = StandardArea.objects.get(code="agricultural-subsidies")
    adopt_areas(SYSTEM, county.dept_a, [area])
    item = county.dept_a.catalogue.items.filter(area=area).first()
    draft.catalogue_items = [item]
    save_draft(staff.officer, draft, creating=False)
    review_and_approve(draft, staff)
    news = create_record(staff.officer, body=county.dept_a, title="县农业农村局召开春耕生产工作会议",
                         content="<p>会议部署春耕生产和农田水利建设。</p>", formed_date=dt.date(2026, 3, 5),
                         doc_type="news")
    review_and_approve(news, staff)
    draft.refresh_from_db()
    news.refresh_from_db()
    return draft, news, area, item


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_search_finds_published_records_with_highlights(client, column, published):
    notice, news, _area, _item = published
    url = column.search_url()
    page = html(client.get(url, {"q": "耕地地力保护补贴"}))
    assert "<mark>" in page and column.record_url(notice) in page and news.title not in page
    assert "共 1 条" in page
    page = html(client.get(url, {"q": "青农发[2026]12号"}))  # 文号 typed with square brackets
    assert "按文号精确查找" in page and column.record_url(notice) in page
    page = html(client.get(url, {"q": notice.index_number}))
    assert "按索引号精确查找" in page and column.record_url(notice) in page
    page = html(client.get(url, {"q": "春耕"}))
    assert column.record_url(news) in page and column.record_url(notice) not in page


def test_search_filters_by_body_area_type_and_year(client, column, county, published):
    notice, news, area, _item = published
    url = column.search_url()
    assert column.record_url(notice) in html(client.get(url, {"q": "", "area": area.code}))
    assert column.record_url(news) not in html(client.get(url, {"area": area.code}))
    assert column.record_url(news) in html(client.get(url, {"type": "news"}))
    year = notice.first_published_at.year
    assert column.record_url(notice) in html(client.get(url, {"q": "补贴", "year": year}))
    assert "没有找到" in html(client.get(url, {"q": "补贴", "year": year - 3}))
    assert "没有找到" in html(client.get(url, {"q": "补贴", "body": county.dept_b.code}))
    assert column.record_url(notice) in html(client.get(url, {"q": "补贴", "body": county.dept_a.code}))


def test_search_never_shows_withdrawn_records_or_drafts(client, column, county, staff, published):  # noqa: F811
    notice, _news, _area, _item = published
    create_record(staff.officer, body=county.dept_a, title="耕地地力保护补贴草稿", formed_date=dt.date(2026, 3, 2))
    withdraw_record(staff.leader, notice, reason="内容有误")
    page = html(client.get(column.search_url(), {"q": "耕地地力保护补贴"}))
    assert "耕地地力保护补贴草稿" not in page and column.record_url(notice) not in page
    assert "没有找到" in page


@pytest.mark.parametrize("params", [
    {"q": "<script>alert(1)</script>"},
    {"q": "补贴" * 200},
    {"q": "补贴", "page": "-3"},
    {"q": "补贴", "page": "abc"},
    {"q": "补贴", "page": "99999999999"},
    {"q": "补贴", "year": "20x6"},
    {"q": "补贴", "area": "nope"},
    {"q": "补贴", "body": "NOPE"},
    {"q": "补贴", "type": "<b>"},
    {"q": "\"(AND OR NOT*)\" -"},
    {"q": "　"},
])
def test_search_survives_bad_input(client, column, published, params):
    page = html(client.get(column.search_url(), params))
    assert "<script>alert(1)</script>" not in page


def test_bad_filters_are_named_not_silently_dropped(client, column, published):
    page = html(client.get(column.search_url(), {"q": "补贴", "year": "20x6", "area": "nope"}))
    assert "年份应为四位数字" in page and "领域无效" in page
    assert "检索词过长" in html(client.get(column.search_url(), {"q": "补" * 150}))


def test_empty_search_offers_examples_and_every_page_has_the_box(client, column, published):
    page = html(client.get(column.search_url()))
    assert "试试这些检索词" in page and "检索结果" not in page
    home = html(client.get("/"))
    assert f'action="{column.search_url()}"' in home and 'role="search"' in home


def test_body_list_navigates_by_area_and_item(client, column, county, published):
    notice, news, area, item = published
    url = column.body_records_url(county.dept_a)
    page = html(client.get(url))
    assert "按领域浏览" in page and area.name in page and "共 2 条" in page
    page = html(client.get(url, {"area": area.code}))
    assert notice.title in page and news.title not in page
    assert item.level2 in page  # the area's catalogue items are listed under it
    page = html(client.get(url, {"area": area.code, "item": item.pk}))
    assert notice.title in page and "共 1 条" in page
    other = county.dept_a.catalogue.items.filter(area=area).exclude(pk=item.pk).first()
    if other is not None:
        assert notice.title not in html(client.get(url, {"area": area.code, "item": other.pk}))
    page = html(client.get(url, {"type": "news"}))
    assert news.title in page and notice.title not in page


def test_area_filter_does_not_duplicate_records_linked_to_several_items(client, column, county, staff, published):  # noqa: F811
    notice, _news, area, item = published
    items = list(county.dept_a.catalogue.items.filter(area=area)[:2])
    record = Record.objects.get(pk=notice.pk)
    record.catalogue_items = items
    save_draft(staff.officer, record, creating=False)
    review_and_approve(record, staff)
    page = html(client.get(column.body_records_url(county.dept_a), {"area": area.code}))
    assert page.count(f'href="{column.record_url(notice)}"') == 1
