"""Chinese full-text search over our own index (``SearchEntry``), on SQLite and PostgreSQL.

The index is decoupled from the record models: it stores what it needs (title, plain text, filter
values, 文号, 索引号, URL, date) under a string key, and never reads another app's tables.

Wiring a model (the whole call surface)
---------------------------------------
1. Register once, in the model's ``AppConfig.ready()``::

       from gongkai import search

       def record_document(record) -> search.Document | None:
           if not record.live:                       # not public: not findable
               return None
           return search.Document(
               title=record.title, text=record.plain_text_with_attachments(), url=record.url,
               published_at=record.published_date, body_id=record.body_id, area=record.area_code,
               doc_type=record.doc_type, doc_number=record.doc_number, index_number=record.index_number,
           )

       search.register(Record, document=record_document, queryset=lambda: Record.objects.live())

2. When a record is published, changed while public, withdrawn, expired or deleted, call
   ``search.index_instance(record)`` (it indexes, or removes when ``document()`` returns None),
   or ``search.remove_instance(record)`` for a deletion. Call it inside the transaction that
   changes the record: the index then changes if and only if the record does. Indexing costs
   about a millisecond per 10 000 characters.

3. ``gongkai search rebuild`` re-indexes every registered model from scratch;
   ``gongkai search reanalyze`` re-segments entries after the dictionary changed.

Without the registry, :func:`index` / :func:`remove` take a key and the fields directly.
Querying: ``search.search("耕地地力保护补贴", filters={"year": 2026}, page=1)`` returns a
:class:`SearchPage` of :class:`SearchResult` (title, url, snippet_html, score, filter values).

Modules: ``api`` (index/search), ``registry``, ``analysis`` (segmentation, dictionary, 文号 and
索引号 normalisation), ``highlight`` (snippets), ``backends`` (all database-specific SQL).
"""

from __future__ import annotations

from importlib import import_module

# Public names, loaded on first use: this package is imported while Django builds its app
# registry, before the models can be.
_EXPORTS = {
    "Document": "api",
    "SearchPage": "api",
    "SearchResult": "api",
    "index": "api",
    "index_many": "api",
    "remove": "api",
    "remove_many": "api",
    "search": "api",
    "optimize": "api",
    "reanalyze": "api",
    "register": "registry",
    "index_instance": "registry",
    "remove_instance": "registry",
    "key_for": "registry",
    "rebuild": "registry",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f"gongkai.search.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'gongkai.search' has no attribute {name!r}")
