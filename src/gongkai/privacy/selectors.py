"""Read-side queries of the privacy sweeps (存量排查) for the admin workbench."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max

from gongkai.core import rules
from gongkai.core.models import Body
from gongkai.privacy.models import FindingStatus, SweepFinding


@dataclass
class OpenFindings:
    per_body: dict[int, int]  # body id → findings still to handle
    sweep_id: int | None  # the latest sweep with open findings whose screen ``user`` may open


def open_findings(user) -> OpenFindings:
    """Sweep findings still open (待处理) about bodies where ``user`` may act on them
    (rules.can_handle_privacy_finding), and the newest such sweep whose report ``user`` may read
    (rules.can_run_privacy_sweep: the county office)."""
    rows = (SweepFinding.objects.filter(status=FindingStatus.OPEN).order_by()
            .values("body_id", "sweep__county_id").annotate(n=Count("pk"), latest=Max("sweep_id")))
    bodies = Body.objects.in_bulk({row["body_id"] for row in rows} | {row["sweep__county_id"] for row in rows})
    per_body: dict[int, int] = {}
    sweep_id = None
    for row in rows:
        if not rules.can_handle_privacy_finding(user, bodies[row["body_id"]]):
            continue
        per_body[row["body_id"]] = per_body.get(row["body_id"], 0) + row["n"]
        if rules.can_run_privacy_sweep(user, bodies[row["sweep__county_id"]]):
            sweep_id = max(sweep_id or 0, row["latest"])
    return OpenFindings(per_body, sweep_id)
