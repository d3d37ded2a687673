"""Where the text of a PDF page stands on the page: table columns and the cells a number wraps in.
Pure Python, no Django.

pypdf's text layer keeps no cells. A table row comes out as its cells' lines in drawing order, and
a number that a narrow cell wrapped is cut in two by a line break (Word, WPS, LibreOffice:
``61052419980⏎9025943``), or by a plain space when the row's other cells are centred between the
wrapped lines (browsers: ``1599 83016220533311428 222 1801000 0893``, where 222 belongs to the
account and 0893 to the mobile). The text alone cannot tell a wrapped cell from two neighbouring
cells, nor which column a number stands in.

pypdf reports where each piece of text it emits starts (``visitor_text``); from those positions:

- *words* (runs without white space) get a position: exact when a piece starts with them,
  estimated from character widths otherwise;
- a table's *header* is found as column words (姓名, 身份证号码, 一卡通账号, 编号 …) side by side
  within a band of up to three lines (header cells wrap too: 一卡通账⏎号; the lines of data rows
  are not part of it), its *columns* by the horizontal extent of their words, the boundaries then
  moved to where the rows' cells start (a centred header is not where its values stand); a page
  without a header keeps the columns of the page before (a long table whose header is not
  repeated);
- a word that starts a piece of text on a table row (a line with words in three columns or more,
  or a wrapped line of one) is given the header of the column it lies in (``column``), so a
  passbook number is known by its 存折号 column and a serial by its 编号 column;
- two number words are one *wrapped cell* when nothing but white space parts them in the text, the
  second stands one line below the first and within its horizontal extent; neighbouring cells of one
  line are never joined (``runs_text``: the page text with those wraps joined by a space and the
  gaps between cells of different columns made tabs, the same length as the text, for the
  detector's digit runs; findings keep the text as extracted); outside tables, a number may go on
  at the start of the next line of a paragraph (``may_join``);
- a mobile typed in its 3-4-4 groups in a cell (138 1234 5678) stays one number even when the cell
  spreads the groups past an estimated column boundary, and the cell after it is parted from it.

Positions are a help: a page whose pieces do not add up to its text gets no layout, and the
detector then reads the text alone.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

_WORD = re.compile(r"\S+")
_NUMBER_WORD = re.compile(r"[0-9０-９][0-9０-９\-－]*[XxＸｘ]?")
_DIGITS = frozenset("0123456789０１２３４５６７８９")
# Words of a table header; a header band needs two of them in different columns.
_HEADER_SEED = re.compile(r"序号|编号|姓名|户主|户名|身份|证件|号码|账号|帐号|卡号|存折|折号|一卡通|账户|帐户|电话|手机"
                          r"|联系方式|金额|面积|人口|日期|备注|开户|银行|代码|名称|村组|乡镇|性别|地址|住址|流水号")
# A line holding these is prose (or a form's 标签：值), not a table row.
_SENTENCE = frozenset("，。；：:;！？")
_HEADER_WORD_MAX = 12  # characters of one word of a header cell
_BAND_LINES = 3.0  # a header band is at most this many font sizes high
_NO_COLUMN = -1
_MAX_BANDS = 20  # header bands read on one page (a page has one to three tables)


def _em(text: str) -> float:
    """Estimated advance of ``text`` in font sizes: CJK and full-width forms 1, others 0.55."""
    total = 0.0
    for ch in text:
        o = ord(ch)
        total += 1.0 if o >= 0x2E80 else 0.3 if ch == " " else 0.55
    return total


@dataclass(slots=True)
class _Word:
    start: int
    end: int
    x: float
    y: float
    size: float
    right: float
    exact: bool
    column: int = _NO_COLUMN


@dataclass
class Columns:
    """A table header's columns: labels and the zones between them (x from left to right)."""

    labels: list[str]
    bounds: list[float]  # len(labels) - 1 boundaries
    extents: list[tuple[float, float]]  # of the header words of each column

    def refined(self, starts: list[float], size: float) -> Columns:
        """The boundaries moved to where the rows' cells start: a header is often centred in its
        column while the values stand at its left edge (a boundary midway between two headers then
        cuts the values of the wider column). ``starts``: x of the words that begin a piece of
        text in the rows; an x shared by three or more of them, right of the previous header's
        centre and not right of this header, is taken as the left edge of this column's cells."""
        counts: dict[float, int] = {}
        for x in starts:
            key = round(x * 2) / 2
            counts[key] = counts.get(key, 0) + 1
        edges = sorted(x for x, n in counts.items() if n >= 3)
        if not edges:
            return self
        bounds = list(self.bounds)
        for i in range(len(bounds)):
            centre = sum(self.extents[i]) / 2
            limit = self.extents[i + 1][0] + 0.5 * size
            inside = [x for x in edges if centre < x <= limit]
            if inside:
                bounds[i] = inside[-1] - 0.5
        for i in range(1, len(bounds)):
            bounds[i] = max(bounds[i], bounds[i - 1])
        return Columns(self.labels, bounds, self.extents)

    def zone(self, x0: float, x1: float) -> int:
        """The column an extent [x0, x1] lies most in."""
        lo = bisect.bisect_left(self.bounds, x0)
        hi = bisect.bisect_left(self.bounds, x1)
        if lo == hi:
            return lo
        best, best_overlap = lo, -1.0
        for i in range(lo, hi + 1):
            left = self.bounds[i - 1] if i > 0 else x0
            right = self.bounds[i] if i < len(self.bounds) else x1
            overlap = min(right, x1) - max(left, x0)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        return best


@dataclass
class PageLayout:
    """What the positions of a page's text say; offsets are those of the page text."""

    runs_text: str | None = None  # the text with wrapped cells joined and cells of a row parted
    last_columns: Columns | None = None  # the columns in force at the end of the page
    _starts: list[int] = field(default_factory=list)
    _words: list[_Word] = field(default_factory=list)
    _labels: dict[int, str] = field(default_factory=dict)  # word index -> column header
    _wraps: set[int] = field(default_factory=set)  # start offsets of words that continue a cell

    def _word_at(self, offset: int) -> int:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self._words[i].end:
            return i
        return -1

    def column(self, offset: int) -> tuple[str, int] | None:
        """(header of the column, start of the cell's word) for a table cell value at ``offset``,
        or None outside a table with a known header."""
        i = self._word_at(offset)
        if i < 0:
            return None
        label = self._labels.get(i)
        return None if label is None else (label, self._words[i].start)

    def may_join(self, left: int, right: int) -> bool:
        """Whether the digits at ``left`` and at ``right`` (a later word) may be one number as far
        as their positions tell: the second continues the first's cell, or starts the next line
        of a paragraph the first ends; unknown positions do not forbid it."""
        i, j = self._word_at(left), self._word_at(right)
        if i < 0 or j < 0 or i == j or not self._words[j].exact:
            return True
        if self._words[j].start in self._wraps:
            return True
        if i in self._labels or j in self._labels:
            return False  # table cells: only a wrap within one cell joins
        a, b = self._words[i], self._words[j]
        return 0.8 * a.size <= a.y - b.y <= 2.2 * a.size and b.x < a.right - 0.5 * a.size

    def continues_cell(self, offset: int) -> bool:
        """Whether the word at ``offset`` continues the cell of the number word before it."""
        i = self._word_at(offset)
        return i >= 0 and self._words[i].start in self._wraps


def page_layout(text: str, anchors: list[tuple[int, float, float, float] | tuple[int, None, None, None]],
                carried: Columns | None = None) -> PageLayout:
    """The layout of a page from ``anchors``: (offset of the first character of a piece of text,
    x, y, font size), sorted by offset; x None for a piece that is not upright (rotated text).
    ``carried``: the columns in force at the end of the previous page."""
    words = _position_words(text, anchors)
    layout = PageLayout(_starts=[w.start for w in words], _words=words)
    if not words:
        layout.last_columns = carried
        return layout
    prose = _prose_lines(text)
    line_starts = prose[0]
    bands = _header_bands(text, words)[:_MAX_BANDS]
    # Columns in force from the top of the page (carried) and below each header band.
    sections: list[tuple[float, Columns | None, set[int]]] = []  # (band bottom y, columns, band words)
    for band_words, bottom in bands:
        sections.append((bottom, _columns(text, words, band_words), band_words))
    # The columns over each word of a table row: the nearest header band above it, else the
    # previous page's (bands are few).
    over: list[tuple[int, Columns]] = []
    starts: dict[int, list[float]] = {}
    for i, w in enumerate(words):
        columns = carried
        for bottom, cols, band_words in sections:
            if i in band_words:
                columns = None
                break
            if w.y < bottom and cols is not None:
                columns = cols
        if columns is None or prose[1][bisect.bisect_right(line_starts, w.start) - 1]:
            continue
        over.append((i, columns))
        prev = words[i - 1] if i else None
        if w.exact and (prev is None or abs(prev.y - w.y) > 0.3 * w.size or w.x - prev.right > 0.8 * w.size):
            starts.setdefault(id(columns), []).append(w.x)  # a cell's first word, not a group of a number
    refined: dict[int, Columns] = {}
    for i, columns in over:
        key = id(columns)
        if key not in refined:
            refined[key] = columns.refined(starts.get(key, []), words[i].size)
        columns = refined[key]
        w = words[i]
        w.column = columns.zone(w.x, w.right)
        if w.exact:  # an estimated position (inside a piece of text) may drift by unknown gaps
            layout._labels[i] = columns.labels[w.column]
    # Only the rows of a table are labelled by its columns: lines with words in three columns or
    # more, and the wrapped lines of their cells (a sentence after the table is not a row).
    rows = _row_ys([words[i] for i, _columns in over])
    for i in list(layout._labels):
        w = words[i]
        k = bisect.bisect_left(rows, w.y - 1.6 * w.size)
        if not (k < len(rows) and rows[k] <= w.y + 3.0 * w.size):
            del layout._labels[i]
    lowest = [cols for _bottom, cols, _ in sorted(sections, key=lambda s: s[0]) if cols is not None]
    last = lowest[0] if lowest else carried
    layout.last_columns = refined.get(id(last), last) if last is not None else None
    layout.runs_text = _runs_text(text, words, layout._wraps, layout._labels)
    return layout


def _row_ys(words: list[_Word]) -> list[float]:
    """The y of the lines (words within 0.3 of a font size of each other) with words in three or
    more columns, ascending."""
    rows: list[float] = []
    ordered = sorted(words, key=lambda w: w.y)
    k = 0
    while k < len(ordered):
        first = ordered[k]
        columns = set()
        while k < len(ordered) and ordered[k].y - first.y <= 0.3 * first.size:
            columns.add(ordered[k].column)
            k += 1
        if len(columns) >= 3:
            rows.append(first.y)
    return rows


def _position_words(text: str, anchors) -> list[_Word]:
    offsets = [a[0] for a in anchors]
    words: list[_Word] = []
    for m in _WORD.finditer(text):
        s, e = m.span()
        i = bisect.bisect_right(offsets, s) - 1
        if i < 0:
            continue
        a_off, ax, ay, size = anchors[i]
        if ax is None or not size or size <= 0:
            continue
        exact = a_off == s
        if not exact and text.find("\n", a_off, s) >= 0:
            continue  # the anchor is on another line
        x = ax if exact else ax + size * _em(text[a_off:s])
        j = bisect.bisect_left(offsets, e) - 1
        right = x + size * _em(text[s:e])
        if j > i:
            b_off, bx, by, bsize = anchors[j]
            if bx is not None and bsize and abs(by - ay) < 0.5 * size:
                right = bx + bsize * _em(text[b_off:e])
        words.append(_Word(s, e, x, ay, size, right, exact))
    return words


def _prose_lines(text: str) -> tuple[list[int], list[bool]]:
    starts, flags = [], []
    pos = 0
    for line in text.split("\n"):
        starts.append(pos)
        flags.append(any(ch in _SENTENCE for ch in line))
        pos += len(line) + 1
    return starts, flags


def _header_like(word: str) -> bool:
    if len(word) > _HEADER_WORD_MAX or any(ch in _SENTENCE for ch in word):
        return False
    if sum(ch in _DIGITS for ch in word) > 1:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in word)


def _header_bands(text: str, words: list[_Word]) -> list[tuple[set[int], float]]:
    """Header bands of the page: (indexes of the band's words, y below which its rows stand)."""
    like = [i for i, w in enumerate(words) if _header_like(text[w.start:w.end])]
    # the lines of data rows (a number of two digits or more) hold no header words
    data_ys = sorted(w.y for w in words if sum(ch in _DIGITS for ch in text[w.start:w.end]) >= 2)
    seeds = [i for i in like if _HEADER_SEED.search(text, words[i].start, words[i].end)]
    seeds.sort(key=lambda i: -words[i].y)
    bands = []
    k = 0
    while k < len(seeds):
        top = words[seeds[k]]
        group = [seeds[k]]
        k += 1
        while k < len(seeds) and words[seeds[k]].y >= top.y - _BAND_LINES * top.size:
            group.append(seeds[k])
            k += 1
        if not _side_by_side([words[i] for i in group]):
            continue
        y_top = max(words[i].y for i in group)
        y_low = min(words[i].y for i in group)
        size = max(words[i].size for i in group)
        members = {i for i in like if y_low - 1.6 * size <= words[i].y <= y_top + 1.6 * size
                   and not _near(data_ys, words[i].y, 0.3 * words[i].size)}
        bottom = min(words[i].y for i in members) - 0.3 * size
        bands.append((members, bottom))
    return bands


def _near(ys: list[float], y: float, tolerance: float) -> bool:
    k = bisect.bisect_left(ys, y - tolerance)
    return k < len(ys) and ys[k] <= y + tolerance


def _side_by_side(group: list[_Word]) -> bool:
    """Whether at least two of the words stand in different columns (no horizontal overlap)."""
    group = sorted(group, key=lambda w: w.x)
    return any(b.x >= a.right - 0.2 * a.size for a, b in zip(group, group[1:], strict=False))


def _columns(text: str, words: list[_Word], band: set[int]) -> Columns | None:
    cols: list[list] = []  # [x0, x1, [word indexes]]
    for i in sorted(band, key=lambda i: words[i].right - words[i].x):
        w = words[i]
        hits = []
        for col in cols:
            overlap = min(col[1], w.right) - max(col[0], w.x)
            if overlap > 0.4 * min(col[1] - col[0], w.right - w.x):
                hits.append(col)
        if len(hits) > 1:
            continue  # a label over several columns (补贴对象信息 over 姓名 and 身份证号)
        if hits:
            col = hits[0]
            col[0], col[1] = min(col[0], w.x), max(col[1], w.right)
            col[2].append(i)
        else:
            cols.append([w.x, w.right, [i]])
    if len(cols) < 2:
        return None
    cols.sort(key=lambda c: c[0])
    labels = ["".join(text[words[i].start:words[i].end] for i in sorted(c[2], key=lambda i: (-words[i].y, words[i].x)))
              for c in cols]
    bounds = [(a[1] + b[0]) / 2 for a, b in zip(cols, cols[1:], strict=False)]
    for k in range(1, len(bounds)):
        bounds[k] = max(bounds[k], bounds[k - 1])
    return Columns(labels, bounds, [(c[0], c[1]) for c in cols])


def _runs_text(text: str, words: list[_Word], wraps: set[int], labels: dict[int, str] | None = None) -> str | None:
    edits: list[tuple[int, int, str]] = []
    number = [_NUMBER_WORD.fullmatch(text, w.start, w.end) is not None for w in words]
    inside, after = _spaced_mobiles(text, words, number, labels or {})
    for k in range(len(words) - 1):
        a, b = words[k], words[k + 1]
        gap = text[a.end:b.start]
        if not gap or gap.strip():
            continue
        if k in inside:
            continue  # 138 | 1234 | 5678: the groups of one mobile, however wide the cell spreads them
        if k in after:
            edits.append((a.end, b.start, "\t" * len(gap)))  # the mobile's cell ends here
            continue
        if not b.exact:
            continue  # a word inside a piece of text stays with the word before it
        if number[k] and (number[k + 1] or b.end - b.start == 1 and text[b.start] in "XxＸｘ") \
                and _wrapped(text, words, number, k):
            wraps.add(b.start)  # 37088319591105065⏎X: the detector joins a lone check character
            if number[k + 1] and len(gap) <= 2:
                edits.append((a.end, b.start, " " + "-" * (len(gap) - 1)))
            continue
        if "\n" not in gap and a.column != b.column and a.column != _NO_COLUMN and b.column != _NO_COLUMN:
            if (number[k] or number[k + 1]) and not _groups(a, b, number[k] and number[k + 1]):
                edits.append((a.end, b.start, "\t" * len(gap)))
    if not edits:
        return None
    out, pos = [], 0
    for s, e, new in edits:
        out.append(text[pos:s])
        out.append(new)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def _spaced_mobiles(text: str, words: list[_Word], number: list[bool],
                    labels: dict[int, str]) -> tuple[set[int], set[int]]:
    """Mobiles typed in their 3-4-4 groups in a table cell (138 1234 5678): a cell set to spread its
    text (distributed alignment, letter spacing) puts the groups so far apart that the last ones
    may lie past an estimated column boundary. Three number words of 3, 4 and 4 digits, 1[3-9]…,
    on one line, evenly spaced, are one mobile when their column says phone (联系电话, 手机) or
    when they stand close (within 1.5 font sizes). Returns the indexes of words whose gap to the
    next word is inside such a mobile, and of the words that end one when a number follows on the
    same line (that number is the next cell's, never the mobile's)."""
    inside: set[int] = set()
    after: set[int] = set()
    k = 0
    n = len(words)
    while k + 2 < n:
        if not (number[k] and number[k + 1] and number[k + 2]):
            k += 1
            continue
        a, b, c = words[k], words[k + 1], words[k + 2]
        digits = [text[w.start:w.end] for w in (a, b, c)]
        size = a.size
        if ([len(d) for d in digits] != [3, 4, 4] or not all(d.isdigit() for d in digits)
                or _MOBILE_HEAD.match(digits[0]) is None
                or abs(b.y - a.y) > 0.3 * size or abs(c.y - a.y) > 0.3 * size
                or text[a.end:b.start].strip() or text[b.end:c.start].strip()
                or "\n" in text[a.end:c.start]):
            k += 1
            continue
        g1, g2 = b.x - a.right, c.x - b.right
        phone = _PHONE_HEADER.search(labels.get(k, "")) is not None
        if abs(g1 - g2) > 0.5 * size or not (phone or max(g1, g2) <= 1.5 * size):
            k += 1
            continue
        inside.update((k, k + 1))
        if k + 3 < n and number[k + 3] and abs(words[k + 3].y - a.y) <= 0.3 * size:
            after.add(k + 2)
        k += 3
    return inside, after


_MOBILE_HEAD = re.compile(r"1[3-9]")
_PHONE_HEADER = re.compile(r"电话|手机|联系方式|号码|[Pp]hone|[Mm]obile|[Tt]el|TEL")


def _groups(a: _Word, b: _Word, numbers: bool) -> bool:
    """Whether two number words side by side are groups of one number typed with a space
    (6217 0056 9466 9957 101) that straddles an estimated column boundary: short groups, one space
    apart on one line."""
    return (numbers and a.end - a.start <= 4 and b.end - b.start <= 4 and abs(a.y - b.y) < 0.3 * a.size
            and b.x - a.right < 0.5 * a.size)


def _wrapped(text: str, words: list[_Word], number: list[bool], k: int) -> bool:
    """Whether number word k+1 continues number word k on the next line of the same cell."""
    a, b = words[k], words[k + 1]
    size = a.size
    if not 0.8 * size <= b.size <= 1.25 * size:
        return False
    dy = a.y - b.y
    if not 0.8 * size <= dy <= 2.2 * size:
        return False
    # The cell's line starts at the first number word of a run of them on a's line (6217 0056⏎9466).
    left = a.x
    j = k
    while j > 0 and number[j - 1] and abs(words[j - 1].y - a.y) < 0.3 * size:
        gap = text[words[j - 1].end:words[j].start]
        if gap != " ":
            break
        j -= 1
        left = words[j].x
    return b.x >= left - 0.6 * size and b.right <= a.right + 1.0 * size
