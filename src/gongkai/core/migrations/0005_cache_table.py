"""The shared cache table (issue 13 §5): the database cache used when REDIS_URL is not set, so that
abuse limits (and later whole pages) are shared by every worker process. Created here with Django's
own createcachetable machinery, whatever CACHES says at migration time, so switching from Redis
back to the database needs no extra command."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "gongkai_cache"  # settings.CACHE_TABLE


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    if TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_scope")]
    operations = [migrations.RunPython(create, drop)]
