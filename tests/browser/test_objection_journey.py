"""Issue 14 §8: a township officer answers subsidy objections (异议) and the citizens read the
outcome by their codes. A published 公示 of 甲村 receives two objections (filed through the
service, as the public form does); the officer follows the workbench's 补贴公示异议待答复 line to
the list, answers one 不成立 with a reason and the other 成立 with a corrected amount (a corrected
notice is issued); each citizen then looks the code up on the public page on a 320 px phone.

The admin screens have no serious or critical axe-core finding at 1280 px, the public lookup none
at 320 px (and no sideways scrolling); no script or console error anywhere."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gongkai.core.actors import SYSTEM
from gongkai.core.models import Role
from gongkai.portal.setup import ensure_county_site
from gongkai.villages.models import Notice, NoticeStatus, Objection, ObjectionStatus, Payout, SubsidyProgramme
from gongkai.villages.services.subsidies import file_objection, import_payouts, publish_notices
from tests.browser.support import axe_violations, describe, require_browser, sign_in
from tests.villages.conftest import csv_bytes, rows_for

require_browser()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 780}
SHOTS = os.environ.get("GONGKAI_BROWSER_SHOTS")  # a directory: save screenshots there
REASON = "经核实，该户补贴面积与土地确权登记面积一致，发放金额无误。"


@pytest.fixture
def filed(county, make_user):
    """甲村's 2025 耕地地力保护补贴 in its 公示期, two objections, and 甲镇's 信息员."""
    ensure_county_site(county.county)  # the default site: the live server's host finds it
    programme = SubsidyProgramme.objects.get(name="耕地地力保护补贴")
    import_payouts(SYSTEM, data=csv_bytes(rows_for(["甲村"], per_village=3)), filename="甲村.csv",
                   programme=programme, year=2025, township=county.township_a)
    (notice,) = publish_notices(SYSTEM, programme=programme, year=2025, township=county.township_a,
                                supervision_phone="0797-5231001")
    rejected = file_objection(notice=notice, name="李四", phone="13907970001", content="张一甲的补贴面积多算了")
    upheld = file_objection(notice=notice, name="王五", phone="13907970002", content="我家补贴面积少算了一亩")
    return {"notice": notice, "rejected": rejected, "upheld": upheld,
            "officer": make_user(Role.INFO_OFFICER, county.township_a)}


def check(page, label: str, width: int) -> None:
    if width <= PHONE["width"]:
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{label}: {wide}px wide at a {width}px viewport"
    violations = axe_violations(page)
    assert violations == [], f"{label}:\n{describe(violations)}"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"objection-{label}.png"), full_page=True)


def answer(page, label: str, result: str, reason: str) -> None:
    expect(page.get_by_role("heading", name="答复异议")).to_be_visible()
    check(page, label, DESKTOP["width"])
    page.get_by_label(result).check()
    page.get_by_label("处理理由（群众凭查询码可见）").fill(reason)


def look_up(browser, base: str, code: str):
    page = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.goto(f"{base}/cwgk/objection/")
    page.locator("#oc-code").fill(code.lower())  # typed as remembered: the code is not case-sensitive
    page.locator("#oc-code").press("Enter")
    expect(page.get_by_role("status")).not_to_contain_text("待处理")
    return page


def test_township_answers_objections_and_citizens_read_the_outcome(browser, live_server, county, filed):
    base = live_server.url
    notice, first, second = filed["notice"], filed["rejected"], filed["upheld"]

    # -- the township officer, at a desk: the workbench line leads to the objections --
    officer = sign_in(browser, base, filed["officer"].username, DESKTOP)
    officer.on("console", lambda m: m.type == "error" and officer.console_errors.append(m.text))
    line = officer.locator('[data-item="objections_pending"]')
    expect(line).to_contain_text("补贴公示异议待答复")
    expect(line).to_contain_text("2 项")
    line.get_by_role("link").click()
    officer.wait_for_url("**/admin/villages/subsidy/objections/")
    rows = officer.get_by_role("table", name="异议列表").locator("tbody tr")
    expect(rows).to_have_count(2)
    check(officer, "list", DESKTOP["width"])

    # 不成立, with a reason the citizen will read
    rows.filter(has_text="李四").get_by_role("link").click()
    officer.wait_for_url(f"**/admin/villages/subsidy/objections/{first.pk}/")
    expect(officer.locator("main")).to_contain_text(first.code)
    answer(officer, "answer", "异议不成立", REASON)
    officer.get_by_role("button", name="提交答复").click()
    officer.wait_for_url(f"**/admin/villages/subsidy/objections/{first.pk}/")
    expect(officer.locator("main")).to_contain_text("已答复（异议不成立）")
    expect(officer.get_by_role("heading", name="答复异议")).to_have_count(0)  # answered once
    # Wagtail fades its message in: axe measures the contrast once it is fully shown.
    expect(officer.locator(".messages > ul")).to_have_css("opacity", "1")
    check(officer, "answered", DESKTOP["width"])
    first.refresh_from_db()
    assert first.status == ObjectionStatus.REJECTED and first.reason == REASON

    # 成立: the first person's amount corrected, issued as a corrected notice
    officer.get_by_role("link", name="返回异议列表").click()
    officer.wait_for_url("**/admin/villages/subsidy/objections/")
    expect(rows).to_have_count(1)
    rows.get_by_role("link").click()
    officer.wait_for_url(f"**/admin/villages/subsidy/objections/{second.pk}/")
    payout = Payout.objects.filter(village=county.village_a, programme=notice.programme).order_by("row_number")[0]
    answer(officer, "answer-upheld", "异议成立（更正名单并发布更正公示）", "经核实，漏计承包地一亩，予以更正。")
    officer.get_by_label(f"{payout.name}更正金额").fill("999.99")
    officer.get_by_role("button", name="提交答复").click()
    officer.wait_for_url(f"**/admin/villages/subsidy/objections/{second.pk}/")
    expect(officer.locator("main")).to_contain_text("更正公示已发布")
    assert officer.console_errors == []
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SUPERSEDED
    assert Notice.objects.filter(village=county.village_a, status=NoticeStatus.OPEN).count() == 1
    payout.refresh_from_db()
    assert payout.amount == Decimal("999.99")
    officer.context.close()

    # -- the citizens, on phones, by their codes --
    rejected = look_up(browser, base, first.code)
    status = rejected.get_by_role("status")
    expect(status).to_have_text(Objection.objects.get(pk=first.pk).get_status_display())
    expect(rejected.locator("main")).to_contain_text(REASON)
    expect(rejected.locator("main")).not_to_contain_text("李四")  # nothing about the objector
    check(rejected, "lookup", PHONE["width"])
    assert rejected.console_errors == []
    rejected.context.close()

    upheld = look_up(browser, base, second.code)
    expect(upheld.get_by_role("status")).to_contain_text("异议成立")
    expect(upheld.locator("main")).to_contain_text("已发布更正公示")
    check(upheld, "lookup-upheld", PHONE["width"])
    assert upheld.console_errors == []
    upheld.context.close()
