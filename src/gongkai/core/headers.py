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
