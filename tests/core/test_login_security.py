"""Login protection over HTTP (issue 13 §1): lockout per account and per address, the Chinese
lockout message with the unlock time, unlocking by the office admin, the audit trail of the login
flow, the password policy, password expiry and the session limits. Every login here posts to the
real login URL."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, BodyKind, PasswordChange, Role
from gongkai.core.services import ServiceError
from gongkai.core.services.bodies import create_body
from gongkai.core.services.people import assign_role, create_person, set_password
from tests.conftest import PASSWORD, code

LOGIN = "/admin/login/"
HOME = "/admin/"
LOCKS = "/admin/login-locks/"
ADDRESS = "192.0.2.10"  # documentation addresses (RFC 5737): strings in REMOTE_ADDR only
OTHER_ADDRESS = "198.51.100.20"
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Asia/Shanghai


def post_login(client, username, password, address=ADDRESS, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return client.get(HOME).status_code == 200


def events(event_type):
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("seq"))


@pytest.fixture
def officer(county, make_user):
    return make_user(Role.INFO_OFFICER, county.dept_a)


# --- Lockout -----------------------------------------------------------------------------------

def test_five_wrong_passwords_lock_the_account_until_the_shown_time(client, officer):
    with freeze_time(T0) as clock:
        for attempt in range(1, 5):
            response = post_login(client, officer.username, f"wrong-{attempt}")
            assert response.status_code == 200
            assert "锁定" not in response.content.decode()
        fifth = post_login(client, officer.username, "wrong-5")
        assert fifth.status_code == 429
        assert "该账号因连续5次登录失败已被锁定，将于 2026年03月02日 10:15 自动解锁" in fifth.content.decode()
        attempt = AccessAttempt.objects.get(username=officer.username)  # axes' count keeps no password
        assert attempt.failures_since_start == 5 and "wrong-" not in attempt.post_data

        # The right password during the lock does not log in, and says the same.
        clock.tick(dt.timedelta(minutes=5))
        right = post_login(client, officer.username, PASSWORD)
        assert right.status_code == 429
        assert "2026年03月02日 10:15 自动解锁" in right.content.decode()
        assert not logged_in(client)

        # The refused attempt did not extend the lock: at 10:15 it has ended.
        clock.move_to(T0 + dt.timedelta(minutes=15, seconds=1))
        assert post_login(client, officer.username, PASSWORD).status_code == 302
        assert logged_in(client)

    failed = events("auth.login_failed")
    assert [e.data["locked"] for e in failed] == [False] * 5 + [True]
    assert {e.data["username"] for e in failed} == {officer.username}
    assert {e.data["address"] for e in failed} == {ADDRESS}
    assert all(e.object_id == str(officer.pk) and e.scope_body_id == officer.memberships.get().body_id for e in failed)
    [locked] = events("auth.locked_out")
    assert locked.data["reason"] == "account" and locked.data["address"] == ADDRESS
    assert locked.data["until"].startswith("2026-03-02T02:15:00")
    [login] = events("auth.login")
    assert login.actor_id == officer.pk and login.data == {"address": ADDRESS}
    # Never a password, right or wrong, in the log.
    for event in AuditEvent.objects.all():
        assert "wrong-" not in str(event.data) and PASSWORD not in str(event.data)


def test_failures_spread_beyond_the_window_do_not_lock(client, officer):
    with freeze_time(T0) as clock:
        for _ in range(4):
            post_login(client, officer.username, "wrong")
        clock.tick(dt.timedelta(minutes=16))
        for _ in range(4):
            assert post_login(client, officer.username, "wrong").status_code == 200
        assert post_login(client, officer.username, PASSWORD).status_code == 302
    assert not events("auth.locked_out")


def test_a_locked_account_does_not_lock_others_at_the_same_address(client, officer, county, make_user):
    colleague = make_user(Role.INFO_OFFICER, county.dept_a)
    for _ in range(5):
        post_login(client, officer.username, "wrong")
    assert post_login(Client(), colleague.username, PASSWORD).status_code == 302
    # ... and the locked account stays locked from another address too.
    assert post_login(Client(), officer.username, PASSWORD, address=OTHER_ADDRESS).status_code == 429


def test_an_address_is_throttled_after_twenty_failures_across_usernames(client, officer):
    with freeze_time(T0):
        for n in range(19):
            assert post_login(client, f"guess{n % 10}", "wrong").status_code == 200
        twentieth = post_login(client, "guess-last", "wrong")
        assert twentieth.status_code == 429
        assert "您所在网络地址的登录失败次数过多，已暂停登录，将于 2026年03月02日 10:15 恢复" in twentieth.content.decode()
        # A real account with its right password is refused from that address ...
        refused = post_login(Client(), officer.username, PASSWORD)
        assert refused.status_code == 429 and "网络地址" in refused.content.decode()
        # ... but not from another one.
        assert post_login(Client(), officer.username, PASSWORD, address=OTHER_ADDRESS).status_code == 302
    [locked] = events("auth.locked_out")
    assert locked.data["reason"] == "address" and locked.data["address"] == ADDRESS


def test_limits_come_from_settings(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    post_login(client, officer.username, "wrong")
    assert post_login(client, officer.username, "wrong").status_code == 429
    assert "连续2次登录失败" in post_login(client, officer.username, PASSWORD).content.decode()


def test_unknown_username_failures_are_audited_without_object(client, db):
    post_login(client, "nobody-here", "whatever")
    [failed] = events("auth.login_failed")
    assert failed.object_id == "" and failed.scope_body_id is None
    assert failed.data == {"username": "nobody-here", "address": ADDRESS, "locked": False}
    assert failed.actor_label == "匿名"


# --- Unlock screen -----------------------------------------------------------------------------

def lock(username, address=ADDRESS):
    for _ in range(5):
        post_login(Client(), username, "wrong", address=address)


def test_office_admin_sees_and_unlocks_an_account(officer, office_admin):
    lock(officer.username)
    admin = Client()
    admin.force_login(office_admin)  # a verified session (conftest): the office admin must use 2FA
    page = admin.get(LOCKS)
    assert page.status_code == 200
    text = page.content.decode()
    assert officer.username in text and officer.get_full_name() in text and "自动解锁时间" in text
    assert LOCKS in admin.get(HOME).content.decode()  # the menu item

    response = admin.post(LOCKS, {"kind": "account", "key": officer.username}, follow=True)
    assert "已解除" in response.content.decode()
    assert officer.username not in admin.get(LOCKS).content.decode().split("</thead>")[-1]
    [unlocked] = events("auth.unlocked")
    assert unlocked.actor_id == office_admin.pk and unlocked.data["username"] == officer.username
    assert post_login(Client(), officer.username, PASSWORD).status_code == 302


def test_unlock_is_refused_to_others(officer, county, make_user, office_admin):
    lock(officer.username)
    clerk = make_user(Role.VILLAGE_CLERK, county.village_a)
    c = Client()
    assert post_login(c, clerk.username, PASSWORD, address=OTHER_ADDRESS).status_code == 302
    # Wagtail turns PermissionDenied in the admin into a redirect to the dashboard.
    denied = c.get(LOCKS)
    assert denied.status_code in (302, 403) and officer.username not in denied.content.decode()
    assert c.post(LOCKS, {"kind": "account", "key": officer.username}).status_code in (302, 403)
    assert LOCKS not in c.get(HOME).content.decode()
    assert not events("auth.unlocked")
    assert post_login(Client(), officer.username, PASSWORD).status_code == 429

    # An office admin cannot lift an address throttle (not any one county's), nor unlock an
    # account of another county.
    other_county = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="邻县人民政府", code=code(90))
    outsider = create_person(SYSTEM, body=other_county, username="outsider", full_name="外县人员", password=PASSWORD,
                             validate=False)
    lock("outsider", address=OTHER_ADDRESS)
    admin = Client()
    admin.force_login(office_admin)
    assert "outsider" not in admin.get(LOCKS).content.decode()
    refused = admin.post(LOCKS, {"kind": "account", "key": outsider.username}, follow=True).content.decode()
    assert "您没有解锁该账号的权限" in refused
    for n in range(20):
        post_login(Client(), f"guess{n}", "wrong", address="203.0.113.99")
    refused = admin.post(LOCKS, {"kind": "address", "key": "203.0.113.99"}, follow=True).content.decode()
    assert "只有平台管理员可以解除网络地址的登录限制" in refused
    assert not events("auth.unlocked")


def test_superuser_lifts_an_address_throttle(superuser):
    for n in range(20):
        post_login(Client(), f"guess{n}", "wrong")
    root = Client()
    root.force_login(superuser)
    assert ADDRESS in root.get(LOCKS).content.decode()
    root.post(LOCKS, {"kind": "address", "key": ADDRESS})
    [unlocked] = events("auth.unlocked")
    assert unlocked.data["address"] == ADDRESS and unlocked.scope_body_id is None
    assert post_login(Client(), superuser.username, PASSWORD).status_code == 302
    nothing = root.post(LOCKS, {"kind": "address", "key": ADDRESS}, follow=True).content.decode()
    assert "当前没有被限制登录" in nothing


# --- Logout ------------------------------------------------------------------------------------

def test_logout_is_audited(client, officer):
    post_login(client, officer.username, PASSWORD)
    client.post(reverse("wagtailadmin_logout"), REMOTE_ADDR=ADDRESS)
    assert not logged_in(client)
    [logout] = events("auth.logout")
    assert logout.actor_id == officer.pk and logout.data == {"address": ADDRESS}


# --- Password policy ---------------------------------------------------------------------------

POLICY = [
    ("Ab3$efghij", None),
    ("Sunny-River-2026", None),
    ("Ab3$efg", "密码太短：至少需要 10 个字符"),
    ("abcdefghij12", "密码过于简单"),
    ("ABCDEFGH-!@#", "密码过于简单"),
    ("测试县Abc12345", "密码不能包含本地名称“测试县”"),
    ("Hello测试2026", "密码不能包含本地名称“测试”"),
    ("测试县人民政府2026ab", "密码不能包含本地名称“测试县人民政府”"),
    ("Zhangwei#2026", "密码不能包含用户名"),
    ("ZHANGWEI-abc9", "密码不能包含用户名"),
    ("Password123", "这个密码太常见了"),
]


@pytest.mark.parametrize(("password", "error"), POLICY)
def test_password_policy(county, password, error):
    user = get_user_model()(username="zhangwei", first_name="张伟", email="zw@example.org")
    if error is None:
        validate_password(password, user)
        return
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert any(error in message for message in exc.value.messages), exc.value.messages


def test_county_short_name_is_checked(db):
    create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="青山县人民政府", short_name="青山县", code=code(91))
    with pytest.raises(ValidationError, match="青山"):
        validate_password("Qing青山-2026", get_user_model()(username="someone"))
    validate_password("Qingshan-2026", get_user_model()(username="someone"))  # not the Chinese name


def test_services_refuse_a_weak_password_in_chinese(county, office_admin):
    with pytest.raises(ServiceError) as exc:
        create_person(office_admin, body=county.dept_a, username="lisi", full_name="李四", password="lisi2026")
    assert "密码太短：至少需要 10 个字符" in exc.value.message_dict["password"]


def test_demo_accounts_satisfy_the_policy(db):
    from gongkai.demo.loader import load_demo

    load_demo(records=False)
    for user in get_user_model().objects.all():
        assert user.check_password(settings.GONGKAI_DEMO_PASSWORD)
        validate_password(settings.GONGKAI_DEMO_PASSWORD, user)


# --- Password expiry ---------------------------------------------------------------------------

def test_password_expiry_is_off_by_default(client, officer):
    with freeze_time(T0 + dt.timedelta(days=3650)):
        post_login(client, officer.username, PASSWORD)
        assert logged_in(client)


def test_an_expired_password_must_be_changed_first(client, county, office_admin, settings):
    settings.GONGKAI_PASSWORD_MAX_AGE_DAYS = 90
    with freeze_time(T0) as clock:
        user = create_person(office_admin, body=county.dept_a, username="wangfang", full_name="王芳",
                             password="Spring-Rain-2026")
        assign_role(office_admin, user=user, body=county.dept_a, role=Role.INFO_OFFICER)
        assert PasswordChange.objects.get(user=user).changed_at == T0
        clock.tick(dt.timedelta(days=89))
        assert post_login(client, "wangfang", "Spring-Rain-2026").status_code == 302
        assert client.get(HOME).status_code == 200

        clock.tick(dt.timedelta(days=2))
        assert post_login(client, "wangfang", "Spring-Rain-2026").status_code == 302
        response = client.get(HOME)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_account")
        assert client.get(reverse("people:index")).status_code == 302
        page = client.get(reverse("wagtailadmin_account"))
        assert page.status_code == 200 and "您的密码已超过 90 天未更换，请先修改密码" in page.content.decode()

        # Changing it on the account page (Wagtail's own form, our validators) lets them in again.
        # The page saves all its panels at once, so the other panels' fields come along.
        others = {"name_email-first_name": "王芳", "name_email-last_name": "王", "name_email-email": "wf@example.org",
                  "theme-theme": "system", "theme-contrast": "system", "theme-density": "default",
                  "password-old_password": "Spring-Rain-2026"}
        weak = client.post(reverse("wagtailadmin_account"), {
            **others, "password-new_password1": "short", "password-new_password2": "short"})
        assert "密码太短" in weak.content.decode()
        changed = client.post(reverse("wagtailadmin_account"), {
            **others, "password-new_password1": "Autumn-Leaf-2026", "password-new_password2": "Autumn-Leaf-2026"})
        assert changed.status_code == 302
        assert PasswordChange.objects.get(user=user).changed_at == T0 + dt.timedelta(days=91)
        assert client.get(HOME).status_code == 200


def test_a_password_set_by_the_service_restarts_the_clock(client, officer, office_admin, settings):
    settings.GONGKAI_PASSWORD_MAX_AGE_DAYS = 30
    with freeze_time(T0 + dt.timedelta(days=400)):
        set_password(office_admin, officer, "New-Password-2026")
        assert post_login(client, officer.username, "New-Password-2026").status_code == 302
        assert client.get(HOME).status_code == 200


# --- Sessions ----------------------------------------------------------------------------------

def test_idle_session_ends_after_thirty_minutes(client, officer):
    with freeze_time(T0) as clock:
        post_login(client, officer.username, PASSWORD)
        for _ in range(3):  # activity keeps it alive well past 30 minutes in total
            clock.tick(dt.timedelta(minutes=29))
            assert client.get(HOME).status_code == 200
        clock.tick(dt.timedelta(minutes=31))
        response = client.get(HOME, follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "您已超过 30 分钟未操作，为保护账号安全已自动退出，请重新登录。" in response.content.decode()
    [expired] = events("auth.session_expired")
    assert expired.data["reason"] == "idle" and expired.actor_id == officer.pk


def test_session_ends_after_the_absolute_limit_despite_activity(client, officer, settings):
    with freeze_time(T0) as clock:
        post_login(client, officer.username, PASSWORD, remember="on")
        for _ in range(12 * 3 - 1):
            clock.tick(dt.timedelta(minutes=20))
            assert client.get(HOME).status_code == 200
        clock.tick(dt.timedelta(minutes=21))  # 12 h 1 min after login
        response = client.get(HOME, follow=True)
    assert "本次登录已超过 12 小时" in response.content.decode()
    assert events("auth.session_expired")[0].data["reason"] == "absolute"


def test_session_limits_are_configurable(client, officer, settings):
    settings.GONGKAI_SESSION_IDLE_MINUTES = 5
    with freeze_time(T0) as clock:
        post_login(client, officer.username, PASSWORD)
        clock.tick(dt.timedelta(minutes=6))
        assert client.get(HOME).status_code == 302


def test_session_cookie_without_remember_me_ends_with_the_browser(client, officer):
    post_login(client, officer.username, PASSWORD)
    assert client.session.get_expire_at_browser_close()
    remembered = Client()
    post_login(remembered, officer.username, PASSWORD, remember="on")
    assert not remembered.session.get_expire_at_browser_close()
    assert remembered.session.get_expiry_age() == 12 * 3600 == settings.SESSION_COOKIE_AGE
