"""The search index's own tables. They hold derived data only: everything here can be rebuilt from
the records (``gongkai search rebuild``), and no other app's table is referenced by a foreign key.

``SearchEntry`` is the hot, narrow row every query reads (filters, ordering, the title used for
ranking); the bulky plain text for snippets lives in ``SearchText`` so that scanning thousands of
entries does not drag their texts through the page cache. The full-text index itself is
database-specific and created by migration 0002: an FTS5 table ``gongkai_search_fts`` on SQLite
(rowid = entry id), a ``search_vector`` tsvector column with a GIN index on PostgreSQL. Only
``gongkai.search.backends`` touches those.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One searchable item (a published record, a page), identified by a stable string ``key``."""

    key = models.CharField(_("键"), max_length=191, unique=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    body_id = models.BigIntegerField(_("发布机构"), null=True, blank=True)
    area = models.CharField(_("区划代码"), max_length=32, blank=True)
    doc_type = models.CharField(_("文件类型"), max_length=64, blank=True)
    title = models.CharField(_("标题"), max_length=500)
    # The title folded the way queries are (NFKC, lower case): ranking tests query phrases in it.
    title_key = models.CharField(max_length=500, editable=False, verbose_name=_("标题检索键"))
    url = models.CharField(_("链接"), max_length=500, blank=True)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    doc_number_key = models.CharField(max_length=100, blank=True, editable=False, verbose_name=_("文号检索键"))
    # The issuer and year of the 文号 (青农发〔2026〕): a query of just those lists the series.
    doc_number_prefix_key = models.CharField(max_length=100, blank=True, editable=False, verbose_name=_("文号前缀检索键"))
    index_number = models.CharField(_("索引号"), max_length=100, blank=True)
    index_number_key = models.CharField(max_length=100, blank=True, editable=False, verbose_name=_("索引号检索键"))
    # Further equality filters (for example a catalogue item or a column), JSON scalars only.
    attributes = models.JSONField(_("其他筛选项"), default=dict, blank=True)
    analyzer_version = models.CharField(max_length=16, editable=False, verbose_name=_("分词版本"))
    indexed_at = models.DateTimeField(_("索引时间"))

    class Meta:
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")
        indexes = [
            models.Index(fields=["published_at", "id"], name="search_entry_published"),
            models.Index(fields=["body_id", "published_at"], name="search_entry_body"),
            models.Index(fields=["area", "published_at"], name="search_entry_area"),
            models.Index(fields=["doc_type", "published_at"], name="search_entry_doc_type"),
            models.Index(fields=["year", "published_at"], name="search_entry_year"),
            models.Index(fields=["doc_number_key"], name="search_entry_doc_number"),
            models.Index(fields=["doc_number_prefix_key"], name="search_entry_doc_prefix"),
            models.Index(fields=["index_number_key"], name="search_entry_index_number"),
            models.Index(fields=["analyzer_version"], name="search_entry_analyzer"),
        ]

    def __str__(self) -> str:
        return self.title


class SearchText(models.Model):
    """The plain text of an entry: the source of snippets and of re-segmentation."""

    entry = models.OneToOneField(SearchEntry, on_delete=models.CASCADE, primary_key=True, related_name="source", verbose_name=_("检索条目"))
    text = models.TextField(_("正文"), blank=True)

    class Meta:
        verbose_name = _("检索正文")
        verbose_name_plural = _("检索正文")

    def __str__(self) -> str:
        return str(self.entry_id)
