"""Shared fixtures: a small county built through the services, and a named cast of actors."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from gongkai.core.actors import SYSTEM
from gongkai.core.models import Body, BodyKind, Role
from gongkai.core.services.bodies import create_body
from gongkai.core.services.people import assign_role, create_person
from gongkai.rules.identifiers import make_uscc

PASSWORD = "test-pass-2026"


def code(n: int, category: str = "11") -> str:
    return make_uscc(category, "990101", f"{n:08d}")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    """Tests render pages without running collectstatic first (production uses the manifest
    storage), hash passwords fast, and start with an empty cache: Wagtail caches site root paths,
    and a rolled-back test must not leak them into the next. Uploads (the demo's board photos too)
    go to a temporary directory, never into the checkout's var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # Security (issue 13): the configured cache is a database table (or Redis), which tests without
    # database access could not clear; tests of the shared cache itself use it explicitly
    # (tests/core/test_limits.py).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _second_factor_for_test_logins(request, monkeypatch):
    """Security (issue 13): staff who must use two-factor authentication (office admins,
    superusers, ...) are sent to enrolment or verification before any admin page works. Most tests
    are about something else and sign in with ``client.force_login`` or ``client.login``: for them
    a login also does what a real sign-in's second step does, namely it gives such a user a
    confirmed authenticator (when they have none) and marks the session verified with it.

    This is less intrusive than switching enforcement off: the middleware stays on for the whole
    suite and checks every admin request of these sessions, as in production, and the login
    helpers of every test module keep working unchanged. Logins through the login form (browser
    journeys, tests/core/test_two_factor.py) are untouched and go through the real flow; a test
    that wants plain unverified ``force_login`` sessions asks for the ``unverified_logins``
    fixture."""
    if "unverified_logins" in request.fixturenames:
        yield
        return
    from django.test import Client

    original = Client._login  # both Client.login and Client.force_login end here

    def _login(client, user, backend=None):
        original(client, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from gongkai.core import two_factor

        if not (two_factor.has_two_factor(user) or two_factor.required_for(user)):
            return
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        device = device or TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "_login", _login)
    yield


@pytest.fixture
def unverified_logins():
    """Opt out of ``_second_factor_for_test_logins``: logins leave the second factor undone."""


@pytest.fixture(autouse=True)
def _client_login_with_request(monkeypatch):
    """django-axes checks every authentication against the lockout counts, and for that needs the
    request, which Django's ``Client.login()`` does not pass. Tests that only need a logged-in
    user keep calling ``client.login(...)``: it now authenticates with a request from the
    loopback address, through axes, as the login view does. (Tests of the login itself post to
    the login URL: tests/core/test_login_security.py.)"""
    from django.test import Client, RequestFactory

    original = Client.login

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/admin/login/", REMOTE_ADDR="127.0.0.1"))
        return original(self, **credentials)

    monkeypatch.setattr(Client, "login", login)


@pytest.fixture(scope="module")
def operator_env(tmp_path_factory):
    """Environment for running the `gongkai` command as an operator would, in a separate process,
    on a database of its own: a fresh SQLite file, or a fresh PostgreSQL database (dropped
    afterwards) when the suite runs on PostgreSQL."""
    import os
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(GONGKAI_VAR_DIR=str(tmp_path_factory.mktemp("var")), DJANGO_SETTINGS_MODULE="gongkai.settings")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield env
        return
    import psycopg

    name = f"gongkai_cli_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    parts = urlsplit(url)
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield env
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class County:
    county: Body
    office: Body
    dept_a: Body
    dept_b: Body
    township_a: Body
    township_b: Body
    village_a: Body
    village_b: Body
    section_a: Body


@pytest.fixture
def county(db) -> County:
    c = create_body(SYSTEM, parent=None, kind=BodyKind.COUNTY, name="测试县人民政府", code=code(1),
                    phone="0797-5221001", address="测试县行政中心", disclosure_office="测试县政务公开办公室")
    office = create_body(SYSTEM, parent=c, kind=BodyKind.DEPARTMENT, name="测试县人民政府办公室", code=code(2),
                         is_competent_office=True)
    dept_a = create_body(SYSTEM, parent=c, kind=BodyKind.DEPARTMENT, name="测试县农业农村局", code=code(3))
    dept_b = create_body(SYSTEM, parent=c, kind=BodyKind.DEPARTMENT, name="测试县教育局", code=code(4))
    town_a = create_body(SYSTEM, parent=c, kind=BodyKind.TOWNSHIP, name="测试县甲镇人民政府", code=code(5))
    town_b = create_body(SYSTEM, parent=c, kind=BodyKind.TOWNSHIP, name="测试县乙乡人民政府", code=code(6))
    village_a = create_body(SYSTEM, parent=town_a, kind=BodyKind.VILLAGE, name="甲村", code=code(7, "54"))
    village_b = create_body(SYSTEM, parent=town_b, kind=BodyKind.VILLAGE, name="乙村", code=code(8, "54"))
    section_a = create_body(SYSTEM, parent=dept_a, kind=BodyKind.SECTION, name="计划财务股")
    return County(c, office, dept_a, dept_b, town_a, town_b, village_a, village_b, section_a)


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def make(role: str | None, body: Body):
        counter["n"] += 1
        user = create_person(SYSTEM, body=body, username=f"u{counter['n']}_{role or 'none'}",
                             full_name=f"测试人员{counter['n']}", password=PASSWORD, validate=False)
        if role:
            assign_role(SYSTEM, user=user, body=body, role=role)
        return user

    return make


@pytest.fixture
def office_admin(county, make_user):
    return make_user(Role.OFFICE_ADMIN, county.office)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
