"""Password policy (GB/T 22239-2019 8.1.4.1 a: 口令具有复杂度要求并定期更换).

Listed in ``AUTH_PASSWORD_VALIDATORS``, so every way of setting a password applies them: the people
service, Wagtail's account page, password reset. Messages are Chinese.

- :class:`MinimumLengthValidator`: at least 10 characters;
- :class:`CharacterClassesValidator`: at least three of upper case, lower case, digits, symbols;
- :class:`NoNamesValidator`: not containing the username or the name of a county on the platform
  (``测试县``, and ``测试`` without the 县/区/市 suffix), case-insensitively;
- :class:`PasswordChangeRecorder`: not a rule; records when a password was changed, for the
  optional expiry (``GONGKAI_PASSWORD_MAX_AGE_DAYS``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone

_SUFFIXES = ("人民政府", "政府")
_ADMIN_SUFFIXES = ("县", "区", "市", "旗")


class MinimumLengthValidator:
    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短：至少需要 {self.min_length} 个字符", code="password_too_short")

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


def character_classes(password: str) -> set[str]:
    classes = set()
    for char in password:
        if char.isupper():
            classes.add("upper")
        elif char.islower():
            classes.add("lower")
        elif char.isdigit():
            classes.add("digit")
        else:
            classes.add("symbol")
    return classes


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(
                f"密码过于简单：需包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码需包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


def county_names() -> set[str]:
    """Names of the counties on the platform as people write them: the body's name and short name,
    the name without 人民政府, and that without its 县/区/市 suffix when two characters remain."""
    from gongkai.core.models import Body, BodyKind

    names: set[str] = set()
    for name, short in Body.objects.filter(depth=1, kind=BodyKind.COUNTY).values_list("name", "short_name"):
        for value in (name, short):
            value = (value or "").strip()
            if not value:
                continue
            names.add(value)
            for suffix in _SUFFIXES:
                if value.endswith(suffix) and len(value) > len(suffix):
                    value = value[: -len(suffix)]
                    names.add(value)
                    break
            if value.endswith(_ADMIN_SUFFIXES) and len(value) >= 3:
                names.add(value[:-1])
    return {n for n in names if len(n) >= 2}


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


class NoNamesValidator:
    """Refuses a password that contains the username (of 3 characters or more) or a county's name."""

    def validate(self, password, user=None):
        text = _normalise(password)
        username = _normalise(user.get_username()) if user is not None and user.get_username() else ""
        if len(username) >= 3 and username in text:
            raise ValidationError("密码不能包含用户名", code="password_contains_username")
        for name in sorted(county_names(), key=len, reverse=True):
            if _normalise(name) in text:
                raise ValidationError(f"密码不能包含本地名称“{name}”", code="password_contains_county_name")

    def get_help_text(self):
        return "密码不能包含用户名或本县（区、市）名称。"


class PasswordChangeRecorder:
    """Records the time of every password change (Django calls ``password_changed`` on each
    validator after a new password is saved). It refuses nothing."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from gongkai.core.models import PasswordChange

        PasswordChange.objects.update_or_create(user_id=user.pk, defaults={"changed_at": timezone.now()})

    def get_help_text(self):
        return ""
