"""Login events and unlocking (等保2.0 身份鉴别 and 安全审计).

The ``record_*`` functions write the audit entries of the login flow; they are called by the
receivers of Django's and django-axes' login signals (``core.apps``) and by the session
middleware, because logins happen inside Django's own views. A password is never recorded: only
the username tried and the client address.

:func:`unlock` is the one way to end a lock early: it checks ``can_unlock_account`` (or, for a
client address, ``can_unlock_address``), deletes the failure counts and writes ``auth.unlocked``.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.login_security import client_address, lock_state, lockout_period
from gongkai.core.models import Membership
from gongkai.core.services import ServiceError, require


def _scope(user):
    """The body whose office admins may read the entry: the person's first body, if any."""
    if user is None:
        return None
    membership = Membership.objects.select_related("body").filter(user=user).order_by("pk").first()
    return membership.body if membership else None


def _user_named(username: str | None):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


def _label(user) -> str:
    return user.get_full_name() or user.get_username()


def _client(request) -> dict:
    return {"address": client_address(request) if request is not None else None}


@transaction.atomic
def record_login(request, user) -> None:
    audit.record("auth.login", user, user, _client(request), label=_label(user), scope=_scope(user))


@transaction.atomic
def record_logout(request, user) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    audit.record("auth.logout", user, user, _client(request), label=_label(user), scope=_scope(user))


@transaction.atomic
def record_login_failure(request, username: str | None) -> None:
    """A failed login as ``username`` (which may not exist). ``locked`` says the attempt was
    refused because a lock held, whatever the password was (axes refused it without counting it;
    runs after axes' own receiver, see ``core.login_signals.connect``)."""
    user = _user_named(username)
    refused = bool(getattr(request, "axes_locked_out", False)) and getattr(request, "axes_failures_since_start",
                                                                            None) is None
    data = {"username": (username or "")[:150], **_client(request), "locked": refused}
    audit.record("auth.login_failed", None, user, data, label=(username or "")[:150], scope=_scope(user))


@transaction.atomic
def record_lockout(request, username: str | None, address: str | None) -> None:
    user = _user_named(username)
    state = lock_state(username, address)
    data = {"username": (username or "")[:150], "address": address,
            "reason": state.reason if state else "account",
            "until": state.until.isoformat() if state else None}
    audit.record("auth.locked_out", None, user, data, label=(username or address or "")[:150], scope=_scope(user))


@transaction.atomic
def record_session_expired(request, user, reason: str) -> None:
    """The session middleware ended a session: ``reason`` is "idle" or "absolute"."""
    audit.record("auth.session_expired", user, user, {**_client(request), "reason": reason}, label=_label(user),
                 scope=_scope(user))


def locked_accounts(actor) -> list[dict]:
    """Current locks ``actor`` may see and lift: accounts of people in bodies they manage (all
    usernames, known or not, and client addresses for platform operators). Each item has
    ``kind`` ("account"/"address"), ``key`` (the username or address), ``user`` (or None),
    ``failures``, ``until`` (aware datetime)."""
    since = timezone.now() - lockout_period()
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    items = []
    usernames = sorted({u for u in recent.values_list("username", flat=True) if u})
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    for username in usernames:
        state = lock_state(username, None)
        if state is None:
            continue
        user = users.get(username)
        if not (rules.is_platform_operator(actor) or (user is not None and rules.can_unlock_account(actor, user))):
            continue
        items.append({"kind": "account", "key": username, "user": user, "until": state.until,
                      "failures": sum(recent.filter(username=username).values_list("failures_since_start", flat=True))})
    if rules.can_unlock_address(actor):
        for address in sorted({a for a in recent.values_list("ip_address", flat=True) if a}):
            state = lock_state(None, address)
            if state is not None:
                items.append({"kind": "address", "key": address, "user": None, "until": state.until,
                              "failures": sum(recent.filter(ip_address=address)
                                              .values_list("failures_since_start", flat=True))})
    return items


@transaction.atomic
def unlock(actor, *, username: str | None = None, address: str | None = None) -> int:
    """Lift the lock on an account (``username``) or a client address; returns how many failure
    records were cleared. Raises PermissionDenied if ``actor`` may not, ServiceError if nothing
    is locked."""
    if bool(username) == bool(address):
        raise ServiceError("请指定要解锁的账号或网络地址（只能指定其一）")
    if username:
        user = _user_named(username)
        allowed = rules.is_platform_operator(actor) or (user is not None and rules.can_unlock_account(actor, user))
        require(allowed, "您没有解锁该账号的权限")
        state = lock_state(username, None)
        if state is None:
            raise ServiceError(f"账号“{username}”当前没有被锁定")
        cleared, _ = AccessAttempt.objects.filter(username=username).delete()
        audit.record("auth.unlocked", actor, user, {"username": username, "was_locked_until": state.until.isoformat()},
                     label=username, scope=_scope(user))
        return cleared
    require(rules.can_unlock_address(actor), "只有平台管理员可以解除网络地址的登录限制")
    state = lock_state(None, address)
    if state is None:
        raise ServiceError(f"网络地址 {address} 当前没有被限制登录")
    cleared, _ = AccessAttempt.objects.filter(ip_address=address).delete()
    audit.record("auth.unlocked", actor, None, {"address": address, "was_locked_until": state.until.isoformat()},
                 label=address, scope=None)
    return cleared
