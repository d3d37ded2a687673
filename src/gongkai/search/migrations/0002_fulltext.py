"""The database-specific full-text index (see gongkai.search.backends).

SQLite: an FTS5 table holding the segmented title and text and the facet tokens (filter values);
its rowid encodes publication time and entry id. The ``unicode61`` tokenizer only splits our
space-separated tokens (diacritics are kept and private-use characters, which start every facet,
are token characters, so that both databases see the same tokens).

PostgreSQL: a ``search_vector`` tsvector column on the entry table (title weighted A, text D,
facets and marked title tokens without positions), written by the backend, with a GIN index. The GIN index keeps its default pending list
(``fastupdate``): inserting each entry's few hundred lexemes directly costs three times as much
(measured), and the list is flushed by autovacuum, when it reaches ``gin_pending_list_limit``
and by ``gongkai search optimize``. The vector is stored uncompressed: tsvectors hardly compress.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE gongkai_search_fts USING fts5("
    "title, body, facets, tokenize = 'unicode61 remove_diacritics 0')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS gongkai_search_fts"]

POSTGRES_FORWARD = [
    "ALTER TABLE gongkai_search_searchentry ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''::tsvector",
    "ALTER TABLE gongkai_search_searchentry ALTER COLUMN search_vector SET STORAGE EXTERNAL",
    "CREATE INDEX gongkai_search_vector_gin ON gongkai_search_searchentry USING gin (search_vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS gongkai_search_vector_gin",
    "ALTER TABLE gongkai_search_searchentry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise RuntimeError(f"gongkai.search has no full-text index for the {vendor} database")
        for sql in statements_by_vendor[vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("gongkai_search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
            elidable=False,
        ),
    ]
