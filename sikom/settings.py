"""sikom settings: read from the environment only (see sikom/env.py and docs/operations.md).

Defaults are the safe production values; `make run` exports the development values.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sikom import env

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = env.string("SECRET_KEY")
# Keys for encryption at rest (sensitive fields, drafts, evidence files): comma-separated urlsafe-base64 32-byte keys.
# The first encrypts; all decrypt, so a new key is put first and the old ones stay until data is re-encrypted.
ENCRYPTION_KEYS = env.string_list("ENCRYPTION_KEYS")
EVIDENCE_ROOT = Path(env.string("EVIDENCE_ROOT", str(BASE_DIR / "var" / "evidence")))
DEBUG = env.boolean("DEBUG", False)
# A local demonstration (`make run`): allows `load_demo_data` to create logins with a published password. Separate
# from DEBUG so the demo runs as users see the product (German error pages, no technical details).
SIKOM_DEMO = env.boolean("SIKOM_DEMO", False)
ALLOWED_HOSTS = env.string_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.string("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "sikom.accounts.apps.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "template_partials",
    "csp",
    "sikom.core",
    "sikom.geo",
    "sikom.accounts",
    "sikom.reports",
    "sikom.cases",
    "sikom.offers",
    "sikom.assessments",
    "sikom.measures",
    "sikom.intake",
    "sikom.casefile",
    "sikom.netrequests",
    "sikom.situation",
    "sikom.alliance",
    "sikom.events",
    "sikom.indicators",
    "sikom.consultations",
    "sikom.councils",
    "sikom.coaching",
    "sikom.surveys",
    "sikom.programme",
    "sikom.selfcheck",
    "sikom.funding",
    "sikom.portal",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sikom.core.middleware.language_from_cookie",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "sikom.core.middleware.no_store_for_personal_pages",
]

ROOT_URLCONF = "sikom.urls"
WSGI_APPLICATION = "sikom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sikom.core.navigation.navigation",
            ],
        },
    }
]

# SQLite is the zero-set-up default; PostgreSQL is selected with DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env.string("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env.integer("DATABASE_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let several server workers write without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A second connection to the same database for audit entries that must outlive a rolled-back transaction.
DATABASES["audit"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
AUDIT_OUTSIDE_TRANSACTIONS = env.boolean("AUDIT_OUTSIDE_TRANSACTIONS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = env.string("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:my_area"
# Where accounts.reauth sends a person to confirm the password again before exports and evidence downloads.
REAUTH_URL = "casefile:reauth"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Login throttling: failed attempts per account and per client within the window lock further attempts.
LOGIN_FAILURES_PER_ACCOUNT = env.integer("LOGIN_FAILURES_PER_ACCOUNT", 5, minimum=1)
LOGIN_FAILURES_PER_CLIENT = env.integer("LOGIN_FAILURES_PER_CLIENT", 20, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env.integer("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60, minimum=60)

OTP_TOTP_ISSUER = "sikom"

# Sessions: short-lived, server-side, cookie only over HTTPS.
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_COOKIES = env.boolean("SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
if SECURE_COOKIES:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env.boolean("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# Strict CSP: everything from our own origin, no inline script or style, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "sikom" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# Evidence files (encrypted by the application, read only through it) live in the storage "evidence": the file
# system under EVIDENCE_ROOT on a single server, or an S3-compatible object store that several application servers
# share (django-storages; docs/operations.md). Everything else that stores files goes through the same alias.
EVIDENCE_STORAGE = env.choice("EVIDENCE_STORAGE", ["filesystem", "s3"], "filesystem")
if EVIDENCE_STORAGE == "s3":
    _s3_access_key = env.string("EVIDENCE_S3_ACCESS_KEY_ID", None)
    _s3_secret_key = env.string("EVIDENCE_S3_SECRET_ACCESS_KEY", None)
    if (_s3_access_key is None) != (_s3_secret_key is None):
        raise ImproperlyConfigured(
            "Set both EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY (or their _FILE variants), or "
            "neither to use the credentials of the machine's role."
        )
    _s3_endpoint = env.string("EVIDENCE_S3_ENDPOINT_URL", None)
    if _s3_endpoint is not None and not _s3_endpoint.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"EVIDENCE_S3_ENDPOINT_URL must start with https:// or http://, not {_s3_endpoint!r}."
        )
    _evidence_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.string("EVIDENCE_S3_BUCKET"),
            "endpoint_url": _s3_endpoint,
            "region_name": env.string("EVIDENCE_S3_REGION", None),
            "access_key": _s3_access_key,
            "secret_key": _s3_secret_key,
            "location": env.string("EVIDENCE_S3_PREFIX", ""),
            "addressing_style": env.choice("EVIDENCE_S3_ADDRESSING_STYLE", ["auto", "path", "virtual"], "auto"),
            "file_overwrite": False,  # evidence is never replaced; names are random anyway
            # Downloads spool to a temporary file beyond 64 KiB (ciphertext only), never a whole file in memory.
            "max_memory_size": 64 * 1024,
        },
    }
else:
    _evidence_storage = {"BACKEND": "sikom.core.storage.PrivateFileSystemStorage"}  # rooted at EVIDENCE_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": _evidence_storage,
    "staticfiles": {
        "BACKEND": env.string("STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}
WHITENOISE_MANIFEST_STRICT = False

# Background work (e-mail notices, housekeeping) runs in `manage.py db_worker`; tests run tasks immediately.
TASKS = {"default": {"BACKEND": env.string("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Rate limits per client and hour on the public forms (`core.throttle.allow` reads them by scope).
RATE_LIMITS_PER_HOUR = {
    "report_draft": env.integer("REPORT_DRAFTS_PER_HOUR", 20, minimum=1),
    "report_upload": env.integer("REPORT_UPLOADS_PER_HOUR", 60, minimum=1),
    "report_submit": env.integer("REPORT_SUBMITS_PER_HOUR", 10, minimum=1),
    "report_message": env.integer("REPORT_MESSAGES_PER_HOUR", 30, minimum=1),
    "registration": env.integer("REGISTRATIONS_PER_HOUR", 5, minimum=1),
    "password_reset": env.integer("PASSWORD_RESETS_PER_HOUR", 5, minimum=1),
    "event_registration": env.integer("EVENT_REGISTRATIONS_PER_HOUR", 10, minimum=1),
    # Questionnaires begun through a survey's open link from one address (a library or school shares one).
    "survey_open": env.integer("SURVEY_OPEN_STARTS_PER_HOUR", 30, minimum=1),
}

# Events: a public registration holds no seat until the link in its e-mail is opened, within this many hours; a seat
# offered from the waiting list is kept this many hours for the person to accept it, then goes to the next.
EVENT_CONFIRMATION_HOURS = env.integer("EVENT_CONFIRMATION_HOURS", 24, minimum=1, maximum=24 * 14)
EVENT_OFFER_HOURS = env.integer("EVENT_OFFER_HOURS", 48, minimum=1, maximum=24 * 14)
# Personal data of event registrations is deleted this many months after the session (counts are kept).
EVENT_RETENTION_MONTHS = env.integer("EVENT_RETENTION_MONTHS", 12, minimum=1, maximum=120)

# Closed cases are deleted after this many days, keeping pseudonymised statistics (retention task and command).
CASE_RETENTION_DAYS = env.integer("CASE_RETENTION_DAYS", 730, minimum=1)

# Days from a danger analysis to the suggested next reassessment, per risk level (1 low … 4 acute); the analyst may
# choose another date. No source the programme relies on prescribes these intervals: they are the operators' setting
# (docs/operations.md), shown as such on the form. At most a year, the form's horizon.
ASSESSMENT_REVIEW_DAYS = {
    level: env.integer(f"ASSESSMENT_REVIEW_DAYS_LEVEL_{level}", default, minimum=1, maximum=365)
    for level, default in {1: 180, 2: 90, 3: 30, 4: 7}.items()
}

# Offices notified of new reports until routing rules decide (casework issue).
CASE_INTAKE_ORGANISATION_TYPES = env.string_list("CASE_INTAKE_ORGANISATION_TYPES", ["zastex"])

# Uploads stream to disk in 64 KiB chunks; no file is held in memory whole, and none lies there readable: every
# upload is encrypted on arrival with a key only the request knows (core.uploads, decision 0047).
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
FILE_UPLOAD_HANDLERS = ["sikom.core.uploads.EncryptedTemporaryFileUploadHandler"]
# Uploads are spooled here, encrypted, before they go to the storage (None: the system's temporary folder).
FILE_UPLOAD_TEMP_DIR = env.string("FILE_UPLOAD_TEMP_DIR", None)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Largest document of a coaching step (PDF, ODT, DOCX, PNG, JPEG), in bytes.
COACHING_DOCUMENT_MAX_BYTES = env.integer("COACHING_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
# Result files of long jobs (`core.jobs`: letters, reports) are deleted this many days after they were made.
JOB_RESULT_DAYS = env.integer("JOB_RESULT_DAYS", 7, minimum=1, maximum=90)
# A population-register extract for a survey sample (CSV or XLSX): largest file in bytes and most rows.
SURVEY_REGISTER_MAX_BYTES = env.integer("SURVEY_REGISTER_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
SURVEY_REGISTER_MAX_ROWS = env.integer("SURVEY_REGISTER_MAX_ROWS", 200_000, minimum=10)
# The municipality's crest on the survey letters (PNG, JPEG or SVG), in bytes.
SURVEY_CREST_MAX_BYTES = env.integer("SURVEY_CREST_MAX_BYTES", 512 * 1024, minimum=1024)

EMAIL_BACKEND = env.string("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.string("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "sikom <noreply@localhost>")

# The platform never logs request bodies, IP addresses or user agents of its own accord.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "WARNING")},
}
FORM_RENDERER = "sikom.core.forms.KernFormRenderer"
FORMS_URLFIELD_ASSUME_HTTPS = True
CSRF_FAILURE_VIEW = "sikom.core.views.csrf_failure"
