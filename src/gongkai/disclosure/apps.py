from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "gongkai.disclosure"
    label = "disclosure"
    verbose_name = "政府信息"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gongkai.disclosure import search

        search.register()

        from gongkai.disclosure import public_sources

        public_sources.register()  # what of this app reaches the public, for the privacy gate
