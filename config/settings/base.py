"""Settings shared by every environment. Everything that differs comes from the environment."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, SELF
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "core",
    "accounts",
    "matching",
    "notifications",
    "schoolimports",
    "cms",
    "reporting",
    "proposals",
    "demo",
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
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
    "rest_framework",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_celery_beat",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.second_factor_middleware.VerifiedDeviceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionGuardMiddleware",
    "accounts.second_factor_middleware.SecondFactorMiddleware",
    "accounts.middleware.AdminRoleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server, worker and beat share one SQLite file. Write transactions take
    # the lock when they begin (no deadlocked upgrade that fails at once with "database is
    # locked"), wait up to 20 s for it, and WAL lets readers go on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.AccountsBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
LOGIN_REDIRECT_URL = "wagtailadmin_home"

# Guardian: no anonymous user row; membership lives in direct-FK permission tables.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl-be", "Nederlands"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = [("nl-be", "Nederlands")]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "Stagematching gezinszorg"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No gravatar: it would send a hash of every login's e-mail address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# Sessions: idle timeout refreshed by activity (at most once a minute, see
# accounts.middleware.SessionGuardMiddleware), absolute age enforced by the same middleware.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ABSOLUTE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 60 * 60
INVITATION_VALID_DAYS = 7

# django-axes: lock out per login + IP.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A correct password alone no longer clears the failures: for a login that needs a second
# factor they are cleared only once its code is right (accounts.second_factor), so wrong
# codes count toward the same lockout as wrong passwords.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"

# Second factor (django-otp): these roles must pass a TOTP code or a recovery code after
# their password before anything of the admin opens. Regional coordinators see no
# personal data; one who enrols anyway (opt-in) is held to it from then on.
SECOND_FACTOR_ROLES = env_list("SECOND_FACTOR_ROLES", "operator,editor,service,school")
OTP_TOTP_ISSUER = "Stagematching"
RECOVERY_CODE_COUNT = 10
# A login that never set up its app (or was reset) enrols only through a link mailed to
# its address, or within activation (accounts.enrolment); the link is valid this long.
SECOND_FACTOR_ENROL_LINK_HOURS = int(os.environ.get("SECOND_FACTOR_ENROL_LINK_HOURS", "48"))
# Passkeys (django-otp-webauthn) as another second factor beside the app, never instead of
# the password. The relying party (the domain a passkey is bound to) and the origins the
# browser may report come from SITE_URL or their own variables, never from the request's
# Host header. WebAuthn needs a secure context: https, or http://localhost.
OTP_WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID") or urlsplit(SITE_URL).hostname
OTP_WEBAUTHN_RP_NAME = "Stagematching gezinszorg"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "WEBAUTHN_ORIGINS", "{0.scheme}://{0.netloc}".format(urlsplit(SITE_URL))
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_TIMEOUT_SECONDS = 120
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "accounts.forms.PasswordResetForm"
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.LoginForm"

# Content-Security-Policy (django-csp 4). Wagtail's admin needs inline styles; scripts only
# from this origin or with the nonce; everything else is same-origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # No 'unsafe-inline' for scripts (issue 14): an inline script needs the request's
        # nonce ({{ request.csp_nonce }}); Wagtail's inline widget scripts are replaced by
        # data attributes (accounts/templates/wagtailadmin/widgets/, static/js/admin-csp.js).
        "script-src": [SELF, NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": [
            "'self'",
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
AXES_VERBOSE = False

# Mail.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Stagematching <info@stagematching.org>")
# The helpdesk's contact when the public site's helpdesk setting cannot be read (a 500 page
# with the database down) or is empty.
HELPDESK_EMAIL = os.environ.get("HELPDESK_EMAIL", "info@stagematching.org")
HELPDESK_PHONE = os.environ.get("HELPDESK_PHONE", "")

# Celery. Without REDIS_URL the broker is embedded (kombu's filesystem transport), so the
# demo's worker and beat really run with no server installed.
REDIS_URL = os.environ.get("REDIS_URL", "")
BROKER_TIMEOUT = float(os.environ.get("BROKER_TIMEOUT", "0.25"))
WORKER_BROKER_TIMEOUT = float(os.environ.get("WORKER_BROKER_TIMEOUT", "5"))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the longest task, so a task acked late is not redelivered while running.
        "visibility_timeout": 60 * 60,
        # Publishing is bounded whatever the broker does: a refused or unreachable Redis
        # fails the connect within socket_connect_timeout, a frozen one (port open, no
        # answer) the command within socket_timeout, and max_retries=0 stops kombu's
        # reconnect loop (about 6 s otherwise). A request that queued mail loses at most
        # BROKER_TIMEOUT (0.25 s); the row waits for the outbox sweep. Worker processes
        # use WORKER_BROKER_TIMEOUT instead (config/celery_app.py) and reconnect by their
        # own loop (broker_connection_max_retries), not by this option.
        "socket_connect_timeout": BROKER_TIMEOUT,
        "socket_timeout": BROKER_TIMEOUT,
        "max_retries": 0,
    }
else:
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        # kombu's default is ./control, i.e. wherever the process was started.
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Bulk imports have their own queue, so one never waits behind a mailing on the default
# queue ("celery"). A worker started without -Q consumes both queues; docker-compose and the
# demo run one worker per queue (-Q celery / -Q imports), see README "Celery".
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("imports"))
CELERY_TASK_ROUTES = {"matching.tasks.school_import_run": {"queue": "imports"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Never log request bodies or querystrings that could carry personal data.
        "django.request": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
        # Wagtail's search/reference index tasks log every run at INFO.
        "django_tasks": {"level": "WARNING"},
    },
}

REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"]}

# Upload limits (bulk import).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 10_000  # rows under the kolomkoppen, empty rows included
IMPORT_MAX_COLUMNS = 50  # columns of a sheet or CSV row, empty ones included (XLSX)
IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # the XML parts of an XLSX, as declared in the zip
# An upload up to this size is read in the request (and, up to IMPORT_SYNC_MAX_ROWS rows,
# imported there); a larger one is read by the worker, on the `imports` queue.
IMPORT_SYNC_MAX_BYTES = 128 * 1024
IMPORT_SYNC_MAX_ROWS = 500

MESSAGE_TAGS = {}
_ = _
