from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "gongkai.requests"
    label = "gongkai_requests"
    verbose_name = "依申请公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gongkai.requests import public_sources

        public_sources.register()  # what of this app reaches the public, for the privacy gate
