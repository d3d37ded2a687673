"""Two-factor authentication for staff (issue 13, 身份鉴别), exercised over HTTP the way a person
signs in: password on the login form, then enrolment or verification. No test here uses the
conftest's verified test logins for the person whose second factor is under test."""

from __future__ import annotations

import re
from base64 import b32encode
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent, BodyKind, Role
from gongkai.core.services.bodies import create_body
from gongkai.core.services.two_factor import reset_two_factor, stored_code
from gongkai.portal.models import SiteSettings
from gongkai.portal.setup import ensure_county_site
from tests.conftest import PASSWORD, code

START = "2026-12-07 09:00:00+08:00"
ADMIN = "/admin/"


def sign_in(client, user):
    """The login form, as a person uses it; returns where it sends them."""
    response = client.post(reverse("wagtailadmin_login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:1000]
    return response


def sign_out(client):
    client.post(reverse("wagtailadmin_logout"))


def current_code(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def events(kind, user=None):
    found = AuditEvent.objects.filter(event_type=kind)
    return found.filter(object_id=str(user.pk)) if user is not None else found


def enrol(client, user, frozen) -> list[str]:
    """Sign in and enrol through the pages; returns the recovery codes shown."""
    sign_in(client, user)
    assert client.get(reverse("two_factor:enrol")).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor:enrol"), {"token": current_code(device), "next": ADMIN})
    assert response.status_code == 302 and response["Location"] == reverse("two_factor:recovery_codes")
    page = client.get(reverse("two_factor:recovery_codes")).content.decode()
    frozen.tick(timedelta(seconds=30))  # the next code of the app
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)


def test_office_admin_without_a_device_is_sent_to_enrolment(client, office_admin):
    response = sign_in(client, office_admin)
    assert response["Location"] == ADMIN
    for url in (ADMIN, reverse("bodies:index"), reverse("audit:index"), reverse("two_factor:manage")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor:enrol") + "?next=")
    # What the way in needs still answers.
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200
    assert client.get(reverse("wagtailadmin_sprite")).status_code == 200

    page = client.get(reverse("two_factor:enrol") + "?next=/admin/bodies/")
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=office_admin)
    assert page.status_code == 200 and not device.confirmed
    assert '<svg role="img" aria-label="双因素认证绑定二维码"' in html
    secret = b32encode(device.bin_key).decode()
    assert secret[:4] + " " + secret[4:8] in html  # the key, for manual entry
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert '<label class="w-field__label" for="id_token"' in html and "验证码" in html
    # Opening the page again keeps the same key (the app may already hold it).
    client.get(reverse("two_factor:enrol"))
    assert TOTPDevice.objects.filter(user=office_admin).count() == 1


def test_enrolment_with_a_code_shows_ten_recovery_codes_once(client, office_admin):
    with freeze_time(START) as frozen:
        sign_in(client, office_admin)
        client.get(reverse("two_factor:enrol"))
        device = TOTPDevice.objects.get(user=office_admin)
        wrong = client.post(reverse("two_factor:enrol"), {"token": "000000"})
        assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
        assert events("auth.otp_failed", office_admin).get().data["stage"] == "enrolment"
        frozen.tick(timedelta(seconds=2))  # django-otp's back-off after one failure: 1 s
        response = client.post(reverse("two_factor:enrol"), {"token": current_code(device), "next": "/admin/bodies/"})
        assert response.status_code == 302
        page = client.get(reverse("two_factor:recovery_codes"))
        html = page.content.decode()
        codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", html)
        assert len(codes) == 10 and len(set(codes)) == 10
        stored = set(StaticToken.objects.filter(device__user=office_admin).values_list("token", flat=True))
        # Kept only as keyed hashes: a copy of the database holds no usable recovery code.
        assert stored == {stored_code(code) for code in codes} and not stored & set(codes)
        assert "只显示这一次" in html and 'href="/admin/bodies/"' in html and "data-gongkai-print" in html
        assert "no-store" in page["Cache-Control"]
        # Shown once: the next visit says so and shows none.
        again = client.get(reverse("two_factor:recovery_codes"), follow=True)
        assert not re.findall(r"<li><code>([a-z2-7]{8})</code></li>", again.content.decode())
        assert "恢复码只显示一次" in again.content.decode()
        # The session is verified: the admin works.
        assert client.get(ADMIN).status_code == 200
        assert client.get(reverse("bodies:index")).status_code == 200
        enrolled = events("auth.otp_enrolled", office_admin).get()
        assert enrolled.data == {"device": "验证器应用", "recovery_codes": 10}
        # A second device cannot be added with the password alone.
        assert client.get(reverse("two_factor:enrol")).status_code == 302
        assert TOTPDevice.objects.filter(user=office_admin).count() == 1


def test_a_new_sign_in_needs_the_code_and_wrong_codes_are_refused_slowed_and_audited(client, office_admin):
    with freeze_time(START) as frozen:
        enrol(client, office_admin, frozen)
        sign_out(client)
        sign_in(client, office_admin)
        response = client.get(reverse("bodies:index"))
        assert response.status_code == 302
        assert response["Location"] == reverse("two_factor:verify") + "?next=%2Fadmin%2Fbodies%2F"
        page = client.get(response["Location"]).content.decode()
        assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page and "使用恢复码" in page

        device = TOTPDevice.objects.get(user=office_admin)
        wrong = client.post(reverse("two_factor:verify"), {"token": "123456", "next": "/admin/bodies/"})
        assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
        failure = events("auth.otp_failed", office_admin).get()
        assert failure.data == {"stage": "verification", "method": "totp", "throttled": False}
        assert client.get(ADMIN).status_code == 302
        # Guessing is slowed down: right after a failure even the right code waits.
        held = client.post(reverse("two_factor:verify"), {"token": current_code(device)})
        assert held.status_code == 400 and "尝试过于频繁" in held.content.decode()
        assert events("auth.otp_failed", office_admin).filter(data__throttled=True).count() == 1
        device.refresh_from_db()
        assert device.throttling_failure_count == 1

        frozen.tick(timedelta(seconds=2))
        response = client.post(reverse("two_factor:verify"), {"token": current_code(device), "next": "/admin/bodies/"})
        assert response.status_code == 302 and response["Location"] == "/admin/bodies/"
        assert client.get(reverse("bodies:index")).status_code == 200
        assert events("auth.otp_verified", office_admin).count() == 1
        # An outside "next" is not followed.
        sign_out(client)
        sign_in(client, office_admin)
        frozen.tick(timedelta(seconds=30))
        response = client.post(reverse("two_factor:verify"), {"token": current_code(device),
                                                              "next": "https://evil.example/"})
        assert response["Location"] == ADMIN


def test_a_recovery_code_works_once(client, office_admin):
    with freeze_time(START) as frozen:
        codes = enrol(client, office_admin, frozen)
        sign_out(client)
        sign_in(client, office_admin)
        response = client.post(reverse("two_factor:verify"), {"method": "recovery", "recovery-token": codes[0].upper(),
                                                              "next": ADMIN})
        assert response.status_code == 302 and response["Location"] == ADMIN
        assert "还剩 9 个" in client.get(ADMIN).content.decode()
        assert events("auth.recovery_code_used", office_admin).get().data == {"codes_left": 9}

        sign_out(client)
        sign_in(client, office_admin)
        frozen.tick(timedelta(seconds=5))
        again = client.post(reverse("two_factor:verify"), {"method": "recovery", "recovery-token": codes[0]})
        assert again.status_code == 400 and "恢复码不正确或已使用" in again.content.decode()
        assert events("auth.otp_failed", office_admin).get().data["method"] == "recovery_code"
        assert client.get(ADMIN).status_code == 302


def test_codes_stored_plain_before_the_upgrade_are_hashed_and_still_work(client, office_admin):
    """Migration core 0009: recovery codes issued by an earlier version were stored as typed."""
    import importlib

    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice

    migration = importlib.import_module("gongkai.core.migrations.0009_hash_recovery_codes")
    with freeze_time(START) as frozen:
        enrol(client, office_admin, frozen)
        device = StaticDevice.objects.get(user=office_admin)
        device.token_set.all().delete()
        device.token_set.create(token="abcd2345")
        migration.hash_plain_codes(apps, None)
        assert list(device.token_set.values_list("token", flat=True)) == [stored_code("abcd2345")]
        migration.hash_plain_codes(apps, None)  # a second run changes nothing
        assert list(device.token_set.values_list("token", flat=True)) == [stored_code("abcd2345")]
        sign_out(client)
        sign_in(client, office_admin)
        ok = client.post(reverse("two_factor:verify"), {"method": "recovery", "recovery-token": "ABCD-2345"})
        assert ok.status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, office_admin):
    with freeze_time(START) as frozen:
        old = enrol(client, office_admin, frozen)
        page = client.get(reverse("two_factor:manage")).content.decode()
        assert "已启用" in page and "剩余恢复码 10 个" in page
        response = client.post(reverse("two_factor:manage"))
        assert response["Location"] == reverse("two_factor:recovery_codes")
        new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>",
                         client.get(reverse("two_factor:recovery_codes")).content.decode())
        assert len(new) == 10 and not set(new) & set(old)
        assert events("auth.recovery_codes_regenerated", office_admin).count() == 1
        sign_out(client)
        sign_in(client, office_admin)
        refused = client.post(reverse("two_factor:verify"), {"method": "recovery", "recovery-token": old[1]})
        assert refused.status_code == 400
        frozen.tick(timedelta(seconds=5))
        ok = client.post(reverse("two_factor:verify"), {"method": "recovery", "recovery-token": new[1]})
        assert ok.status_code == 302


def test_superuser_must_enrol(client, superuser, unverified_logins):
    sign_in(client, superuser)
    assert client.get(ADMIN)["Location"].startswith(reverse("two_factor:enrol"))
    # Without the conftest's verified test logins, force_login is a password-only session too.
    sign_out(client)
    client.force_login(superuser)
    assert client.get(reverse("audit:index"))["Location"].startswith(reverse("two_factor:enrol"))


def test_the_county_setting_decides_for_a_plain_officer(client, county, office_admin, make_user):
    from django.test import Client

    ensure_county_site(county.county)
    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    sign_in(client, officer)
    assert client.get(ADMIN).status_code == 200  # off by default

    # An officer cannot change the setting; the office admin can, audited.
    settings_row = SiteSettings.objects.get()
    refused = client.post(reverse("two_factor:county_settings"),
                          {"site_settings": settings_row.pk, "require_staff_two_factor": "on"})
    assert refused["Location"] == ADMIN  # Wagtail's answer to PermissionDenied: home, with a message
    settings_row.refresh_from_db()
    assert not settings_row.require_staff_two_factor
    admin_client = Client()
    with freeze_time(START) as frozen:
        enrol(admin_client, office_admin, frozen)
        page = admin_client.get(reverse("two_factor:county_settings")).content.decode()
        assert "所有工作人员须启用双因素认证" in page and county.county.name in page
        response = admin_client.post(reverse("two_factor:county_settings"),
                                     {"site_settings": settings_row.pk, "require_staff_two_factor": "on"})
        assert response.status_code == 302
    settings_row.refresh_from_db()
    assert settings_row.require_staff_two_factor
    change = events("site.settings_updated").get()
    assert change.data == {"require_staff_two_factor": {"old": False, "new": True}}
    assert change.actor_id == office_admin.pk

    # Now the officer must enrol before the next admin page; a village clerk of the county too.
    assert client.get(ADMIN)["Location"].startswith(reverse("two_factor:enrol"))
    clerk_client = Client()
    sign_in(clerk_client, make_user(Role.VILLAGE_CLERK, county.village_a))
    assert clerk_client.get(ADMIN).status_code == 302
    # Staff of another county are not concerned.
    other = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="邻县人民政府", code=code(91))
    outsider_client = Client()
    sign_in(outsider_client, make_user(Role.INFO_OFFICER, other))
    assert outsider_client.get(ADMIN).status_code == 200

    # Off again: the officer is let through.
    with freeze_time(START) as frozen:
        frozen.tick(timedelta(minutes=5))
        admin_client.post(reverse("two_factor:county_settings"),
                          {"site_settings": settings_row.pk})
    assert client.get(ADMIN).status_code == 200


def test_an_office_admin_resets_a_colleague_who_enrols_again(client, county, office_admin, make_user):
    from django.test import Client

    colleague = make_user(Role.OFFICE_ADMIN, county.office)
    colleague_client = Client()
    with freeze_time(START) as frozen:
        enrol(colleague_client, colleague, frozen)
        # The rest stays on the frozen clock: the colleague's session must not meet the session
        # time limits (core/session_security.py) between enrolment and reset.
        frozen.tick(timedelta(minutes=1))
        assert colleague_client.get(ADMIN).status_code == 200

        client.force_login(office_admin)  # a verified session (conftest); this test is about the colleague
        inspect = client.get(reverse("people:inspect", args=[colleague.pk])).content.decode()
        assert "已启用（剩余恢复码 10 个）" in inspect and "重置双因素认证" in inspect
        assert client.get(reverse("two_factor:reset", args=[colleague.pk])).status_code == 200
        response = client.post(reverse("two_factor:reset", args=[colleague.pk]))
        assert response["Location"] == reverse("people:inspect", args=[colleague.pk])
        assert not TOTPDevice.objects.filter(user=colleague).exists()
        assert not StaticToken.objects.filter(device__user=colleague).exists()
        reset = events("auth.otp_reset", colleague).get()
        assert reset.actor_id == office_admin.pk and reset.data == {"devices": 2, "had_authenticator": True}
        assert reset.scope_body_id == county.office.pk

        # The colleague's verified session is verified no more: enrol again.
        assert colleague_client.get(ADMIN)["Location"].startswith(reverse("two_factor:enrol"))
        sign_out(colleague_client)
        sign_in(colleague_client, colleague)
        assert colleague_client.get(ADMIN)["Location"].startswith(reverse("two_factor:enrol"))


def test_others_cannot_reset(client, county, office_admin, make_user, superuser):
    from django.test import Client

    target = make_user(Role.INFO_OFFICER, county.dept_a)
    TOTPDevice.objects.create(user=target, confirmed=True)
    officer = make_user(Role.INFO_OFFICER, county.dept_a)
    client.force_login(officer)
    assert client.post(reverse("two_factor:reset", args=[target.pk]))["Location"] == ADMIN  # refused
    assert "重置双因素认证" not in client.get(reverse("people:inspect", args=[target.pk])).content.decode()
    other_county = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="邻县人民政府", code=code(91))
    other_office = create_body(SYSTEM, parent=other_county, kind=BodyKind.DEPARTMENT, name="邻县人民政府办公室",
                               code=code(92), is_competent_office=True)
    foreign = Client()
    foreign.force_login(make_user(Role.OFFICE_ADMIN, other_office))
    assert foreign.post(reverse("two_factor:reset", args=[target.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user=target).exists()
    assert not events("auth.otp_reset").exists()
    # A county's office admin cannot weaken a superuser's second factor.
    TOTPDevice.objects.create(user=superuser, confirmed=True)
    with pytest.raises(PermissionDenied):
        reset_two_factor(office_admin, superuser)
    assert reset_two_factor(SYSTEM, superuser) == 1


def test_the_kill_switch_turns_enforcement_off(client, office_admin, settings):
    settings.GONGKAI_OTP_ENFORCE = False
    sign_in(client, office_admin)
    assert client.get(ADMIN).status_code == 200


def test_the_demo_office_admin_enrols_on_first_sign_in(client, db, settings):
    """The README path: `gongkai demo`, then sign in as gkb_admin; the enrolment page appears
    and works, and the admin opens."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("demo", "--without-records", stdout=out)
    assert "首次登录后须用手机验证器应用扫码绑定双因素认证" in out.getvalue()
    with freeze_time(START):
        response = client.post(reverse("wagtailadmin_login"),
                               {"username": "gkb_admin", "password": settings.GONGKAI_DEMO_PASSWORD})
        assert response.status_code == 302
        enrol_page = client.get(response["Location"], follow=True)
        assert enrol_page.redirect_chain[-1][0].startswith(reverse("two_factor:enrol"))
        assert "启用双因素认证" in enrol_page.content.decode()
        device = TOTPDevice.objects.get(user__username="gkb_admin")
        done = client.post(reverse("two_factor:enrol"), {"token": current_code(device), "next": ADMIN}, follow=True)
        assert "只显示这一次" in done.content.decode()
        assert client.get(ADMIN).status_code == 200
