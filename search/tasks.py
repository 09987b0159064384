"""django-tasks entry point of the index sync (the outbox does the bookkeeping)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task


@task()
def search_sync() -> dict:
    """Drain the outbox; when rows are waiting on backoff and the backend can defer, retry."""
    from search.services import search_outbox_drain_all, search_outbox_pending

    stats = search_outbox_drain_all()
    pending = search_outbox_pending()
    if stats["failed"] and default_task_backend.supports_defer:
        run_after = pending["next_attempt_at"] or timezone.now() + timedelta(seconds=5)
        search_sync.using(run_after=run_after).enqueue()
    return stats
