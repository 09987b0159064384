"""Search writes: record changes in the outbox, rebuild and check the indexes.

Writers (the signals of search.signals, bulk imports) record rows in their own transaction; one
sync task per transaction applies them after commit (search.outbox does the applying).
Queries are in search.selectors.
"""

import logging
import time
from collections.abc import Callable, Iterable
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from search.backends import database_backend, elasticsearch_backend
from search.client import ES_ERRORS, elasticsearch_enabled
from search.models import SearchOutbox
from search.outbox import OutboxPending, search_outbox_pending
from search.sources import iter_all_documents
from search.tasks import search_sync

logger = logging.getLogger(__name__)
RECORD_CHUNK = 2_000


class RebuildStats(TypedDict):
    documents: int
    seconds: float
    docs_per_second: float | None


class DriftExamples(TypedDict):
    missing: list[str]
    stale: list[str]
    extra: list[str]


class BackendDrift(TypedDict, total=False):
    indexed: int
    missing: int
    stale: int
    extra: int
    examples: DriftExamples
    error: str


class DriftReport(TypedDict, total=False):
    expected: int
    backends: dict[str, BackendDrift]
    ok: bool
    outbox: OutboxPending


def search_outbox_record(*, kind: str, object_id: int | str, op: str) -> SearchOutbox:
    """Record a change in the caller's transaction; the index catches up after commit."""
    if op not in SearchOutbox.Op.values:
        raise ValidationError({"op": _("未知的同步操作“%(op)s”") % {"op": op}})
    row = SearchOutbox.objects.create(kind=kind, object_id=str(object_id), op=op)
    _enqueue_sync_on_commit()
    return row


def search_outbox_record_many(
    *, kind: str, object_ids: Iterable[int | str], op: str = SearchOutbox.Op.UPSERT
) -> int:
    """Record many changes at once (bulk imports): duplicates dropped, COPY on PostgreSQL and
    multi-row INSERTs of RECORD_CHUNK rows elsewhere, one sync enqueued for the whole
    transaction. Returns the rows written.

    Plain SQL rather than bulk_create: the ORM's per-object work would cost about as much as
    the registry's own bulk import of the same rows.
    """
    if op not in SearchOutbox.Op.values:
        raise ValidationError({"op": _("未知的同步操作“%(op)s”") % {"op": op}})
    ids = list(dict.fromkeys(str(i) for i in object_ids))
    if not ids:
        return 0
    ops = connection.ops
    table = ops.quote_name(SearchOutbox._meta.db_table)
    columns = ", ".join(
        ops.quote_name(name)  # each field's column is its name
        for name in ("kind", "object_id", "op", "created_at", "attempts", "last_error")
    )
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path (as for the registry's own rows).
        now = timezone.now()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for object_id in ids:
                copy.write_row((kind, object_id, op, now, 0, ""))
        _enqueue_sync_on_commit()
        return len(ids)
    created = ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for start in range(0, len(ids), RECORD_CHUNK):
            chunk = ids[start : start + RECORD_CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, 0, '')"] * len(chunk))
            params = [v for object_id in chunk for v in (kind, object_id, op, created)]
            # Table and column names come from the model; values are parameters.
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)  # noqa: S608
    _enqueue_sync_on_commit()
    return len(ids)


class _SyncOnCommit:
    """An on-commit hook that knows whether it has run (tests run hooks without a commit)."""

    fired = False

    def __call__(self) -> None:
        self.fired = True
        _enqueue_sync()


def _enqueue_sync_on_commit() -> None:
    """One sync per transaction, however many rows it records (an import sends hundreds)."""
    conn = transaction.get_connection()
    hook = getattr(conn, "_search_sync_hook", None)
    if (
        conn.in_atomic_block
        and hook is not None
        and not hook.fired
        and any(func is hook for _, func, _ in conn.run_on_commit)
    ):
        return
    hook = conn._search_sync_hook = _SyncOnCommit()
    transaction.on_commit(hook, robust=True)


def _enqueue_sync() -> None:
    try:
        if _sync_already_queued():
            return
        search_sync.enqueue()
    except Exception:  # the outbox row is durable; the worker's sweep will pick it up
        logger.exception("could not enqueue search sync")


def _sync_already_queued() -> bool:
    """With the database queue, a sync that has not started yet will also see this commit's
    rows, so a second one would only cost the worker an empty run."""
    backend = search_sync.get_backend()
    if type(backend).__module__.split(".")[0] != "django_tasks_db":
        return False
    return (
        DBTaskResult.objects.ready()
        .filter(task_path=search_sync.module_path, backend_name=backend.alias)
        .exists()
    )


def search_index_rebuild(
    *,
    backends: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    reanalyse: bool = False,
) -> dict[str, RebuildStats]:
    """Rebuild the chosen backends from the database (ES: new index, bulk, alias swap).

    The database backend's entries double as the analysis cache: by default its rebuild
    re-analyses only documents whose fingerprint (content + analyser version) changed, and
    Elasticsearch is then loaded from those entries without running jieba again (when only
    Elasticsearch is asked for, the entries are brought up to date first, as part of its time).
    reanalyse=True analyses every document from its source model in each backend.
    """
    names = backends or ["database", *(["elasticsearch"] if elasticsearch_enabled() else [])]
    out: dict[str, RebuildStats] = {}
    entries_current = False
    for name in names:
        start = time.perf_counter()
        if name == "database" or reanalyse:
            backend = database_backend() if name == "database" else elasticsearch_backend()
            kwargs = {"reanalyse": reanalyse} if name == "database" else {}
            count = backend.rebuild(
                iter_all_documents(), progress=progress, workers=workers, **kwargs
            )
            entries_current = entries_current or name == "database"
        else:
            if not entries_current:
                database_backend().rebuild(iter_all_documents(), workers=workers, reanalyse=False)
                entries_current = True
            count = elasticsearch_backend().rebuild_from_entries(progress=progress)
        seconds = time.perf_counter() - start
        out[name] = {
            "documents": count,
            "seconds": round(seconds, 2),
            "docs_per_second": round(count / seconds, 1) if seconds else None,
        }
    return out


def search_index_check(*, backends: list[str] | None = None, sample_limit: int = 20) -> DriftReport:
    """Drift between the database and each index: missing, stale and extra documents."""
    expected = {doc.doc_id: doc.fingerprint() for doc in iter_all_documents()}
    names = backends or ["database", *(["elasticsearch"] if elasticsearch_enabled() else [])]
    report: DriftReport = {"expected": len(expected), "backends": {}}
    for name in names:
        backend = database_backend() if name == "database" else elasticsearch_backend()
        try:
            backend.refresh()
            actual = backend.fingerprints()
        except ES_ERRORS as exc:
            report["backends"][name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        stale = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
        report["backends"][name] = {
            "indexed": len(actual),
            "missing": len(missing),
            "stale": len(stale),
            "extra": len(extra),
            "examples": {
                "missing": missing[:sample_limit],
                "stale": stale[:sample_limit],
                "extra": extra[:sample_limit],
            },
        }
    report["ok"] = all(
        "error" not in b and not (b["missing"] or b["stale"] or b["extra"])
        for b in report["backends"].values()
    )
    report["outbox"] = search_outbox_pending()
    return report
