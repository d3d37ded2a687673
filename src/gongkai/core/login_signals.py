"""Receivers that turn Django's and django-axes' login signals into audit entries and stamp the
session's start (connected in ``CoreConfig.ready``). Logins happen inside Django's views, so these
signals are the only place the events can be seen; the entries are written by
``core.services.logins``."""

from __future__ import annotations

from axes.helpers import get_client_username


def on_logged_in(sender, request, user, **kwargs):
    from gongkai.core.services.logins import record_login
    from gongkai.core.session_security import start_session

    if request is None:
        return
    if hasattr(request, "session"):
        start_session(request)
    record_login(request, user)


def on_logged_out(sender, request, user, **kwargs):
    from gongkai.core.services.logins import record_logout

    record_logout(request, user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """``credentials`` comes cleansed by Django (the password is starred out); only the username
    is kept."""
    from gongkai.core.services.logins import record_login_failure

    username = get_client_username(request, credentials) if request is not None else credentials.get("username")
    record_login_failure(request, username)


def on_locked_out(sender, request, username, ip_address, **kwargs):
    """Axes sends this when a failure reaches a limit, and again for each attempt refused while the
    lock holds; only the first starts a lock (the refused ones were not counted, so axes left
    ``axes_failures_since_start`` unset) and is audited as ``auth.locked_out``."""
    from gongkai.core.services.logins import record_lockout

    if getattr(request, "axes_failures_since_start", None) is None:
        return
    record_lockout(request, username, ip_address)


def connect() -> None:
    # Importing axes.signals connects axes' own receivers; ours are connected after them, so they
    # run after axes has counted the failure (``axes_failures_since_start``) or refused it.
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(on_logged_in, dispatch_uid="gongkai.auth.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="gongkai.auth.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="gongkai.auth.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="gongkai.auth.locked_out")
