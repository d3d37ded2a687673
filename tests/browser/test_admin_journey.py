"""The office administrator signs in to the admin in headless Chromium and reaches the screens of
bodies and the audit log."""

import pytest

from gongkai.core.models import Role
from tests.browser.support import require_browser
from tests.conftest import PASSWORD

require_browser()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_office_admin_signs_in(browser_page, live_server, county, make_user):
    admin = make_user(Role.OFFICE_ADMIN, county.office)
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    assert "登录" in page.title()
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "政务公开管理后台" in page.title()
    sidebar = page.locator("#wagtail-sidebar").inner_text()
    for label in ("机构", "人员", "角色授权", "节假日", "审计日志"):
        assert label in sidebar, label
    page.goto(f"{live_server.url}/admin/bodies/")
    assert page.get_by_text("测试县农业农村局").first.is_visible()
    page.goto(f"{live_server.url}/admin/audit/")
    assert page.get_by_text("新增机构").first.is_visible()
    assert page.console_errors == []
