"""Reading published text: the one way rich text and HTML become the text that is scanned. Pure: no
Django imports.

Every reader of rich text goes through :func:`read_html`: the publication gate, the sweep, the
search index and its snippets, the file scanner's HTML path and the HTML masker, and the portal's
plain-text summaries. Reading the same markup two ways is how a leak slips through (a gate that
glued ``<li>110101…</li><li>130102…</li>`` into one 36-digit run saw no ID number while the page
showed two), so there is no second way.

The rules, as a browser lays the text out:

* Block elements end a line: ``p``, ``div``, ``li``, ``tr``, ``br``, headings, ``blockquote``,
  ``pre``, ``table`` and their kin. A table cell (``td``/``th``) ends with a tab, so a flattened
  table keeps its columns (the detector reads the header line as column labels).
* Inline elements (``span``, ``b``, ``strong``, ``em``, ``a``, ``font``, ``sup``, Word's ``o:p``)
  are not boundaries: digits split across them are one number.
* Entities are decoded (``&nbsp;``, ``&#49;``, ``&#x31;``); full-width digits are left as they are
  for the detector, which reads them. Outside ``pre``, a line break in the source is a space, as
  on screen.
* Text that is published but not shown — attribute values that carry data (``href``, ``title``,
  ``alt``, ``value``, ``content``), comments and the content of ``script``/``style`` — is read
  too, after the visible text (``HtmlText.visible`` marks the border), so it never splits a
  visible number. Word's conditional markers (``<![if !supportLists]>``) are tags, not text.

``HtmlText.pieces`` maps every character of the text back to the source, so a finding masks the
right characters of the stored markup (``mask_html``), an entity as a whole.
"""

from __future__ import annotations

import bisect
import codecs
import html as html_lib
import re
from collections.abc import Iterable
from dataclasses import dataclass

_HTML_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)|<!\[(?!CDATA\[)[^\]>]*\]?>"
    r"|<!\[CDATA\[|\]\]>|<[!?/]?[A-Za-z][^>]*>?"
    r"|&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};)",
    re.S | re.I,
)
_HTML_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_HTML_HIDDEN_TEXT = re.compile(r"<!--(.*?)(?:-->|\Z)|<(?:script|style)\b[^>]*>(.*?)(?:</(?:script|style)\s*>|\Z)",
                               re.S | re.I)
_HTML_ATTR = re.compile(r"""\b(?:href|title|alt|value|content)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
BLOCK_ELEMENTS = frozenset(
    "p div br tr li ul ol dl dt dd h1 h2 h3 h4 h5 h6 table tbody thead tfoot caption section article header "
    "footer nav main aside address figure figcaption pre blockquote form fieldset legend hr title center "
    "details summary option select textarea body html".split())
CELL_ELEMENTS = frozenset({"td", "th"})
_SOURCE_SPACE = str.maketrans({"\r": " ", "\n": " ", "\t": " ", "\f": " ", "\v": " "})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


@dataclass
class HtmlText:
    """The text of an HTML source and the map back to it, for locations and for masking.

    ``text[:visible]`` is what a reader sees; the rest is published but not shown (attributes,
    comments, scripts). ``pieces``: sorted (text offset, source offset, source length, verbatim).
    Verbatim pieces map character for character; others are one decoded entity (one character for
    ``source length``) or a boundary that the reader added (source length 0)."""

    source: str
    text: str
    pieces: list[tuple[int, int, int, bool]]
    encoding: str
    visible: int
    _line_starts: list[int] | None = None
    _starts: list[int] | None = None

    @property
    def visible_text(self) -> str:
        return self.text[:self.visible]

    def source_offset(self, offset: int) -> int:
        """Where in ``source`` the text character at ``offset`` comes from."""
        if self._starts is None:
            self._starts = [p[0] for p in self.pieces]
        k = bisect.bisect_right(self._starts, offset) - 1
        if k < 0:
            return 0
        t0, s0, length, verbatim = self.pieces[k]
        return s0 + min(offset - t0, max(length - 1, 0)) if verbatim else s0

    def locate(self, offset: int) -> str:
        """``第N行`` of the source line that holds the text character at ``offset``."""
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.source)]
        return f"第{bisect.bisect_right(self._line_starts, self.source_offset(offset))}行"

    def masked_source(self, changes: dict[int, str]) -> str:
        """The source with text characters ``{offset: char}`` replaced (an entity as a whole)."""
        if not changes:
            return self.source
        if self._starts is None:
            self._starts = [p[0] for p in self.pieces]
        edits: dict[int, tuple[int, str]] = {}  # source offset -> (source length, new text)
        for offset, char in changes.items():
            k = bisect.bisect_right(self._starts, offset) - 1
            if k < 0:
                continue
            t0, s0, length, verbatim = self.pieces[k]
            if verbatim and offset - t0 < length:
                edits[s0 + offset - t0] = (1, html_lib.escape(char, quote=True) if char in "<>&\"'" else char)
            elif not verbatim and length:
                edits[s0] = (length, char)
        out, pos = [], 0
        for src in sorted(edits):
            length, new = edits[src]
            out.append(self.source[pos:src])
            out.append(new)
            pos = src + length
        out.append(self.source[pos:])
        return "".join(out)

    def changes_for(self, spans: Iterable[tuple[int, int, str]]) -> dict[int, str]:
        """Character changes for masks ``(start, end, masked)`` over this text (same lengths)."""
        changes: dict[int, str] = {}
        for start, end, masked in spans:
            for i, (old, new) in enumerate(zip(self.text[start:end], masked, strict=False)):
                if old != new:
                    changes[start + i] = new
        return changes


def read_html(source: str, *, encoding: str = "") -> HtmlText:
    """Read markup (a rich-text field, a fragment, or a whole page) as a browser lays it out."""
    text: list[str] = []
    pieces: list[tuple[int, int, int, bool]] = []
    hidden: list[tuple[str, int, int]] = []  # (text, source offset, source length)
    length = 0
    pos = 0
    cell_depth = pre_depth = 0
    cdata = False

    def add(piece: str, src: int, src_len: int, verbatim: bool) -> None:
        nonlocal length
        if piece:
            pieces.append((length, src, src_len, verbatim))
            text.append(piece)
            length += len(piece)

    def visible(src: int, end: int) -> None:
        piece = source[src:end]
        add(piece if pre_depth or cdata else piece.translate(_SOURCE_SPACE), src, end - src, True)

    def boundary(char: str, src: int) -> None:
        if not length or text[-1][-1] == char == "\n":
            return  # one line break is enough between blocks, and none before the first
        add(char, src, 0, False)

    for m in _HTML_TOKEN.finditer(source):
        if m.start() > pos:
            visible(pos, m.start())
        token = m.group()
        pos = m.end()
        if token.startswith("&"):
            decoded = html_lib.unescape(token)
            if len(decoded) == 1:
                add(decoded, m.start(), len(token), False)
            else:
                add(token, m.start(), len(token), True)
            continue
        if token == "<![CDATA[":
            cdata = True
            continue
        if token == "]]>":
            if not cdata:
                add(token, m.start(), len(token), True)
            cdata = False
            continue
        if token.startswith("<!--") or m.group(1):
            # Not shown, but published with the page: comments and scripts are read too, at the end.
            inner = _HTML_HIDDEN_TEXT.match(token)
            k = (1 if inner.group(1) is not None else 2) if inner else 0
            if k and inner.group(k).strip():
                hidden.append((inner.group(k), m.start() + inner.start(k), len(inner.group(k))))
            continue
        tag = _HTML_TAG_NAME.match(token)
        if not tag:
            continue  # <!DOCTYPE …>, <?xml …?>, Word's <![if …]> markers
        closing, name = tag.group(1) == "/", tag.group(2).lower()
        for attr in _HTML_ATTR.finditer(token):
            group = 1 if attr.group(1) is not None else 2
            if attr.group(group).strip():
                hidden.append((attr.group(group), m.start() + attr.start(group), len(attr.group(group))))
        if name in CELL_ELEMENTS:
            cell_depth = max(cell_depth + (-1 if closing else 1), 0)
            if closing:
                add("\t", m.start(), 0, False)
        elif name in BLOCK_ELEMENTS:
            if name == "pre":
                pre_depth = max(pre_depth + (-1 if closing else 1), 0)
            if cell_depth and name not in ("tr", "table"):
                add(" ", m.start(), 0, False)
            else:
                boundary("\n", m.start())
    if pos < len(source):
        visible(pos, len(source))
    shown = length
    for piece, src, src_len in hidden:
        add("\n", src, 0, False)
        add(piece, src, src_len, True)
    return HtmlText(source, "".join(text), pieces, encoding, shown)


def plain_text(source: str) -> str:
    """What a reader sees of rich text or HTML, as plain text (for summaries, feeds, search)."""
    return read_html(source or "").visible_text.strip()


def html_encoding(data: bytes) -> str:
    """The encoding of an HTML file: BOM, else a declared GBK family or UTF-8 charset that decodes,
    else the text-file cascade (``extraction.detect_encoding``)."""
    from gongkai.privacy.extraction import detect_encoding

    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        if name in ("gbk", "gb2312", "gb18030", "x-gbk", "cp936"):
            return "gb18030"
        if name in ("utf-8", "utf8"):
            try:
                data.decode("utf-8")
                return "utf-8"
            except UnicodeDecodeError:
                pass
    return detect_encoding(data, final=True)


def html_text(data: bytes) -> HtmlText:
    """Read an HTML file's bytes (encoding decided by ``html_encoding``)."""
    encoding = html_encoding(data)
    return read_html(data.decode(encoding, errors="strict"), encoding=encoding)


def mask_html(source: str, detector, *, tabular: bool = True) -> tuple[str, list]:
    """``source`` with every finding of ``detector`` in its text masked in place; returns the
    masked markup and the findings (offsets in the read text)."""
    html = read_html(source)
    findings = detector.scan(html.text, tabular=tabular)
    changes = html.changes_for((f.start, f.end, f.masked) for f in findings if f.masked)
    return html.masked_source(changes), findings
