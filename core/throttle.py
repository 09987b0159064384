"""Limits on expensive outputs anyone can ask for (PDF reports, exports).

Two limits, both answered with a Chinese 429 by the caller: a per-client budget in a time window
(kept in the cache, shared by the workers when the cache is), and one render at a time per
worker process, so a burst of renders cannot take every worker away from the rest of the site.
"""

import threading
from contextlib import contextmanager

from django.core.cache import cache


def client_key(request) -> str:
    """Who is asking: the account when signed in, otherwise the address (REMOTE_ADDR, which
    the production proxy sets to the real client; see docs/deploy.md)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"addr:{request.META.get('REMOTE_ADDR', '')}"


def throttle_allow(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one use of `scope` by `key`; False once more than `limit` in the window."""
    name = f"throttle:{scope}:{key}"
    if cache.add(name, 1, timeout=window_seconds):
        used = 1
    else:
        try:
            used = cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.add(name, 1, timeout=window_seconds)
            used = 1
    return used <= limit


_render_locks: dict[str, threading.Lock] = {}


@contextmanager
def single_render(scope: str):
    """Yield True while holding this process's only slot for `scope`, False when it is busy."""
    lock = _render_locks.setdefault(scope, threading.Lock())
    acquired = lock.acquire(blocking=False)
    try:
        yield acquired
    finally:
        if acquired:
            lock.release()
