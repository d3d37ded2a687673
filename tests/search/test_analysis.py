"""Segmentation, the domain dictionary, and query classification (no database)."""

from __future__ import annotations

import random

import pytest

from gongkai.search import analysis
from gongkai.search.analysis import (
    MAX_TOKEN_CHARS,
    TOKEN_RE,
    fold,
    index_tokens,
    load_dictionary,
    normalize_doc_number,
    normalize_index_number,
    parse_query,
    query_tokens,
    segmenter,
)


def test_dictionary_is_well_formed_and_large_enough():
    words = load_dictionary()
    assert len(words) >= 300
    assert {c for _, c in words} == set(analysis.CATEGORY_TAGS)
    for needed in ["耕地地力保护补贴", "农机购置补贴", "生态公益林补偿", "农业农村局", "人力资源和社会保障局",
                   "依申请公开", "政府信息公开", "主动公开", "行政规范性文件", "信息处理费", "最低生活保障",
                   "特困供养", "一卡通"]:
        assert needed in dict(words)


def test_every_dictionary_word_is_one_token_in_a_query():
    seg = segmenter()
    split = [w for w, _ in load_dictionary() if seg.cut(fold(w), hmm=False) != [fold(w)]]
    assert split == []


def test_domain_words_stay_whole_in_query_and_index():
    assert query_tokens("耕地地力保护补贴") == ["耕地地力保护补贴"]
    assert query_tokens("耕地地力保护补贴资金发放") == ["耕地地力保护补贴", "资金", "发放"]
    tokens = index_tokens("青山县2026年耕地地力保护补贴资金发放情况公示")
    # The compound and its parts are all in the index, so both 耕地地力保护补贴 and 补贴 find it.
    for token in ["耕地地力保护补贴", "耕地", "地力", "保护", "补贴", "2026", "公示", "资金"]:
        assert token in tokens
    assert query_tokens("县人力资源和社会保障局依申请公开") == ["县", "人力资源和社会保障局", "依申请公开"]


def test_the_private_segmenter_leaves_the_global_one_alone():
    import rjieba

    segmenter()
    assert rjieba.cut("耕地地力保护补贴", hmm=False) != ["耕地地力保护补贴"]


def test_jieba_default_segmentation_would_lose_the_domain_word():
    # Why the dictionary exists: without it 耕地地力保护补贴 falls apart into 耕地/地/力/….
    import rjieba

    assert "耕地地力保护补贴" not in rjieba.Jieba().cut("耕地地力保护补贴", hmm=False)


def test_index_tokens_are_letter_digit_runs_folded():
    assert index_tokens("ＡＢＣ１２３ 〔2026〕12号, Hello-World") == ["abc123", "2026", "12", "号", "hello", "world"]
    assert index_tokens("") == []
    long = "x" * 150
    assert index_tokens(long) == ["x" * 64, "x" * 64, "x" * 22]


def test_index_tokens_are_the_runs_of_each_full_mode_piece():
    # index_tokens takes its runs from the joined pieces in one pass; that must be exactly the
    # runs of each piece in turn (no run may span two pieces, none may be lost or reordered).
    text = ("青山县2026年耕地地力保护补贴（第3批）：王*华 1.5亩×95元；ABC_def-ｇｈｉ！" + "数" * 70 + "z" * 130
            + "\n\t 依申请公开 〔2026〕12号 ¾ Ⅻ ① \ue000x")
    pieces = segmenter().cut_all(fold(text))
    assert index_tokens(text) == [run for piece in pieces for run in TOKEN_RE.findall(piece)]
    assert all(0 < len(token) <= MAX_TOKEN_CHARS and " " not in token for token in index_tokens(text))


def test_every_substring_of_a_text_finds_it():
    # The property the search relies on: the query terms of any part of a text are all among the
    # text's index tokens, however the surrounding sentence happens to be segmented.
    text = ("根据《中华人民共和国政府信息公开条例》第三十六条，个人信息公开前须经审查；城关镇东岭村村民委员会"
            "申请2026年耕地地力保护补贴和农机购置补贴，县人力资源和社会保障局发放一次性创业补贴3.5万元。")
    tokens = set(index_tokens(text))
    rng = random.Random(7)
    checked = 0
    while checked < 400:
        start = rng.randrange(1, len(text) - 2)
        end = min(len(text) - 1, start + rng.randrange(2, 12))
        part = text[start:end]
        # Letters and digits are words: a query for "026" is not expected to find "2026".
        if any(text[i].isascii() and text[i].isalnum() and text[i - 1].isascii() and text[i - 1].isalnum()
               for i in (start, end)):
            continue
        checked += 1
        for phrase in parse_query(part).phrases:
            assert set(query_tokens(phrase)) <= tokens, part


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("青农发〔2026〕12号", "青农发〔2026〕12号"),
        ("青农发[2026]12号", "青农发〔2026〕12号"),
        ("青农发(2026)12号", "青农发〔2026〕12号"),
        ("青农发（2026）12号", "青农发〔2026〕12号"),
        ("青农发【2026】第012号", "青农发〔2026〕12号"),
        (" 青农发 〔2026〕 12 号 ", "青农发〔2026〕12号"),
        ("青农发［2026］12", "青农发〔2026〕12号"),
    ],
)
def test_doc_number_variants_normalise_to_one_key(typed, key):
    parsed = parse_query(typed)
    assert (parsed.kind, parsed.key, parsed.prefix) == ("doc_number", key, False)
    assert normalize_doc_number(typed) == key


def test_doc_number_without_number_is_a_prefix():
    parsed = parse_query("青农发[2026]")
    assert (parsed.kind, parsed.key, parsed.prefix) == ("doc_number", "青农发〔2026〕", True)


@pytest.mark.parametrize(
    "stored, key",
    [("青农发〔2026〕12号", "青农发〔2026〕"), ("青农发[2026]第012号", "青农发〔2026〕"), (" 青农发 （2026） 3 ", "青农发〔2026〕"),
     ("青农发〔2026〕12号之一", "青农发〔2026〕"), ("GB/T 9704-2012", ""), ("（2026）12号", ""), ("", "")],
)
def test_doc_number_prefix_is_the_issuer_and_year(stored, key):
    # What a stored 文号 is listed under: the key a query of the issuer and year looks up.
    assert analysis.doc_number_prefix(stored) == key
    if key:
        assert parse_query(key.replace("〔", "(").replace("〕", ")")).key == key


@pytest.mark.parametrize(
    "typed",
    ["11990101010100014X/2026-00012", "11990101010100014x/2026-00012", " 11990101010100014X / 2026 - 00012 ",
     "１１９９０１０１０１０１０００１４Ｘ／２０２６－０００１２", "11990101010100014X/2026—00012"],
)
def test_index_number_variants_normalise_to_one_key(typed):
    parsed = parse_query(typed)
    assert (parsed.kind, parsed.key) == ("index_number", "11990101010100014X/2026-00012")
    assert normalize_index_number(typed) == "11990101010100014X/2026-00012"


@pytest.mark.parametrize("typed", ["补贴", "2026", "12号", "第12号", "2026年补贴", "耕地 2026-03"])
def test_ordinary_text_is_not_an_identifier(typed):
    assert parse_query(typed).kind == "text"


def test_query_phrases_and_terms():
    parsed = parse_query("  城关镇 农村危房改造，补助资金 城关镇 ")
    assert parsed.kind == "text"
    assert parsed.phrases == ("城关镇", "农村危房改造", "补助资金")
    assert parsed.terms == ("城关镇", "农村危房改造", "补助资金")
    assert parse_query("东岭村").terms == ("东岭", "村")


@pytest.mark.parametrize("typed", ["", "   ", "，。！", "<>&"])
def test_nothing_to_search_for(typed):
    assert parse_query(typed).kind == "empty"


def test_long_queries_are_bounded():
    parsed = parse_query("补贴" * 500)
    assert len(parsed.raw) == analysis.MAX_QUERY_CHARS
    assert len(parse_query(" ".join(f"词{i}" for i in range(100))).terms) == analysis.MAX_QUERY_TERMS


def test_analyzer_version_identifies_dictionary_and_algorithm():
    assert len(analysis.ANALYZER_VERSION) == 12
    assert analysis.ANALYZER_VERSION == analysis.ANALYZER_VERSION.lower()
