"""The served demo site under its Content-Security-Policy (issue 13 §7): a visitor walks the main
public pages (home, a record, search, the application form, the status lookup, a village's notices,
the resident lookup, an annual report) and uses what is interactive there (长者模式 and 无障碍
toggles, the main menu, the search box, the forms); the browser reports no CSP violation. An
officer's admin pages, under the relaxed admin policy, report none either."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.support import enrol_authenticator, require_browser

require_browser()
pytestmark = pytest.mark.browser
GONGKAI = [sys.executable, "-m", "gongkai.cli"]


@pytest.fixture(scope="module")
def served(operator_env):
    """`gongkai serve` on the demo county, as tests/browser/test_served_site.py does it, with the
    operator's defaults: the database cache and the policies of settings.py."""
    env = operator_env
    for args in (["migrate", "--noinput"], ["demo"], ["collectstatic", "--noinput", "--verbosity", "0"]):
        done = subprocess.run([*GONGKAI, *args], env=env, capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, done.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([*GONGKAI, "serve", "--port", str(port)], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=10).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "gongkai serve did not answer within 120 s"
            time.sleep(0.5)
    yield url
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)

# Recorded by the page itself before any of its own scripts run (init scripts are not subject to
# the page's CSP): every securitypolicyviolation event, with what was blocked and where.
PROBE = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at "
                    + (e.sourceFile || document.location.pathname) + ":" + e.lineNumber);
});
"""
CSP_MESSAGE = re.compile(r"Content Security Policy|Refused to", re.I)


def open_context(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_init_script(PROBE)
    page = context.new_page()
    page.csp_console, page.errors = [], []
    page.on("console", lambda m: CSP_MESSAGE.search(m.text) and page.csp_console.append(m.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return context, page


def visit(page, url: str):
    response = page.goto(url, wait_until="load", timeout=20_000)
    assert response.status < 400, url
    violations = page.evaluate("window.__csp")
    assert violations == [], f"{url}: {violations}"
    return response


def test_public_pages_run_under_the_strict_policy(browser, served):
    context, page = open_context(browser)
    try:
        home = visit(page, served + "/")
        policy = home.header_value("content-security-policy")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "camera=()" in home.header_value("permissions-policy")

        # 长者模式 and 无障碍: buttons wired by modes.js (a static file), remembered across pages.
        elder = page.get_by_role("button", name="长者模式")
        elder.click()
        assert elder.get_attribute("aria-pressed") == "true"
        assert page.evaluate("document.documentElement.classList.contains('mode-elder')")
        page.get_by_role("button", name="无障碍").click()
        assert page.evaluate("document.documentElement.classList.contains('mode-a11y')")

        # The main menu, then a record found through the header search box.
        page.locator(".site-nav a", has_text="政府信息公开").first.click()
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.classList.contains('mode-elder')")  # remembered
        page.fill("#site-q", "耕地地力保护补贴")
        page.press("#site-q", "Enter")
        page.wait_for_load_state("load")
        assert page.locator(".search-results li").count() >= 1
        page.locator(".search-results a").first.click()
        page.wait_for_load_state("load")
        assert "索引号" in page.locator(".meta-table").inner_text()
        assert page.evaluate("window.__csp") == []

        # The application form: posting it empty names the fields to fix (CSRF cookie, form-action).
        visit(page, served + "/xxgk/ysqgk/apply/")
        page.locator("form.request-form button[type=submit], .request-form form button[type=submit]").first.click()
        page.wait_for_load_state("load")
        assert page.locator("#form-errors").is_visible()
        assert page.evaluate("window.__csp") == []
        visit(page, served + "/xxgk/ysqgk/status/")
        page.fill("input[name=code]", "2026-AAAAAAAA")
        page.fill("input[name=digits]", "1234")
        page.get_by_role("button", name="查询").click()
        page.wait_for_load_state("load")
        assert "没有找到" in page.content()

        # 村务公开: a village's notices (styles from villages.css), then the resident lookup.
        visit(page, served + "/cwgk/")
        page.locator("a[href*='/cwgk/village/']").first.click()
        page.wait_for_load_state("load")
        assert page.evaluate("getComputedStyle(document.querySelector('.va-table, .va-list, .vc-public') "
                             "|| document.body).display") != ""
        assert page.evaluate("window.__csp") == []
        visit(page, served + "/cwgk/")
        page.get_by_role("link", name="进入查询").click()
        page.wait_for_load_state("load")
        page.fill("#l-name", "张三")
        page.fill("#l-id_number", "360702198805056789")
        page.get_by_role("button", name="查询").click()
        page.wait_for_load_state("load")
        assert "未查到" in page.content()
        assert page.evaluate("getComputedStyle(document.querySelector('.va-error')).fontWeight") == "700"

        # An annual report (its own stylesheet, linked from the page).
        visit(page, served + "/xxgk/nb/")
        page.locator("a", has_text=re.compile(r"\d{4}年度报告")).first.click()
        page.wait_for_load_state("load")
        assert page.locator("table").count() >= 1
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()
    assert page.csp_console == [] and page.errors == []


def test_admin_pages_run_under_the_admin_policy(browser, served):
    context, page = open_context(browser)
    try:
        login = visit(page, served + "/admin/login/")
        assert "'unsafe-inline'" in login.header_value("content-security-policy")
        page.fill("input[name=username]", "gkb_admin")
        page.fill("input[name=password]", "gongkai-demo-2026")
        page.click("button[type=submit]")
        # The office admin's first sign-in enrols an authenticator (the enrolment pages run under
        # the admin policy too): read the key as the app would and send the current code.
        enrol_authenticator(page, served)
        # The dashboard, a listing, the record editor (inline scripts of Wagtail's panels), the page tree.
        for path in ("/admin/", "/admin/bodies/", "/admin/snippets/disclosure/record/",
                     "/admin/snippets/disclosure/record/add/", "/admin/pages/"):
            visit(page, served + path)
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()
    assert page.csp_console == [] and page.errors == []
