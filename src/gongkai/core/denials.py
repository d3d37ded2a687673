"""Audit of refused access (等保2.0 安全审计: security-relevant events include access refused).

Two ways a signed-in user is refused:

- a view raises ``PermissionDenied``: outside the Wagtail admin Django answers 403 and
  :class:`PermissionDeniedAuditMiddleware` records it; inside the admin Wagtail's
  ``require_admin_access`` catches it and answers with ``wagtail.admin.auth.permission_denied`` (a
  redirect with a message), which the middleware wraps once (:func:`install`) to record it;
- a view finds an object outside the user's scope and answers 404 so as not to confirm that it
  exists: the central look-up helpers call :func:`out_of_scope`, which records it and returns the
  Http404 to raise.

Anonymous visitors are not recorded (their 404s are ordinary misses, and a flood of them must not
fill the log). Each entry carries the path and method; its scope is the object's body when there is
one (that county's office reads the attempt), else the user's first body.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from gongkai.core import audit


def _scope(user, obj):
    body_id = getattr(obj, "body_id", None) or getattr(obj, "county_id", None) if obj is not None else None
    if body_id is None and obj is not None and obj._meta.label_lower == "core.body":
        body_id = obj.pk
    if body_id is None:
        return audit.actor_scope(user)
    from gongkai.core.models import Body

    return Body.objects.filter(pk=body_id).first()


def record_denial(request, *, status: int, obj=None, reason: str = "") -> None:
    """Append a "security.permission_denied" entry for a signed-in user's refused request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    data = {"path": request.path[:500], "method": request.method, "status": status}
    if reason:
        data["reason"] = reason[:200]
    if obj is not None:
        data["object"] = f"{obj._meta.label_lower}:{obj.pk}"
    audit.record("security.permission_denied", user, obj, data, label=request.path[:255], scope=_scope(user, obj))


def out_of_scope(request, obj) -> Http404:
    """Record that ``request.user`` asked for ``obj`` outside their scope; raise the result."""
    record_denial(request, status=404, obj=obj, reason="超出权限范围的对象")
    return Http404()


_installed = False


def install() -> None:
    """Wrap Wagtail's admin ``permission_denied`` response so that the refusals Wagtail catches
    (PermissionDenied raised in an admin view) are recorded too. Idempotent."""
    global _installed
    if _installed:
        return
    from wagtail.admin import auth

    original = auth.permission_denied

    def permission_denied(request):
        if request.headers.get("x-requested-with") != "XMLHttpRequest":  # else it raises: the middleware records
            record_denial(request, status=403, reason="管理后台拒绝访问")
        return original(request)

    auth.permission_denied = permission_denied
    _installed = True


class PermissionDeniedAuditMiddleware:
    """Record every PermissionDenied a view raises for a signed-in user (Django answers 403)."""

    def __init__(self, get_response):
        self.get_response = get_response
        install()

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            record_denial(request, status=403, reason=str(exception))
        return None
