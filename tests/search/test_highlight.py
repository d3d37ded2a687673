"""Highlighted titles and snippets (no database)."""

from __future__ import annotations

from django.utils.safestring import SafeString

from gongkai.search.analysis import parse_query
from gongkai.search.highlight import highlight_title, highlight_words, snippet


def test_title_is_escaped_and_marked():
    html = highlight_title("<script>alert('补贴')</script>耕地地力保护补贴公示", parse_query("补贴"))
    assert isinstance(html, SafeString)
    assert html == ("&lt;script&gt;alert(&#x27;<mark>补贴</mark>&#x27;)&lt;/script&gt;"
                    "耕地地力保护<mark>补贴</mark>公示")
    assert "<script>" not in html


def test_a_query_cannot_inject_markup():
    html = highlight_title("a<b>c", parse_query("<b>"))
    assert html == "a&lt;<mark>b</mark>&gt;c"


def test_longest_word_wins_and_marks_do_not_nest():
    html = highlight_title("2026年耕地地力保护补贴", parse_query("耕地地力保护补贴"))
    assert html == "2026年<mark>耕地地力保护补贴</mark>"
    assert highlight_words(parse_query("东岭村 低保")) == ["东岭村", "东岭", "低保"]


def test_single_characters_are_marked_only_when_typed_alone():
    assert highlight_title("东岭村村民", parse_query("东岭村")) == "<mark>东岭村</mark>村民"
    assert highlight_title("县城", parse_query("县")) == "<mark>县</mark>城"


def test_case_and_width_insensitive_marks_keep_the_original_text():
    html = highlight_title("ＡＢＣ公司与abc公司", parse_query("ABC"))
    assert html == "<mark>ＡＢＣ</mark>公司与<mark>abc</mark>公司"


def test_snippet_is_a_window_around_the_best_match():
    filler = "这是一段与检索无关的文字。" * 30
    text = filler + "补贴标准为每亩105元。" + filler + "耕地地力保护补贴资金通过一卡通发放，补贴到户。" + filler
    html = snippet(text, parse_query("耕地地力保护补贴 一卡通"))
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>耕地地力保护补贴</mark>资金通过<mark>一卡通</mark>发放" in html
    plain = html.replace("<mark>", "").replace("</mark>", "")
    assert len(plain) <= 122


def test_snippet_escapes_script_and_collapses_whitespace():
    html = snippet("第一段\n\n  <script>alert(1)</script> 低保金 按月发放", parse_query("低保金"))
    assert html == "第一段 &lt;script&gt;alert(1)&lt;/script&gt; <mark>低保金</mark> 按月发放"


def test_snippet_without_a_match_is_the_start_of_the_text():
    text = "一" * 300
    html = snippet(text, parse_query("补贴"))
    assert html == "一" * 120 + "…"
    assert snippet("", parse_query("补贴")) == ""


def test_snippet_never_cuts_a_mark():
    text = "甲" * 100 + "最低生活保障" + "乙" * 100
    html = snippet(text, parse_query("最低生活保障"), length=20)
    assert "<mark>最低生活保障</mark>" in html


def _best_window_by_brute_force(spans, length):
    """The window rule stated plainly: for each match, the longest run of matches from it that
    ends within ``length``; the most distinct words, then the most matches, then the first."""
    best, best_key = None, None
    for i, (s, _, _) in enumerate(spans):
        j = i
        while j + 1 < len(spans) and spans[j + 1][1] - s <= length:
            j += 1
        window = spans[i:j + 1]
        key = (len({w for _, _, w in window}), len(window), -s)
        if best_key is None or key > best_key:
            best, best_key = (window[0][0], window[-1][1]), key
    return best


def test_snippet_window_is_the_best_one(monkeypatch):
    # The sliding window (linear in the matches) picks what the plain rule picks, on random texts
    # dense with overlapping candidates, for several window lengths.
    import random

    from gongkai.search import highlight

    rng = random.Random(11)
    query = parse_query("补贴 低保 公示 东岭村")
    pattern = highlight._pattern(highlight_words(query))
    pieces = ["补贴", "低保", "公示", "东岭村", "东岭", "。", "资金", "发放到户", "一" * 7, "二" * 30, "\n"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 80)))
        spans = highlight._spans(text, pattern)
        for length in (4, 10, 25, 120):
            html = snippet(text, query, length=length)
            if not spans:
                continue
            start, end = _best_window_by_brute_force(spans, length)
            plain = html.replace("<mark>", "").replace("</mark>", "").strip("…")
            assert " ".join(text[start:end].split()) in plain, (text, length, html)

