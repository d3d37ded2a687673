"""The office administrator signs in to the admin in headless Chromium, enrols an authenticator
on first sign-in (two-factor authentication, issue 13) and reaches the screens of bodies and the
audit log."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from gongkai.core.models import Role
from tests.browser.support import axe_violations, describe, require_browser
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
    # First sign-in of an office admin: enrol an authenticator app. Like the app, read the key
    # shown for manual entry and compute the current code from it.
    page.wait_for_url(f"{live_server.url}/admin/two-factor/enrol/**")
    assert page.locator("svg[role=img]").is_visible()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("验证码").fill(f"{totp(b32decode(secret)):06d}")
    page.get_by_role("button", name="完成绑定").click()
    page.wait_for_url(f"{live_server.url}/admin/two-factor/recovery-codes/")
    assert page.locator(".gongkai-2fa-codes li").count() == 10
    assert page.get_by_role("button", name="打印恢复码").is_visible()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "政务公开管理后台" in page.title()
    sidebar = page.locator("#wagtail-sidebar").inner_text()
    for label in ("机构", "人员", "角色授权", "节假日", "审计日志"):
        assert label in sidebar, label
    page.goto(f"{live_server.url}/admin/bodies/")
    assert page.get_by_text("测试县农业农村局").first.is_visible()
    page.goto(f"{live_server.url}/admin/audit/")
    # In the listing (the filter's event-type list names every type too), with this sign-in on top.
    assert page.locator("table").get_by_text("新增机构").first.is_visible()
    assert page.locator("table").get_by_text("启用双因素认证").first.is_visible()
    assert page.console_errors == []
