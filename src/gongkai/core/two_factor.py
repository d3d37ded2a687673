"""Two-factor authentication for staff: who must use it, and the middleware that enforces it.

等保2.0 level 3 (GB/T 22239-2019, 身份鉴别) asks for two factors for administrators. A staff
member must pass a second factor (a TOTP code from an authenticator app, or a one-time recovery
code; django-otp) before any protected URL works when:

- they are a superuser or a 公开办管理员 (always), or
- a county they work for has turned on 所有工作人员须启用双因素认证
  (``portal.SiteSettings.require_staff_two_factor``, changed through ``update_site_settings``), or
- they have enrolled a device anyway (a factor once set up is always asked for).

``GONGKAI_OTP_ENFORCE=false`` turns all of this off (development only).

The enrolment and verification screens and the services live in ``core/two_factor_views.py`` and
``core/services/two_factor.py``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.core.models import Body, Membership, Role


def enforced() -> bool:
    return bool(getattr(settings, "GONGKAI_OTP_ENFORCE", True))


def has_two_factor(user) -> bool:
    """True if ``user`` has a confirmed authenticator device."""
    if not getattr(user, "is_authenticated", False):
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_for(user) -> bool:
    """True if ``user`` must use two-factor authentication (whether enrolled or not)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    rows = list(Membership.objects.filter(user=user, body__is_active=True).values_list("role", "body__path"))
    if any(role == Role.OFFICE_ADMIN for role, _path in rows):
        return True
    if not rows:
        return False
    # Counties are the roots of the body tree, so a body's county is the first step of its path.
    county_paths = {path[: Body.steplen] for _role, path in rows}
    # The county's switch is a field of its website settings (portal), read here lazily: core
    # does not otherwise depend on the portal.
    from gongkai.portal.models import SiteSettings

    return SiteSettings.objects.filter(
        require_staff_two_factor=True, site__root_page__homepage__county__path__in=county_paths
    ).exists()


def is_verified(user) -> bool:
    """True if this request's session passed a second factor (django-otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def needs_verification(user) -> bool:
    """True if ``user``'s session must still pass a second factor before protected URLs work."""
    if not enforced() or not getattr(user, "is_authenticated", False) or is_verified(user):
        return False
    return has_two_factor(user) or required_for(user)


def next_url_for(request) -> str:
    """Where to return after verification: the page asked for (GET), else the admin home."""
    return request.get_full_path() if request.method in ("GET", "HEAD") else reverse("wagtailadmin_home")


def redirect_to_second_factor(request, next_url: str | None = None) -> HttpResponseRedirect:
    """Send the user to verification (device enrolled) or enrolment (none yet)."""
    name = "two_factor:verify" if has_two_factor(request.user) else "two_factor:enrol"
    query = urlencode({"next": next_url or next_url_for(request)})
    return HttpResponseRedirect(f"{reverse(name)}?{query}")


class TwoFactorMiddleware:
    """Install after AuthenticationMiddleware and django_otp.middleware.OTPMiddleware.

    Every admin URL answers a redirect to verification (or enrolment) while the session of a
    user who must use two factors is not verified, except what the way in needs: login, logout,
    password reset, the icon sprite and the script catalogue, enrolment and verification
    themselves. Wagtail's staff-only documents are guarded by a ``before_serve_document`` hook
    (core/wagtail_hooks.py) with the same check."""

    EXEMPT_NAMES = ("wagtailadmin_login", "wagtailadmin_logout", "wagtailadmin_sprite",
                    "wagtailadmin_javascript_catalog", "two_factor:enrol", "two_factor:verify")
    EXEMPT_PREFIXES = ("wagtailadmin_password_reset",)

    def __init__(self, get_response):
        self.get_response = get_response
        self._paths: tuple[str, set[str], tuple[str, ...]] | None = None

    def _routes(self) -> tuple[str, set[str], tuple[str, ...]]:
        if self._paths is None:  # reversed on first use: the URLconf is not loaded at start-up
            self._paths = (
                reverse("wagtailadmin_home"),
                {reverse(name) for name in self.EXEMPT_NAMES},
                tuple(reverse(name) for name in self.EXEMPT_PREFIXES),
            )
        return self._paths

    def __call__(self, request):
        if enforced():
            admin, exempt, exempt_prefixes = self._routes()
            path = request.path  # reverse() includes the script prefix, as request.path does
            if (path.startswith(admin) and path not in exempt and not path.startswith(exempt_prefixes)
                    and needs_verification(request.user)):
                return redirect_to_second_factor(request)
        return self.get_response(request)
