"""Text analysis: how Chinese text becomes index terms, and how a query becomes search terms.

Chinese is written without spaces, so neither SQLite's FTS5 (``unicode61``) nor PostgreSQL's
parser can find a word inside a sentence (tech notes §1–§2). We segment the text ourselves with
rjieba plus our domain dictionary (``data/dictionary.csv``) and hand both databases the same
space-separated token stream.

Index side (:func:`index_tokens`): every dictionary word found anywhere in the text (rjieba's
full mode, so 耕地地力保护补贴 yields 耕地地力保护补贴, 耕地, 地力, 保护 and 补贴), every single
CJK character, and every run of letters or digits.

Query side (:func:`parse_query`): the query is cut in jieba's default (precise) mode without the
HMM, so each term is a dictionary word, a single character or a letter/digit run. A document
that contains the query text therefore contains every query term in its stream: full mode
emits each dictionary word wherever it occurs and every character on its own, so a term is
never lost to the way the surrounding sentence happened to be segmented (个人信息公开 is still
found by 信息公开). The HMM is off on both sides because the words it invents depend on the
neighbouring characters, which differ between a query and a document.

Both sides fold the text first (NFKC, lower case): full-width letters and digits match their
half-width forms.

A change of the dictionary or of this module changes :data:`ANALYZER_VERSION`; entries indexed
under an older version are re-segmented from their stored text by ``gongkai search reanalyze``.
"""

from __future__ import annotations

import csv
import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass
from importlib import resources

import rjieba

# Bump when the token stream changes for the same dictionary (it is part of ANALYZER_VERSION):
# entries indexed under another revision are re-segmented by ``migrate``. 2: the publication
# facet is the month, not the year (backends.publication_facet). 3: titles and texts are masked by
# the privacy guard before they are stored or segmented (api._write_batch), so ``reanalyze`` cleans
# entries written before that.
ALGORITHM_REVISION = "3"
# Longer runs of letters/digits are split into pieces of this length on both sides, the same
# way, so neither database drops an over-long token (PostgreSQL refuses words over 2 KB).
MAX_TOKEN_CHARS = 64
# Only this much of a document is segmented for the full-text index (the whole text is kept for
# snippets). It keeps a PostgreSQL tsvector far below its 1 MB limit.
MAX_INDEXED_CHARS = 500_000
# A query is cut to this many characters and this many distinct terms.
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 32

TOKEN_RE = re.compile(rf"[^\W_]{{1,{MAX_TOKEN_CHARS}}}")
_RUN_RE = re.compile(r"[^\W_]+")
_SPACE_RE = re.compile(r"\s+")

# Dictionary categories and the part-of-speech tag jieba gets for them.
CATEGORY_TAGS = {"agency": "nt", "subsidy": "nz", "livelihood": "nz", "disclosure": "nz", "governance": "nz"}


def _dictionary_bytes() -> bytes:
    return resources.files("gongkai.search").joinpath("data/dictionary.csv").read_bytes()


def load_dictionary() -> list[tuple[str, str]]:
    """The domain dictionary as ``(word, category)`` pairs, in file order.

    Raises ``ValueError`` on a malformed file (unknown category, blank or duplicate word), so a bad
    edit fails the test suite instead of silently changing segmentation.
    """
    rows = csv.DictReader(_dictionary_bytes().decode("utf-8").splitlines())
    if rows.fieldnames != ["word", "category"]:
        raise ValueError(f"dictionary.csv: header must be word,category, not {rows.fieldnames}")
    words: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        word, category = (row["word"] or "").strip(), (row["category"] or "").strip()
        if not word or any(ch.isspace() for ch in word):
            raise ValueError(f"dictionary.csv line {line}: empty word or word with spaces: {word!r}")
        if category not in CATEGORY_TAGS:
            raise ValueError(f"dictionary.csv line {line}: unknown category {category!r}")
        if word in seen:
            raise ValueError(f"dictionary.csv line {line}: duplicate word {word}")
        seen.add(word)
        words.append((word, category))
    return words


ANALYZER_VERSION = hashlib.sha256(ALGORITHM_REVISION.encode() + b"\0" + _dictionary_bytes()).hexdigest()[:12]

_segmenter: rjieba.Jieba | None = None
_segmenter_lock = threading.Lock()


def segmenter() -> rjieba.Jieba:
    """The process-wide segmenter: jieba's default dictionary plus ours, loaded on first use.

    A private ``rjieba.Jieba`` instance, so other code using ``rjieba.cut`` is not affected by
    our words. Each word gets at least the frequency that keeps it whole in precise mode.
    """
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                seg = rjieba.Jieba()
                for word, category in load_dictionary():
                    seg.add_word(fold(word), None, CATEGORY_TAGS[category])
                for word, category in load_dictionary():
                    folded = fold(word)
                    if seg.cut(folded, hmm=False) != [folded]:
                        seg.add_word(folded, seg.suggest_freq(folded) + 1, CATEGORY_TAGS[category])
                _segmenter = seg
    return _segmenter


def fold(text: str) -> str:
    """NFKC and lower case: the form both the index and the query are segmented in."""
    return unicodedata.normalize("NFKC", text).lower()


def index_tokens(text: str) -> list[str]:
    """The index token stream of ``text`` (see the module docstring), in text order."""
    if not text:
        return []
    tokens: list[str] = []
    keep = tokens.append
    for token in segmenter().cut_all(fold(text[:MAX_INDEXED_CHARS])):
        # The common cases first (a word; one punctuation mark); the rest through TOKEN_RE.
        if token.isalnum() and len(token) <= MAX_TOKEN_CHARS:
            keep(token)
        elif len(token) > 1 or token.isalnum():
            tokens.extend(TOKEN_RE.findall(token))
    return tokens


def index_text(text: str) -> str:
    """:func:`index_tokens` joined with spaces: the value stored in the full-text column."""
    return " ".join(index_tokens(text))


def query_tokens(text: str) -> list[str]:
    """Precise-mode terms of one query phrase (already folded), in order."""
    return [t for token in segmenter().cut(text, hmm=False) for t in TOKEN_RE.findall(token)]


# --- identifiers: 文号 and 索引号 ----------------------------------------------------------------

# 文号: issuer abbreviation, year in brackets of any style (〔〕 is correct, [] () （） 【】 are
# common), sequence number, optional 号. NFKC has already turned full-width brackets half-width.
_DOC_NUMBER_HEAD = (r"(?P<prefix>[\u3400-\u4dbf\u4e00-\u9fff]{1,20})"
                    r"[〔\[(【{〈《]\s*(?P<year>(?:19|20)\d{2})\s*[〕\])】}〉》]")
_DOC_NUMBER_RE = re.compile(rf"^{_DOC_NUMBER_HEAD}(?:第)?(?P<number>\d{{1,6}})?(?:号)?$")
_DOC_PREFIX_RE = re.compile(rf"^{_DOC_NUMBER_HEAD}")
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹣"} | {"\\": "/"})
_INDEX_NUMBER_RE = re.compile(r"^[0-9A-Z][0-9A-Z.]*(?:[/-][0-9A-Z.]+)+$")


def _compact(value: str) -> str:
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", value))


def normalize_doc_number(value: str) -> str:
    """The lookup key of a 文号: ``青农发〔2026〕12号`` for ``青农发[2026]12号``, ``青农发（2026）第012号``,
    ``青农发 〔2026〕 12``. A value that is not shaped like a 文号 is returned compacted (NFKC,
    no whitespace), so it still matches itself exactly."""
    compact = _compact(value)
    m = _DOC_NUMBER_RE.match(compact)
    if not m or m["number"] is None:
        return compact
    return f"{m['prefix']}〔{m['year']}〕{int(m['number'])}号"


def doc_number_prefix(value: str) -> str:
    """The lookup key of a 文号's issuer and year, ``青农发〔2026〕`` for ``青农发[2026]12号`` or
    ``青农发（2026）``; empty when ``value`` does not start like a 文号. A query of just the issuer
    and year lists the documents with this key."""
    m = _DOC_PREFIX_RE.match(_compact(value))
    return f"{m['prefix']}〔{m['year']}〕" if m else ""


def normalize_index_number(value: str) -> str:
    """The lookup key of a 索引号: NFKC, upper case, no whitespace, one kind of dash and slash."""
    return _compact(value).upper().translate(_DASHES)


def _looks_like_index_number(key: str) -> bool:
    return (
        len(key) >= 12
        and _INDEX_NUMBER_RE.match(key) is not None
        and sum(ch.isdigit() for ch in key) >= 6
    )


# --- queries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    """What a search box query asks for.

    ``kind`` is ``"doc_number"`` when the query is shaped like a 文号 (``key`` is its normalised
    form; ``prefix`` is true when the sequence number was left out, as in ``青农发〔2026〕``),
    ``"index_number"`` when it is shaped like a 索引号 (``key`` normalised), ``"text"`` for other
    text and ``"empty"`` when there is nothing to search for (list by date).

    ``terms`` are the distinct index terms that must all occur and ``phrases`` the folded runs of
    characters, letters and digits the user typed (used for ranking and highlighting). They are
    filled for identifiers too: an identifier with no exact match is searched for as text, which
    finds the documents that cite it.
    """

    raw: str
    kind: str
    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    key: str = ""
    prefix: bool = False


def parse_query(query: str) -> ParsedQuery:
    """Classify and segment a query (see :class:`ParsedQuery`)."""
    raw = (query or "").strip()[:MAX_QUERY_CHARS]
    phrases: list[str] = []
    terms: list[str] = []
    for run in _RUN_RE.findall(fold(raw)):
        if run not in phrases:
            phrases.append(run)
        for token in query_tokens(run):
            if token not in terms:
                terms.append(token)
    text = {"terms": tuple(terms[:MAX_QUERY_TERMS]), "phrases": tuple(phrases)}
    compact = _compact(raw)
    m = _DOC_NUMBER_RE.match(compact)
    if m:
        if m["number"] is None:
            return ParsedQuery(raw, "doc_number", key=doc_number_prefix(compact), prefix=True, **text)
        return ParsedQuery(raw, "doc_number", key=normalize_doc_number(compact), **text)
    index_key = normalize_index_number(raw)
    if _looks_like_index_number(index_key):
        return ParsedQuery(raw, "index_number", key=index_key, **text)
    if not terms:
        return ParsedQuery(raw, "empty")
    return ParsedQuery(raw, "text", **text)
