from django.apps import AppConfig


class PrivacyAppConfig(AppConfig):
    """The Django side of the privacy guard: the publication gate, its recorded exceptions, the
    reviewer's check screen and the sweep of published records. The detectors themselves are pure
    (see the package docstring) and need none of this."""

    name = "gongkai.privacy"
    label = "gongkai_privacy"
    verbose_name = "隐私保护"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gongkai.disclosure import publication
        from gongkai.privacy import gate

        publication.register_gate(gate.no_unmasked_personal_data)
