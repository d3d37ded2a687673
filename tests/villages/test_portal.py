"""The public 村务公开 column: county → township → village, open lists, archived summaries, forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from freezegun import freeze_time

from gongkai.core.actors import SYSTEM
from gongkai.portal.setup import ensure_county_site
from gongkai.villages.models import Objection, VillageAffairsIndexPage
from gongkai.villages.services.subsidies import import_payouts, publish_notices
from tests.villages.conftest import csv_bytes, make_id, rows_for

BASE = "/cwgk/"


@pytest.fixture
def site(county, villages, programme, programme2):
    ensure_county_site(county.county)
    with freeze_time("2026-03-01 09:00:00+08:00"):
        import_payouts(SYSTEM, data=csv_bytes(rows_for(["甲村"], per_village=3)), filename="a.csv",
                       programme=programme, year=2025, township=county.township_a)
        import_payouts(SYSTEM, data=csv_bytes(rows_for(["甲村"], per_village=2, start=40)), filename="b.csv",
                       programme=programme2, year=2025, township=county.township_a)
        publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_a,
                        supervision_phone="0797-5231001")
        publish_notices(SYSTEM, programme=programme2, year=2025, township=county.township_a,
                        supervision_phone="0797-5231001", starts_on=dt.date(2026, 2, 1))
    return county


def test_column_is_created_once_beside_disclosure(site):
    ensure_county_site(site.county)
    page = VillageAffairsIndexPage.objects.get()
    assert page.get_parent().specific.county == site.county and page.slug == "cwgk" and page.live


def test_county_township_village_pages(site):
    c = Client()
    with freeze_time("2026-03-03 10:00:00+08:00"):
        index = c.get(BASE)
        assert index.status_code == 200 and "测试县甲镇人民政府" in index.text and "甲村" in index.text
        town = c.get(f"{BASE}town/{site.township_a.pk}/")
        assert town.status_code == 200 and "1 项公示中" in town.text
        page = c.get(f"{BASE}village/{site.village_a.pk}/")
    text = page.text
    assert page.status_code == 200
    assert make_id(1)[:6] + "********" + make_id(1)[-4:] in text and make_id(1) not in text
    assert "公示期：2026年3月1日至2026年3月7日" in text
    # the 生态公益林补偿 notice ended in February: summary only, no names
    assert "公示期已满" in text and "2025年生态公益林补偿：2 人" in text
    assert "张一甲" not in text.split("公示期已满")[1]
    assert c.get(f"{BASE}village/{site.village_b.pk}/").status_code == 200
    assert c.get(f"{BASE}village/{site.township_a.pk}/").status_code == 404
    assert c.get(f"{BASE}town/999999/").status_code == 404


def test_after_the_period_only_the_summary_is_public(site):
    with freeze_time("2026-03-08 10:00:00+08:00"):
        text = Client().get(f"{BASE}village/{site.village_a.pk}/").text
    assert "目前没有公示中的补贴发放名单" in text and "2025年耕地地力保护补贴：3 人" in text
    assert "********" not in text


def test_objection_form(site):
    c = Client()
    notice = site.village_a
    from gongkai.villages.models import Notice

    notice = Notice.objects.get(village=site.village_a, programme__name="耕地地力保护补贴")
    url = f"{BASE}village/{site.village_a.pk}/objection/{notice.pk}/"
    with freeze_time("2026-03-03 10:00:00+08:00"):
        bad = c.post(url, {"name": "<script>x</script>", "phone": "abc", "content": ""})
        assert bad.status_code == 400 and "请填写有效的联系电话" in bad.text and "<script>x" not in bad.text
        ok = c.post(url, {"name": "李四", "phone": "13907970001", "content": "面积少算"})
        assert ok.status_code == 200 and "异议已提交" in ok.text
        assert "13907970001" not in ok.text
    assert Objection.objects.get().name == "李四"
    with freeze_time("2026-03-09 10:00:00+08:00"):
        late = c.post(url, {"name": "李四", "phone": "13907970001", "content": "x"})
    assert late.status_code == 400 and "不在公示期内" in late.text


def test_lookup_page(site):
    c = Client()
    assert c.get(f"{BASE}lookup/").status_code == 200
    found = c.post(f"{BASE}lookup/", {"name": "张二甲", "id_number": make_id(1)})
    assert found.status_code == 200 and "耕地地力保护补贴" in found.text and make_id(1) not in found.text
    assert found["Cache-Control"] == "no-store"
    miss = c.post(f"{BASE}lookup/", {"name": "张二甲", "id_number": make_id(2)})
    assert "未查到" in miss.text and make_id(2) not in miss.text


def test_township_records_list_links_to_its_villages(site):
    """县-乡-村 linkage: the township's list in 法定主动公开内容 leads to its 村务公开 page; a
    department's list has no such link."""
    c = Client()
    town = c.get(f"/xxgk/fdzdgknr/body/{site.township_a.code}/")
    assert town.status_code == 200
    assert f'href="{BASE}town/{site.township_a.pk}/"' in town.text and "村务公开（2个村）" in town.text
    department = c.get(f"/xxgk/fdzdgknr/body/{site.dept_a.code}/")
    assert department.status_code == 200 and "村务公开（" not in department.text
