"""The static files storage of production: WhiteNoise's compressed manifest storage, tolerant of an
unreadable manifest.

Wagtail makes the static files storage while Django sets up (wagtail.admin.staticfiles), and the
manifest storage reads its manifest when it is made: a damaged or unreadable staticfiles.json would
make every `gongkai` command, collectstatic included, stop with a traceback before it could repair
anything. Read as "no manifest" instead; `gongkai serve` then finds the files stale and collects
them again before it starts (core/management/commands/serve.py, prepare_static).
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def read_manifest(self):
        try:
            return super().read_manifest()
        except OSError:  # not a directory, no permission
            return None

    def load_manifest(self):
        try:
            return super().load_manifest()
        except ValueError:  # not JSON, or an unknown manifest version
            return {}, ""
