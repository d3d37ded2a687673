"""A small county corpus for the search tests. The same corpus and the same expectations run on
SQLite and on PostgreSQL (``DATABASE_URL``), which is how "the same results on both" is tested."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.search import api

D = dt.date

# key: (title, text, fields)
CORPUS = {
    "farm-2026": (
        "青山县2026年耕地地力保护补贴资金发放情况公示",
        "经农户申报、村级公示、乡镇审核，现将2026年耕地地力保护补贴面积及资金发放情况予以公示。"
        "补贴资金通过惠民惠农财政补贴资金“一卡通”发放到户。",
        {"published_at": D(2026, 3, 2), "body_id": 3, "area": "990101", "doc_type": "public_notice",
         "doc_number": "青农发〔2026〕12号", "index_number": "11990101010100014X/2026-00012",
         "attributes": {"topic": "农业"}},
    ),
    "open-2025": (
        "关于做好2025年政府信息公开工作的通知",
        "各乡镇人民政府，县直各部门：请认真做好主动公开和依申请公开工作，按时编制年度报告。",
        {"published_at": D(2025, 2, 10), "body_id": 1, "area": "990101", "doc_type": "notice",
         "doc_number": "青政办发〔2025〕3号", "index_number": "11990101010100001A/2025-00003"},
    ),
    "machine-2025": (
        "青山县2025年农机购置补贴资金兑付情况公示",
        "本批次共有56户购机者申请农机购置补贴，兑付补贴资金128000元。监督电话：0797-5221001。",
        {"published_at": D(2025, 9, 1), "body_id": 3, "area": "990101", "doc_type": "public_notice",
         "doc_number": "青农发〔2025〕40号", "index_number": "11990101010100014X/2025-00040",
         "attributes": {"topic": "农业"}},
    ),
    "dibao-2026": (
        "城关镇2026年3月城乡最低生活保障对象名单公示",
        "经入户调查、民主评议，城关镇东岭村等12户23人符合城乡最低生活保障条件，拟纳入低保范围。",
        {"published_at": D(2026, 3, 20), "body_id": 5, "area": "990101001", "doc_type": "public_notice",
         "attributes": {"topic": "民政"}},
    ),
    "report-2025": (
        "青山县人民政府2025年政府信息公开工作年度报告",
        "本报告依据《中华人民共和国政府信息公开条例》编制。全年主动公开政府信息1200条，未收取信息处理费。",
        {"published_at": D(2026, 1, 20), "body_id": 1, "area": "990101", "doc_type": "annual_report",
         "doc_number": "", "index_number": "11990101010100001A/2026-00001"},
    ),
    "fund-2024": (
        "关于印发《青山县财政专项资金管理办法》的通知",
        "第一条 为规范财政专项资金管理，制定本办法。第九条 各类补贴资金实行专户管理，严禁截留挪用。",
        {"published_at": D(2024, 6, 5), "body_id": 2, "area": "990101", "doc_type": "regulation",
         "doc_number": "青政发〔2024〕7号"},
    ),
    "privacy-2024": (
        "关于规范政务公开中个人信息保护的意见",
        "对涉及个人隐私的内容，在个人信息公开前须经保密审查，不得公开身份证号码。",
        {"published_at": D(2024, 11, 11), "body_id": 1, "area": "990101", "doc_type": "notice"},
    ),
    "disabled-2024": (
        "青山县2024年困难残疾人生活补贴发放公示<script>alert('t')</script>",
        "本月共为120名困难残疾人发放生活补贴。<script>alert('x')</script>补贴标准每人每月90元。",
        {"published_at": D(2024, 12, 1), "body_id": 4, "area": "990101", "doc_type": "public_notice",
         "attributes": {"topic": "民政"}},
    ),
    "soil-2023": (
        "关于加强耕地保护工作的通知",
        "各乡镇要严格落实耕地保护责任，对撂荒地复耕的农户给予适当补贴。",
        {"published_at": D(2023, 4, 1), "body_id": 3, "area": "990101", "doc_type": "notice"},
    ),
}


def index_corpus(keys=None) -> None:
    for key in keys or CORPUS:
        title, text, fields = CORPUS[key]
        api.index(key, title=title, text=text, **fields)


@pytest.fixture
def corpus(db):
    """The corpus, indexed."""
    index_corpus()
    return CORPUS


def keys(page) -> list[str]:
    return [r.key for r in page.results]


def tiers(page) -> list[set[str]]:
    """Result keys grouped by tier (the integer part of the score), best tier first."""
    groups: dict[int, set[str]] = {}
    for r in page.results:
        groups.setdefault(int(r.score), set()).add(r.key)
    return [groups[t] for t in sorted(groups, reverse=True)]
