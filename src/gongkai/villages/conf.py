"""Settings of the subsidy notices, read from the environment (typed, failing loudly; see
docs/villages.md). Read on each call so tests can override them with ``settings``/monkeypatch."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gongkai.environment import env_int
from gongkai.villages import publicity


def publicity_days() -> int:
    """GONGKAI_SUBSIDY_PUBLICITY_DAYS: length of the 公示期 in calendar days (default 7)."""
    days = getattr(settings, "GONGKAI_SUBSIDY_PUBLICITY_DAYS", None) or env_int(
        "GONGKAI_SUBSIDY_PUBLICITY_DAYS", publicity.DEFAULT_DAYS, minimum=1)
    if days > publicity.MAX_DAYS:
        raise ImproperlyConfigured(f"GONGKAI_SUBSIDY_PUBLICITY_DAYS must be at most {publicity.MAX_DAYS}")
    return days


def retention_years() -> int:
    """GONGKAI_SUBSIDY_RETENTION_YEARS: how long archived notices are kept (default 5, at least 3)."""
    return getattr(settings, "GONGKAI_SUBSIDY_RETENTION_YEARS", None) or env_int(
        "GONGKAI_SUBSIDY_RETENTION_YEARS", publicity.DEFAULT_RETENTION_YEARS, minimum=publicity.MIN_RETENTION_YEARS)


def lookup_limits() -> tuple[int, int, int]:
    """(per IP, per ID number, window seconds) for the personal lookup:
    GONGKAI_SUBSIDY_LOOKUP_PER_IP (default 10), GONGKAI_SUBSIDY_LOOKUP_PER_ID (5), per hour."""
    return (env_int("GONGKAI_SUBSIDY_LOOKUP_PER_IP", 10, minimum=1),
            env_int("GONGKAI_SUBSIDY_LOOKUP_PER_ID", 5, minimum=1), 3600)


def _hash_key() -> bytes:
    """The ID-hash key (settings.GONGKAI_ID_HASH_KEY: environment, else the key file, else a public
    development key that `gongkai serve` refuses; gongkai.core.keys). Never SECRET_KEY. Changing it
    makes stored hashes unusable for lookups and duplicate checks: the database keeps its
    fingerprint, so a different key is reported (``gongkai keys check``), not silently used."""
    return settings.GONGKAI_ID_HASH_KEY.encode("utf-8")


def id_hash(id_number: str) -> str:
    """HMAC-SHA256 of a normalised ID number: the only form in which full ID numbers are kept.
    A keyed hash, so a leaked table cannot be reversed by hashing all possible ID numbers."""
    return hmac.new(_hash_key(), b"gongkai-id:" + id_number.upper().encode("ascii", "replace"),
                    hashlib.sha256).hexdigest()
