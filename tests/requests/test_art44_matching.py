"""Which applications ask for the same information (requests.matching, 条例第四十四条)."""

from __future__ import annotations

import pytest

from gongkai.requests.matching import (
    doc_numbers_in,
    group_asks,
    jaccard,
    make_ask,
    same_information,
    words_of,
)
from gongkai.search.analysis import segmenter


def cut(text: str) -> list[str]:
    return segmenter().cut(text, hmm=False)


def ask(case_id: int, applicant: str, subject: str, description: str = ""):
    return make_ask(case_id, applicant, subject, description, cut)


@pytest.mark.parametrize(("text", "numbers"), [
    ("请公开青农发〔2026〕12号文件", {"青农发〔2026〕12号"}),
    ("青农发[2026]12号", {"青农发〔2026〕12号"}),
    ("青农发（2026）第012号 和 青财字【2025】3号", {"青农发〔2026〕12号", "青财字〔2025〕3号"}),
    ("2025年耕地地力保护补贴发放名单", set()),
])
def test_doc_numbers(text, numbers):
    assert doc_numbers_in(text) == numbers


def test_words_drop_filler_and_keep_years():
    words = words_of("申请公开关于2025年耕地地力保护补贴发放名单的政府信息", cut)
    assert "2025" in words and "申请" not in words and "政府信息" not in words and "的" not in words
    assert jaccard(frozenset(), words) == 0.0


# (subject a, subject b, same?) — real-looking requests to one 农业农村局
PAIRS = [
    ("2025年耕地地力保护补贴发放名单", "申请公开2025年耕地地力保护补贴发放名单", True),
    ("2025年耕地地力保护补贴发放名单", "关于2025年度耕地地力保护补贴发放名单的信息", True),
    ("2025年耕地地力保护补贴发放名单", "2024年耕地地力保护补贴发放名单", False),
    ("2025年耕地地力保护补贴发放名单", "2025年农机购置补贴发放名单", False),
    ("青山大道拓宽工程征地补偿方案", "青山大道拓宽工程征地补偿安置方案", True),
    ("县政府2025年财政预算", "青山大道拓宽工程征地补偿方案", False),
]


@pytest.mark.parametrize(("a", "b", "same"), PAIRS)
def test_same_information_by_words(a, b, same):
    assert same_information(ask(1, "x", a), ask(2, "y", b)) is same


def test_doc_number_decides_when_both_name_one():
    a = ask(1, "x", "青农发〔2026〕12号文件")
    b = ask(2, "y", "关于印发补贴实施方案的通知", "文号：青农发[2026]12号")
    c = ask(3, "z", "青农发〔2026〕13号文件")
    assert same_information(a, b) and not same_information(a, c)


def test_groups_count_distinct_applicants():
    asks = [
        ask(1, "id:A", "2025年耕地地力保护补贴发放名单"),
        ask(2, "id:A", "申请公开2025年耕地地力保护补贴发放名单"),  # same applicant twice
        ask(3, "id:B", "2025年度耕地地力保护补贴发放名单"),
        ask(4, "id:C", "县政府2025年财政预算"),
    ]
    groups = group_asks(asks, min_applicants=2)
    assert [[a.case_id for a in g] for g in groups] == [[1, 2, 3]]
    assert group_asks(asks, min_applicants=3) == []
    assert group_asks(asks[:2], min_applicants=2) == []  # one applicant asking twice is not Art. 44
