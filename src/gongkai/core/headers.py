"""Security headers (issue 13 §7): Content-Security-Policy and Permissions-Policy.

Public pages get ``settings.CONTENT_SECURITY_POLICY`` (django-csp 4): scripts and styles only from
our own static files, no inline script or style, nothing from other hosts. The Wagtail admin cannot
run under that policy (its editors and choosers use inline scripts and style attributes), so paths
under the admin prefix get ``settings.GONGKAI_ADMIN_CSP`` instead, which adds ``'unsafe-inline'``
for scripts and styles and ``blob:`` images, and nothing else. A view can still set its own policy
with django-csp's decorators; that wins over both.

HSTS, Secure cookies and the proxy header are Django's own settings, switched on together by
``GONGKAI_HTTPS`` (settings.py).
"""

from __future__ import annotations

from functools import cache

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.urls import reverse

PERMISSIONS_POLICY_HEADER = "Permissions-Policy"


@cache
def admin_prefix() -> str:
    """The path prefix of the Wagtail admin (``/admin/``), from the URL configuration."""
    return reverse("wagtailadmin_home")


def is_admin_path(path: str) -> bool:
    return path.startswith(admin_prefix())


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the relaxed admin policy by path."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = settings.GONGKAI_ADMIN_CSP
        return parts


class StrictTransportSecurityMiddleware:
    """Under ``GONGKAI_HTTPS`` every response carries HSTS, not only those Django sees as secure.

    Django's SecurityMiddleware adds the header only when the request looks secure, i.e. when the
    proxy's ``X-Forwarded-Proto`` arrived. TLS ends at the proxy, so a response the proxy forgets to
    mark would go out without it. Browsers ignore HSTS received over plain HTTP (RFC 6797 §8.1), so
    sending it always is safe, and a site declared HTTPS never loses it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        seconds = getattr(settings, "SECURE_HSTS_SECONDS", 0)
        if seconds and "Strict-Transport-Security" not in response:
            value = f"max-age={seconds}"
            if getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False):
                value += "; includeSubDomains"
            if getattr(settings, "SECURE_HSTS_PRELOAD", False):
                value += "; preload"
            response["Strict-Transport-Security"] = value
        return response


class PermissionsPolicyMiddleware:
    """Adds ``settings.GONGKAI_PERMISSIONS_POLICY`` (camera, microphone, geolocation, payment, USB…
    all switched off: no page of ours needs them) unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.GONGKAI_PERMISSIONS_POLICY
        if policy and PERMISSIONS_POLICY_HEADER not in response:
            response[PERMISSIONS_POLICY_HEADER] = policy
        return response
