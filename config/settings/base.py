"""Settings shared by every environment; each value may come from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DATA_DIR = Path(env("DJANGO_DATA_DIR", default=str(BASE_DIR / "data")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)

INSTALLED_APPS = [
    "core",
    "ip_registry",
    "accounts",
    "marketplace",
    "contracts",
    "plan",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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
    "django_tasks",
    "django_tasks_db",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Swagger UI for /api/v1/docs from django-ninja's own static files, not a CDN (CSP).
    "ninja",
]

MIDDLEWARE = [
    "core.middleware.ProxiedClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "core.middleware.RequestBoundsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
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
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.site_frame",
            ],
        },
    },
]


SUPPORTED_DATABASE_ENGINES = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}


def database_from_env(default_sqlite_path: Path) -> dict:
    """DATABASE_URL picks the database; the embedded default is SQLite in WAL mode."""
    try:
        database = env.db_url("DATABASE_URL", default=f"sqlite:///{default_sqlite_path}")
    except (ImproperlyConfigured, KeyError, ValueError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL ({exc})") from exc
    engine = database.get("ENGINE", "")
    if engine not in SUPPORTED_DATABASE_ENGINES:
        scheme = env.str("DATABASE_URL", default="").split(":", 1)[0]
        raise ImproperlyConfigured(
            f"DATABASE_URL uses an unsupported scheme {scheme!r}: use postgres:// or sqlite:///"
        )
    if engine == "django.db.backends.sqlite3":
        if database["NAME"] != ":memory:":
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        database.setdefault("OPTIONS", {}).update(
            {
                # WAL lets readers work while a writer commits; IMMEDIATE avoids
                # "database is locked" on read-then-write transactions.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    else:
        database.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
        database.setdefault("CONN_HEALTH_CHECKS", True)
    return database


DATABASES = {"default": database_from_env(DATA_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login lockout (django-axes): 5 failures for one username from one address lock that pair out
# for 15 minutes; counted in the database so every gunicorn worker sees the same count.
AUTHENTICATION_BACKENDS = [
    "core.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_COOLOFF_MESSAGE = _("登录失败次数过多，账号已暂时锁定，请稍后再试。")
# allauth logs in by username or e-mail: axes counts failures under whichever was typed.
AXES_USERNAME_CALLABLE = "accounts.auth.login_identifier"

# Content-Security-Policy (django-csp): the site serves only same-origin scripts and styles.
# Inline style *attributes* stay allowed (the SVG charts size themselves with one); inline
# <script> and <style> elements do not. core.middleware relaxes styles for the admin only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # Agrees with X-Frame-Options: DENY (the admins: 'self' and SAMEORIGIN, for previews).
        "frame-ancestors": ["'none'"],
    }
}

LOGIN_URL = "login"

# Accounts (django-allauth, accounts/): sign-up with e-mail + username, verified by link, login
# by either; password reset answers alike for unknown addresses (no account enumeration).
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
# Keeps each person's language (sign-up, log-in) and writes allauth's mails in it.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = _("【盘锦科技成果交易平台】")
# Per client address and per e-mail address ("key"); the limits live in the cache below.
ACCOUNT_RATE_LIMITS = {
    "signup": env("DJANGO_RATE_SIGNUP", default="5/h/ip"),
    # Sign-ups naming one address, whatever their IP (accounts.forms.SignupForm).
    "signup_email": env("DJANGO_RATE_SIGNUP_EMAIL", default="3/h/key"),
    "reset_password": env("DJANGO_RATE_RESET", default="10/h/ip,3/h/key"),
    "confirm_email": "1/3m/key",
    "login": "30/m/ip",
    # Per-username lockout is django-axes's (AXES_FAILURE_LIMIT); allauth only caps an address.
    "login_failed": "30/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "盘锦科技成果交易平台"
# One 30-second step either side, for phones whose clocks drift (RFC 6238 §5.2).
MFA_TOTP_TOLERANCE = 1
# One cache that every gunicorn worker shares, so the rate limits hold across workers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "panjin_cache",
    },
    # Rendered search pages that every web process of this machine reuses (search/pagecache.py):
    # files, so no service and no table to create; entries are checked against index writes.
    "search_pages": {
        "BACKEND": "core.cache.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "search-pages"),
        # Enough for what the machine computes in an entry's SEARCH_PAGE_CACHE_SECONDS (some 50
        # pages a second on 2 cores × 30 s; a cull keeps two thirds): with 600, pages people
        # still asked for were culled within 10 s and computed again (bench/README.md). A
        # process lists the folder at most once a second (core/cache.py), so its size is cheap.
        "OPTIONS": {"MAX_ENTRIES": 2400},
    },
}
# Invitations to join an organisation expire after this many days.
ACCOUNTS_INVITATION_DAYS = env.int("ACCOUNTS_INVITATION_DAYS", default=7)
ACCOUNTS_LICENCE_MAX_BYTES = env.int("ACCOUNTS_LICENCE_MAX_BYTES", default=10 * 1024 * 1024)
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Contract scans and certificates: never under MEDIA_URL, served only through permission checks.
PRIVATE_MEDIA_ROOT = Path(env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(DATA_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Where the front server sends protected files from: the prefix of nginx's `internal`
# locations (deploy/nginx/panjin.conf.template: <prefix>private/ = PRIVATE_MEDIA_ROOT,
# <prefix>media/ = MEDIA_ROOT). Set, a permitted download is answered with `X-Accel-Redirect`
# and an empty body (core.private_files); empty, the app streams the file itself.
PRIVATE_FILES_ACCEL_REDIRECT = env("PRIVATE_FILES_ACCEL_REDIRECT", default="")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Whole request body, uploads included (core.middleware.RequestBoundsMiddleware answers 413);
# the largest upload the platform takes is a contract attachment (CONTRACT_UPLOAD_MAX_BYTES).
REQUEST_MAX_BYTES = env.int("DJANGO_REQUEST_MAX_BYTES", default=12 * 1024 * 1024)

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="noreply@panjin-tech.example")

# Background tasks (django-tasks). "database" is django-tasks-db's queue in this database, run
# by the worker `manage.py search_sync --forever` (production's default); "immediate" runs a
# task inline right after commit, so `make run` and the tests need no worker.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}


def tasks_from_env(default: str) -> dict:
    name = env.str("DJANGO_TASKS_BACKEND", default=default)
    if name not in TASK_BACKENDS:
        raise ImproperlyConfigured(
            f"DJANGO_TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {name!r}"
        )
    return {"default": {"BACKEND": TASK_BACKENDS[name]}}


TASKS = tasks_from_env("immediate")

# Search: Elasticsearch when ELASTICSEARCH_URL is set, else the database backend.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="panjin")
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=5.0)
# Primary shards and replicas of a new search index (a rebuild applies them; one node: 1 / 0).
ELASTICSEARCH_SHARDS = env.int("ELASTICSEARCH_SHARDS", default=1)
ELASTICSEARCH_REPLICAS = env.int("ELASTICSEARCH_REPLICAS", default=0)
# The search outbox: longest wait (seconds) between retries of a row Elasticsearch refused;
# rows one inline run (after a request's commit) and one queued task apply at most, the rest
# left to the next run so a bulk import never holds a request.
SEARCH_SYNC_MAX_BACKOFF = 300
SEARCH_SYNC_INLINE_LIMIT = 1_000
SEARCH_SYNC_TASK_LIMIT = 20_000
# The search page keeps a query's results per process this long, until an index changes
# (search/pagecache.py); 0 turns it off.
SEARCH_PAGE_CACHE_SECONDS = env.int("SEARCH_PAGE_CACHE_SECONDS", default=30)

WAGTAIL_SITE_NAME = _("盘锦科技成果交易与知识产权登记平台")
# The one public address every e-mail, PDF and QR code links to (never the request's Host,
# which a client chooses); production checks it at start (config/settings/production.py).
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "login"  # allauth's login, with the second-factor step
# No Gravatar: avatars would leak staff e-mail hashes to a third party (and CSP blocks them).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor a release check from every admin's browser to releases.wagtail.org (blocked by the CSP).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "zip"]
# Documents are always downloads (never rendered inline under the site's origin), and their
# access is checked by the app (marketplace.wagtail_hooks) before the file is sent.
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# The document view's way out after its hooks: X-Accel-Redirect or streamed, as above.
SENDFILE_BACKEND = "core.private_files"

SITE_NAME = WAGTAIL_SITE_NAME
SITE_NAME_EN = "Panjin Technology Market & IP Registry"
# Shown on error pages as the way to reach a person.
SITE_SUPPORT_EMAIL = env("DJANGO_SUPPORT_EMAIL", default="support@panjin-tech.example")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        name: {"level": "WARNING"}
        for name in ("elastic_transport", "jieba", "weasyprint", "fontTools")
    },
}

# Technology contracts (contracts/) ------------------------------------------------------------
# Review deadline from acceptance: "days30" = 30 days (2000 rules; a last day on a holiday or
# rest day moves to the next working day), "working30" = 30 working days, "draft2024" = 15
# working days, 30 when 技术交易额 ≥ ¥5 million (2024 draft). Chinese working-day calendar.
CONTRACT_REVIEW_RULE = env("CONTRACT_REVIEW_RULE", default="days30")
# Public statistics withhold the amounts of groups with fewer contracts than this.
CONTRACT_STATS_MIN_PUBLIC_COUNT = env.int("CONTRACT_STATS_MIN_PUBLIC_COUNT", default=3)
CONTRACT_UPLOAD_MAX_BYTES = env.int("CONTRACT_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Registration number: 4-digit year + division code + 2-digit office code + 4-digit serial.
CONTRACT_NUMBER_FORMAT = env(
    "CONTRACT_NUMBER_FORMAT", default="{year:04d}{division}{office}{serial:04d}"
)
CONTRACT_DIVISION_CODE = env("CONTRACT_DIVISION_CODE", default="211100")
CONTRACT_OFFICE_CODE = env("CONTRACT_OFFICE_CODE", default="01")
CONTRACT_OFFICE_NAME = env("CONTRACT_OFFICE_NAME", default="盘锦市技术合同认定登记站")

# IP registry (ip_registry/) -------------------------------------------------------------------
# Which patents make a designated enterprise a holder for the coverage KPI: "patent_types" (CNIPA
# type digits, e.g. ["1", "2"]; empty = all) and whether pending applications count.
IP_REGISTRY_COVERAGE = {"patent_types": [], "include_pending": False}
# Patent types counted as invention applications ("1" = 发明).
IP_REGISTRY_INVENTION_TYPES = ["1"]
# The gap list warns of annual fees falling due within this many days.
IP_REGISTRY_FEE_NOTICE_DAYS = 90

# Technology market (marketplace/) -------------------------------------------------------------
# Inquiries a user may send: at most `count` per `window`, each pair checked.
MARKET_INQUIRY_RATE_LIMITS = [(5, timedelta(hours=1)), (20, timedelta(days=1))]
# Plan monitor (plan/): department reports are due this many days after their period ends;
# evidence uploads are limited like contract attachments; the district scoreboard's weights.
PLAN_REPORT_DUE_DAYS = env.int("PLAN_REPORT_DUE_DAYS", default=31)
PLAN_EVIDENCE_MAX_BYTES = env.int("PLAN_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
PLAN_SCORE_WEIGHTS = {"met": 1.0, "on_track": 0.8, "behind": 0.0}
# Reports are required and statuses shown through this year (the plan itself ends in 2019).
PLAN_MONITOR_LAST_YEAR = env.int("PLAN_MONITOR_LAST_YEAR", default=2020)

# Plan monitor (plan/) --------------------------------------------------------------------------
# Largest evidence file a reporting department may attach to a quarterly report.
PLAN_EVIDENCE_MAX_BYTES = env.int("PLAN_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# A quarter's report is due this many days after the quarter ends.
PLAN_REPORT_DUE_DAYS = env.int("PLAN_REPORT_DUE_DAYS", default=31)
# The last year the plan office monitors: reports are required and statuses shown through it.
PLAN_MONITOR_LAST_YEAR = env.int("PLAN_MONITOR_LAST_YEAR", default=2020)
# Points a target earns in the district league table by its status.
PLAN_SCORE_WEIGHTS = {"met": 1.0, "on_track": 0.8, "behind": 0.0}
