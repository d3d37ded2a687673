"""Security headers and HTTPS settings (issue 13 §1, §7): a strict Content-Security-Policy on public
pages (no inline script or style anywhere in their templates), a separate relaxed one for the
Wagtail admin, Permissions-Policy everywhere, and GONGKAI_HTTPS switching on Secure cookies, HSTS
and the proxy header (read by settings.py, so checked in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory

import gongkai
from gongkai.core.headers import ContentSecurityPolicyMiddleware
from gongkai.portal.setup import ensure_county_site

SRC = Path(gongkai.__file__).parent
# Standalone files written for download or print (opened from disk, never served as a page of the
# site) and the self-contained 500 page (gongkai.portal.errors) keep their inline styles.
SELF_CONTAINED = {"reports/standalone.html", "villages/notice_print.html"}


def directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.fixture
def site(county):
    return ensure_county_site(county.county)


def test_public_pages_get_the_strict_policy(client, site):
    for path in ("/", "/xxgk/", "/xxgk/fdzdgknr/search/?q=补贴"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:"] and policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == policy["frame-ancestors"] == policy["form-action"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in permissions
        assert "Strict-Transport-Security" not in response  # only under GONGKAI_HTTPS


def test_admin_gets_the_relaxed_policy(client, site):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"] and "'unsafe-inline'" in policy["style-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"]


def test_the_500_page_keeps_its_inline_styles_only():
    from gongkai.portal.errors import server_error

    request = RequestFactory().get("/")
    response = ContentSecurityPolicyMiddleware(lambda r: server_error(r))(request)
    assert response.status_code == 500 and "系统繁忙" in response.content.decode()
    policy = directives(response["Content-Security-Policy"])
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"] and policy["script-src"] == ["'self'"]
    from django.urls import get_resolver

    assert get_resolver().resolve_error_handler(500) is server_error


def public_templates():
    for path in sorted(SRC.glob("*/templates/**/*.html")):
        parts = path.relative_to(SRC).parts
        name = "/".join(parts[parts.index("templates") + 1:])
        # Admin screens run under the admin policy (admin/ directories, admin_*.html, _admin_*.html).
        if "admin" in name:
            continue
        if name in SELF_CONTAINED or (name == "500.html" and parts[0] == "portal"):
            continue
        text = re.sub(r"{#.*?#}", "", path.read_text(encoding="utf-8"))
        yield name, re.sub(r"{% comment %}.*?{% endcomment %}", "", text, flags=re.S)


def test_public_templates_have_no_inline_script_or_style():
    names = []
    for name, text in public_templates():
        names.append(name)
        for script in re.finditer(r"<script\b[^>]*>", text):
            assert "src=" in script.group(0), f"{name}: inline <script>"
        assert not re.search(r"<style\b", text), f"{name}: inline <style>"
        assert not re.search(r"\sstyle\s*=", text), f"{name}: style attribute"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{name}: inline event handler"
        assert "javascript:" not in text, f"{name}: javascript: URL"
    assert "portal/base.html" in names and "requests/public/apply.html" in names and "villages/village.html" in names


def settings_in_a_fresh_process(**env) -> dict:
    code = ("import json, gongkai.settings as s; print(json.dumps({k: getattr(s, k, None) for k in ("
            "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
            "'SECURE_PROXY_SSL_HEADER', 'SECURE_SSL_REDIRECT', 'CACHES')}))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "REDIS_URL"))}
    done = subprocess.run([sys.executable, "-c", code], env={**clean, "PYTHONPATH": str(SRC.parent), **env},
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_gongkai_https_turns_on_secure_cookies_hsts_and_the_proxy_header(tmp_path):
    off = settings_in_a_fresh_process(GONGKAI_VAR_DIR=str(tmp_path))
    assert off["SESSION_COOKIE_SECURE"] is False and off["CSRF_COOKIE_SECURE"] is False
    assert off["SECURE_HSTS_SECONDS"] is None and off["SECURE_PROXY_SSL_HEADER"] is None
    on = settings_in_a_fresh_process(GONGKAI_VAR_DIR=str(tmp_path), GONGKAI_HTTPS="true")
    assert on["SESSION_COOKIE_SECURE"] is True and on["CSRF_COOKIE_SECURE"] is True
    assert on["SECURE_HSTS_SECONDS"] == 31536000 and on["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert on["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert on["SECURE_SSL_REDIRECT"] is False
    redirect = settings_in_a_fresh_process(GONGKAI_VAR_DIR=str(tmp_path), GONGKAI_HTTPS="1", GONGKAI_SSL_REDIRECT="1")
    assert redirect["SECURE_SSL_REDIRECT"] is True
    # The older name still marks the cookies Secure, and only them.
    legacy = settings_in_a_fresh_process(GONGKAI_VAR_DIR=str(tmp_path), GONGKAI_SECURE_COOKIES="true")
    assert legacy["SESSION_COOKIE_SECURE"] is True and legacy["SECURE_HSTS_SECONDS"] is None
    # The shared cache: the database table, or Redis when REDIS_URL is set.
    assert off["CACHES"]["default"]["BACKEND"].endswith("db.DatabaseCache")
    redis = settings_in_a_fresh_process(GONGKAI_VAR_DIR=str(tmp_path), REDIS_URL="redis://127.0.0.1:6379/5")
    assert redis["CACHES"]["default"]["BACKEND"].endswith("redis.RedisCache")


def test_https_over_http(settings, site):
    """What those settings do to responses behind a TLS proxy that sets X-Forwarded-Proto."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = 31536000, True
    client = Client(enforce_csrf_checks=True)
    response = client.get("/admin/login/", headers={"x-forwarded-proto": "https"})
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.cookies["csrftoken"]["secure"] is True
    # A response the proxy did not mark (X-Forwarded-Proto missing) keeps HSTS too: the site is
    # declared HTTPS, and browsers ignore the header over plain HTTP anyway (RFC 6797 §8.1).
    plain = client.get("/admin/login/")
    assert plain["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    settings.SECURE_SSL_REDIRECT = True  # read when the middleware is built: a new client
    moved = Client().get("/xxgk/")
    assert moved.status_code == 301 and moved["Location"].startswith("https://")
