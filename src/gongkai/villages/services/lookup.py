"""A resident's own payouts: name + full ID number (issue 7 §6).

- Answers only rows whose ID hash *and* name match; never anyone else's.
- Every failure gives the same message, so a caller learns nothing about which part was wrong or
  whether the ID number exists.
- Rate-limited in the Django cache per client IP and per ID hash (the limits count attempts, not
  failures, so an attacker cannot probe one ID number from many addresses quickly either).
- Keeps no log of ID numbers: only the HMAC is computed, and it is used only as a cache key.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache

from gongkai.core import keys
from gongkai.villages import conf, payout_file
from gongkai.villages.models import Payout

NOT_FOUND = "未查到与所填姓名和身份证号相符的发放记录。请核对后再试，或拨打公示上的监督电话咨询。"
TOO_MANY = "查询过于频繁，请一小时后再试。"
KEY_MISMATCH = "系统密钥与数据不一致，暂时无法查询，请联系管理员"

logger = logging.getLogger(__name__)


class LookupRefused(Exception):
    def __init__(self, message: str, limited: bool = False, unavailable: bool = False):
        super().__init__(message)
        self.message, self.limited, self.unavailable = message, limited, unavailable


@dataclass
class LookupResult:
    name: str
    rows: list[Payout]


def _hit(key: str, limit: int, window: int) -> bool:
    """Count one attempt; False once ``limit`` attempts were made in the window."""
    if cache.add(key, 1, window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return True
    return count <= limit


def lookup(*, name: str, id_number: str, client_ip: str) -> LookupResult:
    """The caller's own non-void payouts, newest year first. Raises LookupRefused."""
    per_ip, per_id, window = conf.lookup_limits()
    ip_key = "subsidy-lookup:ip:" + hashlib.sha256((client_ip or "-").encode()).hexdigest()[:32]
    if not _hit(ip_key, per_ip, window):
        raise LookupRefused(TOO_MANY, limited=True)
    name = (name or "").strip()
    try:
        number = payout_file.normalise_id(id_number or "")
    except ValueError:
        number = ""
    if not name or len(name) > 40 or len(number) != 18:
        raise LookupRefused(NOT_FOUND)
    digest = conf.id_hash(number)
    if not _hit("subsidy-lookup:id:" + digest[:40], per_id, window):
        raise LookupRefused(TOO_MANY, limited=True)
    rows = list(Payout.objects.filter(id_hash=digest, name=name, is_void=False)
                .select_related("programme", "village").order_by("-year", "programme__position", "pk"))
    if not rows:
        # A restore onto a server with another ID-hash key finds nothing for anyone: say so rather
        # than "not found" (checked only here, so a found row costs no extra query).
        if not keys.id_hash_matches():
            logger.error("subsidy lookup: the ID-hash key differs from the one the payouts were hashed with "
                         "(gongkai keys check)")
            raise LookupRefused(KEY_MISMATCH, unavailable=True)
        raise LookupRefused(NOT_FOUND)
    return LookupResult(name, rows)
