"""`gongkai search`: query, status, rebuild, reanalyze, optimize."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongkai.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def test_query_json_contract(corpus):
    data = json.loads(run("query", "补贴", "--filter", "year=2024,2025", "--filter", "doc_type=public_notice", "--json"))
    assert (data["query"], data["mode"], data["total"], data["total_exact"], data["page"], data["page_size"]) == (
        "补贴", "text", 2, True, 1, 20)
    assert {r["key"] for r in data["results"]} == {"machine-2025", "disabled-2024"}
    first = data["results"][0]
    assert set(first) == {"key", "title", "url", "score", "published_at", "year", "body_id", "area", "doc_type",
                          "doc_number", "index_number", "attributes", "snippet_html"}
    assert "<mark>补贴</mark>" in first["snippet_html"]


def test_query_text_output(corpus):
    out = run("query", "青农发[2026]12号")
    assert out.splitlines()[0] == "共 1 条（第 1/1 页，doc_number）"
    assert "青山县2026年耕地地力保护补贴资金发放情况公示" in out


@pytest.mark.parametrize("bad", [["query", "补贴", "--filter", "year"], ["query", "补贴", "--filter", "year=abc"],
                                 ["query", "补贴", "--page", "0"], ["rebuild", "--model", "nope.nope"]])
def test_bad_arguments_are_command_errors(corpus, bad):
    with pytest.raises(CommandError):
        run(*bad)


def test_status_reanalyze_optimize(corpus):
    SearchEntry.objects.filter(key="farm-2026").update(analyzer_version="old")
    status = json.loads(run("status", "--json"))
    assert (status["entries"], status["stale_entries"]) == (len(corpus), 1)
    assert "待重新分词：1 条（未写入）" in run("reanalyze", "--dry-run")
    assert "已重新遮盖并分词：1 条" in run("reanalyze")
    assert json.loads(run("status", "--json"))["stale_entries"] == 0
    assert f"待重新分词：{len(corpus)} 条（未写入）" in run("reanalyze", "--all", "--dry-run")
    assert f"已重新遮盖并分词：{len(corpus)} 条" in run("reanalyze", "--all")
    assert "全文索引已整理" in run("optimize")


def test_rebuild_without_registrations(db, monkeypatch):
    from gongkai.search import registry

    monkeypatch.setattr(registry, "_registry", {})
    assert "没有注册检索的模型" in run("rebuild")
    assert "已注册：（无）" in run("status")
