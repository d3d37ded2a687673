"""Which applications ask for the same information (条例第四十四条), as pure functions.

条例 Art. 44 (domain facts §1.4): "多个申请人就相同政府信息向同一行政机关提出公开申请，且该政府信息属于
可以公开的，行政机关可以纳入主动公开的范围". The platform suggests it; the body decides.

Two applications ask for the same information when

1. they name the same 文号 (normalised: 青农发[2026]12号 = 青农发〔2026〕12号; words such as 申请公开
   written right before the 机关代字 are not part of it), or
2. they do not both name a 文号, do not name disjoint sets of years (2024年 and 2025年 名单 are
   different information), and the word sets of their subject and description have a Jaccard
   similarity of at least :data:`SIMILARITY_THRESHOLD` (0.7). Words come from the search
   segmenter (rjieba with the domain dictionary, precise mode); single characters and the words
   every application uses (申请, 公开, 政府信息, 关于 …) are left out.

Two applications naming different 文号 are never the same information. The threshold was set on
real-looking pairs (tests/requests/test_art44_matching.py): at 0.6 "2025年耕地地力保护补贴发放名单" and
"2025年农机购置补贴发放名单" (3 of 5 words shared) would count as the same. Groups are formed by
single linkage (A~B and B~C put A, B and C together) and count when they hold at least
``min_applicants`` distinct applicants (``GONGKAI_ART44_MIN_APPLICANTS``, default 2).

The tokenizer is passed in (``cut``), so this module needs neither Django nor the dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

SIMILARITY_THRESHOLD = 0.7
DEFAULT_MIN_APPLICANTS = 2

#: Words that say nothing about which information is asked for.
STOPWORDS = frozenset({
    "申请", "公开", "政府", "信息", "政府信息", "关于", "有关", "相关", "提供", "获取", "要求", "请求", "希望",
    "本人", "我们", "贵单位", "贵局", "请", "查询", "查看", "复印", "资料", "内容", "文件", "情况", "的", "和",
    "及", "与", "等", "以及", "全部", "所有", "具体", "一份", "依法", "予以",
})

_DOC_NUMBER = re.compile(r"(?P<prefix>[\u4e00-\u9fff]{1,20})[〔\[(【（]\s*(?P<year>(?:19|20)\d{2})\s*[〕\])】）]"
                         r"\s*第?\s*(?P<number>\d{1,6})\s*号")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
#: Words written before a 文号 that the greedy match would take for part of the 机关代字.
_LEADING = tuple(sorted(("申请公开", "请公开", "要求公开", "申请获取", "请提供", "申请", "公开", "获取", "提供", "要求",
                         "关于", "印发", "文号为", "文号是", "文号", "查询", "复印", "请", "的", "即"), key=len, reverse=True))
_WORD = re.compile(r"[0-9a-z]+|[\u3400-\u9fff]{2,}")


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def doc_numbers_in(text: str) -> frozenset[str]:
    """Every 文号 written in ``text``, normalised to ``机关代字〔YYYY〕N号`` (GB/T 9704-2012 §7.2.4)."""
    found = set()
    for m in _DOC_NUMBER.finditer(unicodedata.normalize("NFKC", text or "")):
        prefix = m["prefix"]
        while len(prefix) > 2 and (lead := next((w for w in _LEADING if prefix.startswith(w)), None)):
            prefix = prefix[len(lead):]
        found.add(f"{prefix}〔{m['year']}〕{int(m['number'])}号")
    return frozenset(found)


def words_of(text: str, cut: Callable[[str], list[str]]) -> frozenset[str]:
    """The content words of ``text`` (see the module docstring)."""
    words = set()
    for token in cut(fold(text)):
        for word in _WORD.findall(token):
            if word not in STOPWORDS:
                words.add(word)
    return frozenset(words)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Ask:
    """One application as the matcher sees it."""

    case_id: int
    applicant: str  # a key identifying the applicant (ID or credit code; name and phone otherwise)
    doc_numbers: frozenset[str]
    words: frozenset[str]
    years: frozenset[str] = frozenset()


def make_ask(case_id: int, applicant: str, subject: str, description: str, cut: Callable[[str], list[str]]) -> Ask:
    text = f"{subject}\n{description}"
    numbers = doc_numbers_in(text)
    stripped = _DOC_NUMBER.sub(" ", unicodedata.normalize("NFKC", text))
    return Ask(case_id, applicant, numbers, words_of(stripped, cut), frozenset(_YEAR.findall(stripped)))


def same_information(a: Ask, b: Ask, threshold: float = SIMILARITY_THRESHOLD) -> bool:
    """Whether ``a`` and ``b`` ask for the same information (rules 1 and 2 of the module docstring)."""
    if a.doc_numbers and b.doc_numbers:
        return bool(a.doc_numbers & b.doc_numbers)
    if a.years and b.years and not a.years & b.years:
        return False
    return jaccard(a.words, b.words) >= threshold


def distinct_applicants(asks: Iterable[Ask]) -> int:
    return len({a.applicant for a in asks})


def group_asks(asks: list[Ask], *, min_applicants: int = DEFAULT_MIN_APPLICANTS,
               threshold: float = SIMILARITY_THRESHOLD) -> list[list[Ask]]:
    """Groups of asks for the same information holding at least ``min_applicants`` distinct
    applicants (single linkage), each ordered as ``asks``; groups in order of their first ask."""
    parent = list(range(len(asks)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(asks)):
        for j in range(i + 1, len(asks)):
            if same_information(asks[i], asks[j], threshold):
                ri, rj = root(i), root(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[Ask]] = {}
    for i, ask in enumerate(asks):
        groups.setdefault(root(i), []).append(ask)
    return [g for _r, g in sorted(groups.items()) if distinct_applicants(g) >= min_applicants]


def matches_any(ask: Ask, others: Iterable[Ask], threshold: float = SIMILARITY_THRESHOLD) -> bool:
    return any(same_information(ask, other, threshold) for other in others)
