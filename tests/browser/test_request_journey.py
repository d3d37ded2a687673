"""依申请公开 end to end in headless Chromium, through the UI only (issue 5, acceptance: "a citizen
applies → a handler registers the application, asks for 补正, extends, then decides → the citizen
sees the status").

A citizen applies on a 360 px phone with an identity document and gets the receipt with the query
code; the handler of the target body finds the registered case on the admin dashboard and sends a
补正 notice; the corrected application arrives and the handler records it; the extension is
approved by the head of the body's disclosure office (审核领导, 条例第三十三条第二款 — the handler
cannot grant it); the handler decides with a disposition. After each stage the citizen looks the
case up with the code and the last 4 digits and sees the stage and the due date move:
2026-03-30 → 暂停计时 → 2026-04-07 (restarted, past 清明) → 2026-05-08 (+20 working days, past
劳动节) → 办结. Time is frozen per stage (the live server runs in this process); the browser's own
clock and Playwright's event loop keep real time.

The public form, receipt and status page have no serious or critical axe-core findings, at 360 px,
with and without 长者模式. The status page shows none of the applicant's data, and a wrong last-4
gives exactly the page an unknown code gives.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from freezegun import freeze_time

from gongkai.core.models import Role
from gongkai.portal.setup import ensure_county_site
from gongkai.requests.setup import ensure_request_page
from tests.browser import support
from tests.browser.support import axe_violations, describe, require_browser

require_browser()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BASE = "/xxgk/ysqgk/"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
# A complete (tiny) PNG: the service checks the leading signature and the IEND trailer.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IEND\xaeB`\x82"
# Freezegun must leave the clocks of Playwright's event loop alone.
REAL_TIME = ["asyncio", "playwright", "greenlet", "selectors", "concurrent"]
SHOTS = os.environ.get("GONGKAI_BROWSER_SHOTS")  # a directory: save screenshots there

APPLICANT = {
    "name": "王晓明", "id_number": "36070219880808283X", "phone": "13907975678", "email": "wxm@example.com",
    "address": "测试县城关镇人民路18号", "postcode": "341900",
}
SUBJECT = "2025年测试县高标准农田建设项目验收结果"
DESCRIPTION = "县农业农村局2025年第四季度发布的验收通知"


@pytest.fixture
def cast(county, make_user):
    """The site with its 依申请公开 column, and the people of 测试县农业农村局."""
    home = ensure_county_site(county.county)  # the default site: the live server's host finds it
    ensure_request_page(home)
    return {
        "handler": make_user(Role.REQUEST_HANDLER, county.dept_a),
        "head": make_user(Role.APPROVING_LEADER, county.dept_a),
    }


def check_a11y(page, label: str) -> None:
    """No serious/critical axe findings and no sideways scrolling, in normal and 长者模式."""
    for mode in ("normal", "elder"):
        if mode == "elder":
            toggle = page.get_by_role("button", name="长者模式")
            toggle.click()
            assert toggle.get_attribute("aria-pressed") == "true"
            assert page.evaluate("document.documentElement.classList.contains('mode-elder')")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{label} ({mode}): {width}px wide at a {PHONE['width']}px viewport"
        violations = axe_violations(page)
        assert not violations, f"{label} ({mode}):\n{describe(violations)}"
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f"request-{label}-{mode}.png"), full_page=True)
    page.get_by_role("button", name="长者模式").click()  # back to normal for the next page
    assert not page.evaluate("document.documentElement.classList.contains('mode-elder')")


def sign_in(browser, live_server, user, staff: list):
    """A fresh browser for ``user`` (a new working day: the session of weeks ago has expired)."""
    page = support.sign_in(browser, live_server.url, user.username, DESKTOP)
    staff.append(page)
    return page


def open_case(page, live_server, expect_state: str):
    """The dashboard lists the case (oldest first); open it from its row."""
    page.goto(f"{live_server.url}/admin/requests/")
    row = page.get_by_role("row").filter(has_text=SUBJECT[:20])
    assert row.count() == 1
    assert expect_state in row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_load_state()
    return page


def act(page, action_label: str, **fields) -> None:
    """Fill and submit the action form named ``action_label`` on the case screen."""
    folded = page.locator("section[aria-labelledby=actions-title] details")
    if folded.count() and folded.get_attribute("open") is None and action_label in folded.locator("summary").inner_text():
        folded.locator("summary").click()  # a side track (补正, 延期) is folded below the next step
    form = page.get_by_role("form", name=action_label)
    for selector, value in fields.items():
        control = form.locator(f"[name={selector}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.get_by_role("button", name=action_label).click()
    page.wait_for_load_state()
    notice = page.get_by_role("status")  # exactly one live region (Wagtail's messages)
    assert notice.inner_text().strip() == f"已{action_label}", notice.inner_text()


def look_up(page, live_server, code: str, digits: str) -> str:
    """The citizen's status lookup; returns the text of the main content."""
    page.goto(f"{live_server.url}{BASE}status/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("证件号码或联系电话的后4位").fill(digits)
    with page.expect_navigation():
        page.get_by_role("button", name="查询", exact=True).click()
    assert page.get_by_label("证件号码或联系电话的后4位").input_value() == ""  # the digits are not echoed
    return page.locator("main").inner_text()


def progress(page) -> dict[str, str]:
    """The rows of the 办理进度 table (header → cell text) and the stages listed."""
    panel = page.locator("section[aria-labelledby=status-title]")
    rows = {panel.locator("th").nth(i).inner_text(): panel.locator("td").nth(i).inner_text()
            for i in range(panel.locator("th").count())}
    rows["stages"] = " / ".join(panel.locator("ol.stage-list li").all_inner_texts())
    return rows


def assert_no_personal_data(page) -> None:
    html = page.content()
    for key in ("name", "id_number", "phone", "email", "address"):
        assert APPLICANT[key] not in html, key
    assert APPLICANT["id_number"][:14] not in html and APPLICANT["phone"][:7] not in html
    assert "证件号码" not in page.locator("section[aria-labelledby=status-title]").inner_text()


def test_citizen_applies_handler_corrects_extends_decides_citizen_follows(browser, browser_page, live_server,
                                                                          cast):
    citizen, staff = browser_page, []
    citizen.set_viewport_size(PHONE)
    with freeze_time("2026-03-02 10:00:00+08:00", tick=True, ignore=REAL_TIME) as clock:
        # --- Monday 2 March: the citizen applies on a phone --------------------------------------
        citizen.goto(f"{live_server.url}{BASE}")
        citizen.get_by_role("link", name="在线申请").first.click()
        citizen.wait_for_url(f"**{BASE}apply/")
        check_a11y(citizen, "apply")
        citizen.get_by_label("自然人（公民个人）").check()
        citizen.get_by_label("申请人姓名").fill(APPLICANT["name"])
        citizen.get_by_label("证件号码").fill(APPLICANT["id_number"])
        citizen.get_by_label("身份证明材料").set_input_files(
            files=[{"name": "身份证.png", "mimeType": "image/png", "buffer": PNG}])
        citizen.get_by_label("联系电话").fill(APPLICANT["phone"])
        citizen.get_by_label("电子邮箱").fill(APPLICANT["email"])
        citizen.get_by_label("通信地址").fill(APPLICANT["address"])
        citizen.get_by_label("邮政编码").fill(APPLICANT["postcode"])
        citizen.get_by_label("所需政府信息的名称").fill(SUBJECT)
        citizen.get_by_label("文号或者便于查询的特征性描述").fill(DESCRIPTION)
        citizen.get_by_label("电子", exact=True).check()
        citizen.get_by_label("电子邮件", exact=True).check()
        # The citizen forgets the 受理机关: the error is named beside it, the data are kept.
        with citizen.expect_navigation():
            citizen.get_by_role("button", name="提交申请").click()
        assert "申请表有 1 处需要修改" in citizen.get_by_role("alert").inner_text()
        assert citizen.console_errors == [  # the invalid form is answered 400, as intended
            "Failed to load resource: the server responded with a status of 400 (Bad Request)"]
        citizen.console_errors.clear()
        body = citizen.get_by_label("受理机关")
        assert body.get_attribute("aria-invalid") == "true"
        assert citizen.locator(f"#{body.get_attribute('aria-describedby').split()[-1]}").inner_text() == \
            "请选择受理申请的行政机关"
        assert citizen.get_by_label("申请人姓名").input_value() == APPLICANT["name"]
        check_a11y(citizen, "apply-error")
        body.select_option(label="测试县农业农村局")
        citizen.get_by_label("身份证明材料").set_input_files(  # a browser never keeps a chosen file
            files=[{"name": "身份证.png", "mimeType": "image/png", "buffer": PNG}])
        with citizen.expect_navigation():
            citizen.get_by_role("button", name="提交申请").click()
        assert citizen.get_by_role("heading", level=1).inner_text() == "政府信息公开申请回执"
        code = citizen.locator(".receipt-code strong").inner_text()
        assert re.fullmatch(r"2026-[0-9A-Z]{8}", code), code
        receipt = citizen.locator("main").inner_text()
        assert "2026年3月2日" in receipt and "2026年3月30日" in receipt and "测试县农业农村局" in receipt
        check_a11y(citizen, "receipt")

        text = look_up(citizen, live_server, code, APPLICANT["phone"][-4:])
        check_a11y(citizen, "status")
        state = progress(citizen)
        assert state["当前状态"] == "已登记" and state["答复期限"].startswith("2026年3月30日"), state
        assert state["stages"] == "2026年3月2日 收到申请"
        assert_no_personal_data(citizen)

        # A wrong last 4 reveals nothing: the same page as for a code that does not exist.
        wrong = look_up(citizen, live_server, code, "0000")
        assert "没有找到与查询码和后4位号码相符的申请" in wrong
        assert citizen.locator("section[aria-labelledby=status-title]").count() == 0
        assert "测试县农业农村局" not in wrong and SUBJECT not in wrong and "已登记" not in wrong
        unknown = look_up(citizen, live_server, "2026-ZZZZZZZZ", "0000")
        assert wrong == unknown
        assert text != wrong

        # --- Wednesday 4 March: the handler finds the registered case and asks for 补正 ----------
        clock.move_to("2026-03-04 09:00:00+08:00")
        handler = sign_in(browser, live_server, cast["handler"], staff)
        open_case(handler, live_server, "已登记")
        case_text = handler.locator("main").inner_text()
        assert APPLICANT["name"] in case_text and APPLICANT["id_number"] in case_text  # the handler sees them
        assert "已上传" in case_text  # the identity document arrived with the application
        assert "网上申请" in case_text and "2026-03-30" in case_text
        assert handler.get_by_role("form", name="延长答复期限").count() == 0  # only the office head extends
        act(handler, "发出补正通知", period_end="2026-03-20", note="请写明所需验收结果涉及的项目名称")
        assert "待补正" in handler.locator("main").inner_text()

        state = progress_after(citizen, live_server, code)
        assert state["当前状态"] == "待补正" and state["答复期限"].startswith("暂停计时"), state
        assert state["补正期限"].startswith("2026年3月20日前") and "视为放弃申请" in state["补正期限"], state
        check_a11y(citizen, "status-correction")
        assert "项目名称" not in citizen.locator("main").inner_text()  # notes stay internal

        # --- Monday 9 March: the corrected application arrives; the handler records it -----------
        clock.move_to("2026-03-09 15:00:00+08:00")
        handler = sign_in(browser, live_server, cast["handler"], staff)
        open_case(handler, live_server, "待补正")
        act(handler, "收到补正", note="申请人来电补充项目名称")
        main = handler.locator("main").inner_text()
        assert "已补正" in main and "2026-04-07" in main

        state = progress_after(citizen, live_server, code, digits=APPLICANT["id_number"][-4:].lower())
        assert state["当前状态"] == "已补正" and state["答复期限"].startswith("2026年4月7日"), state

        # --- Wednesday 1 April: the head of the disclosure office approves the extension ---------
        clock.move_to("2026-04-01 10:00:00+08:00")
        handler = sign_in(browser, live_server, cast["handler"], staff)
        open_case(handler, live_server, "已补正")
        assert handler.get_by_role("form", name="延长答复期限").count() == 0
        assert handler.get_by_text("须经政府信息公开工作机构负责人同意").is_visible()
        head = sign_in(browser, live_server, cast["head"], staff)
        open_case(head, live_server, "已补正")
        act(head, "延长答复期限", workdays="20", note="涉及多个项目，需要汇总")
        main = head.locator("main").inner_text()
        assert "已延期" in main and "2026-05-08" in main

        state = progress_after(citizen, live_server, code)
        assert state["当前状态"] == "已延期" and state["答复期限"].startswith("2026年5月8日"), state

        # --- Tuesday 28 April: the handler decides ----------------------------------------------
        clock.move_to("2026-04-28 16:00:00+08:00")
        handler = sign_in(browser, live_server, cast["handler"], staff)
        open_case(handler, live_server, "已延期")
        act(handler, "作出答复", disposition="partial")
        main = handler.locator("main").inner_text()
        assert "已答复" in main and "部分公开" in main

        state = progress_after(citizen, live_server, code)
        assert state["当前状态"] == "已答复" and state["办结日期"] == "2026年4月28日", state
        assert "答复期限" not in state
        assert state["stages"] == " / ".join([
            "2026年3月2日 收到申请", "2026年3月4日 发出补正通知", "2026年3月9日 收到补正",
            "2026年4月1日 延长答复期限", "2026年4月28日 作出答复"])
        check_a11y(citizen, "status-decided")
        assert_no_personal_data(citizen)

    for page in staff:
        assert page.console_errors == [], page.console_errors
        page.context.close()
    assert citizen.console_errors == [], citizen.console_errors


def progress_after(page, live_server, code: str, digits: str = APPLICANT["phone"][-4:]) -> dict[str, str]:
    look_up(page, live_server, code, digits)
    assert_no_personal_data(page)
    return progress(page)


def test_handler_registers_a_posted_application_and_the_applicant_follows_it(browser, browser_page, live_server,
                                                                            cast):
    """A paper application signed for on Thursday 5 March is registered on the 登记申请 screen (the
    receipt date is the day of signing, 条例第三十一条); the applicant then follows it by phone."""
    staff: list = []
    with freeze_time("2026-03-06 09:00:00+08:00", tick=True, ignore=REAL_TIME):
        handler = sign_in(browser, live_server, cast["handler"], staff)
        handler.goto(f"{live_server.url}/admin/requests/")
        handler.get_by_role("link", name="登记申请").click()
        handler.wait_for_url("**/admin/requests/register/")
        violations = axe_violations(handler)
        assert not violations, describe(violations)
        if SHOTS:
            handler.screenshot(path=str(Path(SHOTS) / "request-admin-register.png"), full_page=True)
        form = handler.get_by_role("form", name="登记申请")
        form.get_by_label("受理机关").select_option(label="测试县农业农村局")
        form.get_by_label("申请方式").select_option(label="邮寄（需签收）")
        form.get_by_label("申请到达时间").fill("2026-03-05T15:20")
        form.get_by_label("自然人（公民个人）").check()
        form.get_by_label("申请人姓名").fill("赵六")
        form.get_by_label("联系电话").fill("0797-5550123")
        form.get_by_label("通信地址").fill("测试县城关镇3号")
        form.get_by_label("所需政府信息的名称").fill("2025年测试县农机购置补贴资金分配表")
        form.get_by_label("纸质", exact=True).check()
        form.get_by_label("邮寄", exact=True).check()
        with handler.expect_navigation():
            form.get_by_role("button", name="登记").click()
        notice = handler.get_by_role("status").inner_text()
        code = re.search(r"已登记，查询码 (2026-[0-9A-Z]{8})", notice).group(1)
        main = handler.locator("main").inner_text()
        assert "邮寄（需签收）" in main and "2026-03-05" in main and "2026-04-02" in main

        citizen = browser_page
        citizen.set_viewport_size(PHONE)
        look_up(citizen, live_server, code, "0123")
        state = progress(citizen)
        assert state["当前状态"] == "已登记" and state["收到申请之日"] == "2026年3月5日", state
        assert state["答复期限"].startswith("2026年4月2日"), state
        assert "赵六" not in citizen.content() and "5550123" not in citizen.content()

    for page in (*staff, citizen):
        assert page.console_errors == [], page.console_errors
    for page in staff:
        page.context.close()
