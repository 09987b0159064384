"""The outbox drain: apply recorded changes to every index, one batch at a time.

A batch is read, its documents built from the database, written to every target, and only then
its rows are marked processed: a crash anywhere before the mark leaves the rows due. Each row
means "make the index agree with the database for this object", so rows can be applied in any
order and more than once. The task (search.tasks) and the worker command call this; writers
only record rows (search.services).
"""

import fcntl
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypedDict

from django.conf import settings
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.utils import timezone

from search.backends import sync_targets
from search.client import ES_ERRORS
from search.models import SearchOutbox
from search.sources import SOURCES

logger = logging.getLogger(__name__)
DRAIN_BATCH = 500
# Rows one run of the sync may apply: settings.SEARCH_SYNC_INLINE_LIMIT inline (the immediate
# task backend runs the sync in the writer's process right after commit, so a request or an
# import command stays short; the rest stays due for the worker or the next write), and
# SEARCH_SYNC_TASK_LIMIT for a worker's run, which continues in a new task instead.
# Key of the PostgreSQL advisory lock that lets one drainer run at a time (see _drain_lock).
_DRAIN_LOCK_KEY = 0x5345_4152_4348_0001
_local_drain_lock = threading.Lock()


class DrainStats(TypedDict):
    rows: int
    upserted: int
    deleted: int
    failed: int
    settled: int
    batches: int
    more: bool
    busy: bool


class OutboxPending(TypedDict):
    pending: int
    next_attempt_at: datetime | None


def backoff_seconds(attempts: int) -> int:
    """1, 2, 4, … seconds, capped (SEARCH_SYNC_MAX_BACKOFF, default five minutes)."""
    cap = settings.SEARCH_SYNC_MAX_BACKOFF
    return min(2 ** max(attempts - 1, 0), cap)


@contextmanager
def _drain_lock(*, wait: float = 0.0) -> Iterator[bool]:
    """Let one drainer at a time apply the outbox, whatever process it runs in.

    Row-level claims would not be enough: two workers holding different rows of one object
    could write its documents out of order, leaving an older version in the index with every
    row marked done. The lock dies with its holder (PostgreSQL drops a session's advisory locks
    when its connection closes, the kernel drops a killed process's flock), so a worker killed
    mid-batch never blocks the next one. Yields False when another drainer keeps it for `wait`
    seconds.
    """
    deadline = time.monotonic() + wait
    conn = connection
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:

            def attempt() -> bool:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [_DRAIN_LOCK_KEY])
                return bool(cursor.fetchone()[0])

            acquired = _retry_until(attempt, deadline)
        try:
            yield acquired
        finally:
            if acquired:
                with conn.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_DRAIN_LOCK_KEY])
        return
    path = _sqlite_lock_path(conn)
    if path is None:  # an in-memory database lives in this process only
        acquired = (
            _local_drain_lock.acquire(timeout=wait)
            if wait
            else _local_drain_lock.acquire(blocking=False)
        )
        try:
            yield acquired
        finally:
            if acquired:
                _local_drain_lock.release()
        return
    with open(path, "a+b") as handle:

        def attempt() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        acquired = _retry_until(attempt, deadline)
        try:
            yield acquired
        finally:
            if acquired:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _retry_until(attempt: Callable[[], bool], deadline: float) -> bool:
    """Try a non-blocking lock every 50 ms until it is taken or the deadline (monotonic) passes."""
    while True:
        if attempt():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _sqlite_lock_path(conn: BaseDatabaseWrapper) -> Path | None:
    name = str(conn.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    return Path(name).with_name(Path(name).name + ".search-sync.lock")


def _due_rows(limit: int) -> list[tuple[int, str, str]]:
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return list(
        SearchOutbox.objects.filter(due, processed_at__isnull=True)
        .order_by("id")
        .values_list("id", "kind", "object_id")[:limit]
    )


def _drain_batch(limit: int) -> DrainStats:
    rows = _due_rows(limit)
    stats = _empty_stats()
    stats["rows"] = len(rows)
    if not rows:
        return stats
    batch_ids = [pk for pk, _, _ in rows]
    wanted: dict[str, set[str]] = {}
    for _, kind, object_id in rows:
        wanted.setdefault(kind, set()).add(object_id)
    # Other pending rows of the same objects (changed twice, or waiting on backoff) are settled
    # by this batch too: they are visible now, so the documents read below include their change.
    settled: list[int] = []
    for kind, ids in wanted.items():
        id_list = sorted(ids)
        for start in range(0, len(id_list), DRAIN_BATCH):
            settled += (
                SearchOutbox.objects.filter(
                    processed_at__isnull=True,
                    kind=kind,
                    object_id__in=id_list[start : start + DRAIN_BATCH],
                )
                .exclude(pk__in=batch_ids)
                .values_list("pk", flat=True)
            )
    upserts, deletes = [], []
    for kind, ids in wanted.items():
        source = SOURCES.get(kind)
        docs = source.documents_for(ids) if source else {}
        upserts += list(docs.values())
        deletes += [f"{kind}:{i}" for i in ids if i not in docs]
    error = ""
    for target in sync_targets():
        try:
            target.ensure_index()
            if upserts:
                target.bulk_upsert(upserts)
            if deletes:
                target.delete(deletes)
        except ES_ERRORS as exc:
            error = f"{target.name}: {type(exc).__name__}: {exc}"[:2000]
    if error:
        now = timezone.now()
        failed = list(SearchOutbox.objects.filter(pk__in=batch_ids))
        for row in failed:
            row.attempts += 1
            row.last_error = error
            row.next_attempt_at = now + timedelta(seconds=backoff_seconds(row.attempts))
        SearchOutbox.objects.bulk_update(failed, ["attempts", "last_error", "next_attempt_at"])
        stats["failed"] = len(rows)
        logger.warning("search sync failed for %d rows: %s", len(rows), error)
        return stats
    done = batch_ids + settled
    now = timezone.now()
    for start in range(0, len(done), 1000):
        SearchOutbox.objects.filter(pk__in=done[start : start + 1000]).update(
            processed_at=now, last_error=""
        )
    stats["upserted"], stats["deleted"] = len(upserts), len(deletes)
    stats["settled"] = len(settled)
    return stats


def _empty_stats() -> DrainStats:
    return {
        "rows": 0,
        "upserted": 0,
        "deleted": 0,
        "failed": 0,
        "settled": 0,
        "batches": 0,
        "more": False,
        "busy": False,
    }


def search_outbox_drain(*, limit: int = DRAIN_BATCH, wait: float = 0.0) -> DrainStats:
    """Apply one batch of due outbox rows to every sync target; on failure back off and keep
    the rows. Each row means "make the index agree with the database for this object", so
    rows can be applied in any order and more than once."""
    return search_outbox_drain_all(limit=limit, max_rows=limit, wait=wait)


def search_outbox_drain_all(
    *,
    limit: int = DRAIN_BATCH,
    max_rows: int | None = None,
    wait: float = 0.0,
    should_stop: Callable[[], bool] | None = None,
) -> DrainStats:
    """Drain batch by batch until nothing is due, a batch fails, or `max_rows` rows were read
    (then `more` is True: due rows remain). Memory stays one batch whatever the backlog."""
    total = _empty_stats()
    with _drain_lock(wait=wait) as acquired:
        if not acquired:
            total["busy"] = True
            return total
        while True:
            size = limit if max_rows is None else min(limit, max_rows - total["rows"])
            stats = _drain_batch(size)
            total["batches"] += 1 if stats["rows"] else 0
            for key in ("rows", "upserted", "deleted", "failed", "settled"):
                total[key] += stats[key]
            if stats["rows"] < size or stats["failed"]:
                return total
            if max_rows is not None and total["rows"] >= max_rows:
                total["more"] = bool(_due_rows(1))
                return total
            if should_stop and should_stop():
                total["more"] = True
                return total


def search_outbox_pending() -> OutboxPending:
    qs = SearchOutbox.objects.filter(processed_at__isnull=True)
    nxt = qs.exclude(next_attempt_at__isnull=True).order_by("next_attempt_at").first()
    return {"pending": qs.count(), "next_attempt_at": nxt.next_attempt_at if nxt else None}


def search_outbox_purge(*, older_than_days: int = 7) -> int:
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = SearchOutbox.objects.filter(processed_at__lt=cutoff).delete()
    return deleted
