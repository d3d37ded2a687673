"""PostgreSQL: an index in the order listings use, ``published_at DESC NULLS LAST, id DESC``.

A listing without filters (the search page before anything is typed) and the exact 文号/索引号
lookups are ordered newest first with undated entries last. PostgreSQL reads the ascending index
``search_entry_published`` backwards as ``DESC NULLS FIRST`` only, so it sorted the whole table
for every such page: 90 ms at 100 000 entries, ten times that at a million. With this index a
page is a short index scan. SQLite reads its ascending index backwards in exactly that order
(NULL sorts first there) and needs nothing; it could not declare NULLS LAST in an index anyway.
"""

from django.db import migrations

INDEX = "search_entry_newest"


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("gongkai_search", "0004_doc_number_prefix")]

    operations = [
        migrations.RunPython(
            _run(f"CREATE INDEX IF NOT EXISTS {INDEX} ON gongkai_search_searchentry "
                 "(published_at DESC NULLS LAST, id DESC)"),
            _run(f"DROP INDEX IF EXISTS {INDEX}"),
            elidable=False,
        ),
    ]
