"""A visitor reads the county home page and a department's disclosure guide on a phone and a
desktop, and switches on 长者模式: no console errors, no sideways scrolling at 320 px, no serious
or critical axe-core findings in either mode."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gongkai.core.actors import SYSTEM
from gongkai.core.services.bodies import update_body
from gongkai.portal.models import SiteSettings
from gongkai.portal.setup import ensure_county_site
from tests.browser.support import axe_violations, describe, require_browser

require_browser()
pytestmark = pytest.mark.browser

# --red of portal.css, normal and 长者模式: proves the stylesheet was served and applied.
NAV_RED, NAV_RED_ELDER = "rgb(176, 21, 30)", "rgb(122, 11, 18)"
NAV_COLOUR = "getComputedStyle(document.querySelector('.site-nav')).backgroundColor"
SHOTS = os.environ.get("GONGKAI_BROWSER_SHOTS")  # a directory: save screenshots there


@pytest.fixture
def guide_path(county) -> str:
    update_body(SYSTEM, county.office, phone="0797-5221000", address="测试县人民路1号", email="gkb@example.gov.cn")
    update_body(SYSTEM, county.dept_a, phone="0797-5223003", fax="0797-5223004", address="测试县人民路8号",
                postcode="341900", office_hours="工作日上午8:30—12:00，下午14:30—17:30",
                disclosure_office="测试县农业农村局办公室", email="nyncj@example.gov.cn")
    home = ensure_county_site(county.county)  # the default site, so the live server's host finds it
    SiteSettings.objects.filter(site__root_page=home).update(
        site_code="9901010001", icp_number="测ICP备20260001号", police_number="测公网安备99010102000001号"
    )
    return f"/xxgk/zhinan/{county.dept_a.code}/"


def check_page(page, width: int, label: str) -> None:
    if width <= 320:
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{label}: page is {overflow}px wide at a {width}px viewport"
    violations = axe_violations(page)
    assert not violations, f"{label}:\n{describe(violations)}"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{label}.png"), full_page=True)


@pytest.mark.parametrize("width", [320, 1280])
def test_home_and_guide_read_well_on_phone_and_desktop(browser_page, live_server, guide_path, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.evaluate(NAV_COLOUR) == NAV_RED
    check_page(page, width, f"home-{width}")

    page.get_by_role("link", name="测试县农业农村局", exact=True).click()
    page.wait_for_url(f"**{guide_path}")
    assert page.get_by_role("heading", level=1).inner_text() == "测试县农业农村局政府信息公开指南"
    assert page.get_by_role("cell", name="0797-5223003").is_visible()
    check_page(page, width, f"guide-{width}")

    assert page.console_errors == []


@pytest.mark.parametrize("width", [320, 1280])
def test_elder_mode_enlarges_text_and_is_remembered(browser_page, live_server, guide_path, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + guide_path)
    body_size = "parseFloat(getComputedStyle(document.querySelector('.article-body p')).fontSize)"
    before = page.evaluate(body_size)
    assert page.evaluate(NAV_COLOUR) == NAV_RED

    toggle = page.get_by_role("button", name="长者模式")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    after = page.evaluate(body_size)
    assert after >= before * 1.25, (before, after)
    assert page.evaluate(NAV_COLOUR) == NAV_RED_ELDER
    check_page(page, width, f"guide-elder-{width}")

    page.reload()  # remembered in localStorage and applied before the first paint
    assert page.evaluate("document.documentElement.classList.contains('mode-elder')")
    assert page.get_by_role("button", name="长者模式").get_attribute("aria-pressed") == "true"

    page.get_by_role("button", name="无障碍").click()
    assert page.evaluate("getComputedStyle(document.querySelector('.site-nav a')).textDecorationLine") == "underline"
    check_page(page, width, f"guide-both-modes-{width}")

    assert page.console_errors == []


@pytest.mark.parametrize("width", [360, 1280])
def test_the_menu_folds_on_a_phone_and_the_new_pieces_pass_axe(browser_page, live_server, guide_path, county, width):
    """Issue 14 §7: under 600 px the ten-item menu folds behind 栏目导航, so the first screen shows the
    page; 最新公开 and a body's 机构信息 page pass axe in both reading modes."""
    update_body(SYSTEM, county.dept_a, functions="负责全县农业农村发展规划。", head_name="王五")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 640})
    page.goto(live_server.url + "/")
    toggle = page.get_by_role("button", name="栏目导航")
    menu = page.locator("#site-nav-list")
    if width < 600:
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not menu.is_visible()
        # The page's own content starts on the first screen.
        top = page.evaluate("document.querySelector('#main').getBoundingClientRect().top")
        assert top < 640, top
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true" and menu.is_visible()
        check_page(page, 320 if width <= 320 else width, f"home-menu-open-{width}")
        toggle.click()
        assert not menu.is_visible()
    else:
        assert not toggle.is_visible() and menu.is_visible()
    assert page.get_by_role("heading", name="最新公开").is_visible()
    check_page(page, width, f"home-latest-{width}")

    page.goto(live_server.url + f"/xxgk/fdzdgknr/body/{county.dept_a.code}/about/")
    assert page.get_by_role("heading", level=1).inner_text() == "测试县农业农村局 · 机构信息"
    check_page(page, width, f"body-profile-{width}")
    page.get_by_role("button", name="长者模式").click()
    check_page(page, width, f"body-profile-elder-{width}")
    assert page.console_errors == []
