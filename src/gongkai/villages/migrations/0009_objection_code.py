import secrets

from django.db import migrations, models

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def fill_codes(apps, schema_editor):
    """Objections filed before codes existed get one (their objectors can ask the township for it)."""
    Objection = apps.get_model("gongkai_villages", "objection")
    used = set()
    for objection in Objection.objects.filter(code__isnull=True).only("pk"):
        code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        while code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        used.add(code)
        Objection.objects.filter(pk=objection.pk).update(code=code)


class Migration(migrations.Migration):
    """The code column and its values; made required and unique in 0010 (its own transaction: on
    PostgreSQL a table altered after rows of it were updated in the same transaction can fail with
    “pending trigger events”)."""

    dependencies = [
        ("gongkai_villages", "0008_encrypt_personal_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="objection", name="code",
            field=models.CharField(max_length=12, null=True, verbose_name="异议查询码"),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
    ]
