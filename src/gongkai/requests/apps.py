from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "gongkai.requests"
    label = "gongkai_requests"
    verbose_name = "依申请公开"
    default_auto_field = "django.db.models.BigAutoField"
