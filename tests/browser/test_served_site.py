"""What `make run` gives a visitor: the demo county served by `gongkai serve` (granian, WhiteNoise,
static files collected by serve itself), loaded in Chromium with every asset, public and admin."""

import os
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
    env = operator_env
    # No collectstatic: serve prepares the static files itself (issue 13 §9).
    for args in (["migrate", "--noinput"], ["demo"]):
        done = subprocess.run([*GONGKAI, *args], env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([*GONGKAI, "serve", "--port", str(port)], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # serve collects the static files first
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=5).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "gongkai serve did not answer within 90 s"
            time.sleep(0.3)
    yield url
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=20)


def test_demo_site_and_admin_load_completely(browser, served):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failed = []
    # A navigation cancels what the previous page still had in flight (the favicon, typically):
    # net::ERR_ABORTED is the browser moving on, not a missing asset.
    page.on("requestfailed", lambda request: "ERR_ABORTED" not in (request.failure or "")
            and failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    try:
        for path in ("/", "/xxgk/", "/xxgk/zhinan/", "/admin/login/"):
            page.goto(served + path, wait_until="load", timeout=20_000)
        page.fill("input[name=username]", "gkb_admin")
        page.fill("input[name=password]", "gongkai-demo-2026")
        page.click("button[type=submit]")
        # The office admin's first sign-in enrols an authenticator app: read the key as the app
        # would and send the current code, then continue past the recovery codes.
        enrol_authenticator(page, served)
        assert "青山县人民政府" in page.content()
        page.goto(served + "/admin/bodies/", wait_until="load", timeout=20_000)
        assert "青山县农业农村局" in page.content()
    finally:
        context.close()
    assert failed == []


def test_walk_from_home_to_a_record_and_its_attachment(browser, served):
    from tests.browser.support import axe_violations, describe

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(served + "/", wait_until="load")
        page.get_by_role("link", name="法定主动公开内容").first.click()
        page.wait_for_load_state("load")
        assert "法定主动公开内容" in page.title()
        page.locator(".directory-row", has_text="青山县农业农村局").locator("a").first.click()
        page.wait_for_load_state("load")
        assert "青山县农业农村局" in page.content()
        violations = axe_violations(page)
        assert violations == [], describe(violations)
        page.locator(".area-nav a", has_text="涉农补贴").first.click()  # body → area
        page.wait_for_load_state("load")
        assert page.locator(".area-nav a[aria-current]", has_text="涉农补贴").count() == 1
        assert page.locator(".item-nav a").count() >= 1  # the area's catalogue items
        violations = axe_violations(page)
        assert violations == [], describe(violations)
        page.locator(".record-list a", has_text="补贴").first.click()
        page.wait_for_load_state("load")
        meta = page.locator(".meta-table").inner_text()
        for label in ("索引号", "发布机构", "成文日期", "文号", "有效性"):
            assert label in meta
        violations = axe_violations(page)
        assert violations == [], describe(violations)
        with page.expect_download() as download:
            page.locator(".attachments a").first.click()
        assert download.value.suggested_filename.endswith(".xlsx")
        # Then a search from the header box, as a citizen would.
        page.fill("#site-q", "耕地地力保护补贴")
        page.press("#site-q", "Enter")
        page.wait_for_load_state("load")
        assert page.locator(".search-results li").count() >= 1
        assert page.locator(".search-results mark").count() >= 1
        violations = axe_violations(page)
        assert violations == [], describe(violations)
        page.locator(".search-results a").first.click()
        page.wait_for_load_state("load")
        assert "耕地地力保护补贴" in page.locator("h1").inner_text()
        page.set_viewport_size({"width": 320, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.go_back(wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        violations = axe_violations(page)
        assert violations == [], describe(violations)
    finally:
        context.close()
    assert errors == []


def test_standardisation_area_page_is_accessible(browser, served):
    from tests.browser.support import axe_violations, describe

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(served + "/", wait_until="load")
        page.get_by_role("link", name="基层政务公开标准化规范化").first.click()
        page.wait_for_load_state("load")
        page.get_by_role("link", name="涉农补贴").first.click()
        page.wait_for_load_state("load")
        assert "青山县农业农村局" in page.content() and page.locator(".catalogue-table").count() >= 2
        assert page.locator(".catalogue-table a").count() >= 1  # items link to published records
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 800})
            violations = axe_violations(page)
            assert violations == [], describe(violations)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()
