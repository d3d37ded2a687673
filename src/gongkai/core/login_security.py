"""登录失败处理 (GB/T 22239-2019 8.1.4.1 b): account lockout and per-address throttling.

django-axes records failed logins in the database (``AccessAttempt``), so every worker process
sees the same counts. Axes compares one number against one limit; Gongkai has two limits, a low
one per account (``GONGKAI_LOGIN_FAILURE_LIMIT``, 5) and a higher one per client address
(``GONGKAI_LOGIN_IP_FAILURE_LIMIT``, 20), both counted over the lockout window
(``GONGKAI_LOGIN_LOCKOUT_MINUTES``, 15). :class:`LoginAttemptHandler` folds the two into the one
number axes compares, and :func:`lock_state` says which lock holds and until when, for the login
page and the unlock screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpResponse
from django.utils import timezone


def account_limit() -> int:
    return settings.AXES_FAILURE_LIMIT


def address_limit() -> int:
    return settings.GONGKAI_LOGIN_IP_FAILURE_LIMIT


def lockout_period() -> dt.timedelta:
    return settings.AXES_COOLOFF_TIME


def client_address(request) -> str | None:
    """The client's address for axes: the same rule as the abuse limits (``core.limits``):
    ``REMOTE_ADDR``, or behind a proxy listed in ``GONGKAI_TRUSTED_PROXIES`` the first untrusted
    address from the right of X-Forwarded-For, so a client cannot choose its own address."""
    from gongkai.core import limits

    return limits.client_address(request) or None


@dataclass(frozen=True)
class Counts:
    account: int
    account_last: dt.datetime | None
    address: int
    address_last: dt.datetime | None


def _window_start(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - lockout_period()


def failure_counts(username: str | None, address: str | None, now: dt.datetime | None = None) -> Counts:
    """Failures of ``username`` (from any address) and from ``address`` (any username) in the window."""
    since = _window_start(now)

    def count(**filters):
        if not any(filters.values()):
            return 0, None
        row = AccessAttempt.objects.filter(attempt_time__gte=since, **filters).aggregate(
            n=Sum("failures_since_start"), last=Max("attempt_time"))
        return row["n"] or 0, row["last"]

    account, account_last = count(username=username)
    by_address, address_last = count(ip_address=address)
    return Counts(account, account_last, by_address, address_last)


@dataclass(frozen=True)
class LockState:
    reason: str  # "account" | "address"
    until: dt.datetime

    @property
    def until_local(self) -> dt.datetime:
        return timezone.localtime(self.until)

    def message(self) -> str:
        when = self.until_local.strftime("%Y年%m月%d日 %H:%M")
        if self.reason == "account":
            return (f"该账号因连续{account_limit()}次登录失败已被锁定，将于 {when} 自动解锁；"
                    "如需提前解锁，请联系公开办管理员。")
        return (f"您所在网络地址的登录失败次数过多，已暂停登录，将于 {when} 恢复；"
                "如需提前恢复，请联系平台管理员。")


def lock_state(username: str | None, address: str | None, now: dt.datetime | None = None) -> LockState | None:
    """The lock that holds for a login as ``username`` from ``address``, or None. When both the
    account and the address are locked, the one that lasts longer is reported."""
    counts = failure_counts(username, address, now)
    locks = []
    if counts.account >= account_limit():
        locks.append(LockState("account", counts.account_last + lockout_period()))
    if counts.address >= address_limit():
        locks.append(LockState("address", counts.address_last + lockout_period()))
    return max(locks, key=lambda lock: lock.until) if locks else None


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, per-address limit.

    Axes locks when ``get_failures`` reaches ``AXES_FAILURE_LIMIT`` (the per-account limit). This
    handler reports the account's own failures, or that limit itself once the address has reached
    its own (higher) limit, so either lock stops the login; the counts stay in the database.
    """

    def get_failures(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        counts = failure_counts(username, request.axes_ip_address)
        if counts.address >= address_limit():
            return max(counts.account, account_limit())
        return counts.account


def lockout_response(request, original_response=None, credentials=None):
    """Axes' AXES_LOCKOUT_CALLABLE: keep the login page, whose form already names the lock and
    its end (see ``core.admin_views.LoginForm``), and answer 429."""
    if original_response is None:
        username = get_client_username(request, credentials)
        state = lock_state(username, getattr(request, "axes_ip_address", None))
        text = state.message() if state else "登录失败次数过多，请稍后再试。"
        return HttpResponse(text, status=429, content_type="text/plain; charset=utf-8")
    original_response.status_code = 429
    return original_response
