"""The shared file cache keeps its own folder private without closing the data folder above it
(nginx's workers read static files, media and protected files there)."""

import os
import stat

from core.cache import FileBasedCache


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_folders_above_the_cache_follow_the_umask(tmp_path):
    data = tmp_path / "data"
    previous = os.umask(0o022)
    try:
        cache = FileBasedCache(str(data / "cache" / "search-pages"), {})
        cache.set("key", "value")
    finally:
        os.umask(previous)
    assert cache.get("key") == "value"
    assert _mode(data) == 0o755
    assert _mode(data / "cache") == 0o755
    assert _mode(data / "cache" / "search-pages") == 0o700


def test_djangos_own_backend_would_close_them(tmp_path):
    # Why core.cache exists: if this starts failing, Django stopped doing it and core.cache can go.
    from django.core.cache.backends.filebased import FileBasedCache as Django

    data = tmp_path / "data"
    Django(str(data / "cache" / "search-pages"), {}).set("key", "value")
    assert _mode(data) == 0o700
