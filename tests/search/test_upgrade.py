"""Upgrades: entries left stale (a new dictionary, or a migration that rebuilt the full-text
table) are re-segmented by ``migrate`` itself, so search answers fully right after an upgrade."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from gongkai.search import api
from gongkai.search.analysis import ANALYZER_VERSION
from gongkai.search.models import SearchEntry

from .conftest import index_corpus, keys


@pytest.mark.django_db(transaction=True)
def test_migrate_reindexes_stale_entries(capsys):
    index_corpus()
    before = keys(api.search("补贴"))
    SearchEntry.objects.update(analyzer_version="old")
    if connection.vendor == "sqlite":
        # What migration 0003 leaves behind: an empty full-text table, every entry stale.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM gongkai_search_fts")
        assert api.search("补贴").total == 0
    call_command("migrate", verbosity=1, interactive=False)
    assert "已重新分词 9 个条目" in capsys.readouterr().out
    assert not SearchEntry.objects.exclude(analyzer_version=ANALYZER_VERSION).exists()
    assert keys(api.search("耕地地力保护补贴"))[0] == "farm-2026"
    assert keys(api.search("补贴")) == before


@pytest.mark.django_db(transaction=True)
def test_migrate_is_quiet_when_the_index_is_current(capsys):
    index_corpus(["farm-2026"])
    call_command("migrate", verbosity=1, interactive=False)
    assert "重新分词" not in capsys.readouterr().out
