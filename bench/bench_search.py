"""Search latency and rebuild throughput: Elasticsearch vs the database backend vs icontains.

    .venv/bin/python bench/bench_search.py                 # quick: 10,000 listings
    .venv/bin/python bench/bench_search.py --full          # 10,000 and 100,000 listings
    .venv/bin/python bench/bench_search.py --sizes 2000    # any sizes
    .venv/bin/python bench/bench_search.py --full --database-url postgres://…/panjin_bench --reuse

Builds a scratch SQLite database (or uses the scratch database of --database-url or
DATABASE_URL), generates listings from the sample corpus's sentences (deterministic), rebuilds
both search backends (docs/s), then sends a fixed mix of queries, with and without facet
filters, through `GET /api/v1/search` on each backend, and runs the naive `icontains` query over
the same table. Prints p50/p95 per backend, Elasticsearch's own `took` beside the end-to-end
time, and ratios against icontains measured in the same run; writes
bench/results/search-<database>.md.

Rebuilds timed: the database table analysing every document (`--reanalyse`), the database table
again keeping the stored analyses (what `search_index rebuild` does when nothing changed),
Elasticsearch loaded from those stored analyses, and (up to --es-reanalyse-max listings)
Elasticsearch analysing every document again.

--reuse keeps one database per size (`<name>_<size>` on PostgreSQL, `<file>-<size>.sqlite3`
on SQLite) between runs: when it already holds exactly the generated listings, the slow
analyse-everything step is skipped. It also keeps one Elasticsearch index per database and size
(`<ELASTICSEARCH_INDEX_PREFIX>-bench-keep-<database>-<size>`, not dropped at the end), loaded
again only when its documents differ from the table's.

The application runs with DEBUG off (DJANGO_DEBUG=false, as in production): DEBUG's SQL logging
costs the database backend several milliseconds a query and Elasticsearch nothing.
"""

import argparse
import os
import random
import re
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = [
    "含油污泥",
    "防腐涂料",
    "河蟹",
    "磕头机节能改造",
    "VOCs监测",
    "鑽井液處理劑",
    "我们厂加热炉排烟温度太高，想回收烟气余热省点天然气",
    "海上平台",
    "氢能",
    "膜分离",
    "PLC自动控制",
    "太阳能发电",
]
FACETS = {"industry": "节能环保", "kind": "technology"}
MODIFIERS = [
    "新型",
    "高效",
    "智能",
    "低成本",
    "一体化",
    "模块化",
    "改进型",
    "绿色",
    "小型",
    "撬装式",
]


def percentile(values, p):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def generate(rows, n, seed=2017):
    from search.documents import SearchDocument

    rng = random.Random(seed)
    sentences: dict[str, list[str]] = {}
    for row in rows:
        parts = [s + "。" for s in row["body"].split("。") if len(s) > 8]
        sentences.setdefault(row["industry"], []).extend(parts)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    for i in range(n):
        base = rows[i % len(rows)]
        pool = sentences[base["industry"]]
        body = "".join(rng.sample(pool, min(len(pool), rng.randint(4, 7))))
        price = rng.choice([None, 5, 20, 45, 80, 150, 300, 800])
        yield SearchDocument(
            kind=base["kind"],
            id=str(i + 1),
            external_id=f"B-{i + 1:06d}",
            title=f"{rng.choice(MODIFIERS)}{base['title']}",
            summary=base["summary"],
            body=body,
            url=f"/bench/{i + 1}/",
            keywords=list(base.get("keywords", [])),
            industry=base["industry"],
            trl=rng.randint(3, 9),
            modes=list(base.get("modes", [])),
            price_wan=Decimal(price) if price is not None else None,
            district=base.get("district", ""),
            published_at=start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)),
        )


# The aims, all ratios within one run: the database backend's p95 at most 4× that of
# Elasticsearch and at least 4× faster than icontains; Elasticsearch end to end at most 2× its
# own `took`.
DB_VS_ES_MAX = 4.0
DB_VS_ICONTAINS_MIN = 4.0
ES_VS_TOOK_MAX = 2.0


def _mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def size_verdicts(size: int, results: dict) -> list[tuple[str, bool]]:
    out = []
    naive95 = percentile(results["icontains (naive)"][0], 0.95)
    db95 = percentile(results["database"][0], 0.95)
    faster = naive95 / db95
    out.append(
        (
            f"{size:,}: database p95 {db95:.1f} ms is {faster:.1f}× faster than icontains "
            f"(aim ≥ {DB_VS_ICONTAINS_MIN:.0f}×): {_mark(faster >= DB_VS_ICONTAINS_MIN)}",
            faster >= DB_VS_ICONTAINS_MIN,
        )
    )
    if "elasticsearch" in results:
        times, tooks = results["elasticsearch"]
        es95 = percentile(times, 0.95)
        over_es = db95 / es95
        over_took = es95 / max(percentile(tooks, 0.95), 0.1)
        out.append(
            (
                f"{size:,}: database p95 ÷ Elasticsearch p95 = {over_es:.2f}× "
                f"(aim ≤ {DB_VS_ES_MAX:.0f}×): {_mark(over_es <= DB_VS_ES_MAX)}",
                over_es <= DB_VS_ES_MAX,
            )
        )
        out.append(
            (
                f"{size:,}: Elasticsearch end-to-end p95 ÷ its took p95 = {over_took:.2f}× "
                f"(aim ≤ {ES_VS_TOOK_MAX:.0f}×): {_mark(over_took <= ES_VS_TOOK_MAX)}",
                over_took <= ES_VS_TOOK_MAX,
            )
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated listing counts")
    parser.add_argument("--full", action="store_true", help="10,000 and 100,000 listings")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the query mix")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="rebuild processes"
    )
    parser.add_argument(
        "--sample",
        type=Path,
        default=Path(os.environ.get("SEARCH_SAMPLE", "/work/shared/data/search-sample")),
    )
    parser.add_argument(
        "--database-url", help="scratch database (default: DATABASE_URL or a new SQLite file)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep one database per size between runs (see above)"
    )
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="with --reuse: time the queries on the tables and the kept index as they are "
        "(no rebuild; Elasticsearch only when its kept index holds as many documents), e.g. "
        "after a code change that leaves the stored analyses stale",
    )
    parser.add_argument(
        "--es-reanalyse-max",
        type=int,
        default=10_000,
        help="also time the Elasticsearch rebuild that analyses every document up to this size",
    )
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.full else [int(s) for s in args.sizes.split(",")]
    workers = max(1, args.workers)

    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if not os.environ.get("DATABASE_URL"):
        scratch = Path(tempfile.mkdtemp(prefix="panjin-bench-search-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    prefix = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "panjin")
    os.environ["ELASTICSEARCH_INDEX_PREFIX"] = f"{prefix}-bench-{uuid.uuid4().hex[:8]}"
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import override_settings

    from search.backends.database import DatabaseBackend
    from search.evaluation import load_corpus
    from search.models import SearchEntry, SearchFacetValue

    base_name = str(settings.DATABASES["default"]["NAME"])

    def es_prefix(size: int) -> str:
        """Indices of this run, or with --reuse the kept index of this database and size."""
        if not args.reuse:
            return settings.ELASTICSEARCH_INDEX_PREFIX
        database = re.sub(r"[^a-z0-9]+", "-", Path(base_name).stem.lower()).strip("-")
        return f"{prefix}-bench-keep-{connection.vendor}-{database}-{size}".lower()

    def use_database(size: int) -> None:
        """With --reuse, one database per size, created on first use."""
        if args.reuse:
            connection.close()
            if connection.vendor == "postgresql":
                name = f"{base_name}_{size}"
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                    if cursor.fetchone() is None:
                        cursor.execute(f'CREATE DATABASE "{name}"')
                connection.close()
            else:
                path = Path(base_name)
                name = str(path.with_name(f"{path.stem}-{size}{path.suffix}"))
            connection.settings_dict["NAME"] = name
        call_command("migrate", verbosity=0)

    rows = load_corpus(args.sample / "corpus.jsonl")
    es_url = settings.ELASTICSEARCH_URL
    client = Client(HTTP_HOST="127.0.0.1")
    vendor = connection.vendor
    verdicts: list[tuple[str, bool]] = []
    lines = [
        f"Search benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"database {vendor}, "
        f"{len(QUERIES)} queries × (no facets, facets) × {args.rounds} rounds, "
        f"rebuild with {workers} analysis processes",
        "",
        "| listings | backend | p50 ms | p95 ms | ES took p50 | ES took p95 | p95 / took p95 "
        "| p95 vs icontains |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rebuild_lines = ["", "| listings | rebuild | docs/s |", "| ---: | --- | ---: |"]

    def api_round(facets: bool):
        times, tooks = [], []
        for _ in range(args.rounds):
            for q in QUERIES:
                params = {"q": q, "page_size": 10, **(FACETS if facets else {})}
                t0 = time.perf_counter()
                response = client.get("/api/v1/search", params)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, response.content[:300]
                tooks.append(response.json()["took_ms"])
        return times, tooks

    def icontains_round(facets: bool):
        times = []
        for _ in range(args.rounds):
            for q in QUERIES:
                t0 = time.perf_counter()
                qs = SearchEntry.objects.filter(
                    Q(title__icontains=q) | Q(summary__icontains=q) | Q(body__icontains=q)
                )
                if facets:
                    for name, value in FACETS.items():
                        qs = qs.filter(
                            id__in=SearchFacetValue.objects.filter(name=name, value=value).values(
                                "entry_id"
                            )
                        )
                qs.count()
                list(qs.order_by("-published_at")[:10])
                times.append((time.perf_counter() - t0) * 1000)
        return times

    def timed(label: str, size: int, fn) -> float:
        t0 = time.perf_counter()
        fn()
        seconds = time.perf_counter() - t0
        rebuild_lines.append(f"| {size:,} | {label} | {size / seconds:,.0f} |")
        print(f"  {label}: {size / seconds:,.0f} docs/s", file=sys.stderr)
        return seconds

    def es_holds(es, count: int, fingerprints: dict[str, str] | None = None) -> bool:
        """Whether the kept index holds these documents (without fingerprints: as many)."""
        from elasticsearch import NotFoundError

        try:
            if es.count() != count:
                return False
        except NotFoundError:  # not kept yet
            return False
        return fingerprints is None or es.fingerprints() == fingerprints

    def rebuild(size: int) -> None:
        print(f"generating {size} listings …", file=sys.stderr)
        docs = list(generate(rows, size))
        db = DatabaseBackend()
        stored = db.fingerprints() if args.reuse else {}
        if stored and stored == {d.doc_id: d.fingerprint() for d in docs}:
            rebuild_lines.append(f"| {size:,} | database, analysing every document | (reused) |")
        else:
            timed(
                "database, analysing every document (`--reanalyse`)",
                size,
                partial(db.rebuild, docs, workers=workers, reanalyse=True),
            )
        warm = timed(
            "database, stored analyses kept (nothing changed)",
            size,
            partial(db.rebuild, docs, workers=workers, reanalyse=False),
        )
        if es_url:
            from search.backends.elastic import ElasticsearchBackend

            es = ElasticsearchBackend()
            if args.reuse and es_holds(es, size, {d.doc_id: d.fingerprint() for d in docs}):
                rebuild_lines.append(f"| {size:,} | elasticsearch (kept index) | (reused) |")
                del docs
                return
            from_entries = timed(
                "elasticsearch from the stored analyses (new index + alias swap)",
                size,
                es.rebuild_from_entries,
            )
            rebuild_lines.append(
                f"| {size:,} | `search_index rebuild` (both rows above) "
                f"| {size / (warm + from_entries):,.0f} |"
            )
            if size <= args.es_reanalyse_max:
                timed(
                    "elasticsearch analysing every document (`--reanalyse`)",
                    size,
                    partial(es.rebuild, docs, workers=workers),
                )
        del docs

    for size in sizes:
        es_url = settings.ELASTICSEARCH_URL
        settings_for_size = override_settings(ELASTICSEARCH_INDEX_PREFIX=es_prefix(size))
        settings_for_size.enable()
        use_database(size)
        if args.measure_only:
            if es_url:
                from search.backends.elastic import ElasticsearchBackend

                if not es_holds(ElasticsearchBackend(), size):
                    es_url = ""
            rebuild_lines.append(f"| {size:,} | (--measure-only: tables as they were) | |")
        else:
            rebuild(size)
        # Warm caches (jieba, connections) before measuring.
        client.get("/api/v1/search", {"q": "预热"})
        naive = icontains_round(False) + icontains_round(True)
        naive_p95 = percentile(naive, 0.95)
        results = {"icontains (naive)": (naive, [])}
        with override_settings(ELASTICSEARCH_URL=""):
            client.get("/api/v1/search", {"q": "预热"})
            t1, _ = api_round(False)
            t2, _ = api_round(True)
            results["database"] = (t1 + t2, [])
        if es_url:
            t1, k1 = api_round(False)
            t2, k2 = api_round(True)
            results["elasticsearch"] = (t1 + t2, k1 + k2)
        for name, (times, tooks) in results.items():
            p95 = percentile(times, 0.95)
            took50 = f"{percentile(tooks, 0.5):.1f}" if tooks else ""
            took95 = f"{percentile(tooks, 0.95):.1f}" if tooks else ""
            ratio = f"{p95 / max(percentile(tooks, 0.95), 0.1):.2f}×" if tooks else ""
            lines.append(
                f"| {size:,} | {name} | {percentile(times, 0.5):.1f} | {p95:.1f} | {took50} "
                f"| {took95} | {ratio} | {naive_p95 / p95:.1f}× faster |"
            )
        print("\n".join(lines[-len(results) :]), file=sys.stderr)
        verdicts += size_verdicts(size, results)
        if es_url and not args.reuse:
            from search.backends.elastic import ElasticsearchBackend

            ElasticsearchBackend().drop()
        settings_for_size.disable()
    lines += ["", *(f"- {v}" for v, _ in verdicts)]
    text = "\n".join(lines + rebuild_lines)
    print(text)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"search-{vendor}.md").write_text(text + "\n", encoding="utf-8")
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
