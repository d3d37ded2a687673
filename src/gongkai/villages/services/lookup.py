"""A resident's own payouts: name + full ID number (issue 7 §6).

- Answers only rows whose ID hash *and* name match; never anyone else's.
- Every failure gives the same message, so a caller learns nothing about which part was wrong or
  whether the ID number exists.
- Rate-limited in the shared cache (``gongkai.core.limits``, the same counts for every worker) per
  client address and per ID hash (the limits count attempts, not failures, so an attacker cannot
  probe one ID number from many addresses quickly either).
- Keeps no log of ID numbers: only the HMAC is computed, and it is used only as a cache key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gongkai.core import keys, limits
from gongkai.villages import conf, payout_file
from gongkai.villages.models import Payout

NOT_FOUND = "未查到与所填姓名和身份证号相符的发放记录。请核对后再试，或拨打公示上的监督电话咨询。"
TOO_MANY = "查询过于频繁，请{minutes}分钟后再试。"
KEY_MISMATCH = "系统密钥与数据不一致，暂时无法查询，请联系管理员"

logger = logging.getLogger(__name__)


class LookupRefused(Exception):
    def __init__(self, message: str, limited: bool = False, retry_after: int = 0, unavailable: bool = False):
        super().__init__(message)
        self.message, self.limited, self.retry_after, self.unavailable = message, limited, retry_after, unavailable

    @classmethod
    def too_many(cls, decision: limits.Decision) -> LookupRefused:
        return cls(TOO_MANY.format(minutes=decision.retry_minutes), limited=True, retry_after=decision.retry_after)


@dataclass
class LookupResult:
    name: str
    rows: list[Payout]


def lookup(*, name: str, id_number: str, client_ip: str) -> LookupResult:
    """The caller's own non-void payouts, newest year first. Raises LookupRefused."""
    per_ip, per_id, window = conf.lookup_limits()
    decision = limits.hit("subsidy-lookup-ip", client_ip or "-", limit=per_ip, window=window)
    if not decision.allowed:
        raise LookupRefused.too_many(decision)
    name = (name or "").strip()
    try:
        number = payout_file.normalise_id(id_number or "")
    except ValueError:
        number = ""
    if not name or len(name) > 40 or len(number) != 18:
        raise LookupRefused(NOT_FOUND)
    digest = conf.id_hash(number)
    decision = limits.hit("subsidy-lookup-id", digest, limit=per_id, window=window)
    if not decision.allowed:
        raise LookupRefused.too_many(decision)
    rows = list(Payout.objects.filter(id_hash=digest, name=name, is_void=False, batch__complete=True)
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
