"""Retention of the audit log: `gongkai audit prune`.

等保2.0 (GB/T 22239-2019 8.1.4.3 安全审计) asks that audit records be protected from deletion and
kept at least six months (网络安全法第二十一条). Nothing else removes entries: the ORM refuses
(``AuditQuerySet``); only :func:`prune` removes the oldest entries, never any younger than the
retention period (``GONGKAI_AUDIT_RETENTION_DAYS``, at least 180 days), and only a prefix of the
chain. It records the hash of the last removed entry as the chain's new start and audits itself in
a keyed "audit.pruned" entry, so the chain stays verifiable and a start without that entry is a
break (see ``audit.verify_report``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.models import AuditChainHead, AuditEvent
from gongkai.core.services import ServiceError, require


def retention_days() -> int:
    return max(audit.MINIMUM_RETENTION_DAYS, int(getattr(settings, "GONGKAI_AUDIT_RETENTION_DAYS", 0) or 0))


def latest_prune_date(today: dt.date | None = None) -> dt.date:
    """The latest date ``--before`` may take: entries created on or after it are kept."""
    return (today or timezone.localdate()) - dt.timedelta(days=retention_days())


@dataclass(frozen=True)
class PruneResult:
    before: dt.date
    count: int
    first_seq: int | None = None
    last_seq: int | None = None
    dry_run: bool = False


def prune(actor, before: dt.date, *, dry_run: bool = False) -> PruneResult:
    """Remove the entries created before ``before`` (local date) from the start of the chain.

    Refuses (ServiceError) a date later than today minus the retention period, and a chain that
    does not verify (pruning must not hide a break). Only the system actor (the command line) may
    prune. Returns what was (or, with ``dry_run``, would be) removed.
    """
    from gongkai.core.actors import SystemActor

    require(isinstance(actor, SystemActor), "只能在服务器命令行清理审计日志")
    limit = latest_prune_date()
    if before > limit:
        raise ServiceError(f"不能清理保存期限（{retention_days()}天）内的审计日志：清理日期最晚为 {limit.isoformat()}，"
                           f"{before.isoformat()} 晚于该日期")
    if audit.verify_chain():
        raise ServiceError("审计日志校验未通过，不能清理；请先运行 gongkai audit verify 查明原因")
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        first_kept = AuditEvent.objects.filter(seq__gt=head.genesis_seq, created_at__gte=cutoff).order_by("seq")
        first_kept_seq = first_kept.values_list("seq", flat=True).first()
        doomed = AuditEvent.objects.filter(seq__gt=head.genesis_seq)
        if first_kept_seq is not None:
            doomed = doomed.filter(seq__lt=first_kept_seq)
        seqs = doomed.order_by("seq").values_list("seq", flat=True)
        first_seq, count = seqs.first(), doomed.count()
        if not count:
            return PruneResult(before, 0, dry_run=dry_run)
        last = doomed.order_by("-seq").only("seq", "hash").first()
        if dry_run:
            return PruneResult(before, count, first_seq, last.seq, dry_run=True)
        # The one place entries are removed: a prefix of the chain, older than the retention period.
        doomed._raw_delete(doomed.db)
        AuditChainHead.objects.filter(pk=1).update(genesis_seq=last.seq, genesis_hash=last.hash)
        audit.record("audit.pruned", actor, data={
            "before": before.isoformat(), "count": count, "first_seq": first_seq, "last_seq": last.seq,
            "last_hash": last.hash, "retention_days": retention_days(),
        }, label=f"清理{before.isoformat()}之前的审计日志", scope=None)
    return PruneResult(before, count, first_seq, last.seq)
