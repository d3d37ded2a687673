"""Indexing and searching, end to end through the database. Every expectation here holds on SQLite
and on PostgreSQL alike (run the suite with DATABASE_URL=postgres://… as well)."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django.utils import timezone

from gongkai.search import api
from gongkai.search.models import SearchEntry, SearchText

from .conftest import CORPUS, index_corpus, keys, tiers

pytestmark = pytest.mark.django_db


# --- finding the right entries ----------------------------------------------------------------


def test_a_word_finds_every_entry_containing_it_titles_first(corpus):
    page = api.search("补贴")
    assert page.mode == "text" and page.total == 5 and page.total_exact
    # Title matches (tier 2) before text-only matches (tier 0).
    assert tiers(page) == [{"farm-2026", "machine-2025", "disabled-2024"}, {"fund-2024", "soil-2023"}]


def test_a_domain_phrase_finds_only_entries_with_the_phrase(corpus):
    page = api.search("耕地地力保护补贴")
    # soil-2023 has 耕地, 保护 and 补贴, but not the phrase: its tokens never form the word.
    assert keys(page) == ["farm-2026"]
    assert page.results[0].score >= 2


def test_xinxi_gongkai_is_found_inside_longer_words(corpus):
    # 政府信息公开 (a dictionary word) and 个人信息公开 (segmented 个人信息/公开) both contain it.
    page = api.search("信息公开")
    assert tiers(page) == [{"open-2025", "report-2025"}, {"privacy-2024"}]


def test_terms_are_anded(corpus):
    assert keys(api.search("补贴 一卡通")) == ["farm-2026"]
    assert set(keys(api.search("耕地 补贴"))) == {"farm-2026", "soil-2023"}
    assert api.search("补贴 不存在的词").total == 0


def test_no_hits(corpus):
    page = api.search("量子计算机")
    assert (page.total, page.results, page.total_exact, page.num_pages, page.has_next) == (0, [], True, 1, False)


def test_full_width_and_case_fold(corpus):
    api.index("latin", title="ＧＢ／Ｔ 9704 公文格式", text="Standard GB/T 9704-2012")
    assert keys(api.search("gb")) == ["latin"]
    assert keys(api.search("９７０４")) == ["latin"]


# --- identifiers ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["青农发〔2026〕12号", "青农发[2026]12号", "青农发（2026）第012号", "青农发 (2026) 12"])
def test_doc_number_lookup(corpus, typed):
    page = api.search(typed)
    assert (page.mode, keys(page)) == ("doc_number", ["farm-2026"])
    assert page.results[0].score == 3.0
    assert page.results[0].doc_number == "青农发〔2026〕12号"
    assert "<mark>" not in page.results[0].title_html


def test_doc_number_prefix_lists_the_issuers_year(corpus):
    assert keys(api.search("青农发〔2025〕")) == ["machine-2025"]
    assert set(keys(api.search("青政发[2024]"))) == {"fund-2024"}
    # Stored in any spelling, numbered or not, newest first; other issuers and years are not listed.
    api.index("odd-spelling", title="补充通知", doc_number="青农发[2025]第07号之一", published_at=dt.date(2025, 12, 1))
    api.index("other-year", title="通知", doc_number="青农发〔2024〕1号", published_at=dt.date(2024, 12, 1))
    api.index("longer-issuer", title="通知", doc_number="青农发改〔2025〕1号", published_at=dt.date(2025, 12, 1))
    api.index("undated", title="通知", doc_number="青农发〔2025〕9号")
    page = api.search("青农发（2025）")
    assert (page.mode, keys(page), page.total) == ("doc_number", ["odd-spelling", "machine-2025", "undated"], 3)
    assert keys(api.search("青农发〔2025〕", page=2, page_size=1)) == ["machine-2025"]


def test_identifier_matches_beyond_max_results_are_ordered_by_the_database(corpus, monkeypatch):
    api.index("undated", title="通知", doc_number="青农发〔2025〕9号")
    monkeypatch.setattr(api, "MAX_RESULTS", 1)
    page = api.search("青农发〔2025〕")
    assert (keys(page), page.total, page.total_exact) == (["machine-2025"], 1, False)
    assert keys(api.search("青农发〔2025〕", page=2, page_size=1)) == []  # as far as one can page


def test_doc_number_prefix_is_filled_in_for_entries_indexed_before_it(corpus):
    # Migration 0004 computes the new key of existing entries from their stored 文号.
    fill = importlib.import_module("gongkai.search.migrations.0004_doc_number_prefix").fill
    SearchEntry.objects.update(doc_number_prefix_key="")
    fill(django_apps, SimpleNamespace(connection=connection))
    assert dict(SearchEntry.objects.exclude(doc_number_prefix_key="").values_list("key", "doc_number_prefix_key")) == {
        "farm-2026": "青农发〔2026〕", "open-2025": "青政办发〔2025〕", "machine-2025": "青农发〔2025〕",
        "fund-2024": "青政发〔2024〕"}
    assert keys(api.search("青农发〔2025〕")) == ["machine-2025"]


def test_stored_doc_numbers_are_normalised_too(db):
    api.index("odd", title="旧格式文号", doc_number="青农发[2019]第07号")
    assert keys(api.search("青农发〔2019〕7号")) == ["odd"]


@pytest.mark.parametrize("typed", ["11990101010100014X/2026-00012", "11990101010100014x / 2026－00012",
                                   "１１９９０１０１０１０１０００１４Ｘ／２０２６－０００１２"])
def test_index_number_lookup(corpus, typed):
    page = api.search(typed)
    assert (page.mode, keys(page)) == ("index_number", ["farm-2026"])


def test_identifier_without_exact_match_is_searched_as_text(corpus):
    api.index("cites", title="关于青农发〔2026〕99号文件的解读", text="解读青农发〔2026〕99号。")
    page = api.search("青农发〔2026〕99号")
    assert page.mode == "text"
    assert keys(page)[0] == "cites"


def test_identifier_lookup_respects_filters(corpus):
    assert api.search("青农发〔2026〕12号", filters={"year": 2025}).total == 0


# --- filters ----------------------------------------------------------------------------------


def test_named_filters(corpus):
    assert set(keys(api.search("补贴", filters={"body": 3}))) == {"farm-2026", "machine-2025", "soil-2023"}
    assert set(keys(api.search("补贴", filters={"body_id": 3, "year": 2025}))) == {"machine-2025"}
    assert set(keys(api.search("公示", filters={"area": "990101001"}))) == {"dibao-2026"}
    assert set(keys(api.search("补贴", filters={"doc_type": "public_notice", "year": 2024}))) == {"disabled-2024"}


def test_filter_combination_body_year_type(corpus):
    page = api.search("", filters={"body": 3, "year": 2026, "doc_type": "public_notice"})
    assert (page.mode, keys(page)) == ("browse", ["farm-2026"])


def test_list_values_mean_any_of(corpus):
    assert set(keys(api.search("补贴", filters={"year": [2023, 2024]}))) == {"fund-2024", "disabled-2024", "soil-2023"}
    assert api.search("补贴", filters={"year": []}).total == 0


def test_other_names_are_attributes(corpus):
    assert set(keys(api.search("公示", filters={"topic": "民政"}))) == {"dibao-2026", "disabled-2024"}
    assert set(keys(api.search("", filters={"topic": ["农业"], "year": 2025}))) == {"machine-2025"}


def test_none_means_no_filter_and_bad_names_are_refused(corpus):
    assert api.search("补贴", filters={"year": None}).total == 5
    with pytest.raises(ValueError):
        api.search("补贴", filters={"Bad-Name": 1})


def test_year_defaults_to_the_local_year_of_publication(db):
    # 2025-12-31 20:00 UTC is already 2026 in Asia/Shanghai.
    api.index("eve", title="跨年", published_at=dt.datetime(2025, 12, 31, 20, tzinfo=dt.UTC))
    assert SearchEntry.objects.get(key="eve").year == 2026


# --- pages ------------------------------------------------------------------------------------


def test_pagination(corpus):
    first = api.search("补贴", page=1, page_size=2)
    second = api.search("补贴", page=2, page_size=2)
    third = api.search("补贴", page=3, page_size=2)
    everything = api.search("补贴", page_size=100)
    assert everything.total == first.total == 5
    assert (first.num_pages, first.has_previous, first.has_next) == (3, False, True)
    assert (third.has_previous, third.has_next) == (True, False)
    assert keys(first) + keys(second) + keys(third) == keys(everything)
    assert api.search("补贴", page=4, page_size=2).results == []


def test_bad_pages_are_refused(corpus):
    for page, size in [(0, 20), (1, 0), (1, api.MAX_PAGE_SIZE + 1)]:
        with pytest.raises(ValueError):
            api.search("补贴", page=page, page_size=size)


def test_browse_lists_newest_first(corpus):
    page = api.search("")
    assert page.mode == "browse" and page.total == len(CORPUS)
    dates = [r.published_at for r in page.results]
    assert dates == sorted(dates, reverse=True)


def test_counting_stops_at_max_results(corpus, monkeypatch):
    monkeypatch.setattr(api, "MAX_RESULTS", 3)
    page = api.search("补贴", page_size=2)
    assert (page.total, page.total_exact, page.num_pages) == (3, False, 2)
    assert len(api.search("补贴", page=2, page_size=2).results) == 1
    assert api.search("补贴", page=3, page_size=2).results == []
    assert api.search("", page_size=2).total_exact is False


# --- ranking ----------------------------------------------------------------------------------


def test_title_match_ranks_above_text_only_match(db):
    api.index("text-only", title="关于做好春耕工作的通知", text="最低生活保障最低生活保障最低生活保障。",
              published_at=dt.date(2026, 5, 1))
    api.index("in-title", title="最低生活保障标准调整", text="自7月起执行新标准。", published_at=dt.date(2020, 1, 1))
    page = api.search("最低生活保障")
    assert keys(page) == ["in-title", "text-only"]
    assert page.results[0].score >= 2 > 1 > page.results[1].score >= 0


def test_whole_phrase_in_title_ranks_above_scattered_terms(db):
    api.index("scattered", title="城关镇补助资金与危房改造进度", text="", published_at=dt.date(2026, 1, 1))
    api.index("phrase", title="城关镇危房改造补助资金公示", text="", published_at=dt.date(2020, 1, 1))
    api.index("text", title="工作简报", text="城关镇危房改造补助资金已拨付", published_at=dt.date(2026, 6, 1))
    page = api.search("城关镇危房改造补助资金")
    assert keys(page) == ["phrase", "scattered", "text"]
    assert [int(r.score) for r in page.results] == [2, 1, 0]


def test_equal_entries_are_ordered_newest_first(db):
    for year in (2021, 2024, 2022):
        api.index(f"y{year}", title="特困供养人员名单", text="名单如下。", published_at=dt.date(year, 5, 1))
    api.index("undated", title="特困供养人员名单", text="名单如下。")
    assert keys(api.search("特困供养")) == ["y2024", "y2022", "y2021", "undated"]


def test_broad_queries_rank_a_window_of_candidates(corpus, monkeypatch):
    # With a window of 2, the 2 best candidates (title matches, newest first) are ranked, and the
    # rest follow in candidate order: title matches newest first, then text matches newest first.
    full = api.search("补贴")
    monkeypatch.setattr(api, "RANK_WINDOW", 2)
    page = api.search("补贴")
    assert page.total == 5
    assert set(keys(page)[:2]) == {"farm-2026", "machine-2025"}
    assert keys(page)[2:] == ["disabled-2024", "fund-2024", "soil-2023"]
    full_scores = {r.key: r.score for r in full.results}
    assert all(r.score == full_scores[r.key] for r in page.results[:2])
    assert [r.score for r in page.results[2:]] == [2.0, 0.0, 0.0]
    assert keys(api.search("补贴", page=2, page_size=2)) == ["disabled-2024", "fund-2024"]


# --- results ----------------------------------------------------------------------------------


def test_result_fields_and_safe_html(corpus):
    page = api.search("补贴", filters={"body": 4})
    (result,) = page.results
    title, text, fields = CORPUS["disabled-2024"]
    assert (result.key, result.title, result.body_id, result.area, result.doc_type, result.year) == (
        "disabled-2024", title, 4, "990101", "public_notice", 2024)
    assert result.attributes == {"topic": "民政"}
    assert timezone.localtime(result.published_at).date() == fields["published_at"]
    assert "<script>" not in result.title_html and "<script>" not in result.snippet_html
    assert "&lt;script&gt;" in result.title_html and "&lt;script&gt;" in result.snippet_html
    assert "<mark>补贴</mark>" in result.title_html and "<mark>补贴</mark>" in result.snippet_html


# --- writing ----------------------------------------------------------------------------------


def test_remove(corpus):
    assert api.remove("farm-2026") is True
    assert api.remove("farm-2026") is False
    assert "farm-2026" not in keys(api.search("补贴"))
    assert api.search("青农发〔2026〕12号").mode == "text"
    assert not SearchText.objects.filter(entry__key="farm-2026").exists()
    assert api.remove_many(["open-2025", "report-2025", "nope"]) == 2
    assert api.search("信息公开").total == 1


def test_reindex_replaces_the_entry(corpus):
    before = SearchEntry.objects.get(key="farm-2026")
    api.index("farm-2026", title="青山县2026年生态公益林补偿资金发放公示", text="生态公益林补偿标准每亩15元。",
              published_at=dt.date(2026, 4, 1), body_id=9)
    after = SearchEntry.objects.get(key="farm-2026")
    assert after.pk == before.pk and after.body_id == 9 and after.doc_number == "" and after.attributes == {}
    assert "farm-2026" not in keys(api.search("耕地地力保护补贴"))
    assert "farm-2026" not in keys(api.search("一卡通"))
    assert keys(api.search("生态公益林补偿")) == ["farm-2026"]
    assert api.search("青农发〔2026〕12号").mode == "text"
    assert SearchEntry.objects.count() == len(CORPUS)


def test_index_many_dedupes_and_batches(db):
    docs = [(f"k{i % 7}", api.Document(title=f"第{i}号通知", text="补贴")) for i in range(30)]
    assert api.index_many(docs, batch_size=4) == 30
    assert SearchEntry.objects.count() == 7
    assert api.search("补贴").total == 7


def test_bad_input_is_refused(db):
    for key, title in [("", "标题"), ("x" * 192, "标题"), ("k", "  ")]:
        with pytest.raises(ValueError):
            api.index(key, title=title)
    with pytest.raises(ValueError):
        api.index("k", title="标题", attributes={"Bad": 1})
    with pytest.raises(ValueError):
        api.index("k", title="标题", attributes={"year": 1})
    with pytest.raises(ValueError):
        api.index("k", title="标题", attributes={"nested": {"a": 1}})
    for fields in ({"area": "x" * 33}, {"doc_type": "x" * 65}, {"body_id": "3"}, {"year": 2026.0}):
        with pytest.raises(ValueError):
            api.index("k", title="标题", **fields)
    assert SearchEntry.objects.count() == 0


def test_writes_follow_the_callers_transaction(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        api.index("rolled-back", title="低保名单", text="低保")
        raise RuntimeError
    assert api.search("低保").total == 0
    api.index("kept", title="低保名单", text="低保")
    assert api.search("低保").total == 1


def test_search_inside_a_transaction_leaves_its_settings_alone(corpus):
    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    with transaction.atomic(), connection.cursor() as cursor:
        assert api.search("补贴").total == 5
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('jit')")
        assert cursor.fetchone() == ("on", "on")


def test_reanalyze_resegments_stale_entries(corpus):
    SearchEntry.objects.filter(key__in=["farm-2026", "dibao-2026"]).update(analyzer_version="old")
    assert api.reanalyze() == 2
    assert not SearchEntry.objects.exclude(analyzer_version=api.ANALYZER_VERSION).exists()
    assert keys(api.search("耕地地力保护补贴")) == ["farm-2026"]


def test_optimize(corpus):
    api.optimize()
    assert api.search("补贴").total == 5


def test_the_same_corpus_gives_the_same_pages_in_any_insertion_order(db):
    index_corpus(sorted(CORPUS, reverse=True))
    assert tiers(api.search("补贴")) == [{"farm-2026", "machine-2025", "disabled-2024"}, {"fund-2024", "soil-2023"}]


@pytest.mark.django_db(transaction=True)
def test_optimize_outside_a_transaction():
    index_corpus(["farm-2026", "soil-2023"])
    api.optimize()
    assert set(keys(api.search("补贴"))) == {"farm-2026", "soil-2023"}


# The contract across databases: for every query, the same entries in the same tiers (the order
# inside a tier follows each database's relevance formula). This table holds on SQLite and on
# PostgreSQL alike.
GOLDEN = [
    ("补贴", {}, [{"disabled-2024", "farm-2026", "machine-2025"}, {"fund-2024", "soil-2023"}]),
    ("公示", {}, [{"dibao-2026", "disabled-2024", "farm-2026", "machine-2025"}]),
    ("信息公开", {}, [{"open-2025", "report-2025"}, {"privacy-2024"}]),
    ("耕地地力保护补贴", {}, [{"farm-2026"}]),
    ("补贴 资金", {}, [{"farm-2026", "machine-2025"}, {"fund-2024"}]),
    ("2026", {}, [{"dibao-2026", "farm-2026"}, {"report-2025"}]),
    ("低保", {}, [{"dibao-2026"}]),
    ("一卡通", {}, [{"farm-2026"}]),
    ("耕地", {}, [{"farm-2026", "soil-2023"}]),
    ("政府", {}, [{"open-2025", "report-2025"}]),
    ("青山县", {}, [{"disabled-2024", "farm-2026", "fund-2024", "machine-2025", "report-2025"}]),
    ("公开", {}, [{"open-2025", "privacy-2024", "report-2025"}]),
    ("申请", {}, [{"machine-2025", "open-2025"}]),
    ("通知", {}, [{"fund-2024", "open-2025", "soil-2023"}]),
    ("农机", {}, [{"machine-2025"}]),
    ("公示", {"topic": ["民政", "农业"], "year": [2024, 2025]}, [{"disabled-2024", "machine-2025"}]),
    ("青山县", {"body": [1, 2], "doc_type": "annual_report"}, [{"report-2025"}]),
]


@pytest.mark.parametrize(("query", "filters", "expected"), GOLDEN, ids=[g[0] + str(g[1]) for g in GOLDEN])
def test_same_results_on_both_databases(corpus, query, filters, expected):
    page = api.search(query, filters=filters)
    assert tiers(page) == expected
    assert page.total == sum(map(len, expected))


@pytest.mark.parametrize(("title", "part", "found"), [
    ("2026年补贴", "2026", True),
    ("2026年补贴", "026", False),
    ("青政发〔2024〕7号", "7号", True),
    ("第17号", "7号", False),
    ("abc123公司", "abc123", True),
    ("xabc123公司", "abc123", False),
    ("耕地地力保护补贴", "补贴", True),
])
def test_title_containment_follows_the_tokens(title, part, found):
    assert api._contains(title, part) is found


@pytest.mark.parametrize("filters", [{"year": "二〇二六"}, {"year": True}, {"body": 1.5}, {"area": {"a": 1}},
                                     {"topic": [["nested"]]}, {"Bad": 1}, {"": 1}])
def test_bad_filter_values_are_refused(corpus, filters):
    with pytest.raises(ValueError):
        api.search("补贴", filters=filters)


def test_listing_by_filters_is_newest_first_and_pages(corpus, monkeypatch):
    page = api.search("", filters={"doc_type": ["public_notice", "notice"]}, page_size=3)
    assert page.mode == "browse" and page.total == 7
    assert keys(page) == ["dibao-2026", "farm-2026", "machine-2025"]
    assert keys(api.search("", filters={"doc_type": ["public_notice", "notice"]}, page=3, page_size=3)) == ["soil-2023"]
    assert all(r.score == 0.0 and "<mark>" not in r.snippet_html for r in page.results)
    monkeypatch.setattr(api, "MAX_RESULTS", 5)
    capped = api.search("", filters={"area": "990101"}, page_size=2)
    assert (capped.total, capped.total_exact) == (5, False)
