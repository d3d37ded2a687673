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
        from django.conf import settings

        from gongkai.disclosure import publication
        from gongkai.privacy import gate, ooxml

        publication.register_gate(gate.no_unmasked_personal_data)
        # The pure modules take the deployment's limit here, once, for every reader of a package
        # (upload check, gate, sweep, masking); see ooxml.set_max_unpacked_bytes.
        ooxml.set_max_unpacked_bytes(settings.GONGKAI_MAX_UNPACKED_MB * 1024 * 1024)
