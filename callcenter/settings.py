"""The one settings module, driven by the environment (see README, "Configuration")."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import warnings
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from callcenter.brokers import redis_broker_options
from callcenter.clientip import parse_proxies
from callcenter.env import (
    SECRET_MIN_LENGTH,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_str,
    secret_key_weakness,
    writable_dir,
)

# Lets admin and DRF classes be subscripted for typing at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

# "development" (make run, tests) or "production"; production demands explicit secrets.
MODE = env_choice("CALLCENTER_MODE", "development", ("development", "production"))
PRODUCTION = MODE == "production"
DEBUG = env_bool("CALLCENTER_DEBUG", default=False)

DATA_DIR = writable_dir("CALLCENTER_DATA_DIR", BASE_DIR / "var")


def _secret_key() -> str:
    configured = env_secret("SECRET_KEY")
    if PRODUCTION:
        # Refused here, not in a system check: uvicorn and Celery import the settings without
        # running the checks, and would sign sessions with a guessable key.
        weakness = secret_key_weakness(configured)
        if weakness:
            raise ImproperlyConfigured(
                f"SECRET_KEY {weakness} in production mode "
                f"(set SECRET_KEY or SECRET_KEY_FILE to {SECRET_MIN_LENGTH}+ random characters)"
            )
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "callcenter.accounts",
    "callcenter.directory",
    "callcenter.audit",
    "knowledge",
    "tickets",
    "telephony",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "callcenter.middleware.RejectNulInQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Idle and absolute session limits, and the TOTP step after the password.
    "callcenter.accounts.middleware.SessionLimitsMiddleware",
    # No-store for signed-in users, Content-Security-Policy.
    "callcenter.security.SecurityHeadersMiddleware",
    # The request as audit context for rows written by services and model signals.
    "callcenter.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "callcenter.urls"
ASGI_APPLICATION = "callcenter.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "frontend.navigation.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------


def _database() -> dict[str, Any]:
    default_url = f"sqlite:///{DATA_DIR / 'callcenter.sqlite3'}"
    url = env_str("DATABASE_URL", default_url) or default_url
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    except Exception as exc:  # the parser raises ValueError, KeyError or others
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL names no SQLite file")
        # WAL lets the ASGI server, the Celery worker and the AMI listener share the file;
        # IMMEDIATE transactions take the write lock up front instead of failing on upgrade.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # A file, not the in-memory default: tests run the AMI adapter, Celery workers and the
        # ASGI server in threads that write concurrently, as the embedded mode's processes do.
        # One file per test process, so parallel runs never share a test database.
        config["TEST"] = {
            "NAME": str(Path(tempfile.gettempdir()) / f"callcenter-test-{os.getpid()}.sqlite3")
        }
    elif engine in ("django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis"):
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL names no PostgreSQL database")
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses an unsupported engine {engine!r} (use postgresql:// or sqlite://)"
        )
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth and security ----------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"


# Proxies whose X-Forwarded-For is believed (callcenter/clientip.py); none by default.
CALLCENTER_TRUSTED_PROXIES = parse_proxies(env_list("CALLCENTER_TRUSTED_PROXIES", []))

# Lockout (callcenter/accounts/lockout.py): per account from any address, and per address
# across accounts (password spraying) with its own, higher limit.
AXES_FAILURE_LIMIT = env_int("CALLCENTER_LOGIN_FAILURE_LIMIT", 5, minimum=1)
CALLCENTER_LOGIN_IP_FAILURE_LIMIT = env_int("CALLCENTER_LOGIN_IP_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = env_int("CALLCENTER_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]  # in this order: lockout.py reads it
AXES_HANDLER = "callcenter.accounts.lockout.AccountAndAddressHandler"
AXES_CLIENT_IP_CALLABLE = "callcenter.accounts.lockout.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# API tokens (callcenter/accounts/tokens.py): default and longest lifetime, valid ones per user.
CALLCENTER_API_TOKEN_DAYS = env_int("CALLCENTER_API_TOKEN_DAYS", 90, minimum=1)
CALLCENTER_API_TOKEN_MAX_DAYS = env_int("CALLCENTER_API_TOKEN_MAX_DAYS", 365, minimum=1)
CALLCENTER_API_TOKEN_MAX_PER_USER = env_int("CALLCENTER_API_TOKEN_MAX_PER_USER", 20, minimum=1)
# Sessions (callcenter/accounts/sessions.py): idle minutes of privileged roles and of the
# others, the absolute maximum from the login, roles that must use TOTP (check E003).
CALLCENTER_SESSION_IDLE_MINUTES = env_int("CALLCENTER_SESSION_IDLE_MINUTES", 30, minimum=1)
CALLCENTER_SESSION_IDLE_MINUTES_OTHER = env_int(
    "CALLCENTER_SESSION_IDLE_MINUTES_OTHER", 120, minimum=1
)
CALLCENTER_SESSION_HOURS = env_int("CALLCENTER_SESSION_HOURS", 10, minimum=1)
CALLCENTER_REQUIRE_2FA_ROLES = env_list("CALLCENTER_REQUIRE_2FA_ROLES", [])
OTP_TOTP_ISSUER = env_str("CALLCENTER_TOTP_ISSUER", "115 Servicecenter")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = CALLCENTER_SESSION_HOURS * 3600
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("CALLCENTER_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("CALLCENTER_SSL_REDIRECT", default=False)
# A year in production (browsers then refuse plain HTTP to the host); 0 turns it off.
SECURE_HSTS_SECONDS = env_int(
    "CALLCENTER_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0, minimum=0
)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("CALLCENTER_BEHIND_TLS_PROXY") else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "callcenter" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Serving from the finders keeps `make run` free of a collectstatic step.
WHITENOISE_USE_FINDERS = True
# WhiteNoise serves files with a sync iterator; under ASGI Django warns about it on every file.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)
MEDIA_ROOT = DATA_DIR / "uploads"

# --- Channels and Redis ---------------------------------------------------------------------


def _installation() -> str:
    configured = env_str("CALLCENTER_INSTALLATION", "").strip()
    if configured:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", configured):
            raise ImproperlyConfigured(
                f"CALLCENTER_INSTALLATION={configured!r} must be 1-40 letters, digits, - or _"
            )
        return configured
    # The database is what makes an installation: processes sharing it are one installation
    # (same name), two installations never share it (different names), with no setup needed.
    database = DATABASES["default"]
    identity = "|".join(str(database.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME"))
    return "cc-" + hashlib.sha256(identity.encode()).hexdigest()[:12]


# Prefixes every Redis key and pub/sub channel: Redis pub/sub ignores the database number, so
# two installations on one Redis server would otherwise receive each other's screen pops.
CALLCENTER_INSTALLATION = _installation()


# "pubsub" (default) or "core": the list-based RedisChannelLayer, kept selectable so
# tests/benchmarks/bench_topology.py can measure both on the same arrangement.
CALLCENTER_CHANNEL_LAYER = env_choice("CALLCENTER_CHANNEL_LAYER", "pubsub", ("pubsub", "core"))


def redis_channel_layer(url: str, *, installation: str, kind: str = "pubsub") -> dict[str, Any]:
    """The channel layer of ``installation`` on the Redis server at ``url``."""
    if kind == "core":
        # channels_redis' default capacity: a channel over it loses group messages, logged
        # only at INFO by channels_redis ("over capacity").
        return {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [url], "prefix": f"{installation}.", "capacity": 100},
        }
    # Pub/sub: one subscription per process and one PUBLISH per group send, which carries the
    # fan-out of screen pops and inbox updates to hundreds of websockets better than the list-
    # based core layer (that one timed out with 200 agents connected). The prefix starts every
    # channel and group name (`<prefix>specific.…`, `<prefix>__group__…`).
    return {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [url], "prefix": f"{installation}."},
    }


REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://"
        )
    CHANNEL_LAYERS = {
        "default": redis_channel_layer(
            REDIS_URL, installation=CALLCENTER_INSTALLATION, kind=CALLCENTER_CHANNEL_LAYER
        )
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery ---------------------------------------------------------------------------------

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = DATA_DIR / "celery" / "queue"
    _processed_dir = DATA_DIR / "celery" / "processed"
    # Exchange bindings; kombu's default is "control" in the working directory.
    _control_dir = DATA_DIR / "celery" / "control"
    for _dir in (_queue_dir, _processed_dir, _control_dir):
        _dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://", "redis+socket://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = redis_broker_options(
        installation=CALLCENTER_INSTALLATION,
        visibility_s=env_int("CELERY_VISIBILITY_TIMEOUT_S", 900, minimum=1),
    )
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env_bool("CALLCENTER_CELERY_EAGER", default=False)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "purge-access-logs": {
        "task": "callcenter.accounts.tasks.purge_access_logs",
        "schedule": 6 * 3600,
    },
    "purge-expired-api-tokens": {
        "task": "callcenter.accounts.tasks.purge_expired_api_tokens",
        "schedule": 6 * 3600,
    },
}

# --- Telephony (Asterisk Manager Interface) ------------------------------------------------

AMI_HOST = env_str("AMI_HOST", "")
AMI_PORT = env_int("AMI_PORT", 5038, minimum=1, maximum=65535)
AMI_USERNAME = env_str("AMI_USERNAME", "callcenter")
AMI_SECRET = env_secret("AMI_SECRET") or ""
# Identifies the Asterisk in call keys; two Asterisks must never share it.
AMI_SYSTEM_ID = env_str("AMI_SYSTEM_ID", "") or f"{AMI_HOST or '127.0.0.1'}:{AMI_PORT}"
# Memory bounds of the AMI reader, in bytes: one message, the event backlog waiting for
# the consumer, one list answer (QueueStatus, CoreShowChannels).
AMI_MAX_MESSAGE_BYTES = env_int("AMI_MAX_MESSAGE_BYTES", 64 * 1024, minimum=4096)
AMI_MAX_BACKLOG_BYTES = env_int("AMI_MAX_BACKLOG_BYTES", 32 * 1024 * 1024, minimum=65536)
AMI_MAX_LIST_BYTES = env_int("AMI_MAX_LIST_BYTES", 16 * 1024 * 1024, minimum=65536)
# Pause/callback wait this long for the AMI listener to take them (then withdrawn, never sent
# late) and for the ACD's answer (telephony/acd_commands.py).
AMI_COMMAND_TAKE_SECONDS = env_int("AMI_COMMAND_TAKE_SECONDS", 3, minimum=1, maximum=60)
AMI_COMMAND_ANSWER_SECONDS = env_int("AMI_COMMAND_ANSWER_SECONDS", 12, minimum=1, maximum=120)
# Callbacks: the dialplan context the citizen's number is dialled in, and what they see.
AMI_CALLBACK_CONTEXT = env_str("AMI_CALLBACK_CONTEXT", "from-internal")
AMI_CALLBACK_CALLER_ID = env_str("AMI_CALLBACK_CALLER_ID", '"115 Servicecenter" <115>')
# Callbacks dial only numbers that match an allowed prefix and no denied one (deny wins;
# 110/112 are refused whatever is set here): telephony/dial_policy.py. Prefixes in E.164
# ("+4930") or bare digits for short numbers. Allowed by default: German landlines (area codes
# 02-09) and mobiles (015x-017x), so foreign and satellite numbers are refused.
CALLCENTER_CALLBACK_ALLOW = env_list(
    "CALLCENTER_CALLBACK_ALLOW",
    ["+492", "+493", "+494", "+495", "+496", "+497", "+498", "+499", "+4915", "+4916", "+4917"],
)
# Inside or near those ranges, numbers that are no citizen's line or that cost money: 0700
# personal (forwarded anywhere, any price), 0800 free phone (hotlines), 0900 premium rate,
# 0110/0112 emergency, 0116xxx harmonised services, 0118xx directory enquiries, 012 innovative
# services, 0137/0138 mass calls, 0180 shared cost, 019x premium/online services. Listed even
# where the default allow list misses them, so that a wider allow list ("+49") keeps them out.
CALLCENTER_CALLBACK_DENY = env_list(
    "CALLCENTER_CALLBACK_DENY",
    [
        "+49700",
        "+49800",
        "+49900",
        "+49110",
        "+49112",
        "+49116",
        "+49118",
        "+4912",
        "+49137",
        "+49138",
        "+49180",
        "+4919",
    ],
)
# At most this many callbacks per agent in the window (counted in the tickets' timelines, so
# the limit holds across web processes).
CALLCENTER_CALLBACK_RATE_LIMIT = env_int("CALLCENTER_CALLBACK_RATE_LIMIT", 10, minimum=1)
CALLCENTER_CALLBACK_RATE_WINDOW_MINUTES = env_int(
    "CALLCENTER_CALLBACK_RATE_WINDOW_MINUTES", 10, minimum=1
)
# Set by `make run` in the embedded mode: the web process runs the adapter itself, because
# without Redis only that process can reach the browsers' websockets.
CALLCENTER_AMI_IN_PROCESS = env_bool("CALLCENTER_AMI_IN_PROCESS", default=False)

# --- REST API -------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "callcenter.api.authentication.ApiTokenAuthentication",  # hashed, expiring
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        # JSON only (nesting limited): a form cannot carry nested objects, lists and nulls.
        # Views that take forms name their parsers (CTI webhook, token exchange, CSV upload).
        "callcenter.api.parsers.JSONParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "callcenter.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "callcenter.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "callcenter.api.schema.ApiAutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": "20/min"},
    "NUM_PROXIES": 0,  # our throttles identify clients by callcenter/clientip.py
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "115 Callcenter API",
    "DESCRIPTION": "Tickets, knowledge base and telephony of a 115 service centre.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["callcenter.api.docs.ApiDocsAccess"],
}
# The schema maps every endpoint and field: only for signed-in users in production.
CALLCENTER_API_DOCS_LOGIN = env_bool("CALLCENTER_API_DOCS_LOGIN", default=PRODUCTION)

# --- Ticket attachments --------------------------------------------------------------------

# Files sent with a response (form PDFs): under the data dir, by random names; the type is
# decided by the file's content (magic bytes), the name's extension must agree with it.
CALLCENTER_ATTACHMENT_DIR = Path(
    env_str("CALLCENTER_ATTACHMENT_DIR", "") or DATA_DIR / "attachments"
)
CALLCENTER_ATTACHMENT_MAX_BYTES = env_int(
    "CALLCENTER_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024, maximum=100 * 1024 * 1024
)
CALLCENTER_ATTACHMENT_MAX_COUNT = env_int("CALLCENTER_ATTACHMENT_MAX_COUNT", 5, minimum=1)
CALLCENTER_ATTACHMENT_TYPES = env_list(
    "CALLCENTER_ATTACHMENT_TYPES", ["application/pdf", "image/png", "image/jpeg"]
)
# Django reads uploads above this into a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- E-mail ---------------------------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "CALLCENTER_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if not PRODUCTION
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "outbox"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "115-servicecenter@localhost")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)  # per SMTP socket operation
# An e-mail attempt's claim (``tickets.outbox``); longer than the longest SMTP exchange.
CALLCENTER_EMAIL_CLAIM_S = env_int("CALLCENTER_EMAIL_CLAIM_S", 300, minimum=1)

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"client_error_one_line": {"()": "callcenter.logfilters.ClientErrorOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("CALLCENTER_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # A 403 or 404 is one line, not a traceback (see callcenter/logfilters.py).
        "django.request": {"filters": ["client_error_one_line"]},
        "django.security": {"filters": ["client_error_one_line"]},
    },
}

# --- The 115 centre -------------------------------------------------------------------------

# The Whoosh index: derived data, rebuilt with `manage.py rebuild_search_index`. Shared storage
# when several processes search (readers pick up new generations by themselves).
CALLCENTER_SEARCH_DIR = Path(env_str("CALLCENTER_SEARCH_DIR", "") or DATA_DIR / "search")
CALLCENTER_HOLIDAY_REGION = env_str("CALLCENTER_HOLIDAY_REGION", "NW")
# Login records (with IP addresses) are deleted after this many days.
CALLCENTER_ACCESS_LOG_RETENTION_DAYS = env_int(
    "CALLCENTER_ACCESS_LOG_RETENTION_DAYS", 30, minimum=1
)
# The audit log (who read callers' data, exported, logged in, changed access or master data)
# names staff and IP addresses: rows are deleted after this many days.
CALLCENTER_AUDIT_RETENTION_DAYS = env_int("CALLCENTER_AUDIT_RETENTION_DAYS", 365, minimum=1)
CELERY_BEAT_SCHEDULE["audit-purge"] = {
    "task": "callcenter.audit.tasks.purge_audit_log",
    "schedule": 6 * 3600,
}
CALLCENTER_REQUIRE_SERVICES = env_bool("CALLCENTER_REQUIRE_SERVICES", default=False)
# Knowledge base: publishing needs a second person's approval (four-eyes principle).
CALLCENTER_KB_FOUR_EYES = env_bool("CALLCENTER_KB_FOUR_EYES", default=True)
# Days from publication until a service is due for editorial review again.
CALLCENTER_KB_REVIEW_INTERVAL_DAYS = env_int("CALLCENTER_KB_REVIEW_INTERVAL_DAYS", 365, minimum=1)
# Weekly mail to knowledge editors listing services whose review date has passed.
CELERY_BEAT_SCHEDULE["knowledge-review-due-reminder"] = {
    "task": "knowledge.tasks.mail_review_due_services",
    "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
}

# --- Tickets --------------------------------------------------------------------------------

# Service hours (on the department's business-hours calendar) until the citizen's response is due.
CALLCENTER_TICKET_RESPONSE_HOURS = env_int("CALLCENTER_TICKET_RESPONSE_HOURS", 24, minimum=1)
# Share of the service time after which the department gets a reminder.
CALLCENTER_TICKET_REMINDER_PERCENT = env_int(
    "CALLCENTER_TICKET_REMINDER_PERCENT", 75, minimum=1, maximum=99
)
# Days after closing during which a ticket may be reopened.
CALLCENTER_TICKET_REOPEN_DAYS = env_int("CALLCENTER_TICKET_REOPEN_DAYS", 14, minimum=0)
# Caller contact data of closed tickets, and callers' numbers and names of calls, are
# anonymised after this many days (DSGVO).
CALLCENTER_CALLER_DATA_RETENTION_DAYS = env_int(
    "CALLCENTER_CALLER_DATA_RETENTION_DAYS", 180, minimum=1
)
CELERY_BEAT_SCHEDULE["tickets-deadline-notifications"] = {
    "task": "tickets.tasks.notify_deadlines",
    "schedule": 300,
}
CELERY_BEAT_SCHEDULE["tickets-anonymise-caller-data"] = {
    "task": "tickets.tasks.anonymise_caller_data",
    "schedule": 6 * 3600,
}
CELERY_BEAT_SCHEDULE["telephony-anonymise-call-data"] = {
    "task": "telephony.tasks.anonymise_call_data",
    "schedule": 6 * 3600,
}

# --- Reports and KPIs (telephony/kpis/) ------------------------------------------------------

# Service level: answered within this many seconds of joining the queue ("75/30").
CALLCENTER_SL_THRESHOLD_SECONDS = env_int("CALLCENTER_SL_THRESHOLD_SECONDS", 30, minimum=1)
# Callers who hang up sooner than this are "short abandons" (misdials, changed minds).
CALLCENTER_SHORT_ABANDON_SECONDS = env_int("CALLCENTER_SHORT_ABANDON_SECONDS", 5, minimum=0)
# False (default): short abandons leave the denominators of service level, answer and
# abandonment rate. True: they stay in (offered calls as they are).
CALLCENTER_SHORT_ABANDONS_IN_DENOMINATOR = env_bool(
    "CALLCENTER_SHORT_ABANDONS_IN_DENOMINATOR", default=False
)
# Figures per named agent need an agreement with the staff council: off by default (team and
# queue figures only, agents on the wallboard without names; everyone still sees their own).
CALLCENTER_REPORTS_PER_AGENT = env_bool("CALLCENTER_REPORTS_PER_AGENT", default=False)
# Targets the wallboard and reports compare against (percent; seconds for the ASA).
CALLCENTER_TARGET_SERVICE_LEVEL_PERCENT = env_int(
    "CALLCENTER_TARGET_SERVICE_LEVEL_PERCENT", 75, minimum=0, maximum=100
)
CALLCENTER_TARGET_FIRST_CONTACT_PERCENT = env_int(
    "CALLCENTER_TARGET_FIRST_CONTACT_PERCENT", 65, minimum=0, maximum=100
)
CALLCENTER_TARGET_ABANDONMENT_PERCENT = env_int(
    "CALLCENTER_TARGET_ABANDONMENT_PERCENT", 10, minimum=0, maximum=100
)
CALLCENTER_TARGET_ASA_SECONDS = env_int("CALLCENTER_TARGET_ASA_SECONDS", 30, minimum=0)
CALLCENTER_TARGET_ON_TIME_PERCENT = env_int(
    "CALLCENTER_TARGET_ON_TIME_PERCENT", 90, minimum=0, maximum=100
)
