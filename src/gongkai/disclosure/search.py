"""How a record appears in the search index (gongkai.search): only while it is public, with its
body text (read by privacy.reading, as the page shows it) and the text of its attachments,
filterable by body, catalogue area, type and year. The index masks personal data on writing."""

from __future__ import annotations

from gongkai import search
from gongkai.disclosure.models import Record
from gongkai.privacy.reading import plain_text


def record_document(record: Record) -> search.Document | None:
    if not record.live:
        return None
    attachments = "\n".join(a.extracted_text for a in record.attachments.all() if a.extracted_text)
    areas = sorted({item.area.code for item in record.catalogue_items.all()})
    return search.Document(
        title=record.title,
        text="\n".join(part for part in (record.summary, plain_text(record.content), attachments) if part),
        url=f"record:{record.pk}",  # resolved to the county site's record page when shown
        published_at=record.first_published_at,
        body_id=record.body_id,
        area=areas[0] if areas else "",
        doc_type=record.doc_type,
        doc_number=record.doc_number,
        index_number=record.index_number or "",
        attributes={"validity": record.validity, "areas": " ".join(areas)},
    )


def register() -> None:
    search.register(Record, document=record_document, queryset=lambda: Record.objects.filter(live=True))


def refresh(record: Record) -> None:
    """Bring the record's index entry up to date (call inside the transaction that changed it)."""
    search.index_instance(Record.objects.prefetch_related("attachments", "catalogue_items__area").get(pk=record.pk))
