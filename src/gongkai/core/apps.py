from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = "基础数据"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gongkai.core import login_signals

        login_signals.connect()
