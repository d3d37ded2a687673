"""The county office's workbench in headless Chromium at 1280 px: the charts are drawn by ECharts
(a static file from npm) from the json_script data, no Content-Security-Policy violation, no script
error, and no serious or critical axe-core finding."""

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from gongkai.core.models import Role
from gongkai.requests.services.cases import register
from tests.browser.support import axe_violations, describe, enrol_authenticator, require_browser
from tests.conftest import PASSWORD

require_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOT = Path(tempfile.gettempdir()) / "gongkai-workbench.png"
PROBE = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline"));
});
"""


def test_office_workbench_draws_its_charts(browser, live_server, county, make_user):
    admin = make_user(Role.OFFICE_ADMIN, county.office)
    handler = make_user(Role.REQUEST_HANDLER, county.dept_a)
    # Something to count and to chart: an application received a month ago, now overdue.
    arrived = timezone.now() - dt.timedelta(days=45)
    register(handler, body=county.dept_a, channel="in_person", arrived_at=arrived, applicant_type="natural_person",
             subject="2025年耕地地力保护补贴发放名单",
             applicant={"name": "张三", "id_type": "resident_id", "id_number": "360702199001011234",
                        "phone": "13800001234", "email": "zhangsan@example.com", "address": "测试县城关镇1号"})
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_init_script(PROBE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", admin.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        enrol_authenticator(page, live_server.url)
        page.wait_for_selector('[data-chart="cases"][data-drawn="true"] svg', timeout=20_000)
        assert page.locator('[data-item="cases_overdue"]').inner_text().endswith("1 项")
        assert page.locator(".gk-workbench__canvas[data-drawn=true]").count() == 3
        assert page.locator(".gk-workbench__chart table").count() == 3  # a data table per chart
        # Our scripts are files: the only script without src in the workbench is the JSON data.
        assert page.evaluate("""[...document.querySelectorAll('.gk-workbench script:not([src])')]
                                .map(s => s.type)""") == ["application/json"]
        assert page.evaluate("window.__csp") == []
        violations = axe_violations(page)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        assert violations == [], describe(violations)
    finally:
        context.close()
    assert errors == []
