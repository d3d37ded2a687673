from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    label = "portal"
    verbose_name = "门户网站"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gongkai.portal import public_sources

        public_sources.register()  # what of this app reaches the public, for the privacy gate
