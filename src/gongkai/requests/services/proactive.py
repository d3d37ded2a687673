"""条例第四十四条: several applicants asked a body for the same disclosable information → suggest that
the body disclose it proactively, and record what became of the suggestion.

- :func:`raise_suggestions` — the idempotent sweep (run by ``jobs.tick``). Per body it looks at the
  answered cases whose information was found disclosable (予以公开, 部分公开: Art. 44 speaks of
  information "属于可以公开的") received in the last :data:`LOOKBACK_DAYS` days and not yet counted in
  a suggestion. A case that asks for the same information as a case already in a suggestion joins
  that suggestion (whatever its status: a declined suggestion is not raised again, but its list of
  applications keeps growing for the record); the others are grouped (``requests.matching``) and
  every group with enough distinct applicants becomes a new open suggestion. Each case counts in
  at most one suggestion (``SuggestionCase.case`` is unique), so a second run changes nothing.
- :func:`accept_suggestion` — the body disclosed it: link the record (a ``disclosure.Record`` of
  the same body).
- :func:`decline_suggestion` — not suitable for proactive disclosure, with the reason.

Applicants are told apart by ID number or credit code, otherwise by name and phone; cases imported
without applicant data are not counted (their applicants are unknown).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.actors import actor_label
from gongkai.core.models import Body
from gongkai.core.services import ServiceError, require
from gongkai.requests import matching
from gongkai.requests.models import Case, ProactiveSuggestion, SuggestionCase, SuggestionStatus
from gongkai.requests.services.transfer import IMPORTED_APPLICANT
from gongkai.rules.dispositions import Disposition

LOOKBACK_DAYS = 730
SWEEP_CACHE_KEY = "gongkai:requests:art44-sweep"
ELIGIBLE = (Disposition.DISCLOSED.value, Disposition.PARTIAL.value)


def min_applicants() -> int:
    return int(getattr(settings, "GONGKAI_ART44_MIN_APPLICANTS", matching.DEFAULT_MIN_APPLICANTS))


def _cut(text: str) -> list[str]:
    from gongkai.search.analysis import segmenter

    return segmenter().cut(text, hmm=False)


def applicant_key(case: Case) -> str | None:
    a = getattr(case, "applicant", None)
    if a is None or (a.name == IMPORTED_APPLICANT and not (a.id_number or a.credit_code or a.phone)):
        return None
    if a.credit_code:
        return f"org:{a.credit_code.upper()}"
    if a.id_number:
        return f"id:{a.id_number.upper()}"
    return f"name:{(a.organisation or a.name).strip()}|{''.join(ch for ch in a.phone if ch.isdigit())}"


def _ask(case: Case) -> matching.Ask | None:
    key = applicant_key(case)
    if key is None:
        return None
    return matching.make_ask(case.pk, key, case.subject, case.description, _cut)


def _fingerprint(today: dt.date, unlinked) -> str:
    agg = unlinked.aggregate(n=Count("pk"), last=Max("updated_at"))
    return f"{today}|{min_applicants()}|{agg['n']}|{agg['last']}|{SuggestionCase.objects.count()}"


def raise_suggestions(actor, today: dt.date) -> list[ProactiveSuggestion]:
    """The sweep (module docstring); returns the suggestions created or extended now.

    Grouping is quadratic per body (about 2 s for 2,000 unlinked cases of one body), and the tick
    runs every minute: when nothing it reads has changed since the last sweep (same day, same
    unlinked cases and their last change, same links; remembered in the cache) it returns at once.
    """
    touched: list[ProactiveSuggestion] = []
    since = today - dt.timedelta(days=LOOKBACK_DAYS)
    unlinked = Case.objects.filter(disposition__in=ELIGIBLE, received_on__gte=since, proactive_link__isnull=True)
    fingerprint = _fingerprint(today, unlinked)
    if cache.get(SWEEP_CACHE_KEY) == fingerprint:
        return []
    fresh = unlinked.select_related("applicant").order_by("body_id", "received_on", "pk")
    by_body: dict[int, list[Case]] = {}
    for case in fresh:
        by_body.setdefault(case.body_id, []).append(case)
    for body_id, cases in by_body.items():
        touched.extend(_sweep_body(actor, Body.objects.get(pk=body_id), cases))
    cache.set(SWEEP_CACHE_KEY, _fingerprint(today, unlinked), timeout=24 * 3600)
    return touched


def _sweep_body(actor, body: Body, cases: list[Case]) -> list[ProactiveSuggestion]:
    asks = [(case, ask) for case in cases if (ask := _ask(case)) is not None]
    if not asks:
        return []
    existing: list[tuple[ProactiveSuggestion, list[matching.Ask]]] = []
    for suggestion in ProactiveSuggestion.objects.filter(body=body).prefetch_related("links__case__applicant"):
        linked = [a for link in suggestion.links.all() if (a := _ask(link.case)) is not None]
        existing.append((suggestion, linked))
    touched: list[ProactiveSuggestion] = []
    joined: dict[int, list[Case]] = {}
    remaining: list[tuple[Case, matching.Ask]] = []
    for case, ask in asks:
        target = next((s for s, linked in existing if matching.matches_any(ask, linked)), None)
        if target is None:
            remaining.append((case, ask))
        else:
            joined.setdefault(target.pk, []).append(case)
            next(linked for s, linked in existing if s.pk == target.pk).append(ask)
    for suggestion, _linked in existing:
        if suggestion.pk in joined:
            with transaction.atomic():
                added = _link(suggestion, joined[suggestion.pk])
                if added:
                    audit.record("request.proactive_suggested", actor, suggestion, {
                        "suggestion": suggestion.pk, "added_cases": [c.number for c in added],
                        "status": suggestion.status}, label=suggestion.subject[:100])
                    touched.append(suggestion)
    case_of = {ask.case_id: case for case, ask in remaining}
    for group in matching.group_asks([ask for _c, ask in remaining], min_applicants=min_applicants()):
        members = [case_of[a.case_id] for a in group]
        numbers = Counter(n for a in group for n in a.doc_numbers).most_common(1)
        with transaction.atomic():
            suggestion = ProactiveSuggestion.objects.create(
                body=body, subject=Counter(c.subject for c in members).most_common(1)[0][0][:300],
                doc_number=numbers[0][0] if numbers else "")
            added = _link(suggestion, members)
            if not added:  # another run linked them meanwhile
                transaction.set_rollback(True)
                continue
            audit.record("request.proactive_suggested", actor, suggestion, {
                "suggestion": suggestion.pk, "cases": [c.number for c in added],
                "applicants": matching.distinct_applicants(group), "doc_number": suggestion.doc_number or None,
            }, label=suggestion.subject[:100])
        touched.append(suggestion)
    return touched


def _link(suggestion: ProactiveSuggestion, cases: list[Case]) -> list[Case]:
    """Link the cases not linked yet (a concurrent run may have taken some)."""
    added = []
    for case in cases:
        _link_row, created = SuggestionCase.objects.get_or_create(case=case, defaults={"suggestion": suggestion})
        if created:
            added.append(case)
    return added


def _decidable(actor, suggestion: ProactiveSuggestion) -> ProactiveSuggestion:
    require(rules.can_decide_proactive_suggestion(actor, suggestion.body), "您无权处理该机关的纳入主动公开建议")
    locked = ProactiveSuggestion.objects.select_for_update().select_related("body").get(pk=suggestion.pk)
    if locked.status != SuggestionStatus.OPEN:
        raise ServiceError(f"该建议已处理（{locked.get_status_display()}）")
    return locked


def accept_suggestion(actor, suggestion: ProactiveSuggestion, record) -> ProactiveSuggestion:
    """The body put the information into proactive disclosure: link ``record`` (a disclosure record
    of the same body)."""
    if record is None:
        raise ServiceError({"record": ["请选择已纳入主动公开的政府信息"]})
    with transaction.atomic():
        suggestion = _decidable(actor, suggestion)
        if record.body_id != suggestion.body_id:
            raise ServiceError({"record": ["所选政府信息不是本机关发布的"]})
        suggestion.status, suggestion.record = SuggestionStatus.ACCEPTED, record
        suggestion.decided_at, suggestion.decided_by = timezone.now(), actor_label(actor)[:150]
        suggestion.save()
        audit.record("request.proactive_decided", actor, suggestion, {
            "suggestion": suggestion.pk, "status": suggestion.status, "record": record.pk,
            "index_number": getattr(record, "index_number", "") or None}, label=suggestion.subject[:100])
    return suggestion


def decline_suggestion(actor, suggestion: ProactiveSuggestion, reason: str) -> ProactiveSuggestion:
    """Not suitable for proactive disclosure; the reason is required and kept."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": ["请填写不纳入主动公开的理由"]})
    with transaction.atomic():
        suggestion = _decidable(actor, suggestion)
        suggestion.status, suggestion.decline_reason = SuggestionStatus.DECLINED, reason[:2000]
        suggestion.decided_at, suggestion.decided_by = timezone.now(), actor_label(actor)[:150]
        suggestion.save()
        audit.record("request.proactive_decided", actor, suggestion, {
            "suggestion": suggestion.pk, "status": suggestion.status, "reason": suggestion.decline_reason},
            label=suggestion.subject[:100])
    return suggestion


def suggestions_visible_to(user):
    """The suggestions of the bodies whose officers ``user`` is (can_view_proactive_suggestions)."""
    bodies = [b for b in rules.bodies_visible_to(user) if rules.can_view_proactive_suggestions(user, b)]
    return (ProactiveSuggestion.objects.filter(body__in=bodies).select_related("body", "record")
            .prefetch_related("links__case"))
