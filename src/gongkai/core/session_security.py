"""Session limits and password expiry (GB/T 22239-2019 8.1.4.1 a, b: 登录连接超时自动退出, 定期更换口令).

:class:`SessionSecurityMiddleware` keeps two times in the session: when the person logged in and
when they were last seen. A session idle for longer than ``GONGKAI_SESSION_IDLE_MINUTES`` (30) or
older than ``GONGKAI_SESSION_MAX_HOURS`` (12) is ended: the person is logged out (audit
``auth.session_expired``) and the admin sends them to the login page, which says why. When
``GONGKAI_PASSWORD_MAX_AGE_DAYS`` is set, a person whose password is older is sent to the account
page to change it before any other admin page opens.

Independent of any two-factor middleware: it only reads ``request.user`` and the session.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

LOGIN_AT = "gongkai_login_at"
SEEN_AT = "gongkai_seen_at"
# Refresh the last-seen time at most once a minute, so that not every request writes the session.
_SEEN_RESOLUTION = 60


def start_session(request) -> None:
    """Called on login: stamp the session's start."""
    now = timezone.now().timestamp()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def session_expiry(session, now: dt.datetime) -> str | None:
    """Why the session has run out ("idle" or "absolute"), or None."""
    ts = now.timestamp()
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is not None and ts - login_at > settings.GONGKAI_SESSION_MAX_HOURS * 3600:
        return "absolute"
    if seen_at is not None and ts - seen_at > settings.GONGKAI_SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


EXPIRY_MESSAGES = {
    "idle": "您已超过 {minutes} 分钟未操作，为保护账号安全已自动退出，请重新登录。",
    "absolute": "本次登录已超过 {hours} 小时，为保护账号安全已自动退出，请重新登录。",
}


def password_expired(user, now: dt.datetime) -> bool:
    days = settings.GONGKAI_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.has_usable_password():
        return False
    from gongkai.core.models import PasswordChange

    record = PasswordChange.objects.filter(user_id=user.pk).values_list("changed_at", flat=True).first()
    changed_at = record or user.date_joined
    return now - changed_at > dt.timedelta(days=days)


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            reason = session_expiry(request.session, now)
            if reason is not None:
                from gongkai.core.services.logins import record_session_expired

                record_session_expired(request, user, reason)
                logout(request)
                messages.warning(request, EXPIRY_MESSAGES[reason].format(
                    minutes=settings.GONGKAI_SESSION_IDLE_MINUTES, hours=settings.GONGKAI_SESSION_MAX_HOURS))
            else:
                if LOGIN_AT not in request.session:
                    start_session(request)
                elif now.timestamp() - request.session.get(SEEN_AT, 0) >= _SEEN_RESOLUTION:
                    request.session[SEEN_AT] = now.timestamp()
                response = self._password_change_required(request, user, now)
                if response is not None:
                    return response
        return self.get_response(request)

    def _password_change_required(self, request, user, now):
        admin = reverse("wagtailadmin_home")
        if not request.path.startswith(admin):
            return None
        allowed = (reverse("wagtailadmin_account"), reverse("wagtailadmin_logout"), reverse("wagtailadmin_login"),
                   reverse("wagtailadmin_password_reset"), reverse("wagtailadmin_javascript_catalog"))
        if request.path.startswith(allowed) or not password_expired(user, now):
            return None
        messages.warning(request, f"您的密码已超过 {settings.GONGKAI_PASSWORD_MAX_AGE_DAYS} 天未更换，请先修改密码。")
        return redirect("wagtailadmin_account")
