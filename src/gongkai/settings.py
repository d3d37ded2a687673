"""Django settings for Gongkai. Every value that varies per deployment comes from the environment
(see docs/configuration.md); nothing here reads files outside the project."""

from __future__ import annotations

import datetime as _dt
import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from gongkai.core import keys as _keys
from gongkai.environment import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("GONGKAI_VAR_DIR", str(Path.cwd() / "var")))

DEBUG = env_bool("DEBUG", False)
# Keys (issue 13 §3): environment, else VAR_DIR/keys.json, else public development values that
# `gongkai serve` refuses (gongkai.core.keys; docs/configuration.md "Keys").
try:
    _KEYS = _keys.load(VAR_DIR)
except _keys.KeyError_ as exc:
    raise ImproperlyConfigured(str(exc)) from None
_INSECURE_KEY = _keys.DEVELOPMENT_SECRET_KEY
SECRET_KEY = _KEYS.secret_key
GONGKAI_AUDIT_KEY = _KEYS.audit_key
GONGKAI_ID_HASH_KEY = _KEYS.id_hash_key
GONGKAI_DATA_KEYS = _KEYS.data_keys
GONGKAI_KEY_SOURCES = _KEYS.sources
GONGKAI_KEYS_SOURCE = _KEYS.source  # "env", "file" or "development"
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
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Security (issue 13): two-factor authentication for staff (TOTP + recovery codes).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security (issue 13): CSP (admin policy chosen by path) and Permissions-Policy headers.
    "gongkai.core.headers.ContentSecurityPolicyMiddleware",
    "gongkai.core.headers.PermissionsPolicyMiddleware",
    "gongkai.core.headers.StrictTransportSecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Security (issue 13): two-factor. OTPMiddleware marks the verified device of the session;
    # TwoFactorMiddleware sends staff who must use 2FA to enrolment or verification.
    "django_otp.middleware.OTPMiddleware",
    "gongkai.core.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gongkai.core.session_security.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
    # Security (issue 13): audit every PermissionDenied a view raises for a signed-in user.
    "gongkai.core.denials.PermissionDeniedAuditMiddleware",
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
    {"NAME": "gongkai.core.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "gongkai.core.password_validation.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "gongkai.core.password_validation.NoNamesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gongkai.core.password_validation.PasswordChangeRecorder"},
]

# Security (issue 13): login and sessions (docs/configuration.md, "Login and sessions").
# 登录失败处理 with django-axes, counted in the database so that every worker sees the same counts.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "gongkai.core.login_security.LoginAttemptHandler"
AXES_FAILURE_LIMIT = env_int("GONGKAI_LOGIN_FAILURE_LIMIT", 5, minimum=1)
GONGKAI_LOGIN_IP_FAILURE_LIMIT = env_int("GONGKAI_LOGIN_IP_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = _dt.timedelta(minutes=env_int("GONGKAI_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the unlock time shown stays true
AXES_LOCKOUT_CALLABLE = "gongkai.core.login_security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "gongkai.core.login_security.client_address"
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log (auth.login)
AXES_VERBOSE = False
# Sessions: idle timeout and absolute limit (core.session_security); without "记住我" the cookie
# ends with the browser.
GONGKAI_SESSION_IDLE_MINUTES = env_int("GONGKAI_SESSION_IDLE_MINUTES", 30, minimum=1)
GONGKAI_SESSION_MAX_HOURS = env_int("GONGKAI_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = GONGKAI_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# 定期更换口令: 0 = passwords do not expire.
GONGKAI_PASSWORD_MAX_AGE_DAYS = env_int("GONGKAI_PASSWORD_MAX_AGE_DAYS", 0, minimum=0)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env_str("GONGKAI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Browser assets from npm (ECharts for the admin workbench), served as our own static files:
# gongkai/core/staticfiles.py, NPM_ASSETS. Default: the checkout's node_modules (`npm ci`).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "gongkai.core.staticfiles.NpmAssetFinder",
]
GONGKAI_NODE_MODULES = env_str("GONGKAI_NODE_MODULES", "")
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "gongkai.core.staticfiles.ManifestStaticFilesStorage"
        if not DEBUG and env_bool("GONGKAI_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve from the finders too, so `gongkai serve` works before collectstatic in development.
WHITENOISE_USE_FINDERS = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("GONGKAI_MAX_UPLOAD_MB", 50, minimum=1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
# Security (issue 13): HTTPS. GONGKAI_SECURE_COOKIES is the older name of the cookie part only.
GONGKAI_HTTPS = env_bool("GONGKAI_HTTPS", False)
SESSION_COOKIE_SECURE = GONGKAI_HTTPS or env_bool("GONGKAI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if GONGKAI_HTTPS:
    # The proxy in front must set (overwrite, never pass through) X-Forwarded-Proto: docs/configuration.md.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("GONGKAI_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GONGKAI_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_SSL_REDIRECT = env_bool("GONGKAI_SSL_REDIRECT", False)
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Security (issue 13): Content-Security-Policy (django-csp 4) and Permissions-Policy, gongkai/core/headers.py.
# Public pages: no inline script, no inline style, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
    },
}
# The Wagtail admin (and its login and page previews) needs inline scripts and styles: a separate,
# relaxed policy for the paths under /admin/ only (docs/configuration.md, "Security headers").
GONGKAI_ADMIN_CSP = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
}
GONGKAI_PERMISSIONS_POLICY = (
    "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=()"
)

# Security (issue 13): the shared cache (abuse limits now, whole pages later). Redis when REDIS_URL
# is set, else a table in the database (created by the core migration 0005_cache_table), so every
# worker process sees the same counters on SQLite and PostgreSQL alike.
REDIS_URL = env_str("REDIS_URL", "")
CACHE_TABLE = "gongkai_cache"
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "gongkai"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE,
                          "OPTIONS": {"MAX_ENTRIES": env_int("GONGKAI_CACHE_MAX_ENTRIES", 50000, minimum=1000)}}}
# Abuse limits (gongkai/core/limits.py): per client address and per contact, per hour.
GONGKAI_LIMIT_APPLICATIONS_PER_IP_HOUR = env_int("GONGKAI_LIMIT_APPLICATIONS_PER_IP_HOUR", 10, minimum=1)
GONGKAI_LIMIT_APPLICATIONS_PER_CONTACT_HOUR = env_int("GONGKAI_LIMIT_APPLICATIONS_PER_CONTACT_HOUR", 5, minimum=1)
GONGKAI_LIMIT_STATUS_LOOKUPS_PER_IP_HOUR = env_int("GONGKAI_LIMIT_STATUS_LOOKUPS_PER_IP_HOUR", 20, minimum=1)
GONGKAI_LIMIT_STATUS_FAILURES_PER_CODE_HOUR = env_int("GONGKAI_LIMIT_STATUS_FAILURES_PER_CODE_HOUR", 5, minimum=1)
# Proxies whose X-Forwarded-For is believed (addresses or networks); empty: REMOTE_ADDR only.
GONGKAI_TRUSTED_PROXIES = env_list("GONGKAI_TRUSTED_PROXIES", [])
for _proxy in GONGKAI_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"GONGKAI_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network") from None

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
# Security audit (issue 13): the chain's HMAC key is GONGKAI_AUDIT_KEY above (gongkai.core.keys);
# how long entries are kept at least (等保2.0: at least six months; `gongkai audit prune` refuses younger).
GONGKAI_AUDIT_RETENTION_DAYS = env_int("GONGKAI_AUDIT_RETENTION_DAYS", 180, minimum=180)

# Security (issue 13): no lost or failed writes. Imports write in transactions of at most
# GONGKAI_WRITE_BATCH_ROWS rows, so no request waits long for SQLite's write lock; a background job
# whose heartbeat is older than GONGKAI_JOB_STALE_MINUTES died with its process and is failed.
GONGKAI_WRITE_BATCH_ROWS = env_int("GONGKAI_WRITE_BATCH_ROWS", 2000, minimum=100)
GONGKAI_JOB_STALE_MINUTES = env_int("GONGKAI_JOB_STALE_MINUTES", 10, minimum=1)
GONGKAI_MAX_PAYOUT_FILE_MB = env_int("GONGKAI_MAX_PAYOUT_FILE_MB", 50, minimum=1)

# Security (issue 13): two-factor authentication for staff (docs/configuration.md, "Two-factor").
# Office admins and superusers must use it; other staff when their county's site settings say so.
# GONGKAI_OTP_ENFORCE=false is a kill switch for development only.
GONGKAI_OTP_ENFORCE = env_bool("GONGKAI_OTP_ENFORCE", True)
# django-otp's exponential back-off after a wrong code: factor × 2^(failures-1) seconds per device.
OTP_TOTP_THROTTLE_FACTOR = env_int("GONGKAI_OTP_THROTTLE_FACTOR", 1, minimum=1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME  # the account's name in the authenticator app

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GONGKAI_LOG_LEVEL", "WARNING")},
}
