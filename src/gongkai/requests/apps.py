from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "gongkai.requests"
    label = "gongkai_requests"
    verbose_name = "依申请公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gongkai.requests import public_sources

        public_sources.register()  # what of this app reaches the public, for the privacy gate

        from gongkai.core.services.calendar import calendar_loaded
        from gongkai.requests.services.jobs import on_calendar_loaded

        # Cases whose due date waited for a year of holiday data get it as soon as it is loaded.
        calendar_loaded.connect(on_calendar_loaded, dispatch_uid="requests.due_dates")
