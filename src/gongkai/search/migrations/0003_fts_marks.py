"""SQLite: the FTS5 table's third column becomes ``marks``, holding the facet tokens and the
title's tokens marked again (as PostgreSQL's vector already did), so that "every term is in the
title" is a match on short posting lists on both databases.

FTS5 cannot rename or alter a column, so the table is recreated empty and every entry is marked
for re-segmentation; the search app's post-migrate hook (``SearchConfig.ready``) re-indexes them
from their stored title and text, as ``gongkai search reanalyze`` would. PostgreSQL needs nothing.
"""

from django.db import migrations

FORWARD = [
    "DROP TABLE IF EXISTS gongkai_search_fts",
    "CREATE VIRTUAL TABLE gongkai_search_fts USING fts5("
    "title, body, marks, tokenize = 'unicode61 remove_diacritics 0')",
    "UPDATE gongkai_search_searchentry SET analyzer_version = ''",
]
REVERSE = [
    "DROP TABLE IF EXISTS gongkai_search_fts",
    "CREATE VIRTUAL TABLE gongkai_search_fts USING fts5("
    "title, body, facets, tokenize = 'unicode61 remove_diacritics 0')",
    "UPDATE gongkai_search_searchentry SET analyzer_version = ''",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("gongkai_search", "0002_fulltext")]

    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE), elidable=False)]
