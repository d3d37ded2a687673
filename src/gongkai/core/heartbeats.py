"""Signs of life of background jobs (issue 13 §4): a job that runs writes ``heartbeat_at`` as it
goes; one whose last sign of life (its heartbeat, else its start) is older than
``GONGKAI_JOB_STALE_MINUTES`` died with its process, and is ended as failed by its app (payout
imports: villages.import_jobs.fail_stale; privacy sweeps: privacy.services.fail_stale_sweeps)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

#: A running job writes its heartbeat at most this often (well inside the stale limit).
HEARTBEAT_EVERY = dt.timedelta(seconds=5)


def stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.GONGKAI_JOB_STALE_MINUTES)


def stale(now: dt.datetime) -> Q:
    """Rows of a job model (``heartbeat_at``, ``started_at``) with no sign of life since the limit."""
    limit = now - stale_after()
    return Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit)
