"""The shared file cache keeps its own folder private without closing the data folder above it
(nginx's workers read static files, media and protected files there), and culls cheaply,
oldest entries first."""

import os
import pickle
import stat
import time
import zlib

from core import cache as core_cache
from core.cache import CULL_INTERVAL, FileBasedCache


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


def _cache(tmp_path, max_entries=9):
    return FileBasedCache(str(tmp_path / "pages"), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def _age(cache, key, seconds_ago):
    path = cache._key_to_file(key)
    moment = time.time() - seconds_ago
    os.utime(path, (moment, moment))


def test_a_full_cache_drops_its_oldest_entries_first(tmp_path, monkeypatch):
    cache = _cache(tmp_path)
    for n in range(9):
        cache.set(f"page-{n}", n)
        _age(cache, f"page-{n}", 100 - n)  # page-0 written first
    monkeypatch.setattr(cache, "_next_cull", 0.0)
    cache.set("new", "new")  # nine entries found: down to six, then this one
    kept = [n for n in range(9) if cache.get(f"page-{n}") is not None]
    assert kept == [3, 4, 5, 6, 7, 8]
    assert cache.get("new") == "new"


def test_the_folder_is_counted_at_most_once_per_interval(tmp_path, monkeypatch):
    cache = _cache(tmp_path, max_entries=3)
    looks = []
    real = os.scandir
    monkeypatch.setattr(core_cache.os, "scandir", lambda path: looks.append(path) or real(path))
    for n in range(10):
        cache.set(f"page-{n}", n)
    assert len(looks) == 1  # a soft limit between looks, not a listing per write
    assert cache._next_cull <= time.monotonic() + CULL_INTERVAL
    cache._next_cull = time.monotonic()  # the interval has passed
    cache.set("later", "later")
    assert len(looks) == 2
    assert len(list((tmp_path / "pages").iterdir())) == 3  # 2 kept of 11, and the new one


def test_entries_are_compressed_at_the_fastest_level_and_read_back(tmp_path):
    cache = _cache(tmp_path)
    page = "<article>稠油破乳剂</article>" * 500
    cache.set("page", page)
    assert cache.get("page") == page
    with open(cache._key_to_file("page"), "rb") as f:
        pickle.load(f)  # noqa: S301 - the expiry, in a file this test wrote
        stored = f.read()
    assert stored == zlib.compress(pickle.dumps(page, cache.pickle_protocol), zlib.Z_BEST_SPEED)
