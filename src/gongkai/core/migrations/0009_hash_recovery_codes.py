"""Recovery codes written before they were hashed: replace each stored plain code by its keyed hash
(core.services.two_factor.stored_code), so the codes users hold keep working."""

from django.db import migrations


def hash_plain_codes(apps, schema_editor):
    from gongkai.core.services.two_factor import stored_code

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.exclude(token__regex=r"^[0-9a-f]{16}$").iterator():
        token.token = stored_code(token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_audit_keyed_chain"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
