from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "gongkai.catalog"
    label = "catalog"
    verbose_name = "公开目录"
    default_auto_field = "django.db.models.BigAutoField"
