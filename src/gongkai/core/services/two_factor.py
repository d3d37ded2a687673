"""Services for staff two-factor authentication: an authenticator app (TOTP, django-otp's
``TOTPDevice``) and ten one-time recovery codes (``StaticDevice``).

Recovery codes are shown once and stored only as a keyed hash (:func:`stored_code`, the blind
index of ``core.encryption`` with the ID-hash key, cut to the 16 characters django-otp's
``StaticToken.token`` holds): a copy of the database does not give anyone a second factor.

Wrong codes are slowed down by django-otp's per-device back-off (``OTP_TOTP_THROTTLE_FACTOR`` ×
2^(failures−1) seconds). A failed attempt is committed, with its audit entry, before the caller
hears of it (``TwoFactorFailed`` is raised after the transaction), so no rollback can undo the
back-off or the record of the failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.core import audit, rules
from gongkai.core.encryption import blind_index
from gongkai.core.models import Body, Membership
from gongkai.core.services import ServiceError, require

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "验证器应用"
RECOVERY_NAME = "恢复码"
MAX_TOKEN_LENGTH = 32


class TwoFactorFailed(ServiceError):
    """A wrong, reused or throttled code; ``locked_until`` is set while attempts are held back."""

    def __init__(self, message: str, locked_until: datetime | None = None):
        super().__init__(message)
        self.locked_until = locked_until


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | StaticDevice
    recovery_codes_left: int | None  # None: verified with the authenticator app


def normalise(token: str) -> str:
    """Codes as people type them: spaces and hyphens dropped, letters lower-cased."""
    return "".join(ch for ch in (token or "").strip().lower() if ch not in " -\u3000")[:MAX_TOKEN_LENGTH]


def _label(user) -> str:
    return user.get_full_name() or user.get_username()


def _scope(user) -> Body | None:
    membership = Membership.objects.select_related("body").filter(user=user).order_by("pk").first()
    return membership.body if membership else None


def _require_self(actor, user) -> None:
    require(getattr(actor, "pk", None) is not None and actor.pk == user.pk and actor.is_active,
            "只能为自己的账号设置双因素认证")


def _attempt(device, token: str) -> tuple[bool, datetime | None]:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return False, (info or {}).get("locked_until")
    return bool(device.verify_token(token)), None


def _failure(locked_until: datetime | None, what: str) -> TwoFactorFailed:
    if locked_until is not None:
        when = timezone.localtime(locked_until).strftime("%H:%M:%S")
        return TwoFactorFailed(f"尝试过于频繁，请于 {when} 之后再试", locked_until)
    return TwoFactorFailed(f"{what}不正确或已使用，请重新输入")


def stored_code(code: str) -> str:
    """What the database keeps of a recovery code: a keyed hash of its normalised form (64 bits
    of HMAC-SHA256; the code itself has 40 random bits, so the hash identifies it)."""
    return blind_index(normalise(code), "otp-recovery")[:16]


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=stored_code(code)) for code in codes)
    return codes


def pending_device(actor) -> TOTPDevice:
    """The authenticator ``actor`` is setting up: the unconfirmed device, created with a fresh
    random key on first call. Creating it is not audited (it grants nothing until confirmed;
    :func:`confirm_enrolment` is). Refuses once a device is confirmed: a second device must not be
    addable with the password alone (a lost phone is reset by an office admin)."""
    require(getattr(actor, "is_authenticated", False) and actor.is_active, "请先登录")
    require(not TOTPDevice.objects.filter(user=actor, confirmed=True).exists(),
            "您已启用双因素认证；如需更换手机，请联系本县公开办管理员重置")
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=actor, name=AUTHENTICATOR_NAME, confirmed=False)


def confirm_enrolment(actor, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm ``actor``'s pending authenticator with a code it shows, and issue recovery codes.

    Returns the confirmed device and the ten recovery codes (shown once; only the user sees them).
    Raises PermissionDenied if a device is already confirmed, ServiceError if nothing is pending,
    TwoFactorFailed (after committing the back-off and an ``auth.otp_failed`` entry) for a wrong
    code. Audit: ``auth.otp_enrolled``."""
    token = normalise(token)
    with transaction.atomic():
        require(not TOTPDevice.objects.filter(user=actor, confirmed=True).exists(),
                "您已启用双因素认证；如需更换手机，请联系本县公开办管理员重置")
        device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("pk").first()
        if device is None:
            raise ServiceError("请先打开绑定页面，用验证器应用扫描二维码")
        ok, locked_until = _attempt(device, token)
        if ok:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
            codes = _new_recovery_codes(actor)
            audit.record("auth.otp_enrolled", actor, actor, {"device": device.name, "recovery_codes": len(codes)},
                         label=_label(actor), scope=_scope(actor))
        else:
            audit.record("auth.otp_failed", actor, actor, {"stage": "enrolment", "method": "totp",
                                                           "throttled": locked_until is not None},
                         label=_label(actor), scope=_scope(actor))
    if not ok:
        raise _failure(locked_until, "验证码")
    return device, codes


def verify(actor, token: str) -> Verification:
    """Check a second factor at sign-in: a 6-digit code of the authenticator app, or a recovery
    code (each works once). The caller then marks the session (``django_otp.login``).

    Raises ServiceError for an empty code or a user without a device, TwoFactorFailed (after
    committing the back-off and an ``auth.otp_failed`` entry) for a wrong, reused or throttled code.
    Audit: ``auth.otp_verified`` or ``auth.recovery_code_used`` (with the codes left)."""
    token = normalise(token)
    if not token:
        raise ServiceError("请输入验证码")
    # Authenticator codes are 6 digits; recovery codes 8 letters and digits (base32).
    is_totp = token.isdigit() and len(token) != 8
    model = TOTPDevice if is_totp else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=actor, confirmed=True).order_by("pk").first()
        if device is None:
            if is_totp:
                raise ServiceError("您尚未绑定验证器应用")
            ok, locked_until = False, None  # no recovery codes left: a wrong code like any other
        else:
            ok, locked_until = _attempt(device, token if is_totp else stored_code(token))
        left = None
        if ok and not is_totp:
            left = device.token_set.count()
            audit.record("auth.recovery_code_used", actor, actor, {"codes_left": left},
                         label=_label(actor), scope=_scope(actor))
        elif ok:
            audit.record("auth.otp_verified", actor, actor, {"method": "totp"}, label=_label(actor),
                         scope=_scope(actor))
        else:
            audit.record("auth.otp_failed", actor, actor, {
                "stage": "verification", "method": "totp" if is_totp else "recovery_code",
                "throttled": locked_until is not None,
            }, label=_label(actor), scope=_scope(actor))
    if not ok:
        raise _failure(locked_until, "验证码" if is_totp else "恢复码")
    return Verification(device, left)


@transaction.atomic
def regenerate_recovery_codes(actor, user) -> list[str]:
    """Replace ``user``'s recovery codes with ten new ones (the old ones stop working). Only the
    user themselves, with an authenticator enrolled. Audit: ``auth.recovery_codes_regenerated``."""
    _require_self(actor, user)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ServiceError("请先启用双因素认证")
    codes = _new_recovery_codes(user)
    audit.record("auth.recovery_codes_regenerated", actor, user, {"recovery_codes": len(codes)},
                 label=_label(user), scope=_scope(user))
    return codes


@transaction.atomic
def reset_two_factor(actor, person) -> int:
    """Remove ``person``'s authenticator and recovery codes (a lost or replaced phone): they enrol
    again at their next sign-in, and any session they verified with these devices stops being
    verified. An office admin covering one of their bodies (``rules.can_reset_two_factor``).
    Returns the number of devices removed. Audit: ``auth.otp_reset``."""
    bodies = [m.body for m in Membership.objects.select_related("body").filter(user=person).order_by("pk")]
    require(rules.can_reset_two_factor(actor, person, bodies), "您没有重置该人员双因素认证的权限")
    totp = TOTPDevice.objects.filter(user=person)
    static = StaticDevice.objects.filter(user=person)
    had_authenticator = totp.filter(confirmed=True).exists()
    count = totp.count() + static.count()
    if not count:
        raise ServiceError(f"“{_label(person)}”尚未启用双因素认证，无需重置")
    totp.delete()
    static.delete()
    audit.record("auth.otp_reset", actor, person, {"devices": count, "had_authenticator": had_authenticator},
                 label=_label(person), scope=bodies[0] if bodies else None)
    return count
