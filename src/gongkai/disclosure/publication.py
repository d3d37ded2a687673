"""The publication gate: what must hold before a revision of a record may go public.

"先审查、后公开": a record reaches the public only when the revision being published has a passed
confidentiality review (一事一审, recorded in ConfidentialityReview) and the body's leader has
approved it in the review workflow. Other guards plug in with :func:`register_gate` — the privacy
guard (unmasked ID, bank and phone numbers) registers its scan here. A gate takes the record as it
will be published and the revision, and returns the reasons it blocks (an empty list: no
objection).
"""

from __future__ import annotations

from collections.abc import Callable

from gongkai.disclosure.models import ConfidentialityOutcome, ConfidentialityReview, Record

Gate = Callable[[Record, object], list[str]]
_GATES: list[Gate] = []


def register_gate(gate: Gate) -> Gate:
    """Add a gate (usable as a decorator). Gates run in registration order; all are consulted."""
    if gate not in _GATES:
        _GATES.append(gate)
    return gate


def unregister_gate(gate: Gate) -> None:
    if gate in _GATES:
        _GATES.remove(gate)


def blockers(record: Record, revision) -> list[str]:
    """Every reason the revision may not be published now (empty: it may)."""
    reasons: list[str] = []
    for gate in _GATES:
        reasons.extend(gate(record, revision))
    return reasons


@register_gate
def confidentiality_review_passed(record: Record, revision) -> list[str]:
    """条例 and the county plan (task 五): a recorded, passed 保密审查 on this very revision."""
    latest = ConfidentialityReview.objects.filter(record_id=record.pk, revision=revision).order_by("-decided_at").first()
    if latest is None:
        return ["该版本尚未经过保密审查"]
    if latest.outcome != ConfidentialityOutcome.PASSED:
        return [f"保密审查结论为“{latest.get_outcome_display()}”"]
    return []


@register_gate
def record_is_complete(record: Record, revision) -> list[str]:
    reasons = []
    if not record.title.strip():
        reasons.append("标题为空")
    if not record.body.is_active:
        reasons.append(f"发布机构“{record.body.name}”已停用")
    return reasons
