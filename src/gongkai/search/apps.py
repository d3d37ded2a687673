from django.apps import AppConfig
from django.db.models.signals import post_migrate


def reanalyze_stale_entries(sender, using, verbosity=1, **kwargs):
    """After ``migrate``: re-segment entries left stale by an upgrade (a new dictionary or
    analyzer, or a migration that rebuilt the full-text table), so that search answers fully
    without an operator having to remember ``gongkai search reanalyze``."""
    from gongkai.search.analysis import ANALYZER_VERSION
    from gongkai.search.api import reanalyze
    from gongkai.search.models import SearchEntry

    if not SearchEntry.objects.using(using).exclude(analyzer_version=ANALYZER_VERSION).exists():
        return
    count = reanalyze(using=using)
    if verbosity:
        print(f"全文检索：已重新分词 {count} 个条目")


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "gongkai_search"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(reanalyze_stale_entries, sender=self, dispatch_uid="gongkai_search_reanalyze")
