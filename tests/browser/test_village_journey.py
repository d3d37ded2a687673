"""Acceptance journey of the 村务公开目录 (issue 7): a village clerk posts a catalogue item from a
360 px-wide phone — a damaged photo is refused in Chinese with the typed text kept, then a real
photo goes through — and the township officer sees the posting on the dashboard; the public village
page shows the posting with its photo and alt text.

The clerk's form and the public village page (also in 长者模式) have no serious or critical axe-core
findings at 360 px and no sideways scrolling; the form's touch targets are at least 44 px high."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from gongkai.core.actors import SYSTEM
from gongkai.core.models import Role
from gongkai.portal.setup import ensure_county_site
from gongkai.villages.catalogue_schedule import item_status
from gongkai.villages.models import CataloguePosting, VillageCatalogueItem
from gongkai.villages.services.catalogue import adopt_catalogue
from tests.browser.support import axe_violations, describe, require_browser, sign_in

require_browser()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = os.environ.get("GONGKAI_BROWSER_SHOTS")  # a directory: save screenshots there
ITEM = "村级财务收支明细"
TEXT = "本月收入：上级转移支付 30000.00 元；村集体资产租赁 4500.00 元。\n本月支出：村道维修 12000.00 元。\n月末结余：22500.00 元。"


@pytest.fixture
def world(county, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_county_site(county.county)  # the default site: the live server's host finds it
    adopted_on = timezone.localdate() - dt.timedelta(days=100)
    adopt_catalogue(SYSTEM, county.village_a, today=adopted_on)
    photo = tmp_path / "公开栏.jpg"
    Image.new("RGB", (1200, 900), (236, 229, 206)).save(photo, format="JPEG")
    broken = tmp_path / "损坏.jpg"
    broken.write_bytes(photo.read_bytes()[:3000])
    return {"clerk": make_user(Role.VILLAGE_CLERK, county.village_a),
            "officer": make_user(Role.INFO_OFFICER, county.township_a),
            "photo": photo, "broken": broken, "adopted_on": adopted_on}


def check_phone_page(page, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{label}: {width}px wide at a {PHONE['width']}px viewport"
    violations = axe_violations(page)
    assert not violations, f"{label}:\n{describe(violations)}"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"village-{label}.png"), full_page=True)


def test_clerk_posts_from_a_phone_and_the_township_sees_it(browser, live_server, county, world):
    village = county.village_a
    today = timezone.localdate()
    finance = VillageCatalogueItem.objects.get(catalogue__village=village, name=ITEM)
    before = item_status(finance.cadence, world["adopted_on"], [], today)
    assert before.late, "the catalogue was adopted 100 days ago: some months are late"
    period = before.next_period  # the oldest missing month, which the form offers first

    # -- the clerk, on a phone --
    clerk = sign_in(browser, live_server.url, world["clerk"].username, PHONE, is_mobile=True, has_touch=True)
    clerk.goto(f"{live_server.url}/admin/cwml/")
    clerk.wait_for_url(f"**/admin/cwml/village/{village.pk}/")
    assert "逾期未公开" in clerk.locator("main").inner_text()
    clerk.get_by_role("link", name=f"发布“{ITEM}”").click()
    clerk.wait_for_url(f"**/post/{finance.pk}/")
    assert clerk.get_by_label("公开期次").input_value() == period.key
    check_phone_page(clerk, "clerk-form")
    for control in ("公开期次", "张贴日期", "标题", "公开内容"):
        box = clerk.get_by_label(control, exact=True).bounding_box()
        assert box["height"] >= 44, f"{control}: {box['height']}px high"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], control
    submit = clerk.get_by_role("button", name="发布", exact=True).bounding_box()
    assert submit["height"] >= 44 and submit["width"] >= 200

    clerk.get_by_label("公开内容").fill(TEXT)
    clerk.get_by_label("公开栏张贴照片").set_input_files(str(world["broken"]))
    clerk.get_by_label("我已查看照片").check()
    clerk.get_by_role("button", name="发布", exact=True).click()
    clerk.wait_for_load_state()
    main = clerk.locator("main").inner_text()
    assert "已损坏或不完整" in main and "照片需要重新选择" in main
    assert clerk.get_by_label("公开内容").input_value() == TEXT  # kept
    assert clerk.get_by_label("公开期次").input_value() == period.key
    assert CataloguePosting.objects.count() == 0
    check_phone_page(clerk, "clerk-form-error")

    clerk.get_by_label("公开栏张贴照片").set_input_files(str(world["photo"]))
    clerk.get_by_label("照片说明（可不填）").fill("村委会门前公开栏张贴的财务收支明细")
    clerk.get_by_role("button", name="发布", exact=True).click()
    clerk.wait_for_url(f"**/admin/cwml/village/{village.pk}/")
    assert f"“{ITEM}”已发布" in clerk.get_by_role("status").inner_text()
    posting = CataloguePosting.objects.get()
    assert posting.period_key == period.key and posting.photos.count() == 1
    assert clerk.console_errors == []

    # -- the township officer, at a desk --
    officer = sign_in(browser, live_server.url, world["officer"].username, DESKTOP)
    officer.goto(f"{live_server.url}/admin/cwml/")
    officer.wait_for_url(f"**/admin/cwml/township/{county.township_a.pk}/")
    row = officer.get_by_role("row").filter(has_text=village.name)
    assert row.count() == 1
    text = row.inner_text()
    assert f"{ITEM}：{today.year}年{today.month}月{today.day}日" in text  # the latest posting
    finance_late = row.get_by_role("cell").nth(0).locator("div").filter(has_text=ITEM)  # 逾期未公开 column
    assert finance_late.count() == 0 or period.label not in finance_late.inner_text()  # no longer late
    assert officer.console_errors == []

    # -- the public village page, on a phone --
    visitor = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    visitor.goto(f"{live_server.url}/cwgk/village/{village.pk}/")
    visitor.get_by_text(f"{period.label}：{posting.title}").click()  # open the <details>
    image = visitor.get_by_role("img", name="村委会门前公开栏张贴的财务收支明细照片，第1张，共1张")
    image.scroll_into_view_if_needed()  # loading="lazy"
    visitor.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(),
                              timeout=10_000)  # served by the page's photo route, not a storage path
    check_phone_page(visitor, "public-village")
    toggle = visitor.get_by_role("button", name="长者模式")  # large text: still no sideways scrolling
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    check_phone_page(visitor, "public-village-elder")
    visitor.context.close()
    clerk.context.close()
    officer.context.close()
