"""The guided case screen of 依申请公开 in headless Chromium at 1280 px (issue 14 §8): a handler
registers a posted application, asks for 补正, records the corrected application, issues a fee
notice computed from the number of pages (two steps: mode and pages, then the computed amount),
records the payment and answers. At each step the screen shows the state and the expected next
step first (rules.case_flow.next_step), with the side tracks folded; every screen has no serious
or critical axe-core findings and no console errors.

Fees: 办法第五条 按量计收, 120 pages = pages 1–30 free, 31–100 at 10 元, 101–120 at 20 元 = 1100 元.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from freezegun import freeze_time

from gongkai.core.models import Role
from gongkai.requests.models import Case
from tests.browser import support
from tests.browser.support import axe_violations, describe, require_browser

require_browser()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 900}
REAL_TIME = ["asyncio", "playwright", "greenlet", "selectors", "concurrent"]
SUBJECT = "2025年测试县农机购置补贴资金分配表及发放明细"


def check_a11y(page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{label}:\n{describe(violations)}"


def case_screen(page) -> dict[str, str]:
    """The state row of the case table and the heading of the next step ("" when none)."""
    state = page.locator("table.listing").first.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="状态", exact=True)).locator("td").inner_text()
    heading = page.locator("#next-title")
    return {"state": state.strip(), "next": heading.inner_text().strip() if heading.count() else ""}


def unfold_other_actions(page) -> None:
    details = page.locator("section[aria-labelledby=actions-title] details")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def act(page, action_label: str, **fields) -> None:
    """Fill and submit the action form named ``action_label``; Wagtail's message confirms it."""
    form = page.get_by_role("form", name=action_label)
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    with page.expect_navigation():
        form.get_by_role("button", name=action_label).click()
    notice = page.get_by_role("status")
    assert notice.inner_text().strip() == f"已{action_label}", notice.inner_text()


def test_handler_follows_the_guided_flow_from_registration_to_answer(browser, live_server, county, make_user):
    from gongkai.portal.setup import ensure_county_site

    ensure_county_site(county.county)
    handler_user = make_user(Role.REQUEST_HANDLER, county.dept_a)
    with freeze_time("2026-03-04 09:00:00+08:00", tick=True, ignore=REAL_TIME):
        page = support.sign_in(browser, live_server.url, handler_user.username, DESKTOP)
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        check_a11y(page, "dashboard")
        page.goto(f"{live_server.url}/admin/requests/")
        check_a11y(page, "case list")
        page.get_by_role("link", name="登记申请").click()
        page.wait_for_url("**/admin/requests/register/")
        check_a11y(page, "register")

        # --- Register a posted application signed for this morning ---------------------------------
        form = page.get_by_role("form", name="登记申请")
        form.get_by_label("受理机关").select_option(label="测试县农业农村局")
        form.get_by_label("申请方式").select_option(label="邮寄（需签收）")
        form.get_by_label("申请到达时间").fill("2026-03-04T08:30")
        form.get_by_label("自然人（公民个人）").check()
        form.get_by_label("申请人姓名").fill("钱七")
        form.get_by_label("联系电话").fill("0797-5550456")
        form.get_by_label("通信地址").fill("测试县城关镇5号")
        form.get_by_label("所需政府信息的名称").fill(SUBJECT)
        form.get_by_label("纸质", exact=True).check()
        form.get_by_label("邮寄", exact=True).check()
        with page.expect_navigation():
            form.get_by_role("button", name="登记").click()
        assert page.get_by_role("status").inner_text().strip().startswith("已登记，查询码")
        case = Case.objects.get(subject=SUBJECT)
        # Registered: the expected next step is the answer; 补正, 征求意见, 收费 and 撤回 are folded.
        assert case_screen(page) == {"state": "已登记", "next": "下一步：作出答复"}
        folded = page.locator("section[aria-labelledby=actions-title] details")
        assert folded.get_attribute("open") is None
        assert not page.get_by_role("form", name="发出补正通知").is_visible()
        summary = folded.locator("summary").inner_text()
        assert "发出补正通知" in summary and "发出收费通知" in summary
        check_a11y(page, "case registered")

        # --- 补正: a side track, unfolded on purpose --------------------------------------------------
        unfold_other_actions(page)
        check_a11y(page, "case registered, unfolded")
        act(page, "发出补正通知", period_end="2026-03-18", note="请写明所需分配表的年度和乡镇")
        assert case_screen(page) == {"state": "待补正", "next": "下一步：收到补正"}
        assert page.get_by_role("form", name="收到补正").is_visible()
        check_a11y(page, "case correction requested")

        act(page, "收到补正", note="申请人来信补充年度")
        assert case_screen(page) == {"state": "已补正", "next": "下一步：作出答复"}
        check_a11y(page, "case correction received")

        # --- The fee notice, step 1: mode and pages; step 2: the computed amount, then issue -------
        unfold_other_actions(page)
        fee = page.get_by_role("form", name="发出收费通知")
        fee.get_by_role("radio", name=re.compile("^按量计收")).check()
        fee.get_by_label("件数（按件计收").fill("120")
        with page.expect_navigation():
            fee.get_by_role("button", name="计算收费金额").click()
        quote = page.locator("#fee-quote-title")
        assert quote.inner_text().startswith("按标准计算应收：1100.00 元"), quote.inner_text()
        lines = page.get_by_role("form", name="发出收费通知").locator("li").all_inner_texts()
        assert lines == ["第1—30页：30页，不收费", "第31—100页：70页×10元/页=700元",
                         "第101—120页：20页×20元/页=400元"], lines
        assert page.get_by_label("收费金额（元）").input_value() == "1100.00"
        assert case_screen(page) == {"state": "已补正", "next": "下一步：作出答复"}  # nothing issued yet
        check_a11y(page, "case fee preview")
        act(page, "发出收费通知")
        assert case_screen(page) == {"state": "待缴费", "next": "下一步：收到缴费"}
        fees = page.locator("section[aria-labelledby=fees-title]").inner_text()
        assert "1100.00 元" in fees and "未缴费" in fees
        check_a11y(page, "case fee notified")

        act(page, "收到缴费")
        assert case_screen(page) == {"state": "已缴费", "next": "下一步：作出答复"}
        assert "2026-03-04" in page.locator("section[aria-labelledby=fees-title]").inner_text()
        check_a11y(page, "case fee paid")

        act(page, "作出答复", disposition="partial", note="部分公开，涉及个人信息的部分不予公开")
        assert case_screen(page) == {"state": "已答复", "next": "下一步：送达"}
        assert "部分公开" in page.locator("main").inner_text()
        check_a11y(page, "case decided")

        assert page.console_errors == [], page.console_errors
        page.context.close()

    case.refresh_from_db()
    assert case.state == "decided" and case.disposition == "partial"
    assert case.decided_on == dt.date(2026, 3, 4)
    notice = case.fee_notices.get()
    assert (notice.amount, notice.computed_amount, notice.paid_on) == (Decimal("1100.00"), Decimal("1100.00"),
                                                                       dt.date(2026, 3, 4))
    assert [e.action for e in case.events.order_by("pk")] == [
        "register", "request_correction", "receive_correction", "notify_fee", "receive_payment", "decide"]
