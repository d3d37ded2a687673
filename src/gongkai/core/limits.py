"""Abuse limits shared by every worker process (issue 13 §5).

Counters live in the Django cache (``settings.CACHES["default"]``): Redis when ``REDIS_URL`` is set,
else the database table ``gongkai_cache``. Either way every worker of every process sees the same
counts, so the real limit no longer grows with the number of workers.

Windows are fixed and aligned to the clock (an hourly limit resets at the full hour); a refused
caller is told when the window ends (``Retry-After``). Honest users are never delayed: a request
under its limit costs a few cache reads and writes, nothing sleeps.

Counting is exact under concurrency on every backend: attempt *n* of a window claims the key
``…:<n>`` with ``cache.add``, which only one caller can win (``SET NX`` on Redis, the primary key
of the cache table in the database, a lock in local memory). ``cache.incr`` is not used because the
database backend implements it as a read followed by a write, which loses counts under load. A
plain key holds the last claimed number as a hint, so a caller usually claims at the first try.

Subjects (client addresses, phone numbers, e-mail addresses, query codes) never reach the cache in
clear: keys carry an HMAC of them keyed with ``SECRET_KEY``.

When the cache itself fails (Redis down), the attempt is allowed and the failure logged: a citizen
gets served rather than an error page.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)
CACHE_ALIAS = "default"
HOUR = 3600
_KEY_SALT = "gongkai.core.limits"


@dataclass(frozen=True)
class Decision:
    """The answer for one attempt: ``allowed``, and when refused, the seconds until the window
    ends (``retry_after``, at least 1)."""

    allowed: bool
    retry_after: int = 0

    @property
    def retry_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


ALLOWED = Decision(True)


@dataclass(frozen=True)
class Rule:
    """A limit read from settings: at most ``settings.<setting>`` attempts per subject and window."""

    scope: str
    setting: str
    window: int = HOUR

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.setting))

    def hit(self, subject: str) -> Decision:
        return hit(self.scope, subject, limit=self.limit, window=self.window)

    def check(self, subject: str) -> Decision:
        return check(self.scope, subject, limit=self.limit, window=self.window)


APPLICATIONS_PER_ADDRESS = Rule("apply-ip", "GONGKAI_LIMIT_APPLICATIONS_PER_IP_HOUR")
APPLICATIONS_PER_CONTACT = Rule("apply-contact", "GONGKAI_LIMIT_APPLICATIONS_PER_CONTACT_HOUR")
STATUS_LOOKUPS_PER_ADDRESS = Rule("status-ip", "GONGKAI_LIMIT_STATUS_LOOKUPS_PER_IP_HOUR")
STATUS_FAILURES_PER_CODE = Rule("status-code", "GONGKAI_LIMIT_STATUS_FAILURES_PER_CODE_HOUR")


def _cache():
    return caches[CACHE_ALIAS]


def _window(window: int) -> tuple[int, int]:
    """(number of the current window, whole seconds until it ends)."""
    now = time.time()
    number = int(now // window)
    return number, max(1, math.ceil((number + 1) * window - now))


def _key(scope: str, subject: str, number: int) -> str:
    digest = salted_hmac(_KEY_SALT, f"{scope}\0{subject}", algorithm="sha256").hexdigest()[:40]
    return f"limit:{scope}:{digest}:{number}"


def hit(scope: str, subject: str, *, limit: int, window: int = HOUR) -> Decision:
    """Count one attempt of ``subject`` under ``scope``; refused (and not counted) once ``limit``
    attempts were made in the current window."""
    number, ttl = _window(window)
    base = _key(scope, subject, number)
    cache = _cache()
    try:
        first = int(cache.get(base) or 0) + 1
        for slot in range(max(first, 1), limit + 1):
            if cache.add(f"{base}:{slot}", 1, ttl):
                cache.set(base, slot, ttl)
                return ALLOWED
    except Exception:  # the cache is down: serve the citizen rather than answer 500 (logged)
        logger.exception("abuse limit %s not counted: the cache failed", scope)
        return ALLOWED
    return Decision(False, ttl)


def check(scope: str, subject: str, *, limit: int, window: int = HOUR) -> Decision:
    """Whether one more attempt would be allowed, without counting it."""
    number, ttl = _window(window)
    try:
        taken = _cache().get(f"{_key(scope, subject, number)}:{limit}") is not None
    except Exception:
        logger.exception("abuse limit %s not checked: the cache failed", scope)
        return ALLOWED
    return Decision(False, ttl) if taken else ALLOWED


def first_refusal(*decisions: Decision) -> Decision | None:
    """The refusal with the longest wait among ``decisions``, or None when all are allowed."""
    refused = [d for d in decisions if not d.allowed]
    return max(refused, key=lambda d: d.retry_after) if refused else None


# --- Who is asking ---------------------------------------------------------------------------------


def _trusted_networks():
    return [ipaddress.ip_network(p, strict=False) for p in settings.GONGKAI_TRUSTED_PROXIES]


def _address(text: str):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(request) -> str:
    """The address the limits count against: ``REMOTE_ADDR``, unless it is one of
    ``GONGKAI_TRUSTED_PROXIES``; then ``X-Forwarded-For`` is read from the right, skipping trusted
    proxies, and the first other address is the client. Entries left of it were written by the
    client and are never believed, so a forged header cannot move an attacker to a fresh counter."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    networks = _trusted_networks()
    address = _address(remote)
    if not networks or address is None or not any(address in n for n in networks):
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # a trusted proxy passed on garbage: count against that proxy
            return remote
        if not any(address in n for n in networks):
            return str(address)
    return remote


def contact_subjects(phone: str = "", email: str = "") -> list[str]:
    """The normalised contacts of an applicant, each a subject of its own: a mobile or fixed
    phone as its digits (a leading +86/0086 dropped), an e-mail address in lower case."""
    subjects = []
    digits = "".join(c for c in (phone or "") if c.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix):]
    if len(digits) >= 5:
        subjects.append("tel:" + digits)
    address = (email or "").strip().lower()
    if "@" in address:
        subjects.append("mail:" + address)
    return subjects
