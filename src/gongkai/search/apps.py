from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "gongkai_search"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"
