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


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


__all__ = ["PermissionDenied", "ServiceError", "require"]
