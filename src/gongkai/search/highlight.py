"""Highlighted titles and snippets: HTML-escaped text with ``<mark>`` around the query's words.

Every character of the source text is escaped (the source may contain ``<script>``); only the
``<mark>`` elements are ours. Matching is case-insensitive and treats full-width letters and
digits as their half-width forms, like the index does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from gongkai.search.analysis import ParsedQuery

SNIPPET_CHARS = 120
# Snippets are looked for in this much of the text.
MAX_SCAN_CHARS = 200_000

# Full-width letters and digits to ASCII (queries are made of letters, digits and characters:
# punctuation need not fold), one character for one, so that match offsets in the folded copy
# are offsets in the original. Most texts have none and are not copied.
_WIDTH_FOLD = {code: code - 0xFEE0 for a, b in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
               for code in range(a, b + 1)}
_FULL_WIDTH_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_SPACE_RE = re.compile(r"\s+")


def highlight_words(query: ParsedQuery) -> list[str]:
    """The strings to mark for a query: the phrases the user typed and their multi-character
    terms, longest first. A single character is marked only when it was typed on its own."""
    words = set(query.phrases) | {term for term in query.terms if len(term) > 1}
    return sorted(words, key=lambda w: (-len(w), w))


def _pattern(words: Sequence[str]) -> re.Pattern | None:
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def _spans(text: str, pattern: re.Pattern | None) -> list[tuple[int, int, str]]:
    if pattern is None:
        return []
    folded = text.translate(_WIDTH_FOLD) if _FULL_WIDTH_RE.search(text) else text
    return [(m.start(), m.end(), m.group().lower()) for m in pattern.finditer(folded)]


def _render(text: str, spans: Sequence[tuple[int, int, str]], start: int, end: int) -> str:
    """``text[start:end]`` escaped, with the spans inside it marked and whitespace runs collapsed."""
    out, pos = [], start
    for s, e, _ in spans:
        if s < start or e > end:
            continue
        out.append(escape(_SPACE_RE.sub(" ", text[pos:s])))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(_SPACE_RE.sub(" ", text[pos:end])))
    return "".join(out)


def highlight_title(title: str, query: ParsedQuery) -> SafeString:
    """The whole title, escaped, with every occurrence of the query's words marked."""
    spans = _spans(title, _pattern(highlight_words(query)))
    return mark_safe(_render(title, spans, 0, len(title)))


def snippet(text: str, query: ParsedQuery, length: int = SNIPPET_CHARS) -> SafeString:
    """About ``length`` characters of ``text`` around its best match, escaped, words marked,
    whitespace collapsed.

    The best window holds the most distinct query words, then the most matches, then comes
    first. It is centred on its matches; an ellipsis marks text cut off at either end. Without a
    match (the title matched, or an identifier did) the snippet is the start of the text.
    """
    text = text[:MAX_SCAN_CHARS]
    spans = _spans(text, _pattern(highlight_words(query)))
    if not spans:
        lead = _SPACE_RE.sub(" ", text[: length * 4]).strip()
        more = len(lead) > length or len(text) > length * 4
        return mark_safe(escape(lead[:length]) + ("…" if more else ""))
    # Slide a window over the matches: the one starting at match i reaches as far as it can within
    # ``length``. Each match enters and leaves it once and the distinct words are counted as they
    # do, so a text quoting the query a thousand times costs a thousand steps, not a million.
    best, best_key, j = (0, 0), (-1, -1, 0), -1
    inside: dict[str, int] = {}
    for i, (s, _, _) in enumerate(spans):
        if i:
            word = spans[i - 1][2]
            inside[word] -= 1
            if not inside[word]:
                del inside[word]
        while j < i or (j + 1 < len(spans) and spans[j + 1][1] - s <= length):
            j += 1
            inside[spans[j][2]] = inside.get(spans[j][2], 0) + 1
        key = (len(inside), j - i + 1, -s)
        if key > best_key:
            best, best_key = (i, j), key
    first, last = spans[best[0]][0], spans[best[1]][1]
    slack = max(0, length - (last - first))
    start = max(0, first - slack // 2)
    end = min(len(text), max(start + length, last))
    start = max(0, min(start, end - length))
    # Never cut a marked word in half at either edge.
    for s, e, _ in spans:
        if s < start < e:
            start = s
        if s < end < e:
            end = s
    while start < first and text[start].isspace():
        start += 1
    while end > last and text[end - 1].isspace():
        end -= 1
    html = _render(text, spans, start, end)
    return mark_safe(("…" if start > 0 else "") + html + ("…" if end < len(text) else ""))
