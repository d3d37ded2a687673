"""Fill the publication history the annual report counts from (issue 15) for records withdrawn
before the fields existed: the time of the last "record.withdrawn" audit entry, else — for a record
no longer public without such an entry — the last time its row was written (the withdrawal wrote it;
a later draft save only moves it later, never earlier). A record public again after a withdrawal
gets the first "record.published" entry after it, else its last publication."""

from django.db import migrations


def fill(apps, schema_editor):
    Record = apps.get_model("disclosure", "Record")
    AuditEvent = apps.get_model("core", "AuditEvent")
    withdrawn: dict[str, object] = {}
    for object_id, at in (AuditEvent.objects.filter(event_type="record.withdrawn", object_type="disclosure.record")
                          .order_by("seq").values_list("object_id", "created_at")):
        withdrawn[object_id] = at  # the last one wins
    published: dict[str, list] = {}
    for object_id, at in (AuditEvent.objects.filter(event_type="record.published", object_type="disclosure.record")
                          .order_by("seq").values_list("object_id", "created_at")):
        published.setdefault(object_id, []).append(at)
    for record in Record.objects.filter(first_published_at__isnull=False).only(
            "pk", "live", "updated_at", "last_published_at", "withdrawn_at", "republished_at").iterator():
        at = withdrawn.get(str(record.pk))
        if at is None and not record.live:
            at = record.updated_at
        if at is None:
            continue
        record.withdrawn_at = at
        if record.live:
            later = [p for p in published.get(str(record.pk), []) if p > at]
            record.republished_at = later[0] if later else (record.last_published_at or at)
        record.save(update_fields=["withdrawn_at", "republished_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0004_record_withdrawn_at"),
        ("core", "0008_audit_keyed_chain"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
