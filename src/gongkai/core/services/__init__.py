"""The service layer: every state change in Gongkai is one function here (or in a later app's
``services`` package). Each one

1. checks permission with a ``can_*`` rule from ``gongkai.core.rules`` (raising PermissionDenied),
2. validates input (raising ServiceError with a Chinese message),
3. changes state inside one transaction,
4. appends one audit entry with ``gongkai.core.audit.record``,
5. defers side effects with ``transaction.on_commit``.

Views, the Wagtail admin, the command line and background jobs only call services.
"""

from django.core.exceptions import PermissionDenied, ValidationError


class ServiceError(ValidationError):
    """Bad input to a service; ``messages`` are fit to show the user."""


STALE_EDIT_MESSAGE = "该信息已被他人修改，请刷新后再改"


class StaleEdit(ServiceError):
    """Optimistic locking (issue 13 §4): the object changed since the form was loaded. The save
    changed nothing; the user reloads and edits again. Raised by a service's compare-and-set."""

    def __init__(self, message: str = STALE_EDIT_MESSAGE):
        super().__init__(message)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


__all__ = ["STALE_EDIT_MESSAGE", "PermissionDenied", "ServiceError", "StaleEdit", "require"]
