"""A cache of rendered search pages that never outlives a write to either index.

The search page runs three searches (listings, then a block of patents and one of
organisations), re-ranks each one's best 120 in Python and renders results and facets: many
times a plain page's work, for queries that people repeat (the popular ones, paging back, the
back button). The rendered results (search/views.py: everything but the site's frame, which
depends on the visitor; the whole page as anonymous visitors see it is added to them in the
process that serves it, so it lives and dies with them) are kept in each process and, for the
machine's other processes, in a shared file cache (CACHES["search_pages"]) for
SEARCH_PAGE_CACHE_SECONDS (default 30, as long as another process's synonym edit takes to
show), and each is trusted only when it was computed after the last write to an index plus a
grace for Elasticsearch's refresh: every backend write stamps that moment in the shared cache
(Django's cache, the database table by default), and a process reads the stamp at most once
a second. So a listing published in one worker is on the search page of every worker as soon
as it is searchable at all. A failed Elasticsearch search stamps the same moment, and results
the database fallback served are not kept: the page says it is degraded for as long as it is.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError

T = TypeVar("T")
logger = logging.getLogger(__name__)

WRITTEN_KEY = "search:index-written-at"
# Elasticsearch shows a write after its next refresh (1 s): results computed sooner may miss it.
REFRESH_GRACE = 1.5
STAMP_READ_INTERVAL = 1.0
MAX_ENTRIES = 512
# Django's cache that every web process of the machine reads (settings.CACHES, file-based).
SHARED_CACHE = "search_pages"

_lock = threading.Lock()
_entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
_stamp = {"value": 0.0, "read_at": -STAMP_READ_INTERVAL}


def mark_written() -> None:
    """Record that an index changed now, or that Elasticsearch failed a search: every process
    stops trusting older results (so an outage shows the fallback's notice at once)."""
    now = time.time()
    with _lock:
        _stamp.update(value=now, read_at=time.monotonic())
        _entries.clear()
    try:
        cache.set(WRITTEN_KEY, now, timeout=None)
    except DatabaseError:  # the write itself succeeded; other processes' entries expire anyway
        logger.warning("could not stamp the search index write for other processes")


def _written_at() -> float:
    now = time.monotonic()
    if now - _stamp["read_at"] >= STAMP_READ_INTERVAL:
        try:
            value = float(cache.get(WRITTEN_KEY) or 0.0)
        except DatabaseError:  # no stamp to read: as if an index changed just now (read again)
            logger.warning("could not read the search index write stamp")
            return time.time()
        with _lock:
            _stamp.update(value=max(value, _stamp["value"]), read_at=now)
    return _stamp["value"]


def trusted_after() -> float:
    """The moment (time.time()) after which what a process read of an index still holds: the
    last write to an index, by any process, plus Elasticsearch's refresh."""
    return _written_at() + REFRESH_GRACE


def lookup(
    key: str, compute: Callable[[], T], *, keep: Callable[[T], bool] | None = None
) -> tuple[T, str]:
    """compute()'s result, reused for the same key while no index has changed since (kept
    only when keep(result) says so), and where it came from: "hit" (this process), "shared"
    (another process computed it) or "miss" (computed now). The page says so in a header."""
    seconds = settings.SEARCH_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return compute(), "miss"
    now = time.time()
    fresh_after = trusted_after()
    with _lock:
        entry = _entries.get(key)
        if entry is not None and entry[0] >= fresh_after and now - entry[0] < seconds:
            _entries.move_to_end(key)
            return entry[1], "hit"  # type: ignore[return-value]
    shared_key = hashlib.sha256(key.encode()).hexdigest()
    shared = _shared_get(shared_key)
    if shared is not None and shared[0] >= fresh_after and now - shared[0] < seconds:
        _keep_here(key, shared)
        return shared[1], "shared"  # type: ignore[return-value]
    value = compute()
    if keep is not None and not keep(value):
        return value, "miss"
    _keep_here(key, (now, value))
    try:
        caches[SHARED_CACHE].set(shared_key, (now, value), timeout=seconds)
    except OSError:  # a full or read-only disk: this process still has it
        logger.warning("could not keep a search page for the other processes", exc_info=True)
    return value, "miss"


def _keep_here(key: str, entry: tuple[float, object]) -> None:
    with _lock:
        _entries[key] = entry
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def _shared_get(shared_key: str) -> tuple[float, object] | None:
    try:
        entry = caches[SHARED_CACHE].get(shared_key)
    except OSError:
        return None
    return entry if isinstance(entry, tuple) and len(entry) == 2 else None


def clear() -> None:
    with _lock:
        _entries.clear()
    caches[SHARED_CACHE].clear()
