"""The static files storage of production: WhiteNoise's compressed manifest storage, tolerant of an
unreadable manifest.

Wagtail makes the static files storage while Django sets up (wagtail.admin.staticfiles), and the
manifest storage reads its manifest when it is made: a damaged or unreadable staticfiles.json would
make every `gongkai` command, collectstatic included, stop with a traceback before it could repair
anything. Read as "no manifest" instead; `gongkai serve` then finds the files stale and collects
them again before it starts (core/management/commands/serve.py, prepare_static).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage
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


# Browser assets installed from npm (package.json, `npm ci`) and served as our own static files, so
# the admin's Content-Security-Policy ('self' only) allows them. Only the files named here are
# served and collected, not whole packages: static path → path under node_modules.
NPM_ASSETS = {
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    "vendor/echarts/LICENSE": "echarts/LICENSE",
}


def node_modules_dir() -> Path:
    """``node_modules`` of the checkout (``GONGKAI_NODE_MODULES`` overrides it)."""
    from django.conf import settings

    return Path(getattr(settings, "GONGKAI_NODE_MODULES", "") or Path(__file__).resolve().parents[3] / "node_modules")


class NpmAssetFinder(BaseFinder):
    """Finds the files of :data:`NPM_ASSETS` under ``node_modules``; collectstatic copies them like
    any app's static file (and the manifest storage fingerprints them)."""

    def _storage(self, static_path: str) -> FileSystemStorage:
        source = node_modules_dir() / NPM_ASSETS[static_path]
        storage = FileSystemStorage(location=str(source.parent))
        storage.prefix = str(Path(static_path).parent)
        return storage

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)
        if path not in NPM_ASSETS:
            return [] if find_all else None
        source = node_modules_dir() / NPM_ASSETS[path]
        if not source.is_file():
            return [] if find_all else None
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        for static_path, source in NPM_ASSETS.items():
            if (node_modules_dir() / source).is_file():
                yield Path(source).name, self._storage(static_path)
