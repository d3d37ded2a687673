"""Django settings for Gongkai. Every value that varies per deployment comes from the environment
(see docs/configuration.md); nothing here reads files outside the project."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from gongkai.environment import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("GONGKAI_VAR_DIR", str(Path.cwd() / "var")))

DEBUG = env_bool("DEBUG", False)
_INSECURE_KEY = "gongkai-insecure-development-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", _INSECURE_KEY)
if not DEBUG and SECRET_KEY == _INSECURE_KEY and env_bool("GONGKAI_REQUIRE_SECRET_KEY", False):
    raise ImproperlyConfigured("未设置 SECRET_KEY：GONGKAI_REQUIRE_SECRET_KEY 已开启，请在环境变量中设置一个随机的长密钥"
                               "（见 docs/configuration.md）")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "gongkai.core",
    "gongkai.catalog",
    "gongkai.disclosure",
    "gongkai.search",
    "gongkai.portal",
    "gongkai.privacy.apps.PrivacyAppConfig",
    "gongkai.requests",
    "gongkai.villages",
    "gongkai.reports",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Security (issue 13): an out-of-range number in a URL is a 404, never a 500.
    "gongkai.core.url_numbers.OutOfRangeNumberMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]


def _database() -> dict:
    url = env_str("DATABASE_URL", "")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'gongkai.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r}: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine.endswith("postgresql"):
        # Persistent connections: without them PostgreSQL costs ~2.5x throughput (tech notes §9).
        config["CONN_MAX_AGE"] = env_int("GONGKAI_DB_CONN_MAX_AGE", 60, minimum=0)
        config["CONN_HEALTH_CHECKS"] = True
    elif engine.endswith("sqlite3"):
        config.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                # Take the write lock when a transaction starts, so read-then-write services (the
                # audit hash chain) serialise instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    else:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r}: only sqlite:// and postgres:// are supported")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env_str("GONGKAI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("GONGKAI_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve from the finders too, so `gongkai serve` works before collectstatic in development.
WHITENOISE_USE_FINDERS = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("GONGKAI_MAX_UPLOAD_MB", 50, minimum=1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("GONGKAI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGIN_URL = "wagtailadmin_login"

# Mail (workflow notifications): off until an SMTP server is configured; no network by default.
EMAIL_HOST = env_str("GONGKAI_EMAIL_HOST", "")
EMAIL_PORT = env_int("GONGKAI_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("GONGKAI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("GONGKAI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("GONGKAI_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("GONGKAI_EMAIL_FROM", "noreply@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.dummy.EmailBackend"
)

WAGTAIL_SITE_NAME = env_str("GONGKAI_SITE_NAME", "公开 · 政务公开平台")
WAGTAILADMIN_BASE_URL = env_str("GONGKAI_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no requests to outside hosts from the admin
# 一事一审: any edit after a review restarts the review; publication only through the workflow.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_FINISH_WORKFLOW_ACTION = "gongkai.disclosure.finish.finish_review_workflow"
WAGTAILADMIN_USER_LOGIN_FORM = "gongkai.core.admin_views.LoginForm"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Our own options (GONGKAI_*), documented in docs/configuration.md.
GONGKAI_DEMO_PASSWORD = env_str("GONGKAI_DEMO_PASSWORD", "gongkai-demo-2026")
GONGKAI_SERVE_WORKERS = env_int("GONGKAI_SERVE_WORKERS", 2, minimum=1)
GONGKAI_SERVE_THREADS = env_int("GONGKAI_SERVE_THREADS", 2, minimum=1)
GONGKAI_INDEX_NUMBER_PATTERN = env_str("GONGKAI_INDEX_NUMBER_PATTERN", "{code}/{year}-{serial:05d}")
GONGKAI_MAX_ATTACHMENT_MB = env_int("GONGKAI_MAX_ATTACHMENT_MB", 50, minimum=1)
# Largest total unpacked size of a Word/Excel file (zip bomb guard, and the worker's memory):
# applied to the privacy modules by PrivacyAppConfig.ready (gongkai.privacy.ooxml).
GONGKAI_MAX_UNPACKED_MB = env_int("GONGKAI_MAX_UNPACKED_MB", 100, minimum=1)
# 依申请公开: whether a fee notice stops the reply clock (domain facts §3.4), and how many distinct
# applicants asking for the same information raise a 条例第四十四条 suggestion (docs/requests.md).
GONGKAI_REQUEST_FEE_PAUSE = env_bool("GONGKAI_REQUEST_FEE_PAUSE", True)
GONGKAI_ART44_MIN_APPLICANTS = env_int("GONGKAI_ART44_MIN_APPLICANTS", 2, minimum=2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GONGKAI_LOG_LEVEL", "WARNING")},
}
