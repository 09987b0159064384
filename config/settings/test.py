"""pytest: fast hashing, mail in memory, media in a tmp folder (see tests/conftest.py)."""

from .base import *
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="panjin-test")
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_AUTOREFRESH = True
# Tests write index rows directly and roll them back: the search page's per-process result
# cache is tested on its own (tests/search/test_pagecache.py) and off elsewhere.
SEARCH_PAGE_CACHE_SECONDS = 0
# Shared between a test run's processes only, never with another run's files.
CACHES = {
    **CACHES,
    "search_pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

# Serialized rollback reloads rows app by app in INSTALLED_APPS order; Wagtail pages look up
# their content type while being rebuilt, so content types must be loaded first or they get
# recreated under new ids and the reload collides.
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    *(app for app in INSTALLED_APPS if app != "django.contrib.contenttypes"),
]
