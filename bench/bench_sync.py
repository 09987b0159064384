"""Index sync benchmark: what the outbox costs a bulk import, and how fast the worker drains it.

    .venv/bin/python bench/bench_sync.py                      # 20,000 patents per import, SQLite
    .venv/bin/python bench/bench_sync.py --patents 50000 --drain 10000
    DATABASE_URL=postgres://…/panjin .venv/bin/python bench/bench_sync.py --postgres

Builds a scratch database (SQLite file, or with --postgres `<name>_bench_sync` on the server of
DATABASE_URL, dropped afterwards), then in the same run:

- imports files of `--patents` new patents through the registry importer alternately without
  and with search's `registry_bulk_changed` consumer (bulk outbox rows, one queued sync), two
  rounds each, and reports the median import time of each and their ratio (the overhead);
- the bounded inline sync the immediate backend runs after such an import's commit;
- drains `--drain` outbox rows with the worker's drain (batches of 500) into the database
  table alone and, when ELASTICSEARCH_URL is set, into the table and Elasticsearch: docs/s;
- the same number of rows where every object is pending twice (the second row is settled with
  the first, not applied again).

Writes bench/results/sync-<vendor>-<patents>.txt.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patents", type=int, default=20_000, help="patents per import file")
    parser.add_argument("--drain", type=int, default=5_000, help="outbox rows to drain")
    parser.add_argument("--postgres", action="store_true", help="scratch DB on DATABASE_URL")
    parser.add_argument("--database-url", help="an explicit scratch database URL (emptied)")
    return parser.parse_args()


def scratch_database(args) -> str:
    if args.database_url:
        return args.database_url
    if args.postgres:
        import psycopg

        base = os.environ.get("DATABASE_URL", "")
        if not base.startswith("postgres"):
            sys.exit("--postgres needs DATABASE_URL=postgres://… (the server to use)")
        server, _, name = base.rpartition("/")
        scratch = f"{name.split('?')[0]}_bench_sync"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        return f"{server}/{scratch}"
    return f"sqlite:///{tempfile.mkdtemp(prefix='bench-sync-')}/db.sqlite3"


def patent_file(n: int, serial_base: int) -> bytes:
    from core.identifiers import make_patent_number

    words = ["含油污泥热解", "稠油降粘", "压裂返排液处理", "海上平台防腐", "盐碱地改良", "储氢材料"]
    lines = ["申请号,名称,申请日,申请（专利权）人,IPC分类号"]
    for i in range(n):
        year = 2008 + i % 15
        number = make_patent_number(year, "12"[i % 2], serial_base + i)
        title = f"一种{words[i % len(words)]}装置及方法{i}"
        lines.append(
            f"{number},{title},{year}-0{1 + i % 9}-1{i % 10},盘锦测试{i % 400}号公司,C02F 11/10"
        )
    return "\n".join(lines).encode()


def rate(docs: int, seconds: float) -> str:
    return f"{docs / seconds:,.0f} docs/s ({docs:,} in {seconds:.1f}s)"


def main():
    args = parse_args()
    original_url = os.environ.get("DATABASE_URL", "")
    url = scratch_database(args)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    prefix = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "panjin")
    os.environ["ELASTICSEARCH_INDEX_PREFIX"] = f"{prefix}-bench-sync-{uuid.uuid4().hex[:8]}"
    import django

    django.setup()
    import logging

    from django.conf import settings

    settings.DEBUG = False
    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from ip_registry.imports import registry_import
    from ip_registry.models import Patent
    from ip_registry.signals import registry_bulk_changed
    from search.client import elasticsearch_enabled
    from search.models import SearchOutbox
    from search.outbox import search_outbox_drain_all
    from search.services import search_outbox_record_many
    from search.signals import on_bulk_changed

    call_command("migrate", verbosity=0)
    n = args.patents
    print(f"sync bench: {n:,} patents per import, {args.drain:,} rows drained, {connection.vendor}")
    queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def timed_import(data: bytes, *, consumer: bool, rows: int = n) -> float:
        if not consumer:
            registry_bulk_changed.disconnect(dispatch_uid="search_bulk_changed")
        try:
            with override_settings(TASKS=queue):  # the sync is queued, not run: import cost only
                report = registry_import(kind="patents", data=data, filename="p.csv")
        finally:
            registry_bulk_changed.connect(on_bulk_changed, dispatch_uid="search_bulk_changed")
        assert report.committed and report.created == rows, report.summary()
        return report.seconds

    files = [patent_file(n, 1_000_000 * (k + 1)) for k in range(4)]
    warm = min(n, 2000)
    timed_import(patent_file(warm, 9_000_000), consumer=True, rows=warm)  # warm-up
    times = {False: [], True: []}
    for k, consumer in enumerate([False, True, True, False]):
        times[consumer].append(timed_import(files[k], consumer=consumer))
        mode = "with" if consumer else "without"
        print(f"  import {k + 1} ({mode} outbox): {times[consumer][-1]:.2f}s")
    without, with_ = statistics.median(times[False]), statistics.median(times[True])
    pending = SearchOutbox.objects.filter(processed_at__isnull=True).count()
    assert pending >= 2 * n, pending

    # The immediate backend's bounded sync after such a commit (dev, `make run`).
    es_url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = ""
    t0 = time.perf_counter()
    inline = search_outbox_drain_all(max_rows=settings.SEARCH_SYNC_INLINE_LIMIT)
    inline_seconds = time.perf_counter() - t0

    def drain(rows: int) -> tuple[float, dict]:
        start = time.perf_counter()
        stats = search_outbox_drain_all(max_rows=rows)
        return time.perf_counter() - start, stats

    db_seconds, db_stats = drain(args.drain)
    es_row = None
    settings.ELASTICSEARCH_URL = es_url
    if elasticsearch_enabled():
        es_seconds, es_stats = drain(args.drain)
        assert not es_stats["failed"], es_stats
        es_row = (
            "drain into table + Elasticsearch",
            rate(es_stats["upserted"], es_seconds),
        )
    settings.ELASTICSEARCH_URL = ""
    # Every object pending twice: the second rows are settled with the first.
    SearchOutbox.objects.filter(processed_at__isnull=True).delete()
    ids = list(Patent.objects.order_by("pk").values_list("pk", flat=True)[: args.drain // 2])
    with override_settings(TASKS=queue):
        search_outbox_record_many(kind="patent", object_ids=ids)
        search_outbox_record_many(kind="patent", object_ids=ids)
    dup_seconds, dup_stats = drain(len(ids) * 2)
    assert dup_stats["settled"] + dup_stats["rows"] == 2 * len(ids), dup_stats

    rows = [
        ("database", connection.vendor),
        ("scale", f"{n:,} new patents per import, median of 2 imports each way"),
        ("import without outbox consumer", f"{without:.2f}s ({n / without:,.0f} rows/s)"),
        ("import with outbox consumer", f"{with_:.2f}s ({n / with_:,.0f} rows/s)"),
        ("overhead (with / without)", f"{with_ / without:.3f}x"),
        (
            "inline sync after commit (immediate backend, "
            f"≤{settings.SEARCH_SYNC_INLINE_LIMIT:,} rows)",
            f"{inline['rows']:,} rows in {inline_seconds:.1f}s; the rest waits for the worker",
        ),
        (
            "drain into the database table",
            rate(db_stats["upserted"], db_seconds),
        ),
        *([es_row] if es_row else []),
        (
            "drain, every object pending twice (table)",
            f"{2 * len(ids) / dup_seconds:,.0f} rows/s, {len(ids) / dup_seconds:,.0f} docs/s "
            f"({dup_stats['settled']:,} rows settled without a second write)",
        ),
        ("machine load", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"),
    ]
    width = max(len(k) for k, _ in rows)
    table = "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)
    print(table)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    name = f"sync-{connection.vendor}-{n}.txt"
    (results / name).write_text(table + "\n", encoding="utf-8")
    print(f"  written to bench/results/{name}")
    settings.ELASTICSEARCH_URL = es_url
    if elasticsearch_enabled():
        from search.backends import elasticsearch_backend

        elasticsearch_backend().drop()
    connection.close()
    if args.postgres and not args.database_url:
        import psycopg

        with psycopg.connect(original_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}"')


if __name__ == "__main__":
    main()
