"""django-tasks entry point of the index sync (the outbox does the bookkeeping).

With the database queue (production) the task runs in the worker, `manage.py search_sync
--forever`; with the immediate backend (dev, tests) it runs in the writer's process right after
commit, so it applies at most SEARCH_SYNC_INLINE_LIMIT rows and leaves the rest due for the
worker or the next write (a bulk import must not index a million rows inside the request).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import default_task_backend, task

from search.outbox import (
    DrainStats,
    search_outbox_drain_all,
    search_outbox_pending,
)

# A sync that finds another drainer at work waits this long for it, then (queue) retries.
LOCK_WAIT_SECONDS = 2.0


@task()
def search_sync() -> DrainStats:
    """Drain the outbox in bounded batches; with a deferring backend, continue or retry later."""
    queued = default_task_backend.supports_defer
    max_rows = settings.SEARCH_SYNC_TASK_LIMIT if queued else settings.SEARCH_SYNC_INLINE_LIMIT
    stats = search_outbox_drain_all(max_rows=max_rows, wait=LOCK_WAIT_SECONDS)
    if not queued:
        return stats
    now = timezone.now()
    if stats["more"]:
        # A long backlog goes on in a fresh task, so other tasks get their turn in between.
        search_sync.enqueue()
    elif stats["busy"]:
        search_sync.using(run_after=now + timedelta(seconds=LOCK_WAIT_SECONDS)).enqueue()
    elif stats["failed"]:
        run_after = search_outbox_pending()["next_attempt_at"] or now + timedelta(seconds=5)
        search_sync.using(run_after=run_after).enqueue()
    return stats
