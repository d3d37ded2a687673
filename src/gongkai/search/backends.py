"""The two full-text backends, SQLite FTS5 and PostgreSQL tsvector, behind one interface.

Everything database-specific in the search app is here (and the DDL in migration 0002). Both
backends are handed exactly the same tokens (``analysis.index_tokens``) and the same facets, so
both match exactly the same entries; the callers in ``api`` do all ordering in Python from what
the backends return, so the order is the same on both except where the relevance formula differs
(bm25 on SQLite, ts_rank_cd on PostgreSQL; it only orders entries within one tier).

Facets are the filters, indexed as terms: one token per filter value of an entry (body, area,
document type, year, each attribute) and one for its publication month. A private-use character
starts every facet token, so no word of any text can produce one. Filtering is thereby an
intersection inside the full-text index on both databases, never a row-by-row check. The title's
tokens are indexed a second time behind another private-use mark, so that "the title holds
every term" is an ordinary match on short posting lists too.

Recency, the tie-break of every ordering and the order of candidates, is (published_at desc,
id desc) with published_at truncated to seconds and undated entries last:

* SQLite: the FTS5 rowid *is* that order, ``(seconds + 2**35) << 27 | id`` (0 seconds when undated),
  so "the newest N matches" is a walk down the index that stops after N.
* PostgreSQL has no ordered full-text index: the matches of a statement are a GIN bitmap, every
  one of them is read from the table and sorted. When many entries match, candidates are taken
  by publication month, newest first: the newest month, then the two before it, then four, and so
  on, each slice one statement matching the slice's month facets too, until enough are found. A
  broad query is answered from its newest month or two (at a million entries, about 8 000
  entries a month), a sparser one in a few growing steps; each slice reads at most about twice
  the matches it needs, whatever the size of the index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.utils import timezone

ENTRY = "gongkai_search_searchentry"
TEXT = "gongkai_search_searchtext"
FTS = "gongkai_search_fts"

FACET_MARK = "\ue000"  # Unicode private use: never part of a text token (see analysis.TOKEN_RE)
TITLE_MARK = "\ue001"  # the title's tokens again, marked, for title-only matching

# Title versus text weight, 10:1 on both. bm25 takes per-column weights (the marks weigh nothing);
# PostgreSQL's label weights are {D, C, B, A} and we label the title A and the text D.
SQLITE_WEIGHTS = "10.0, 1.0, 0.0"
PG_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
# ts_rank_cd normalisation: 1 divides by 1 + log(document length) like bm25's length
# normalisation does, 32 maps the rank into [0, 1).
PG_NORMALIZATION = 1 | 32

# SQLite rowids: 27 bits of entry id under the seconds since 1970 - 2**35 (years ~900 to ~3000).
ID_BITS = 27
ID_MASK = (1 << ID_BITS) - 1
EPOCH_OFFSET = 1 << 35

# PostgreSQL: candidates are taken in slices of publication months once more than this match.
# The publication time is read as whole seconds: Django's loader of timestamptz values is Python
# code, about 10 µs a value, a tenth of a search's time when a deep page reads 1000 candidates.
EPOCH = "extract(epoch FROM published_at)::bigint AS published"
SLICE_ABOVE = 3000


@dataclass(frozen=True)
class TextQuery:
    """What a backend matches: every term, and from every facet group at least one facet."""

    terms: tuple[str, ...]
    facets: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """A matching entry as the ordering needs it: ``published`` in whole seconds since 1970 (None
    when undated), the folded title, the relevance in [0, 1) when computed, and whether the
    title alone holds every term (as tokens)."""

    id: int
    published: int | None
    title_key: str
    relevance: float = 0.0
    title_hit: bool = False


@dataclass(frozen=True)
class EntryRow:
    """What is written for one entry: its ``SearchEntry`` column values (adapted for the
    database, ``key`` included), its publication time, its index tokens and its facets."""

    values: dict[str, Any]
    published_at: datetime | None
    title_tokens: list[str]
    text_tokens: list[str]
    facets: list[str]


def facet(name: str, value: str) -> str:
    """The facet token of one filter value (``value`` in its canonical text form): the private-use
    mark and a hash, so that any name and value make exactly one token on both databases."""
    digest = hashlib.blake2b(f"{name}\0{value}".encode(), digest_size=10).hexdigest()
    return FACET_MARK + digest


def publication_facet(month: tuple[int, int] | None) -> str:
    """The facet of the local publication month ``(year, month)``; None: undated."""
    return facet("published", f"{month[0]:04d}-{month[1]:02d}" if month is not None else "")


def _marks(row: EntryRow) -> list[str]:
    """The facets and the marked title tokens of an entry (distinct, in order)."""
    return list(dict.fromkeys([*row.facets, *(TITLE_MARK + t for t in row.title_tokens)]))


def _phases(query: TextQuery) -> tuple[bool | None, ...]:
    """Candidate phases: entries whose title holds every term, then the others; all at once
    when there are no terms (a listing by filters)."""
    return (True, False) if query.terms else (None,)


def _seconds(published_at: datetime | None) -> int | None:
    """Whole seconds since 1970 (entries are stored truncated to the second)."""
    return None if published_at is None else int(published_at.timestamp())


class Backend:
    """The interface. ``alias`` is the database alias the backend works on."""

    vendor = ""

    def __init__(self, alias: str):
        self.alias = alias
        self.connection = connections[alias]

    # --- writing (inside a transaction) --------------------------------------------------------

    def upsert(self, rows: Sequence[EntryRow]) -> dict[str, int]:
        """Insert or replace the entries (matched by key) and their full-text data; return
        ``{key: id}``."""
        raise NotImplementedError

    def delete(self, ids: Sequence[int]) -> None:
        """Delete the entries with these ids, their texts and their full-text data."""
        raise NotImplementedError

    def optimize(self) -> None:
        """Compact the full-text index and refresh statistics after a bulk load."""
        raise NotImplementedError

    # --- reading (inside ``with backend.session():``) ------------------------------------------

    @contextmanager
    def session(self):
        """The context of the reads of one search."""
        yield

    def count(self, query: TextQuery, cap: int) -> int:
        """The number of matching entries, counting no further than ``cap``."""
        raise NotImplementedError

    def matches(self, query: TextQuery) -> list[Hit]:
        """Every match, with relevance. Only called when ``count`` is small."""
        raise NotImplementedError

    def candidates(self, query: TextQuery, limit: int, total: int, ranked: int = 0) -> list[Hit]:
        """The first ``limit`` matches in candidate order: those whose title holds every term,
        newest first, then the others, newest first. ``total`` is the number of matches (as
        counted). The first ``ranked`` of them come with their relevance (as ``matches`` gives
        it), computed in the same statements; the others have relevance 0."""
        raise NotImplementedError

    # --- shared --------------------------------------------------------------------------------

    def _upsert_entries(self, cursor, rows: Sequence[EntryRow], extra_column: str = "", extra=None) -> dict[str, int]:
        """``INSERT … ON CONFLICT (key) DO UPDATE … RETURNING id, key`` for a batch (SQLite ≥ 3.35
        and PostgreSQL both speak it). ``extra`` gives one more value per row for
        ``extra_column``."""
        columns = list(rows[0].values) + ([extra_column] if extra_column else [])
        params: list[Any] = []
        for row in rows:
            params.extend(row.values.values())
            if extra_column:
                params.append(extra(row))
        one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "key")
        cursor.execute(
            f"INSERT INTO {ENTRY} ({', '.join(columns)}) VALUES {', '.join([one_row] * len(rows))} "
            f"ON CONFLICT (key) DO UPDATE SET {updates} RETURNING id, key",
            params,
        )
        return {key: pk for pk, key in cursor.fetchall()}


class SQLiteBackend(Backend):
    """SQLite: FTS5 table ``(title, body, marks)``, marks being the facets and the marked title
    tokens; rowid = recency order (module docstring)."""

    vendor = "sqlite"

    @staticmethod
    def rowid(entry_id: int, published: int | None) -> int:
        """The FTS rowid of an entry published at ``published`` (seconds since 1970, or None)."""
        if entry_id > ID_MASK:
            raise OverflowError(f"search entry id {entry_id} exceeds SQLite's {ID_BITS}-bit limit; use PostgreSQL")
        return entry_id if published is None else ((published + EPOCH_OFFSET) << ID_BITS) | entry_id

    @staticmethod
    def published(rowid: int) -> int | None:
        """The publication time (seconds since 1970) encoded in an FTS rowid."""
        seconds = rowid >> ID_BITS
        return None if seconds == 0 else seconds - EPOCH_OFFSET

    def upsert(self, rows):
        from gongkai.search.models import SearchEntry

        keys = [row.values["key"] for row in rows]
        with self.connection.cursor() as cursor:
            old = SearchEntry.objects.using(self.alias).filter(key__in=keys).values_list("id", "published_at")
            old_rowids = [self.rowid(pk, _seconds(published)) for pk, published in old]
            if old_rowids:
                cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({', '.join(['%s'] * len(old_rowids))})", old_rowids)
            ids = self._upsert_entries(cursor, rows)
            cursor.executemany(
                f"INSERT INTO {FTS} (rowid, title, body, marks) VALUES (%s, %s, %s, %s)",
                [(self.rowid(ids[row.values["key"]], _seconds(row.published_at)), " ".join(row.title_tokens),
                  " ".join(row.text_tokens), " ".join(_marks(row))) for row in rows],
            )
        return ids

    def delete(self, ids):
        from gongkai.search.models import SearchEntry

        marks = ", ".join(["%s"] * len(ids))
        with self.connection.cursor() as cursor:
            entries = SearchEntry.objects.using(self.alias).filter(id__in=ids).values_list("id", "published_at")
            rowids = [self.rowid(pk, _seconds(published)) for pk, published in entries]
            if rowids:
                cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({', '.join(['%s'] * len(rowids))})", rowids)
            cursor.execute(f"DELETE FROM {TEXT} WHERE entry_id IN ({marks})", list(ids))
            cursor.execute(f"DELETE FROM {ENTRY} WHERE id IN ({marks})", list(ids))

    def optimize(self):
        with self.connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")
            cursor.execute("ANALYZE")

    @staticmethod
    def _all(items: Sequence[str], operator: str) -> str:
        # Tokens are runs of letters and digits, facets add only private-use characters:
        # double quotes cannot occur, so quoting cannot be broken.
        return "(" + f" {operator} ".join(f'"{item}"' for item in items) + ")"

    def match(self, query: TextQuery, title: bool | None = None) -> str:
        """The MATCH expression: all terms (title=True: all in the title; False: not all in the
        title) and the facets."""
        parts = []
        if query.terms:
            parts.append(f"marks : {self._all([TITLE_MARK + t for t in query.terms], 'AND')}" if title
                         else self._all(query.terms, "AND"))
        parts.extend(f"marks : {self._all(group, 'OR')}" for group in query.facets)
        expression = " AND ".join(parts)
        if title is False:
            expression = f"({expression}) NOT marks : {self._all([TITLE_MARK + t for t in query.terms], 'AND')}"
        return expression

    def count(self, query, cap):
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {FTS} WHERE {FTS} MATCH %s LIMIT %s)",
                           [self.match(query), cap])
            return cursor.fetchone()[0]

    def matches(self, query):
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {FTS}.rowid, {ENTRY}.title_key, bm25({FTS}, {SQLITE_WEIGHTS}) "
                f"FROM {FTS} JOIN {ENTRY} ON {ENTRY}.id = ({FTS}.rowid & {ID_MASK}) WHERE {FTS} MATCH %s",
                [self.match(query)],
            )
            return [Hit(rowid & ID_MASK, self.published(rowid), title_key, _bm25_relevance(bm))
                    for rowid, title_key, bm in cursor.fetchall()]

    def candidates(self, query, limit, total, ranked=0):
        rowids: list[tuple[int, bool]] = []
        with self.connection.cursor() as cursor:
            for title in _phases(query):
                if len(rowids) >= limit:
                    break
                # FTS5 walks the index in rowid order and stops at the limit.
                cursor.execute(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s ORDER BY rowid DESC LIMIT %s",
                               [self.match(query, title=title), limit - len(rowids)])
                rowids.extend((rowid, bool(title)) for (rowid,) in cursor.fetchall())
            titles: dict[int, str] = {}
            for start in range(0, len(rowids), 500):
                ids = [rowid & ID_MASK for rowid, _ in rowids[start:start + 500]]
                cursor.execute(f"SELECT id, title_key FROM {ENTRY} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)
                titles.update(cursor.fetchall())
            relevance = self._relevance(cursor, query, [rowid for rowid, _ in rowids[:ranked]])
        return [Hit(rowid & ID_MASK, self.published(rowid), titles[rowid & ID_MASK], relevance.get(rowid, 0.0), title)
                for rowid, title in rowids]

    def _relevance(self, cursor, query: TextQuery, rowids: Sequence[int]) -> dict[int, float]:
        """The relevance of the given rows, by rowid. Not computed in the candidates' statements:
        bm25() counts, for each phrase of its MATCH expression, every row holding it (for the
        IDF), once per statement, and the candidate phases' expressions hold the marked terms
        too. One statement over the plain expression counts each term once."""
        if not rowids:
            return {}
        # "+rowid": given the IN list, FTS5 would run the whole MATCH once per id. The range
        # lets it skip the older part of the doclists.
        cursor.execute(
            f"SELECT rowid, bm25({FTS}, {SQLITE_WEIGHTS}) FROM {FTS} WHERE {FTS} MATCH %s "
            f"AND rowid >= %s AND +rowid IN ({', '.join(['%s'] * len(rowids))})",
            [self.match(query), min(rowids), *rowids],
        )
        return {rowid: _bm25_relevance(bm) for rowid, bm in cursor.fetchall()}


def _bm25_relevance(bm25: float) -> float:
    # FTS5's bm25() is negative, better matches more so; map -bm25 into [0, 1) as PostgreSQL's
    # normalisation 32 does for ts_rank_cd.
    score = max(-bm25, 0.0)
    return score / (score + 1.0)


class PostgresBackend(Backend):
    """PostgreSQL: ``search_vector`` (title A, text D, plus facets and marked title tokens
    without positions) with a GIN index; relevance by ts_rank_cd.

    Searches run with sequential and plain index scans and JIT off (transaction-local), so every
    match comes from a GIN bitmap. The planner prices ``search_vector @@ query`` as cheap, and for
    a frequent term prefers to walk the table or a date index checking each row's vector, which
    must be read back from TOAST at about 10 µs a row: 0.5 s instead of 30 ms on 100 000 entries.
    JIT would add tens of milliseconds of compilation to the larger plans, and parallel plans are
    off because the candidates rely on UNION ALL running its branches in order.

    A search is few statements, each a round trip that waits for a CPU on a busy server: the
    settings and the date span in one, the count (and, when many match, the title matches'
    count) in one, the candidates with their rank in one, then the result rows.
    """

    vendor = "postgresql"

    def __init__(self, alias: str):
        super().__init__(alias)
        self._published_span = None  # (newest, oldest) publication time, read by session()
        self._title_counts: dict[TextQuery, int] = {}  # title matches, counted by count()

    def upsert(self, rows):
        with self.connection.cursor() as cursor:
            return self._upsert_entries(cursor, rows, "search_vector", lambda row: tsvector_literal(
                row.title_tokens, row.text_tokens, _marks(row)))

    def delete(self, ids):
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TEXT} WHERE entry_id = ANY(%s)", [list(ids)])
            cursor.execute(f"DELETE FROM {ENTRY} WHERE id = ANY(%s)", [list(ids)])

    def optimize(self):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('gongkai_search_vector_gin')")
            # VACUUM (outside a transaction only) also sets the hint bits and the visibility map,
            # so that the first searches after a bulk load do not write every page they read.
            for table in (ENTRY, TEXT):
                cursor.execute(f"ANALYZE {table}" if self.connection.in_atomic_block else f"VACUUM (ANALYZE) {table}")

    @contextmanager
    def session(self):
        # One statement both switches the plan types off and, planned before it does so, reads
        # the newest and oldest publication times from the date index (for candidates taken month
        # by month): the planner settings only apply to statements planned afterwards. Parallel
        # plans are off too: candidates rely on UNION ALL reading its branches in order. Inside
        # an enclosing transaction the previous settings are put back afterwards, so the caller's
        # later queries are planned as before.
        nested = self.connection.in_atomic_block
        settings = {"enable_seqscan": "off", "enable_indexscan": "off", "jit": "off",
                    "max_parallel_workers_per_gather": "0"}
        with transaction.atomic(using=self.alias), self.connection.cursor() as cursor:
            if nested:
                cursor.execute("SELECT " + ", ".join(f"current_setting('{s}')" for s in settings))
                previous = cursor.fetchone()
            cursor.execute("SELECT max(published_at), min(published_at), "
                           + ", ".join(f"set_config('{s}', '{v}', true)" for s, v in settings.items())
                           + f" FROM {ENTRY}")
            self._published_span = cursor.fetchone()[:2]
            try:
                yield
            finally:
                self._published_span = None
                self._title_counts = {}
            if nested:
                cursor.execute("SELECT " + ", ".join(f"set_config('{s}', %s, true)" for s in settings), previous)

    @staticmethod
    def tsquery(query: TextQuery, title: bool | None = None, slice_facets: Sequence[str] = ()) -> str:
        """A tsquery literal (not to_tsquery(): the tokens are final and must not be re-parsed);
        ``title`` as for ``SQLiteBackend.match``; ``slice_facets``: one of them too (a slice of
        publication months). Tokens and facets hold no apostrophes or backslashes."""
        terms = " & ".join(f"'{t}'" for t in query.terms)
        titled = " & ".join(f"'{TITLE_MARK}{t}'" for t in query.terms)
        parts = [titled if title else terms] if query.terms else []
        if title is False:
            parts.append(f"!({titled})")
        parts.extend("(" + " | ".join(f"'{f}'" for f in group) + ")" for group in query.facets)
        if slice_facets:
            parts.append("(" + " | ".join(f"'{f}'" for f in slice_facets) + ")")
        return " & ".join(parts)

    def _rank(self, vector: str = "search_vector") -> str:
        return f"ts_rank_cd('{PG_WEIGHTS}', {vector}, %s::tsquery, {PG_NORMALIZATION})"

    def count(self, query, cap):
        # With terms, the same statement counts the title matches too (up to SLICE_ABOVE + 1)
        # when it finds more than SLICE_ABOVE matches: candidates() takes the title matches in
        # slices only when there are many of them (an InitPlan, run only when the CASE asks).
        with self.connection.cursor() as cursor:
            if not query.terms:
                cursor.execute(f"SELECT count(*) FROM (SELECT FROM {ENTRY} WHERE search_vector @@ %s::tsquery "
                               f"LIMIT %s) s", [self.tsquery(query), cap])
                return cursor.fetchone()[0]
            cursor.execute(
                f"SELECT n, CASE WHEN n > {SLICE_ABOVE} THEN (SELECT count(*) FROM (SELECT FROM {ENTRY} "
                f"WHERE search_vector @@ %s::tsquery LIMIT {SLICE_ABOVE + 1}) t) END FROM (SELECT count(*) AS n "
                f"FROM (SELECT FROM {ENTRY} WHERE search_vector @@ %s::tsquery LIMIT %s) s) c",
                [self.tsquery(query, True), self.tsquery(query), cap])
            total, titled = cursor.fetchone()
        if titled is not None:
            self._title_counts[query] = titled
        return total

    def matches(self, query):
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {EPOCH}, title_key, {self._rank()} FROM {ENTRY} "
                           f"WHERE search_vector @@ %s::tsquery",
                           [self.tsquery(TextQuery(query.terms)), self.tsquery(query)])
            return [Hit(pk, published, title_key, float(rank)) for pk, published, title_key, rank in cursor.fetchall()]

    def candidates(self, query, limit, total, ranked=0):
        # One statement: a UNION ALL of branches in candidate order (title matches, then the
        # others), each branch its newest matches, under one LIMIT. A phase with more than
        # SLICE_ABOVE matches is taken in slices of months, newest first, one branch each:
        # PostgreSQL runs the branches one after the other and stops as soon as the LIMIT is
        # reached, so the older slices cost nothing when the newest hold enough. A phase with
        # fewer is one branch: slices of a sparse phase would cost a GIN scan each for little.
        branches: list[tuple[bool | None, str]] = []
        for title in _phases(query):
            if total <= SLICE_ABOVE or title is None:
                many = total > SLICE_ABOVE
            else:  # the title matches, or the others (at least the total less the title count)
                many = (self._title_count(query) if title else total - self._title_count(query)) > SLICE_ABOVE
            if not many:
                branches.append((title, self.tsquery(query, title)))
            else:
                branches.extend((title, self.tsquery(query, title, tuple(map(publication_facet, group))))
                                for group in _growing_slices(self._publication_months()))
        # The rank is computed above each branch's LIMIT, so only the rows returned have their
        # vectors read back (a sort carries TOAST pointers, not vectors).
        rank = self._rank("s.search_vector") if ranked else "NULL::real"
        sql, params = [], []
        for n, (_, tsquery) in enumerate(branches):
            sql.append(f"(SELECT {n} AS branch, id, {EPOCH}, title_key, {rank} AS rank FROM (SELECT id, "
                       f"published_at, title_key, search_vector FROM {ENTRY} WHERE search_vector @@ %s::tsquery "
                       f"ORDER BY published_at DESC NULLS LAST, id DESC LIMIT %s) s)")
            params += [*([self.tsquery(TextQuery(query.terms))] if ranked else []), tsquery, limit]
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM ({' UNION ALL '.join(sql)}) u LIMIT %s", [*params, limit])
            rows = cursor.fetchall()
        hits = sorted(((branch, Hit(pk, published, title_key, 0.0 if rank is None else float(rank),
                                    bool(branches[branch][0])))
                       for branch, pk, published, title_key, rank in rows),
                      key=lambda item: (item[0], item[1].published is None, -(item[1].published or 0), -item[1].id))
        return [hit if n < ranked or not hit.relevance else replace(hit, relevance=0.0)
                for n, (_, hit) in enumerate(hits)]

    def _title_count(self, query: TextQuery) -> int:
        """How many entries match with every term in the title, up to SLICE_ABOVE + 1 (counted by
        count() already when it found many matches)."""
        if query not in self._title_counts:
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM (SELECT FROM {ENTRY} WHERE search_vector @@ %s::tsquery "
                               f"LIMIT %s) s", [self.tsquery(query, True), SLICE_ABOVE + 1])
                self._title_counts[query] = cursor.fetchone()[0]
        return self._title_counts[query]

    def _publication_months(self) -> list[tuple[int, int] | None]:
        """Every local publication month from the newest entry's to the oldest's, newest first,
        then None (the undated entries)."""
        if self._published_span is None:  # outside session(): two probes of the date index
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_indexscan = on")
                cursor.execute(f"SELECT max(published_at), min(published_at) FROM {ENTRY}")
                self._published_span = cursor.fetchone()
                cursor.execute("SET LOCAL enable_indexscan = off")
        newest, oldest = self._published_span
        if newest is None:
            return [None]
        first, last = (timezone.localtime(t).year * 12 + timezone.localtime(t).month - 1 for t in (newest, oldest))
        return [(n // 12, n % 12 + 1) for n in range(first, last - 1, -1)] + [None]


def _growing_slices(units: Sequence[Any]) -> list[Sequence[Any]]:
    """``units`` cut into consecutive slices of 1, 2, 4, 8, … units."""
    slices, start, size = [], 0, 1
    while start < len(units):
        slices.append(units[start:start + size])
        start, size = start + size, size * 2
    return slices


# PostgreSQL keeps positions up to 16383 and at most 255 per lexeme; to_tsvector clamps and drops
# them the same way.
PG_MAX_POSITION = 16383
PG_MAX_POSITIONS_PER_LEXEME = 255


def tsvector_literal(title_tokens: Sequence[str], text_tokens: Sequence[str], lexemes: Sequence[str] = ()) -> str:
    """An entry's tsvector as a literal: title tokens at positions 1… weighted A, text tokens after
    them (weight D), and ``lexemes`` without positions. For documents under 16 383 tokens this
    equals ``setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple',
    text), 'D')`` plus the lexemes.

    Built here rather than with to_tsvector(): our tokens are final (PostgreSQL's parser must
    not split them differently from SQLite's), and its parser costs about 0.8 ms per record.
    Tokens are runs of letters and digits and facets add private-use characters, so nothing
    needs escaping inside the apostrophes.
    """
    title_count = len(title_tokens)
    positions: dict[str, list[int]] = {}
    position = 0
    for tokens in (title_tokens, text_tokens):
        for token in tokens:
            position += 1
            entry = positions.get(token)
            if entry is None:
                positions[token] = [position]
            elif len(entry) < PG_MAX_POSITIONS_PER_LEXEME:
                entry.append(position)
    parts = []
    for token, numbers in positions.items():
        if numbers[-1] > PG_MAX_POSITION:
            numbers = sorted({min(n, PG_MAX_POSITION) for n in numbers})
        # D is the default weight; only the title's positions are labelled (A).
        if numbers[0] <= title_count:
            labels = ",".join(f"{n}A" if n <= title_count else str(n) for n in numbers)
        else:
            labels = ",".join(map(str, numbers))
        parts.append(f"'{token}':{labels}")
    parts.extend(f"'{lexeme}'" for lexeme in dict.fromkeys(lexemes) if lexeme not in positions)
    return " ".join(parts)


BACKENDS: dict[str, type[Backend]] = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}


def backend_for(alias: str) -> Backend:
    """The backend for a database alias; ``ImproperlyConfigured`` for other databases."""
    vendor = connections[alias].vendor
    try:
        return BACKENDS[vendor](alias)
    except KeyError:
        raise ImproperlyConfigured(f"gongkai.search supports SQLite and PostgreSQL, not {vendor}") from None
