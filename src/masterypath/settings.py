"""Django settings, read from environment variables only.

Every setting has a safe default for the local demo; docs/configuration.md lists them all.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


DEBUG = _env_bool("DEBUG", default=False)

DATA_DIR = Path(os.environ.get("MASTERYPATH_DATA_DIR") or Path.cwd() / "var").resolve()

# The demo (MASTERYPATH_DEMO=1, set by `make demo`) and DEBUG runs may use a fixed key; a real
# deployment must bring its own so that sessions and password resets cannot be forged.
DEMO = _env_bool("MASTERYPATH_DEMO", default=False)
_DEMO_SECRET = "insecure-demo-key-set-SECRET_KEY-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or DEMO):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: export SECRET_KEY=<50 random characters>, "
            "or MASTERYPATH_DEMO=1 to run the demo with a fixed, public key."
        )
    SECRET_KEY = _DEMO_SECRET
elif len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY is too short: use at least 32 random characters.")

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if host.strip()
]

_database_url = os.environ.get("DATABASE_URL", "")
if _database_url:
    try:
        _database = dj_database_url.parse(_database_url, conn_max_age=60)
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL ({error}); expected e.g. "
            "postgres://user:password@host:5432/name or sqlite:////path/to/file.sqlite3"
        ) from error
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "masterypath.sqlite3"),
    }
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue while one writer commits; the busy timeout waits for the lock.
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    # First, so that its templates (admin/base_site.html, 404.html) override Django's.
    "masterypath.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "masterypath.common",
    "masterypath.accounts",
    "masterypath.schools",
    "masterypath.continuum",
    "masterypath.roster",
    "masterypath.evidence",
    "masterypath.mastery",
    "masterypath.groups",
    "masterypath.earlywarning",
    "masterypath.interventions",
    "masterypath.plans",
    "masterypath.resources",
    "masterypath.jobs",
    "masterypath.interop.case",
    "masterypath.interop.oneroster",
    "masterypath.interop.xapi",
    "masterypath.reports",
    "masterypath.demo",
    "django_tasks",
    # Always installed, whichever backend runs the tasks, so that switching needs no migration.
    "django_tasks_db",
]

# Background work (imports, recomputes, reports) runs on Django's task framework; the jobs app
# keeps what a user watches (progress, errors, result). MASTERYPATH_TASKS picks the backend:
# `database` (default): tasks wait in this database for `masterypath worker`;
# `rq`: tasks wait in Redis (REDIS_URL) for `masterypath worker` on any machine;
# `immediate`: each task runs at once in the process that starts it (tests, one-off scripts).
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = os.environ.get("MASTERYPATH_TASKS", "") or "database"
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"MASTERYPATH_TASKS must be one of {', '.join(TASKS_BACKENDS)}; got {TASKS_BACKEND!r}."
    )
# Deployments that share one Redis give each its own queue.
TASKS_QUEUE = os.environ.get("MASTERYPATH_TASKS_QUEUE", "") or "default"
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND], "QUEUES": [TASKS_QUEUE]}}
REDIS_URL = os.environ.get("REDIS_URL", "") or "redis://127.0.0.1:6379/0"
# RQ stops a job after DEFAULT_TIMEOUT seconds; its own default (3 minutes) is too short for a
# district's import. The jobs table keeps each outcome, so RQ's short result TTL is fine.
# django-tasks-rq reads results through the connection of the queue named "default", so that
# name is always configured (the same Redis); workers take tasks from TASKS_QUEUE only.
RQ_QUEUES = {
    name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 3600} for name in {"default", TASKS_QUEUE}
}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "masterypath.web.audit_middleware.ReadAuditMiddleware",
    "masterypath.web.language.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "masterypath.web.middleware.BadInputMiddleware",
]

ROOT_URLCONF = "masterypath.urls"
WSGI_APPLICATION = "masterypath.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = "America/New_York"
# Early warning alerts also go out as an email digest (through EMAIL_BACKEND) when set.
MASTERYPATH_ALERT_EMAILS = _env_bool("MASTERYPATH_ALERT_EMAILS", default=False)
USE_I18N = True
# Message catalogues: .po files are kept in git, .mo files are compiled by `make` (msgfmt).
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG and _env_bool("MASTERYPATH_HTTPS", default=False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


# -- Security ------------------------------------------------------------------------------
def _env_int(name: str, *, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


# Days a teacher still sees a student after the student's (or the teacher's) enrollment in
# their section ends: time to finish grades, not forever (roster/access.py).
TEACHER_GRACE_DAYS = _env_int("MASTERYPATH_TEACHER_GRACE_DAYS", default=30)

# Sign-in throttling (django-axes, accounts/lockout.py): an account is locked after this many
# failed sign-ins in a row, an address (a school's shared one too) after the second number,
# each for the cool-off time; an administrator can unlock an account at once.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes asks
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURES_PER_ACCOUNT = _env_int(
    "MASTERYPATH_LOGIN_FAILURES_PER_ACCOUNT", default=5, minimum=1
)
LOGIN_FAILURES_PER_ADDRESS = _env_int(
    "MASTERYPATH_LOGIN_FAILURES_PER_ADDRESS", default=50, minimum=1
)
AXES_FAILURE_LIMIT = "masterypath.accounts.lockout.failure_limit"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(
    minutes=_env_int("MASTERYPATH_LOGIN_LOCKOUT_MINUTES", default=15, minimum=1)
)
# Not True: a success from one address would wipe the failures of every account tried from it.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "masterypath.web.lockout_page.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind a proxy, the address is the proxy's unless it passes the client's on (X-Forwarded-For);
# set the number of proxies in front of the server.
AXES_IPWARE_PROXY_COUNT = _env_int("MASTERYPATH_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Password reset by email: the console (the server's log) unless an SMTP host is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = _env_int("EMAIL_PORT", default=587, minimum=1)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "") or "masterypath@localhost"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2  # a reset link works for two hours

# Sessions: signed out after this long in all, or after this long without a request.
SESSION_COOKIE_AGE = 60 * 60 * _env_int("MASTERYPATH_SESSION_HOURS", default=8, minimum=1)
SESSION_IDLE_SECONDS = 60 * _env_int("MASTERYPATH_SESSION_IDLE_MINUTES", default=60, minimum=1)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "masterypath.web.session_idle.IdleTimeoutMiddleware",
)

# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts and images
# from this site only (the charts draw SVG from static charts.js without eval), no plugins,
# no framing, forms post here only.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
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
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# HTTP Strict Transport Security, sent over HTTPS only (MASTERYPATH_HTTPS=1). Start small
# (300 seconds), then a year (31536000) once HTTPS works for every host of the domain.
SECURE_HSTS_SECONDS = _env_int("MASTERYPATH_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("MASTERYPATH_HSTS_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = _env_bool("MASTERYPATH_HSTS_PRELOAD", default=False)
if _env_bool("MASTERYPATH_HTTPS", default=False):
    # A TLS proxy in front says the request came over HTTPS; trust it only then.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# OneRoster zip uploads: at most this many entries, and the bundle's files at most this many
# megabytes uncompressed in all (interop/oneroster/reader.py); other entries are never read.
ONEROSTER_ZIP_MAX_ENTRIES = _env_int("MASTERYPATH_ONEROSTER_MAX_ENTRIES", default=1000, minimum=1)
ONEROSTER_ZIP_MAX_BYTES = (
    1024 * 1024 * _env_int("MASTERYPATH_ONEROSTER_MAX_MB", default=1024, minimum=1)
)
