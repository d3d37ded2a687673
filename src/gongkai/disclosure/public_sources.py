"""What of the disclosure app reaches the public, for the privacy gate (privacy.public_sources).

Records are gated in the review workflow (disclosure.publication: the privacy gate is one of its
gates), so a record reaches the public only once its title, summary, text and attachments scan
clean or a reviewer recorded an exception for that very revision."""

from __future__ import annotations

from gongkai.privacy.public_sources import PublicSource, register_source

RECORD = "disclosure.record"


def register() -> None:
    from django.urls import reverse

    from gongkai.disclosure.selectors import public_records
    from gongkai.privacy.gate import record_parts

    register_source(PublicSource(
        key=RECORD, label="主动公开政府信息（标题、摘要、正文、附件）",
        parts=record_parts,
        live=lambda county: public_records(county).prefetch_related("attachments"),
        body=lambda record: record.body,
        admin_url=lambda record: reverse("privacy_admin:record", args=[record.pk]),
        title=lambda record: record.title,
    ))
