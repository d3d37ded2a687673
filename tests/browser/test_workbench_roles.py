"""The workbench of each role on the demo county (``gongkai.demo.loader.load_demo``: realistic
counts) in headless Chromium at 1280 px: it shows at least one work line or the calm 无待办
sentence, no script error and no serious or critical axe-core finding. With GONGKAI_BROWSER_SHOTS
set (``scripts/workbench_screenshots.sh``), a full-page screenshot per role is saved there; the
set in docs/screenshots illustrates docs/admin.md."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from gongkai.demo.loader import load_demo
from tests.browser.support import axe_violations, describe, enrol_authenticator, require_browser

require_browser()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("GONGKAI_BROWSER_SHOTS")  # a directory: save screenshots there
DESKTOP = {"width": 1280, "height": 900}

# (screenshot name, demo login): one person per role, the department ones from 农业农村局.
ROLES = [
    ("office-admin", "gkb_admin"),
    ("info-officer", "nyj_xxy"),
    ("confidentiality-reviewer", "nyj_bmsc"),
    ("approving-leader", "nyj_ld"),
    ("township-officer", "qsz_xxy"),
    ("village-clerk", "dlc_cwgl"),
    ("request-handler", "nyj_ysq"),
]


def test_each_role_sees_its_workbench(browser, live_server):
    load_demo()
    base = live_server.url
    for name, username in ROLES:
        context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(m.text))
        try:
            page.goto(f"{base}/admin/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", settings.GONGKAI_DEMO_PASSWORD)
            page.click("button[type=submit]")
            if name == "office-admin":
                enrol_authenticator(page, base)  # the county office signs in with a second factor
            else:
                page.wait_for_url(f"{base}/admin/")
            expect(page.locator(".gk-workbench")).to_be_visible()
            lines = page.locator(".gk-workbench__item").count()
            calm = page.locator(".gk-workbench__calm").count()
            assert lines or calm, f"{name}: neither a work line nor 无待办"
            if lines:
                first = page.locator(".gk-workbench__item").first.inner_text()
                assert "项" in first, f"{name}: {first}"
            else:
                expect(page.locator(".gk-workbench__calm").first).to_contain_text("无待办")
            if name == "office-admin":  # the county's charts are drawn before the picture
                expect(page.locator(".gk-workbench__canvas[data-drawn=true]")).to_have_count(3, timeout=20_000)
            violations = axe_violations(page)
            assert violations == [], f"{name}:\n{describe(violations)}"
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(SHOTS) / f"workbench-{name}.png"), full_page=True)
        finally:
            context.close()
        assert errors == [], f"{name}: {errors}"
