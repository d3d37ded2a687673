"""`gongkai search`: query the search index and maintain it.

    gongkai search query 耕地地力保护补贴 --filter year=2026 --filter doc_type=notice,public_notice
    gongkai search status
    gongkai search rebuild [--model app_label.model ...] [--dry-run]
    gongkai search reanalyze [--all] [--dry-run]
    gongkai search optimize

``query --json`` and ``status --json`` print one JSON object (a stable contract):

* query: ``{"query", "mode", "total", "total_exact", "page", "page_size", "results": [{"key",
  "title", "url", "score", "published_at" (ISO 8601 or null), "year", "body_id", "area",
  "doc_type", "doc_number", "index_number", "attributes", "snippet_html"}]}``
* status: ``{"entries", "stale_entries", "analyzer_version", "registered": [labels]}``
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from gongkai.search import api, registry
from gongkai.search.analysis import ANALYZER_VERSION
from gongkai.search.models import SearchEntry

INTEGER_FILTERS = {"year", "body", "body_id"}


def parse_filter(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` or ``NAME=V1,V2`` (any of); year and body are integers."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name or not value.strip():
        raise CommandError(f"筛选条件应为 NAME=VALUE：{text!r}")
    values = [v.strip() for v in value.split(",") if v.strip()]
    if name in INTEGER_FILTERS:
        try:
            values = [int(v) for v in values]
        except ValueError:
            raise CommandError(f"{name} 应为整数：{value!r}") from None
    return name, values if len(values) > 1 else values[0]


class Command(BaseCommand):
    help = "全文检索：查询、状态、重建索引 (search index)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        p = sub.add_parser("query", help="检索并打印结果")
        p.add_argument("text", help="检索词、文号或索引号（空字符串按发布时间列出）")
        p.add_argument("--filter", action="append", default=[], metavar="NAME=VALUE",
                       help="筛选：body、area、doc_type、year 或其他属性；多个值用逗号分隔")
        p.add_argument("--page", type=int, default=1)
        p.add_argument("--page-size", type=int, default=20)
        p.add_argument("--json", action="store_true", help="输出 JSON")
        p = sub.add_parser("status", help="条目数、待重新分词的条目数、已注册的模型")
        p.add_argument("--json", action="store_true", help="输出 JSON")
        p = sub.add_parser("rebuild", help="按注册的模型重建索引，并删除已不存在或不应公开的条目")
        p.add_argument("--model", action="append", default=[], metavar="APP_LABEL.MODEL")
        p.add_argument("--dry-run", action="store_true", help="只统计，不写入")
        p = sub.add_parser("reanalyze", help="词典、分词规则或隐私遮盖变化后，按存储的正文重新遮盖、分词")
        p.add_argument("--all", action="store_true", dest="everything",
                       help="重写全部条目（隐私检查规则或放行号码变化后），而不只是旧版本的条目")
        p.add_argument("--dry-run", action="store_true", help="只统计，不写入")
        sub.add_parser("optimize", help="批量导入后整理全文索引、更新统计信息")

    def handle(self, *args, action, **options):
        return getattr(self, "do_" + action)(**options)

    def do_query(self, text, filter, page, page_size, json, **_):
        filters = dict(parse_filter(f) for f in filter)
        try:
            result = api.search(text, filters=filters, page=page, page_size=page_size)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_json({
                "query": text, "mode": result.mode, "total": result.total, "total_exact": result.total_exact,
                "page": result.page, "page_size": result.page_size,
                "results": [{
                    "key": r.key, "title": r.title, "url": r.url, "score": r.score,
                    "published_at": r.published_at.isoformat() if r.published_at else None, "year": r.year,
                    "body_id": r.body_id, "area": r.area, "doc_type": r.doc_type, "doc_number": r.doc_number,
                    "index_number": r.index_number, "attributes": r.attributes, "snippet_html": str(r.snippet_html),
                } for r in result.results],
            }))
            return
        more = "" if result.total_exact else "+"
        self.stdout.write(f"共 {result.total}{more} 条（第 {result.page}/{result.num_pages} 页，{result.mode}）")
        for r in result.results:
            when = r.published_at.date().isoformat() if r.published_at else "-"
            self.stdout.write(f"{r.score:.3f}\t{when}\t{r.title}\t{r.url or r.key}")

    def do_status(self, json, **_):
        entries = SearchEntry.objects.count()
        stale = SearchEntry.objects.exclude(analyzer_version=ANALYZER_VERSION).count()
        labels = [r.label for r in registry.registrations()]
        if json:
            self.stdout.write(_json({"entries": entries, "stale_entries": stale, "analyzer_version": ANALYZER_VERSION,
                                     "registered": labels}))
            return
        self.stdout.write(f"条目：{entries}；待重新分词：{stale}；分词版本：{ANALYZER_VERSION}")
        self.stdout.write("已注册：" + ("、".join(labels) if labels else "（无）"))

    def do_rebuild(self, model, dry_run, **_):
        from django.apps import apps

        try:
            models = [apps.get_model(label) for label in model]
        except (LookupError, ValueError) as exc:
            raise CommandError(f"未知模型：{exc}") from None
        try:
            targets = [registry.registration_for(m) for m in models] if models else registry.registrations()
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if not targets:
            self.stdout.write("没有注册检索的模型")
            return
        if dry_run:
            for target in targets:
                total = target.queryset().count()
                self.stdout.write(f"{target.label}：{total} 个候选对象（未写入）")
            return
        for result in registry.rebuild([t.model for t in targets]):
            self.stdout.write(f"{result.label}：已索引 {result.indexed} 条，删除 {result.removed} 条")

    def do_reanalyze(self, dry_run, everything=False, **_):
        if dry_run:
            entries = SearchEntry.objects.all()
            if not everything:
                entries = entries.exclude(analyzer_version=ANALYZER_VERSION)
            self.stdout.write(f"待重新分词：{entries.count()} 条（未写入）")
            return
        self.stdout.write(f"已重新遮盖并分词：{api.reanalyze(everything=everything)} 条")

    def do_optimize(self, **_):
        api.optimize()
        self.stdout.write("全文索引已整理")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
