"""Load the 26 standard catalogues (基层政务公开标准目录) from the package data, so a fresh
`gongkai migrate` holds them (see gongkai.catalog.standard)."""

from django.db import migrations


def seed(apps, schema_editor):
    from gongkai.catalog.standard import seed_standard

    seed_standard(apps.get_model("catalog", "StandardArea"), apps.get_model("catalog", "StandardItem"))


def unseed(apps, schema_editor):
    apps.get_model("catalog", "StandardArea").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
