from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "gongkai.villages"
    label = "gongkai_villages"
    verbose_name = "村务公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gongkai.villages import public_sources

        public_sources.register()  # what of this app reaches the public, for the privacy gate
