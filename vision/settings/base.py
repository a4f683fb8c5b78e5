"""Settings shared by every environment, read from the process environment.

Each variable is documented in README.md ("Configuration").
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's .env (never committed) may hold local overrides.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",  # django-csp's system checks (its 3.x settings left behind would be reported)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "rules",
    # Status workflows (partners/workflow.py) and their admin buttons.
    "django_fsm",
    "crispy_bootstrap5",
    "django_countries",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "vision.apps.VisionConfig",  # the project's own system checks (vision/checks.py)
    "partners",
    "funding",
    "mobility",
    "ecvet",
    "documents",
    "training_events",
    "dissemination",
    "reporting",
    "placements",
    "selection",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that renders: a template reads request.csp_nonce, and the header is written on the way out.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partners.middleware.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "partners.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "vision.urls"
WSGI_APPLICATION = "vision.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partners.context_processors.navigation",
                "mobility.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# The embedded default is a SQLite file under var/; production and CI point
# DATABASE_URL at PostgreSQL (psycopg 3).
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'vision.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: a 50-row list page runs ~2.4x faster than with
    # a new connection per request (measured on a 2-core machine).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the portal's queries are short, and PostgreSQL's JIT spent ~95 ms compiling each
    # aggregate of a 25,000-mobility budget that then ran in ~90 ms (issue 15; docs/performance.md).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (options.get("options", "") + " -c jit=off").strip()
else:
    # The scope indexes include non-key columns (mobility.models: index-only scans on PostgreSQL); SQLite, the
    # demo's database, builds them without those columns, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Content Security Policy (django-csp) -----------------------------------------------
# No inline script or style: pages load their code and styles from static/. The few third-party pages that
# need inline code (the API documentation) mark it with the request's nonce, which is added to the header only
# on the responses that used it. `data:` is allowed for images alone (QR codes, Bootstrap's icons).
# Enforced here, in production and in the tests (the browser tests fail on any violation); report-only in
# local development (vision/settings/local.py). See docs/decisions.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
CONTENT_SECURITY_POLICY_REPORT_ONLY = None

# --- Cache and sessions ---------------------------------------------------------
# The database cache, not Redis: allauth keeps login rate-limit counters and
# TOTP replay markers in the cache, and they must survive a Redis outage and be
# shared between worker processes.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "vision_cache",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "partners.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # 5 wrong passwords for one account in 5 minutes lock that account out
    # (the form says so); 20 per minute from one address answer 429.
    "login_failed": "20/m/ip,5/300s/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    # The public application form of a call (selection.views.public.apply): a school's computer room shares
    # one address, so a class may apply from it within the hour.
    "selection_apply": "30/h/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[VISION] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "VISION portal"
# Roles that must have TOTP before they can use the portal ("admin" means a
# superuser or staff account). Production lists them; local/demo may leave it
# empty. See partners.access.must_set_up_mfa: the portal's pages, the API's tokens and their creation ask it.
VISION_MFA_REQUIRED_ROLES = env.list("VISION_MFA_REQUIRED_ROLES", default=[])
# A signed-in session left unused this long is signed out (partners.middleware.IdleSessionMiddleware): 8 hours,
# a working day, for everyone; 1 hour for superusers and staff accounts (the admin site). 0 means no limit.
VISION_SESSION_IDLE_SECONDS = env.int("VISION_SESSION_IDLE_SECONDS", default=8 * 60 * 60)
VISION_ADMIN_SESSION_IDLE_SECONDS = env.int("VISION_ADMIN_SESSION_IDLE_SECONDS", default=60 * 60)

# Largest evidence file (MB) a checklist item accepts.
VISION_MAX_UPLOAD_MB = env.int("VISION_MAX_UPLOAD_MB", default=10)

# How long an invitation link stays valid.
VISION_INVITATION_DAYS = env.int("VISION_INVITATION_DAYS", default=14)
# Where the portal is reached from outside: links in e-mails sent without a request, and (PDF issue) the
# verification URL in the QR codes of sealed documents.
# Figures of a partnership (dashboards, budgets, learner-report results) are kept this long, and dropped when the
# portal's data changes (partners/figures.py); 0 turns the cache off.
VISION_FIGURES_CACHE_SECONDS = env.int("VISION_FIGURES_CACHE_SECONDS", default=60)
VISION_BASE_URL = env("VISION_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Sealed PDFs (documents app): the seal's key and certificate (PKCS#12), an optional RFC 3161 timestamp
# server, extra trust roots (PEM) for a CA-issued certificate, and limits for one render.
VISION_SIGNING_P12 = Path(env("VISION_SIGNING_P12", default=str(BASE_DIR / "var" / "signing" / "vision-seal.p12")))
VISION_SIGNING_PASSWORD = env("VISION_SIGNING_PASSWORD", default="vision-development-only")
VISION_TIMESTAMP_URL = env("VISION_TIMESTAMP_URL", default="")
VISION_TIMESTAMP_TIMEOUT = env.int("VISION_TIMESTAMP_TIMEOUT", default=10)
VISION_SIGNING_TRUST_ROOTS = env.list("VISION_SIGNING_TRUST_ROOTS", default=[])
# Seal a PDF automatically when a document becomes fully approved.
VISION_PDF_ON_APPROVAL = env.bool("VISION_PDF_ON_APPROVAL", default=True)
VISION_PDF_MAX_BYTES = env.int("VISION_PDF_MAX_BYTES", default=20 * 1024 * 1024)
VISION_PDF_RENDER_SECONDS = env.int("VISION_PDF_RENDER_SECONDS", default=60)
# A render holds its row this long and renews it every third of it (documents.services.Heartbeat).
VISION_PDF_LEASE_SECONDS = env.int("VISION_PDF_LEASE_SECONDS", default=30)

# --- Email ----------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="VISION portal <noreply@vision.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("lt", _("Lithuanian")),
    ("it", _("Italian")),
    ("nl", _("Dutch")),
    ("fi", _("Finnish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
FORMAT_MODULE_PATH = ["vision.formats"]
USE_TZ = True

# --- Static and media files -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour: "example.org" means https://example.org
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery -------------------------------------------------------------------
# With no broker configured, tasks run in-process as they are enqueued.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Celery 5.7: a task whose worker process died is sent again like a retry (max_retries applies).
CELERY_TASK_RETRY_ON_WORKER_LOST = True
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Must stay above the hard time limit, or a long task is delivered twice.
# A page that enqueues must answer at once when Redis is down (the relay sends the job later).
# An unacknowledged message (acks_late) goes back to the queue after the visibility timeout: it must exceed the
# longest a task may hold one — a render's hard limit plus its longest retry wait (tests/test_task_limits.py) —
# and no more than needed, so that a job of a worker killed outright is delivered again within minutes.
VISION_BROKER_VISIBILITY_SECONDS = env.int("VISION_BROKER_VISIBILITY_SECONDS", default=600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": VISION_BROKER_VISIBILITY_SECONDS,
    "socket_connect_timeout": 1,
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BEAT_SCHEDULE = {
    "relay-queued-pdfs": {"task": "documents.tasks.relay_queued", "schedule": 15.0},
    # The "what waits for you" e-mail, every morning at 06:00 in CELERY_TIMEZONE (Europe/Brussels).
    "daily-digest": {"task": "partners.tasks.send_daily_digests", "schedule": crontab(hour=6, minute=0)},
    # Unsuccessful applications past their call's retention period are erased, every night at 03:30.
    "erase-expired-applications": {
        "task": "selection.panel_tasks.erase_expired_applications",
        "schedule": crontab(hour=3, minute=30),
    },
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 403 or 404 is one WARNING line (method, path, status, user id), not a traceback; 5xx keep theirs.
    "filters": {"one_line_client_errors": {"()": "vision.log_filters.OneLineClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every render and fontTools every font subset at INFO; pyHanko logs each rejected
    # tampered file it validates with a traceback (the verification page reports it instead).
    "loggers": {
        "django.request": {"filters": ["one_line_client_errors"]},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pyhanko": {"level": "CRITICAL"},
    },
}

# --- REST API (api app) ---------------------------------------------------------
# Personal tokens (django-rest-knox: stored hashed, expiring, several per user, one per connected
# system) or the browser session; every endpoint answers with the caller's visible_to scope.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # knox's, refusing the tokens of a user who must set up two-factor authentication first.
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable pages carry inline styles the Content Security Policy refuses; Swagger UI at
    # /api/docs/ is the API's page for people (docs/decisions.md, "Content Security Policy").
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("VISION_API_RATE", default="5000/hour")},
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("VISION_API_TOKEN_DAYS", default=365)),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 10,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "VISION portal API",
    "DESCRIPTION": "Read the network's organisations, partnerships, learners, mobilities, documents and "
    "training events; create learners and planned mobilities. Every answer is limited to what the "
    "token's user may see in the portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No deep links: Swagger UI puts each one, a link, inside the button that opens its operation (a control in a
    # control, which keyboards and screen readers cannot tell apart: axe's nested-interactive; issue 16).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
