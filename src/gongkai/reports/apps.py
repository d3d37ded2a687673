from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "gongkai.reports"
    label = "reports"
    verbose_name = "政府信息公开工作年度报告"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gongkai.reports import public_sources

        public_sources.register()  # what of this app reaches the public, for the privacy gate
