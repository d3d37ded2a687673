from django.apps import AppConfig
from django.db.models.signals import post_migrate


def record_key_fingerprints(sender, using, verbosity=1, **kwargs):
    """After ``migrate``: store the fingerprints of the keys the data is written with, once
    (gongkai.core.keys.record), so that a later restore onto other keys is detected."""
    from gongkai.core import keys

    if using != "default":
        return
    recorded = keys.record()
    if recorded and verbosity:
        print(f"已记录密钥指纹：{'、'.join(recorded)}")


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = "基础数据"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gongkai.core import login_signals

        login_signals.connect()
        post_migrate.connect(record_key_fingerprints, sender=self, dispatch_uid="gongkai_core_key_fingerprints")
