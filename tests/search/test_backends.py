"""The database-specific parts: both databases see exactly the tokens the analyzer produced."""

from __future__ import annotations

import importlib
from dataclasses import replace
from types import SimpleNamespace

import pytest
from django.db import connection

from gongkai.search import api
from gongkai.search.analysis import index_tokens
from gongkai.search.backends import (
    ENTRY,
    FACET_MARK,
    FTS,
    TITLE_MARK,
    SQLiteBackend,
    TextQuery,
    backend_for,
    facet,
    tsvector_literal,
)
from gongkai.search.models import SearchEntry

from .conftest import CORPUS

pytestmark = pytest.mark.django_db


def test_the_database_stores_exactly_our_tokens(corpus):
    title, text, _ = CORPUS["farm-2026"]
    expected = set(index_tokens(title)) | set(index_tokens(text)) | set(index_tokens("青农发〔2026〕12号 11990101010100014X/2026-00012"))
    entry = SearchEntry.objects.get(key="farm-2026")
    facets = {facet("published", "2026-03"), facet("body", "3"), facet("area", "990101"),
              facet("doc_type", "public_notice"), facet("year", "2026"), facet("attribute.topic", '"农业"')}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, {FTS}, 'instance')")
            cursor.execute("SELECT term, col FROM temp.terms WHERE doc = %s",
                           [SQLiteBackend.rowid(entry.id, int(entry.published_at.timestamp()))])
            rows = cursor.fetchall()
            words = {term for term, col in rows if col != "marks"}
            lexemes = {term for term, col in rows if col == "marks"}
        else:
            cursor.execute(f"SELECT unnest(tsvector_to_array(search_vector)) FROM {ENTRY} WHERE id = %s", [entry.id])
            lexemes = {row[0] for row in cursor.fetchall()}
            words = {x for x in lexemes if x[0] not in (FACET_MARK, TITLE_MARK)}
    assert words == expected
    assert {x for x in lexemes if x[0] == FACET_MARK} == facets
    assert {x[1:] for x in lexemes if x[0] == TITLE_MARK} == set(index_tokens(title))


def test_postgres_vector_literal_equals_to_tsvector(corpus):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        for title, text, _ in CORPUS.values():
            t, b = index_tokens(title), index_tokens(text)
            cursor.execute("SELECT %s::tsvector = setweight(to_tsvector('simple', %s), 'A') || "
                           "setweight(to_tsvector('simple', %s), 'D')", [tsvector_literal(t, b), " ".join(t), " ".join(b)])
            assert cursor.fetchone()[0], title


def test_tsvector_literal_shape():
    assert tsvector_literal(["补贴", "公示"], ["补贴", "资金"]) == "'补贴':1A,3 '公示':2A '资金':4"
    assert tsvector_literal([], []) == ""
    many = tsvector_literal([], ["字"] * 300)
    assert many.count(",") == 254
    far = tsvector_literal([], ["甲"] * 16382 + ["乙", "丙", "乙"])
    assert far.endswith("'乙':16383 '丙':16383")


def test_every_backend_method_agrees(corpus):
    backend = backend_for("default")
    query = TextQuery(("补贴",), ((facet("year", "2024"), facet("year", "2025"), facet("year", "2026")),))
    with backend.session():
        assert backend.count(query, 100) == 4
        assert backend.count(query, 2) == 2
        matches = backend.matches(query)
        candidates = backend.candidates(query, 10, 4)
        ranked = backend.candidates(query, 10, 4, ranked=10)
        assert [h.id for h in backend.candidates(query, 2, 4)] == [h.id for h in candidates[:2]]
        partly = backend.candidates(query, 10, 4, ranked=3)
    assert {h.id for h in matches} == {h.id for h in candidates}
    # Relevance comes with the candidates asked for, whichever phase they come from, and equals
    # the relevance of matches(); the others have none.
    assert [h.id for h in ranked] == [h.id for h in partly] == [h.id for h in candidates]
    assert all(h.relevance == 0 for h in candidates)
    assert all(0 < h.relevance < 1 for h in ranked)
    assert {h.id: h.relevance for h in ranked} == pytest.approx({h.id: h.relevance for h in matches})
    assert [h.relevance for h in partly] == pytest.approx([h.relevance for h in ranked[:3]] + [0.0])
    by_id = {e.id: e.key for e in SearchEntry.objects.all()}
    # Candidates: title hits newest first, then the rest newest first.
    assert [by_id[h.id] for h in candidates] == ["farm-2026", "machine-2025", "disabled-2024", "fund-2024"]
    assert [h.title_hit for h in candidates] == [True, True, True, False]


def test_postgres_takes_broad_candidates_month_by_month(corpus, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from gongkai.search import backends

    backend = backend_for("default")
    query = TextQuery(("补贴",))
    with backend.session():
        whole = backend.candidates(query, 10, 5)
        assert backend._publication_months()[:3] == [(2026, 3), (2026, 2), (2026, 1)]
        assert backend._publication_months()[-2:] == [(2023, 4), None]
        monkeypatch.setattr(backends, "SLICE_ABOVE", 0)
        assert backend.candidates(query, 10, 5) == whole
        assert backend.candidates(query, 2, 5) == whole[:2]
    api.index("undated", title="补贴说明", text="")
    with backend.session():
        assert backend.candidates(query, 10, 6)[3].published is None


def test_slices_grow_by_doubling():
    from gongkai.search.backends import _growing_slices

    assert _growing_slices(list(range(10))) == [[0], [1, 2], [3, 4, 5, 6], [7, 8, 9]]
    assert _growing_slices([None]) == [[None]]
    assert _growing_slices([]) == []


def test_postgres_takes_sliced_candidates_in_one_statement(corpus, monkeypatch):
    # However many slices of months, the candidates are one statement (a UNION ALL under one
    # LIMIT), ranked or not, and the same as when each phase is taken whole. count() counts the
    # title matches as well (up to SLICE_ABOVE + 1) when many match: a phase is sliced only when
    # it holds many.
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from gongkai.search import backends

    backend = backend_for("default")
    query = TextQuery(("补贴",))
    with backend.session():
        whole = backend.candidates(query, 10, 5, ranked=10)
    monkeypatch.setattr(backends, "SLICE_ABOVE", 2)
    statements = []
    with backend.session():
        assert backend.count(query, 100) == 5
        assert backend._title_counts == {query: 3}  # 4 title matches, counted up to SLICE_ABOVE + 1
        with connection.execute_wrapper(lambda run, sql, *args: statements.append(sql) or run(sql, *args)):
            assert backend.candidates(query, 10, 5, ranked=10) == whole
            assert backend.candidates(query, 3, 5) == [replace(hit, relevance=0.0) for hit in whole[:3]]
        slices = len(backends._growing_slices(backend._publication_months()))
    assert len(statements) == 2 and all(sql.startswith("SELECT * FROM ((SELECT 0 AS branch") for sql in statements)
    # The title matches in slices; the other matches (5 - 3 = 2 at most) in one branch.
    assert statements[0].count("UNION ALL") == slices
    with backend.session():
        assert backend.count(TextQuery(("低保",)), 100) == 1
        assert backend._title_counts == {}  # few matches: no title count needed


def test_migration_refuses_other_databases():
    migration = importlib.import_module("gongkai.search.migrations.0002_fulltext")
    editor = SimpleNamespace(connection=SimpleNamespace(vendor="mysql"), execute=lambda sql: None)
    with pytest.raises(RuntimeError, match="mysql"):
        migration._run({"sqlite": []})(None, editor)


def test_postgres_has_an_index_in_listing_order(corpus):
    # Listings are newest first with undated entries last; PostgreSQL needs an index declared in
    # that order (migration 0005), or it sorts the whole table for every page.
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from django.db import transaction
    from django.db.models import F

    listing = SearchEntry.objects.order_by(F("published_at").desc(nulls_last=True), "-id")[:20]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # nine entries: a scan would do
        plan = listing.explain()
    assert "search_entry_newest" in plan and "Sort" not in plan
