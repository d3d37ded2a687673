"""The public reading room of answered requests (issue 5 §9): a body may publish an anonymised
account of an answered case. It writes the title and summary anew (the applicant's own wording may
name people), and only answered cases qualify; lapsed and withdrawn ones say nothing worth reading.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gongkai.core import audit, rules
from gongkai.core.services import ServiceError, require
from gongkai.privacy import public_sources
from gongkai.requests.models import Case
from gongkai.requests.public_sources import ANSWER
from gongkai.rules.case_flow import CaseState
from gongkai.rules.dispositions import LAPSE_DISPOSITIONS, Disposition

PUBLISHABLE_STATES = {CaseState.DECIDED, CaseState.DELIVERED, CaseState.ARCHIVED}


def set_publication(actor, case: Case, *, publish: bool, title: str = "", summary: str = "",
                    mask: bool = False, expected_version: int | None = None) -> Case:
    """Publish (or withdraw from) the reading room an anonymised account of ``case``.

    Permission: can_handle_case for the case's body. Publishing needs an answered case (decided,
    delivered or archived, not a lapse or withdrawal) and a title; the summary is optional. The
    title and summary pass the privacy gate (public source ``requests.answer``): when it finds an
    unmasked ID number, phone or account, nothing is published and the ServiceError lists each
    finding, masked, with where it is. ``mask``: the one-click mask (一键遮盖) — the findings are
    masked in the title and summary, which are then published.
    ``expected_version``: the case version the screen was shown at (StaleEdit when it changed).
    Raises PermissionDenied or ServiceError; writes one ``request.publication_changed`` entry.
    """
    from gongkai.requests.services.cases import claim_version

    require(rules.can_handle_case(actor, case.body), "您无权设置此案件是否公开")
    title, summary = (title or "").strip(), (summary or "").strip()
    with transaction.atomic():
        claim_version(case, expected_version)
        case = Case.objects.select_for_update().select_related("body").get(pk=case.pk)
        if publish:
            answered = (CaseState(case.state) in PUBLISHABLE_STATES and case.disposition
                        and Disposition(case.disposition) not in LAPSE_DISPOSITIONS
                        and case.disposition != Disposition.OTHER_OTHER)
            if not answered:
                raise ServiceError("只有已作出答复的申请才能公开到依申请公开答复选登")
            if not title:
                raise ServiceError({"public_title": ["请填写公开标题（不得含申请人姓名等个人信息）"]})
            if len(title) > 200:
                raise ServiceError({"public_title": ["公开标题不能超过200字"]})
            case.public_title, case.public_summary = title, summary
            if mask:
                for name, value in public_sources.mask_fields(ANSWER, case).items():
                    setattr(case, name, value)
            try:
                public_sources.require_clean(ANSWER, case)
            except public_sources.Blocked as blocked:
                raise ServiceError(blocked.messages) from None
            case.published_at = case.published_at or timezone.now()
        else:
            case.published_at = None
        case.save(update_fields=["published_at", "public_title", "public_summary", "updated_at"])
        audit.record("request.publication_changed", actor, case, {"published": publish, "masked": bool(publish and mask)},
                     label=case.number)
    return case
