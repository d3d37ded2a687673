"""A visitor reads a department's published annual report on the county site (/xxgk/nb/) at 1280
and 320 px and in 长者模式, and its superseded first version: no serious or critical axe-core
findings, no sideways scrolling of the page at 320 px (the wide tables scroll inside their own
labelled, keyboard-focusable region), the 已被更正 notice links to the version in force."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from gongkai.core.models import Role
from gongkai.portal.setup import ensure_county_site
from gongkai.reports import services
from tests.browser.support import axe_violations, describe, require_browser
from tests.reports.conftest import add_case, add_record, generate_finished
from tests.rules.test_annual_report import ALL_CASES, DOCUMENTS

require_browser()
pytestmark = pytest.mark.browser

SHOTS = os.environ.get("GONGKAI_BROWSER_SHOTS")  # a directory: save screenshots there
JAN_2026 = dt.date(2026, 1, 20)


@pytest.fixture
def report_path(county, make_user) -> str:
    ensure_county_site(county.county)  # the default site, so the live server's host finds it
    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    leader = make_user(Role.APPROVING_LEADER, county.dept_a)
    for fact in ALL_CASES:
        add_case(county.dept_a, fact)
    for doc in DOCUMENTS:
        add_record(county.dept_a, doc)
    first = services.publish(leader, generate_finished(officer, county.dept_a, 2025), today=JAN_2026)
    correction = services.start_correction(officer, first, "第一部分文字表述有误")
    correction = services.edit(officer, correction, sections={"overview": "2025年，本机关认真贯彻落实《条例》。\n更正后的表述。"})
    services.publish(leader, correction, today=JAN_2026)
    return f"/xxgk/nb/{county.dept_a.code}/2025/"


def check_page(page, width: int, label: str) -> None:
    if width <= 320:
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{label}: page is {overflow}px wide at a {width}px viewport"
    violations = axe_violations(page)
    assert not violations, f"{label}:\n{describe(violations)}"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{label}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 320])
def test_report_page_reads_well_in_both_modes(browser_page, live_server, report_path, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/xxgk/nb/")
    page.get_by_role("link", name="2025年度报告").click()
    page.wait_for_url(f"**{report_path}")
    assert page.get_by_role("heading", level=1).inner_text() == "测试县农业农村局2025年政府信息公开工作年度报告"
    # Each table scrolls in its own region, reachable by keyboard and named by the table's caption.
    names = page.locator('div[role="region"][tabindex="0"]').evaluate_all(
        "els => els.map(e => document.getElementById(e.getAttribute('aria-labelledby')).textContent)")
    assert names == ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    assert page.evaluate("getComputedStyle(document.querySelector('.annual-report__scroll')).overflowX") == "auto"
    check_page(page, width, f"annual-report-{width}")

    body_size = "parseFloat(getComputedStyle(document.querySelector('.annual-report__table')).fontSize)"
    before = page.evaluate(body_size)
    page.get_by_role("button", name="长者模式").click()
    assert page.evaluate(body_size) >= before * 1.25
    check_page(page, width, f"annual-report-elder-{width}")

    page.get_by_role("link", name="第1版").click()
    page.wait_for_url(f"**{report_path}v1/")
    assert "已被更正" in page.get_by_role("note").first.inner_text()
    check_page(page, width, f"annual-report-v1-elder-{width}")
    page.get_by_role("link", name="查看现行版本（第2版）").click()
    page.wait_for_url(f"**{report_path}")
    assert page.console_errors == []
