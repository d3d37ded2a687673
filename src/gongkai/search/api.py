"""The search index API: write entries (:func:`index`, :func:`index_many`, :func:`remove`) and query
them (:func:`search`). See the package docstring for how a record model is wired to it.

Query semantics
---------------
* A query shaped like a 文号 (``青农发〔2026〕12号``, any bracket style, spaces, ``第``, leading zeros)
  or a 索引号 (``11990101010100014X/2026-00012``) is looked up by its normalised form. A 文号
  without its number (``青农发〔2026〕``) lists that issuer's documents of the year. When nothing
  matches exactly, the query is searched as text (finding the documents that cite it).
* Other text is segmented (:mod:`gongkai.search.analysis`) and every term must occur in the
  title or text of an entry.
* An empty query lists entries by publication date, newest first (filters still apply).
* ``filters`` are equalities: ``body`` (or ``body_id``), ``area``, ``doc_type``, ``year``, and any
  other name is looked up in the entry's ``attributes``. A list, tuple or set value means "any
  of"; ``None`` means no filter.

Ranking
-------
Results come in tiers, computed from the title: tier 2 when the title contains every phrase of
the query as typed, tier 1 when it contains every term, tier 0 otherwise (the title boost).
Within a tier the database's relevance orders them: bm25 on SQLite, ts_rank_cd on PostgreSQL,
title weighted 10:1 over text, both mapped into [0, 1); then the newest first, undated last.
``score`` is tier + relevance. Both databases return the same entries in the same tiers; the
order within a tier follows each database's formula.

Relevance is computed for a bounded window. When more than :data:`RANK_WINDOW` entries match,
the window holds the :data:`RANK_WINDOW` first candidates (titles holding every term first, then
newest first) ranked as above, and the results after the window follow in candidate order.
Scoring every match of a broad query is what makes a search slow: at 100 000 records 补贴 matches
15 000 entries, and ranking them all took 60 ms on SQLite and 200 ms on PostgreSQL (which reads
each vector back from TOAST, about 10 µs a row), before any other work. Candidates, by contrast,
come straight from the full-text index in order: SQLite's FTS rowids encode the publication time,
and PostgreSQL takes them in slices of publication months, newest first. For a query that broad, the title and
the date are what tell results apart. Counting stops at :data:`MAX_RESULTS`, which is also as far
as one can page (``SearchPage.total_exact`` is false then); narrow the query or filter to see
more.

Why our own index rather than Wagtail's database search backend with pre-segmented SearchFields
(measured with the same corpus and segmentation): on SQLite, Wagtail 7.4's backend (modelsearch
1.3.2) computes each result's bm25 in a correlated subquery that re-runs the full-text match for
every matching row; one query for 补贴 took 1.1 s at 3 000 records, and at 100 000 records not
one query finished within five minutes. On PostgreSQL every query took 3.4 to 4.9 s at 100 000
records, even one without hits: the backend combines the title and body vectors per row, so its
GIN indexes cannot serve the match, and it ranks every row it finds. It would also leave no
place for facets, 文号/索引号 lookups or a bounded ranking. Our index finds the same entries
(the hit counts agree) in 5 to 40 ms (bench/search.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.safestring import SafeString

from gongkai.search.analysis import (
    ANALYZER_VERSION,
    ParsedQuery,
    doc_number_prefix,
    fold,
    index_tokens,
    normalize_doc_number,
    normalize_index_number,
    parse_query,
)
from gongkai.search.backends import EntryRow, Hit, TextQuery, backend_for, facet, publication_facet
from gongkai.search.highlight import highlight_title, snippet
from gongkai.search.models import SearchEntry, SearchText

RANK_WINDOW = 200
MAX_RESULTS = 10_000
MAX_PAGE_SIZE = 100
BATCH_SIZE = 200

# Named filters and the entry column each one compares; any other name is an attribute.
FILTER_COLUMNS = {"body": "body_id", "body_id": "body_id", "area": "area", "doc_type": "doc_type", "year": "year"}
CANONICAL_FILTERS = {"body": "body_id", "area": "area", "doc_type": "doc_type", "year": "year"}
INTEGER_FILTERS = {"body", "body_id", "year"}
ATTRIBUTE_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_SCALARS = (str, int, bool)


@dataclass(frozen=True)
class Document:
    """What one entry holds. ``title`` is required; ``text`` is the plain text (body and
    attachment text) to search and to quote in snippets. ``published_at`` may be a date or an
    aware datetime (a naive one is taken as local time); ``year`` defaults to its local year.
    ``body_id`` and ``year`` are integers, ``area`` (at most 32 characters) and ``doc_type`` (at
    most 64) codes. ``attributes`` are further filter values: names matching
    ``[a-z][a-z0-9_]*`` (at most 40 characters, not a named filter), values strings, integers or
    booleans."""

    title: str
    text: str = ""
    url: str = ""
    published_at: dt.datetime | dt.date | None = None
    body_id: int | None = None
    area: str = ""
    doc_type: str = ""
    year: int | None = None
    doc_number: str = ""
    index_number: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    """One result. ``title_html`` and ``snippet_html`` are safe HTML: escaped text with
    ``<mark>`` around the query's words. ``score`` orders results of one query (tier +
    relevance for text, 3.0 for an exact 文号/索引号 match, 0.0 when listing by date)."""

    key: str
    title: str
    url: str
    title_html: SafeString
    snippet_html: SafeString
    score: float
    published_at: dt.datetime | None
    year: int | None
    body_id: int | None
    area: str
    doc_type: str
    doc_number: str
    index_number: str
    attributes: dict[str, Any]


@dataclass(frozen=True)
class SearchPage:
    """One page of results. ``mode`` says how the query was answered: ``"text"``,
    ``"doc_number"``, ``"index_number"`` (exact matches) or ``"browse"`` (empty query, by date).
    ``total`` is exact when ``total_exact``; otherwise at least that many entries match."""

    results: list[SearchResult]
    total: int
    total_exact: bool
    page: int
    page_size: int
    mode: str
    query: ParsedQuery

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


# --- writing ----------------------------------------------------------------------------------


def index(
    key: str,
    *,
    title: str,
    text: str = "",
    url: str = "",
    published_at: dt.datetime | dt.date | None = None,
    body_id: int | None = None,
    area: str = "",
    doc_type: str = "",
    year: int | None = None,
    doc_number: str = "",
    index_number: str = "",
    attributes: Mapping[str, Any] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Add the entry ``key`` to the index, or replace it entirely if it is there.

    ``key`` is any stable identifier of at most 191 characters (the registry uses
    ``"<app_label>.<model>:<pk>"``). The fields are those of :class:`Document`. Runs in its own
    transaction (a savepoint inside the caller's): call it in the transaction that publishes the
    record, and the index changes exactly when the record does. Raises ``ValueError`` for an
    empty key or title, or a malformed filter value or attribute.
    """
    index_many(
        [(key, Document(title=title, text=text, url=url, published_at=published_at, body_id=body_id,
                        area=area, doc_type=doc_type, year=year, doc_number=doc_number,
                        index_number=index_number, attributes=attributes or {}))],
        using=using,
    )


def index_many(
    items: Iterable[tuple[str, Document]], *, using: str = DEFAULT_DB_ALIAS, batch_size: int = BATCH_SIZE
) -> int:
    """Index many ``(key, document)`` pairs in batches (each batch one transaction); return how
    many. The iterable is consumed lazily, so a generator of a million records is fine."""
    backend = backend_for(using)
    connection = backend.connection
    count = 0
    batch: dict[str, Document] = {}
    for key, document in items:
        batch[_check_key(key)] = document
        if len(batch) >= batch_size:
            count += _write_batch(backend, connection, batch)
            batch = {}
    if batch:
        count += _write_batch(backend, connection, batch)
    return count


def _write_batch(backend, connection, batch: dict[str, Document]) -> int:
    """Write one batch. Every title and text is masked by the privacy guard first: the index, and
    so every snippet, never holds an unmasked ID number, mobile or account (it would otherwise keep
    an old leak findable long after the record was corrected)."""
    from gongkai.privacy.gate import public_masker

    mask = public_masker()
    batch = {key: replace(document, title=mask(document.title or ""), text=mask(document.text or ""))
             for key, document in batch.items()}
    now = timezone.now()
    fields = {f.attname: f for f in SearchEntry._meta.concrete_fields if not f.primary_key}
    rows = []
    for key, document in batch.items():
        values = _entry_values(key, document, now)
        extra = " ".join(v for v in (document.doc_number, document.index_number) if v)
        rows.append(EntryRow(
            values={fields[name].column: fields[name].get_db_prep_save(value, connection)
                    for name, value in values.items()},
            published_at=values["published_at"],
            title_tokens=index_tokens(values["title"]),
            text_tokens=index_tokens(f"{document.text}\n{extra}" if extra else document.text),
            facets=_entry_facets(values),
        ))
    with transaction.atomic(using=backend.alias):
        ids = backend.upsert(rows)
        SearchText.objects.using(backend.alias).bulk_create(
            [SearchText(entry_id=ids[key], text=document.text) for key, document in batch.items()],
            update_conflicts=True, unique_fields=["entry"], update_fields=["text"],
        )
    return len(rows)


def _entry_facets(values: dict[str, Any]) -> list[str]:
    """The facet tokens of an entry: its publication month, each named filter value (an empty
    value when it has none, so that every entry has the same number of them: bm25 counts them
    in the document length) and each attribute."""
    published = values["published_at"]
    local = timezone.localtime(published) if published else None
    facets = [publication_facet((local.year, local.month) if local else None)]
    for name, column in CANONICAL_FILTERS.items():
        value = values[column]
        facets.append(facet(name, "" if value is None or value == "" else _canonical(name, value)))
    facets.extend(facet(f"attribute.{name}", _canonical(name, value))
                  for name, value in values["attributes"].items() if value is not None)
    return facets


def _check_key(key: str) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > 191:
        raise ValueError(f"search key must be a non-empty string of at most 191 characters: {key!r}")
    return key


def _entry_values(key: str, document: Document, now: dt.datetime) -> dict[str, Any]:
    title = " ".join((document.title or "").split())
    if not title:
        raise ValueError(f"search entry {key} has no title")
    published_at = _aware(document.published_at)
    if published_at is not None:
        published_at = published_at.replace(microsecond=0)
    year = document.year
    if year is None and published_at is not None:
        year = timezone.localtime(published_at).year
    for name, value, longest in (("area", document.area, 32), ("doc_type", document.doc_type, 64)):
        if value and (not isinstance(value, str) or len(value) > longest):
            raise ValueError(f"search entry {key}: {name} must be a code of at most {longest} characters")
    for name, value in (("body_id", document.body_id), ("year", year)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"search entry {key}: {name} must be an integer, not {value!r}")
    return {
        "key": key,
        "published_at": published_at,
        "year": year,
        "body_id": document.body_id,
        "area": document.area or "",
        "doc_type": document.doc_type or "",
        "title": title[:500],
        "title_key": fold(title)[:500],
        "url": (document.url or "")[:500],
        "doc_number": (document.doc_number or "").strip()[:100],
        "doc_number_key": normalize_doc_number(document.doc_number)[:100] if document.doc_number else "",
        "doc_number_prefix_key": doc_number_prefix(document.doc_number)[:100] if document.doc_number else "",
        "index_number": (document.index_number or "").strip()[:100],
        "index_number_key": normalize_index_number(document.index_number)[:100] if document.index_number else "",
        "attributes": _check_attributes(key, document.attributes),
        "analyzer_version": ANALYZER_VERSION,
        "indexed_at": now,
    }


def _aware(value: dt.datetime | dt.date | None) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _check_attributes(key: str, attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    checked = {}
    for name, value in (attributes or {}).items():
        if not isinstance(name, str) or not ATTRIBUTE_NAME_RE.match(name) or name in FILTER_COLUMNS:
            raise ValueError(f"search entry {key}: bad attribute name {name!r}")
        if value is not None and not isinstance(value, _SCALARS):
            raise ValueError(f"search entry {key}: attribute {name} must be a string, integer or boolean, "
                             f"not {type(value).__name__}")
        checked[name] = value
    return checked


def remove(key: str, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Remove the entry ``key``; return whether there was one. Call it when a record is
    withdrawn, expires or is deleted."""
    return remove_many([key], using=using) > 0


def remove_many(keys: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Remove the entries with these keys; return how many there were."""
    keys = list(keys)
    backend = backend_for(using)
    removed = 0
    for start in range(0, len(keys), BATCH_SIZE):
        with transaction.atomic(using=using):
            ids = list(SearchEntry.objects.using(using).filter(key__in=keys[start:start + BATCH_SIZE])
                       .values_list("id", flat=True))
            if ids:
                backend.delete(ids)
            removed += len(ids)
    return removed


def optimize(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Compact the full-text index and refresh planner statistics; run after a bulk load."""
    backend_for(using).optimize()


# --- searching --------------------------------------------------------------------------------


def search(
    query: str = "",
    *,
    filters: Mapping[str, Any] | None = None,
    page: int = 1,
    page_size: int = 20,
    using: str = DEFAULT_DB_ALIAS,
) -> SearchPage:
    """Search the index; see the module docstring for the query language and the ranking.

    ``page`` counts from 1; a page past the end is empty. Raises ``ValueError`` for a page below 1,
    a page size outside 1–:data:`MAX_PAGE_SIZE`, or a malformed filter name.
    """
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page must be ≥ 1 and page_size within 1–{MAX_PAGE_SIZE}")
    parsed = parse_query(query)
    base = SearchEntry.objects.using(using).filter(**_filter_lookups(filters or {}))
    offset = (page - 1) * page_size
    limit = max(0, min(page_size, MAX_RESULTS - offset))

    def done(mode: str, hits: Sequence[tuple[int, float]], total: int) -> SearchPage:
        # Exact and date-ordered results have nothing to mark.
        results = _results(using, parsed if mode == "text" else ParsedQuery(parsed.raw, parsed.kind), hits)
        return SearchPage(results, min(total, MAX_RESULTS), total <= MAX_RESULTS, page, page_size, mode, parsed)

    if parsed.kind in ("doc_number", "index_number"):
        if parsed.kind == "doc_number":
            exact = base.filter(**{"doc_number_prefix_key" if parsed.prefix else "doc_number_key": parsed.key})
        else:
            exact = base.filter(index_number_key=parsed.key)
        # The matches of an identifier are few (one, or an issuer's year): fetched through the
        # identifier's index and ordered here. Ordered by the database, PostgreSQL may instead
        # walk its newest-first index until it has met enough of them: two seconds for an
        # issuer's year in 2019 at a million entries.
        found = list(exact.values_list("id", "published_at")[: MAX_RESULTS + 1])
        total = len(found)
        if total or not parsed.terms:
            if total > MAX_RESULTS:  # not all fetched: let the database order them all
                ids = list(exact.order_by(F("published_at").desc(nulls_last=True), "-id")
                           .values_list("id", flat=True)[offset:offset + limit])
            else:
                found.sort(key=lambda row: (row[1] is not None, row[1] or 0, row[0]), reverse=True)
                ids = [pk for pk, _ in found[offset:offset + limit]]
            return done(parsed.kind, [(pk, 3.0) for pk in ids], total)
    mode = "browse" if parsed.kind == "empty" else "text"
    facets = _filter_facets(filters or {})
    if facets is None:
        return done(mode, [], 0)
    if mode == "browse" and not facets:
        total = base[: MAX_RESULTS + 1].count()
        ids = list(base.order_by(F("published_at").desc(nulls_last=True), "-id")
                   .values_list("id", flat=True)[offset:offset + limit])
        return done(mode, [(pk, 0.0) for pk in ids], total)

    # Text, or a listing by filters: both answered by the full-text index (filters are facets).
    backend = backend_for(using)
    text_query = TextQuery(parsed.terms, facets)
    with backend.session():
        total = backend.count(text_query, MAX_RESULTS + 1)
        if not limit or offset >= total:
            scored = []
        elif mode == "browse":
            listed = backend.candidates(text_query, min(total, offset + limit), total)[offset:offset + limit]
            scored = [(hit.id, 0.0) for hit in listed]
        else:
            hits = _text_hits(backend, parsed, text_query, offset, limit, min(total, MAX_RESULTS))
            scored = [(hit.id, _tier(parsed, hit.title_key) + relevance) for hit, relevance in hits]
    return done(mode, scored, total)


def _text_hits(backend, parsed: ParsedQuery, query: TextQuery, offset: int, limit: int,
               total: int) -> list[tuple[Hit, float]]:
    """The page ``[offset, offset + limit)`` of the text matches with their relevance (see
    Ranking above)."""
    if offset >= total:
        return []
    if total <= RANK_WINDOW:
        ranked = [(hit, hit.relevance) for hit in backend.matches(query)]
        return sorted(ranked, key=_rank_key(parsed))[offset:offset + limit]
    # Relevance is only wanted while the page reaches into the window; it comes with the
    # candidates, computed for the window's rows only.
    ranked = RANK_WINDOW if offset < RANK_WINDOW else 0
    candidates = backend.candidates(query, min(total, max(RANK_WINDOW, offset + limit)), total, ranked=ranked)
    window, rest = candidates[:RANK_WINDOW], [(hit, 0.0) for hit in candidates[RANK_WINDOW:]]
    if offset >= RANK_WINDOW:
        return rest[offset - RANK_WINDOW:offset - RANK_WINDOW + limit]
    ranked_window = sorted(((hit, hit.relevance) for hit in window), key=_rank_key(parsed))
    return (ranked_window + rest)[offset:offset + limit]


def _contains(title_key: str, part: str) -> bool:
    """Whether the folded title holds ``part`` as the index sees it: letters and digits at
    either end of ``part`` must not continue a longer run in the title ("12" is not in "2012")."""
    starts, ends = part[0].isascii() and part[0].isalnum(), part[-1].isascii() and part[-1].isalnum()
    if not (starts or ends):
        return part in title_key
    pattern = ("(?<![0-9a-z])" if starts else "") + re.escape(part) + ("(?![0-9a-z])" if ends else "")
    return re.search(pattern, title_key) is not None


def _tier(parsed: ParsedQuery, title_key: str) -> int:
    """2: the title holds every phrase as typed; 1: it holds every term; 0: otherwise."""
    if all(_contains(title_key, phrase) for phrase in parsed.phrases):
        return 2
    if all(_contains(title_key, term) for term in parsed.terms):
        return 1
    return 0


def _rank_key(parsed: ParsedQuery):
    """Order of ``(hit, relevance)``: tier, relevance, newest first (undated last), then the
    later-indexed first."""

    def key(item: tuple[Hit, float]) -> tuple:
        hit, relevance = item
        return (-_tier(parsed, hit.title_key), -relevance, hit.published is None, -(hit.published or 0), -hit.id)

    return key


def _filter_values(filters: Mapping[str, Any]) -> list[tuple[str, str, list[Any]]]:
    """The filters as ``(kind, name, values)``: kind is a named filter (body, area, doc_type,
    year) or ``"attribute"``; values are checked and, for body and year, integers. Raises
    ``ValueError`` for a bad name or value."""
    checked = []
    for name, value in filters.items():
        if value is None:
            continue
        kind = "body" if name == "body_id" else name
        if kind not in CANONICAL_FILTERS:
            if not isinstance(name, str) or not ATTRIBUTE_NAME_RE.match(name):
                raise ValueError(f"bad search filter name {name!r}")
            kind = "attribute"
        values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
        for v in values:
            _canonical(name if kind == "attribute" else kind, v)
        if kind in INTEGER_FILTERS:
            values = [int(v) for v in values]
        checked.append((kind, name, values))
    return checked


def _filter_lookups(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters as ORM lookups on ``SearchEntry`` (identifier and date listings)."""
    lookups: dict[str, Any] = {}
    for kind, name, values in _filter_values(filters):
        column = f"attributes__{name}" if kind == "attribute" else CANONICAL_FILTERS[kind]
        if len(values) == 1 and not isinstance(filters[name], (list, tuple, set, frozenset)):
            lookups[column] = values[0]
        else:
            lookups[f"{column}__in"] = values
    return lookups


def _filter_facets(filters: Mapping[str, Any]) -> tuple[tuple[str, ...], ...] | None:
    """The filters as facet groups, one of each group to match (full-text searches); None when a
    list of values is empty, so that nothing can match."""
    groups = []
    for kind, name, values in _filter_values(filters):
        if not values:
            return None
        prefix, canonical_name = (f"attribute.{name}", name) if kind == "attribute" else (kind, kind)
        groups.append(tuple(sorted({facet(prefix, _canonical(canonical_name, v)) for v in values})))
    return tuple(groups)


def _canonical(name: str, value: Any) -> str:
    """A filter value as its facet spells it: an integer for body and year, the text for area and
    document type, the JSON form for an attribute (so 2026 and "2026" differ, as in JSON)."""
    if not isinstance(value, _SCALARS):
        raise ValueError(f"bad value for search filter {name}: {value!r}")
    if name in INTEGER_FILTERS:
        if isinstance(value, bool):
            raise ValueError(f"search filter {name} needs an integer, not {value!r}")
        try:
            return str(int(value))
        except ValueError:
            raise ValueError(f"search filter {name} needs an integer, not {value!r}") from None
    if name in CANONICAL_FILTERS:
        return str(value)
    return json.dumps(value, ensure_ascii=False)


RESULT_FIELDS = ("id", "key", "title", "url", "published_at", "year", "body_id", "area", "doc_type", "doc_number",
                 "index_number", "attributes")


def _results(using: str, parsed: ParsedQuery, scored: Sequence[tuple[int, float]]) -> list[SearchResult]:
    # One query for the entries and their texts (the text for the snippet).
    rows = {row[0]: row for row in SearchEntry.objects.using(using).filter(id__in=[pk for pk, _ in scored])
            .values_list(*RESULT_FIELDS, "source__text")}
    results = []
    for pk, score in scored:
        row = rows.get(pk)
        if row is None:  # removed between the two reads
            continue
        _, key, title, url, published_at, year, body_id, area, doc_type, doc_number, index_number, attributes, text = row
        results.append(SearchResult(
            key=key, title=title, url=url,
            title_html=highlight_title(title, parsed),
            snippet_html=snippet(text or "", parsed),
            score=round(score, 6), published_at=published_at, year=year, body_id=body_id,
            area=area, doc_type=doc_type, doc_number=doc_number, index_number=index_number, attributes=attributes,
        ))
    return results


# --- maintenance ------------------------------------------------------------------------------


def reanalyze(*, using: str = DEFAULT_DB_ALIAS, batch_size: int = BATCH_SIZE, everything: bool = False) -> int:
    """Re-segment every entry indexed under another analyzer version (after the dictionary or
    the analysis changed) from its stored title and text, masking them again on the way; return
    how many. ``everything``: every entry, whatever its version (after the privacy guard's
    detectors or the allow-list changed). No source records are needed."""
    count = 0
    last = 0
    while True:
        entries = SearchEntry.objects.using(using).filter(id__gt=last)
        if not everything:
            entries = entries.exclude(analyzer_version=ANALYZER_VERSION)
        entries = list(entries.order_by("id")[:batch_size])
        if not entries:
            return count
        last = entries[-1].id
        texts = dict(SearchText.objects.using(using).filter(entry_id__in=[e.id for e in entries])
                     .values_list("entry_id", "text"))
        count += index_many(((e.key, _stored_document(e, texts.get(e.id, ""))) for e in entries), using=using,
                            batch_size=batch_size)


def _stored_document(entry: SearchEntry, text: str) -> Document:
    return Document(
        title=entry.title, text=text, url=entry.url, published_at=entry.published_at, body_id=entry.body_id,
        area=entry.area, doc_type=entry.doc_type, year=entry.year, doc_number=entry.doc_number,
        index_number=entry.index_number, attributes=entry.attributes,
    )
