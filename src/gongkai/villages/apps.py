from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "gongkai.villages"
    label = "gongkai_villages"
    verbose_name = "村务公开"
    default_auto_field = "django.db.models.BigAutoField"
