"""Production: every secret from the environment, no defaults; `check --deploy` is clean."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

from .base import *
from .base import env

DEBUG = False


def _required(name: str) -> str:
    value = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(f"environment variable {name} is required in production")
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak: use at least 50 random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
_required("DATABASE_URL")
ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])


def _site_url(allowed_hosts: list[str]) -> str:
    """The address e-mails and PDFs link to: https, on a host this server answers for."""
    first = allowed_hosts[0]
    default = "" if first.startswith(".") or "*" in first else f"https://{first}"
    url = env.str("DJANGO_SITE_URL", default=default).strip().rstrip("/")
    parts = urlsplit(url)
    if not url:
        raise ImproperlyConfigured(
            "environment variable DJANGO_SITE_URL is required in production when the first "
            "DJANGO_ALLOWED_HOSTS entry is a wildcard"
        )
    if parts.scheme != "https" or not parts.hostname or parts.path or parts.query:
        raise ImproperlyConfigured(
            f"DJANGO_SITE_URL must be https://host[:port] with nothing after it, not {url!r}"
        )
    if not validate_host(parts.hostname, allowed_hosts):
        raise ImproperlyConfigured(
            f"DJANGO_SITE_URL host {parts.hostname!r} is not in DJANGO_ALLOWED_HOSTS"
        )
    return url


SITE_URL = _site_url(ALLOWED_HOSTS)
WAGTAILADMIN_BASE_URL = SITE_URL

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Index sync and other tasks go through the database queue to the worker process.
TASKS = tasks_from_env("database")

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
