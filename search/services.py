"""Search writes and queries: the only entry points views, the API and commands call."""

import fcntl
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError
from elasticsearch.helpers import BulkIndexError

from core.numbers import decimal_parse
from core.vocabularies import vocabulary_canonical
from search import analysis
from search.backends import database_backend, elasticsearch_backend, primary_backend, sync_targets
from search.backends.base import (
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    SORTS,
    VALUE_FILTERS,
    SearchParams,
    SearchResult,
    attach_highlights,
    has_filters,
)
from search.client import elasticsearch_enabled
from search.documents import FACETS, KINDS, PRICE_BAND_LABELS
from search.models import SearchOutbox
from search.sources import SOURCES, available_sources, count_all, iter_all_documents

logger = logging.getLogger(__name__)
ES_ERRORS = (TransportError, ApiError, BulkIndexError, ConnectionError)


# -- outbox and sync -------------------------------------------------------------------------
# A batch is read, its documents built from the database, written to every target, and only
# then its rows are marked processed: a crash anywhere before the mark leaves the rows due.
DRAIN_BATCH = 500
# Rows one run of the sync may apply: settings.SEARCH_SYNC_INLINE_LIMIT inline (the immediate
# task backend runs the sync in the writer's process right after commit, so a request or an
# import command stays short; the rest stays due for the worker or the next write), and
# SEARCH_SYNC_TASK_LIMIT for a worker's run, which continues in a new task instead.
RECORD_CHUNK = 2_000
# Key of the PostgreSQL advisory lock that lets one drainer run at a time (see _drain_lock).
_DRAIN_LOCK_KEY = 0x5345_4152_4348_0001
_local_drain_lock = threading.Lock()


def search_outbox_record(*, kind: str, object_id: int | str, op: str) -> SearchOutbox:
    """Record a change in the caller's transaction; the index catches up after commit."""
    if op not in SearchOutbox.Op.values:
        raise ValidationError({"op": f"未知的同步操作“{op}”"})
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
        raise ValidationError({"op": f"未知的同步操作“{op}”"})
    ids = list(dict.fromkeys(str(i) for i in object_ids))
    if not ids:
        return 0
    ops = connection.ops
    table = ops.quote_name(SearchOutbox._meta.db_table)
    columns = ", ".join(
        ops.quote_name(SearchOutbox._meta.get_field(name).column)
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

    def __call__(self):
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
    from search.tasks import search_sync

    try:
        if _sync_already_queued(search_sync):
            return
        search_sync.enqueue()
    except Exception:  # the outbox row is durable; the worker's sweep will pick it up
        logger.exception("could not enqueue search sync")


def _sync_already_queued(search_sync) -> bool:
    """With the database queue, a sync that has not started yet will also see this commit's
    rows, so a second one would only cost the worker an empty run."""
    backend = search_sync.get_backend()
    if type(backend).__module__.split(".")[0] != "django_tasks_db":
        return False
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.ready()
        .filter(task_path=search_sync.module_path, backend_name=backend.alias)
        .exists()
    )


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
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [_DRAIN_LOCK_KEY])
                acquired = cursor.fetchone()[0]
                if acquired or time.monotonic() >= deadline:
                    break
                time.sleep(0.05)
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
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                acquired = True
            except BlockingIOError:
                acquired = False
            if acquired or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        try:
            yield acquired
        finally:
            if acquired:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _sqlite_lock_path(conn) -> Path | None:
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


def _drain_batch(limit: int) -> dict:
    rows = _due_rows(limit)
    stats = {"rows": len(rows), "upserted": 0, "deleted": 0, "failed": 0, "settled": 0}
    if not rows:
        return stats
    batch_ids = [pk for pk, _, _ in rows]
    wanted: dict[str, set[str]] = {}
    for _, kind, object_id in rows:
        wanted.setdefault(kind, set()).add(object_id)
    # Other pending rows of the same objects (changed twice, or waiting on backoff) are settled
    # by this batch too: they are visible now, so the documents read below include their change.
    settled = []
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
    stats.update(upserted=len(upserts), deleted=len(deletes), settled=len(settled))
    return stats


def _empty_stats() -> dict:
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


def search_outbox_drain(*, limit: int = DRAIN_BATCH, wait: float = 0.0) -> dict:
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
) -> dict:
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


def search_outbox_pending() -> dict:
    qs = SearchOutbox.objects.filter(processed_at__isnull=True)
    nxt = qs.exclude(next_attempt_at__isnull=True).order_by("next_attempt_at").first()
    return {"pending": qs.count(), "next_attempt_at": nxt.next_attempt_at if nxt else None}


def search_outbox_purge(*, older_than_days: int = 7) -> int:
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = SearchOutbox.objects.filter(processed_at__lt=cutoff).delete()
    return deleted


def search_index_rebuild(
    *,
    backends: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    reanalyse: bool = False,
) -> dict:
    """Rebuild the chosen backends from the database (ES: new index, bulk, alias swap).

    The database backend's entries double as the analysis cache: by default its rebuild
    re-analyses only documents whose fingerprint (content + analyser version) changed, and
    Elasticsearch is then loaded from those entries without running jieba again (when only
    Elasticsearch is asked for, the entries are brought up to date first, as part of its time).
    reanalyse=True analyses every document from its source model in each backend.
    """
    names = backends or ["database", *(["elasticsearch"] if elasticsearch_enabled() else [])]
    out = {}
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


def search_index_check(*, backends: list[str] | None = None, sample_limit: int = 20) -> dict:
    """Drift between the database and each index: missing, stale and extra documents."""
    expected = {doc.doc_id: doc.fingerprint() for doc in iter_all_documents()}
    names = backends or ["database", *(["elasticsearch"] if elasticsearch_enabled() else [])]
    report = {"expected": len(expected), "backends": {}}
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


# -- queries ---------------------------------------------------------------------------------
def _int_or_none(value, name: str, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({name: f"“{value}”不是整数"}) from None
    return max(low, min(high, number))


def _decimal_or_none(value, name: str) -> Decimal | None:
    try:
        return decimal_parse(value, label="价格")
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


# Filters whose values resolve through the shared vocabularies (aliases, English names).
VOCABULARY_FILTERS = {"district": "district", "industry": "industry", "patent_type": "patent_type"}


def search_params(
    *,
    q: str = "",
    filters: dict[str, list[str]] | None = None,
    trl_min=None,
    trl_max=None,
    price_min=None,
    price_max=None,
    sort: str = "relevance",
    page=1,
    page_size=10,
) -> SearchParams:
    """Validate and clamp raw request values into SearchParams (ValidationError → 400)."""
    clean_filters = {}
    for name, values in (filters or {}).items():
        if name not in VALUE_FILTERS:
            continue
        values = [str(v).strip()[:100] for v in values if str(v).strip()][:20]
        if name == "kind":
            values = [v for v in values if v in KINDS]
        elif name in VOCABULARY_FILTERS:
            # 高新区, "Dawa District" …: the index holds canonical names.
            values = vocabulary_canonical(VOCABULARY_FILTERS[name], values)
        if values:
            clean_filters[name] = list(dict.fromkeys(values))
    if sort not in SORTS:
        raise ValidationError({"sort": f"不支持的排序方式“{sort}”，可选：{'、'.join(SORTS)}"})
    page_size = _int_or_none(page_size, "page_size", 1, MAX_PAGE_SIZE) or 10
    max_page = max(1, MAX_RESULT_WINDOW // page_size)
    return SearchParams(
        q=(q or "")[: analysis.MAX_QUERY_CHARS * 4],
        filters=clean_filters,
        trl_min=_int_or_none(trl_min, "trl_min", 1, 9),
        trl_max=_int_or_none(trl_max, "trl_max", 1, 9),
        price_min=_decimal_or_none(price_min, "price_min"),
        price_max=_decimal_or_none(price_max, "price_max"),
        sort=sort,
        page=_int_or_none(page, "page", 1, max_page) or 1,
        page_size=page_size,
    )


def _facet_label(name: str, value: str) -> str:
    if name == "kind":
        return KINDS.get(value, value)
    if name == "price":
        return PRICE_BAND_LABELS.get(value, value)
    if name == "trl":
        return f"TRL {value}"
    return value


def _run(backend, params, query) -> SearchResult:
    return backend.search(params, query)


def search_query(*, params: SearchParams) -> dict:
    """Run a search on the primary backend (the database when Elasticsearch fails)."""
    started = time.perf_counter()
    query = analysis.analyze_query(params.q)
    backend = primary_backend()
    try:
        result = _run(backend, params, query)
    except ES_ERRORS as exc:
        logger.warning("Elasticsearch search failed, using the database: %s", exc)
        backend = database_backend()
        result = _run(backend, params, query)
    attach_highlights(result.hits, query)
    did_you_mean = ""
    if result.total == 0 and not query.is_empty and not _filtered_out(backend, params, query):
        did_you_mean = _did_you_mean(backend, query)
    facets = {
        name: [
            {**bucket, "label": _facet_label(name, bucket["value"])}
            for bucket in result.facets.get(name, [])
        ]
        for name in FACETS
    }
    elapsed = (time.perf_counter() - started) * 1000
    return {
        "query": query.text,
        "words": [t.word for t in query.terms],
        "total": result.total,
        "took_ms": round(result.took_ms if result.backend == "elasticsearch" else elapsed, 2),
        "elapsed_ms": round(elapsed, 2),
        "backend": result.backend,
        "page": params.page,
        "page_size": params.page_size,
        "pages": max(1, -(-min(result.total, MAX_RESULT_WINDOW) // params.page_size)),
        "results": [
            {
                "kind": h.kind,
                "kind_label": KINDS.get(h.kind, h.kind),
                "id": h.id,
                "external_id": h.external_id,
                "title": h.title,
                "url": h.url,
                "summary": h.summary,
                "highlight": h.highlight,
                "score": round(h.score, 4),
            }
            for h in result.hits
        ],
        "facets": facets,
        "did_you_mean": did_you_mean,
    }


def _filtered_out(backend, params: SearchParams, query) -> bool:
    """No hits only because of the filters: the words themselves match, so there is no
    misspelling to correct (and no fuzzy suggestion lookup to pay for)."""
    if not has_filters(params):
        return False
    try:
        return backend.matches_any(query)
    except ES_ERRORS:
        return False


def _did_you_mean(backend, query) -> str:
    """A term that sounds like the query (pinyin) and has hits, for a query with none."""
    if not analysis.has_han(query.text) and not query.text.isascii():
        return ""
    text = query.text.replace(" ", "")
    try:
        candidates = backend.suggest(text, size=5, fuzzy=True)
    except ES_ERRORS:
        return ""
    for term in candidates:
        if term != text:
            return term
    return ""


def search_suggest(*, q: str, size: int = 8) -> dict:
    """Autocomplete: terms and titles starting with the text, its pinyin or initials."""
    q = (q or "")[:50]
    size = max(1, min(int(size or 8), 20))
    backend = primary_backend()
    try:
        terms = backend.suggest(q, size=size)
    except ES_ERRORS:
        backend = database_backend()
        terms = backend.suggest(q, size=size)
    return {
        "query": analysis.normalize(q),
        "backend": backend.name,
        "suggestions": [{"text": t} for t in terms],
    }


def search_related(*, kind: str, object_id: int | str, size: int = 5) -> list[dict]:
    """More-like-this: listings similar to the given document."""
    backend = primary_backend()
    doc_id = f"{kind}:{object_id}"
    kinds = ["technology", "demand"]
    try:
        hits = backend.related(doc_id, size=size, kinds=kinds)
    except ES_ERRORS:
        hits = database_backend().related(doc_id, size=size, kinds=kinds)
    return [
        {
            "kind": h.kind,
            "kind_label": KINDS.get(h.kind, h.kind),
            "id": h.id,
            "title": h.title,
            "url": h.url,
            "summary": h.summary,
        }
        for h in hits
    ]


def search_sources_summary() -> dict:
    return {s.kind: s.count() for s in available_sources()} | {"total": count_all()}
