"""The first search a fresh worker serves, against a warm one (the issue's aim: at most 3×).

    .venv/bin/python bench/bench_first_query.py [--rounds 3]

Builds a scratch SQLite database with the public sample (import_listings, then the index; also
Elasticsearch when ELASTICSEARCH_URL is set), then starts fresh Python processes the way a
gunicorn worker starts: one imports `config.wsgi` (which warms the analyser up), the other only
builds the WSGI handler (no warm-up, the old behaviour, for comparison). Each process times its
very first `/search/?q=…` request, then the median of warm requests of other queries, and the
ratio first ÷ warm. Fails (exit 1) when a warmed worker's first search costs more than 3× a
warm one. Written to bench/results/first-query.md.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = Path(os.environ.get("SEARCH_SAMPLE", "/work/shared/data/search-sample"))
FIRST = "含油污泥"
WARM = ["防腐涂料", "鑽井液處理劑", "海上平台", "氢能", "膜分离", "PLC自动控制", "河蟹"]
LIMIT = 3.0


def child(mode: str) -> dict:
    """Runs in a fresh process: start like a worker, then time the first and warm searches."""
    started = time.perf_counter()
    if mode == "wsgi":
        import config.wsgi  # noqa: F401 - what gunicorn imports: the handler and the warm-up
    else:
        from django.core.wsgi import get_wsgi_application

        get_wsgi_application()
    boot = time.perf_counter() - started
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")

    def timed(q: str) -> float:
        t0 = time.perf_counter()
        response = client.get("/search/", {"q": q})
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - t0) * 1000

    first = timed(FIRST)
    warm = [timed(q) for _ in range(3) for q in WARM]
    median = statistics.median(warm)
    return {"boot_ms": boot * 1000, "first_ms": first, "warm_ms": median, "ratio": first / median}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=["wsgi", "cold"], help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per mode")
    args = parser.parse_args()
    if args.child:
        json.dump(child(args.child), sys.stdout)
        return 0

    scratch = Path(tempfile.mkdtemp(prefix="panjin-first-query-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "ELASTICSEARCH_INDEX_PREFIX": f"{os.environ.get('ELASTICSEARCH_INDEX_PREFIX', 'panjin')}"
        f"-first-{uuid.uuid4().hex[:8]}",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from marketplace.importers import listings_import
    from search.backends.elastic import ElasticsearchBackend
    from search.services import search_index_rebuild

    call_command("migrate", verbosity=0)
    if not listings_import(path=SAMPLE / "corpus.jsonl").ok:
        raise SystemExit("import failed")
    search_index_rebuild()
    backends = ["database"] + (["elasticsearch"] if settings.ELASTICSEARCH_URL else [])
    rows = []
    verdict = True
    try:
        for backend in backends:
            child_env = {**env, "ELASTICSEARCH_URL": settings.ELASTICSEARCH_URL}
            if backend == "database":
                child_env["ELASTICSEARCH_URL"] = ""
            for mode in ("cold", "wsgi"):
                runs = []
                for _ in range(args.rounds):
                    out = subprocess.run(
                        [sys.executable, __file__, "--child", mode],
                        env=child_env,
                        capture_output=True,
                        text=True,
                        check=True,
                        cwd=ROOT,
                    )
                    runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
                first = statistics.median(r["first_ms"] for r in runs)
                warm = statistics.median(r["warm_ms"] for r in runs)
                boot = statistics.median(r["boot_ms"] for r in runs)
                ratio = statistics.median(r["ratio"] for r in runs)
                ok = ratio <= LIMIT if mode == "wsgi" else None
                verdict = verdict and (ok is not False)
                rows.append((backend, mode, boot, first, warm, ratio, ok))
    finally:
        if settings.ELASTICSEARCH_URL:
            ElasticsearchBackend().drop()
    lines = [
        f"First search after a worker starts, sample corpus, {args.rounds} fresh processes each "
        "(medians)",
        "",
        "| backend | start | worker start | first search | warm search | first ÷ warm | verdict |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for backend, mode, boot, first, warm, ratio, ok in rows:
        label = "config.wsgi (warm-up)" if mode == "wsgi" else "handler only (no warm-up)"
        mark = "baseline" if ok is None else ("PASS" if ok else "FAIL")
        lines.append(
            f"| {backend} | {label} | {boot:.0f} ms | {first:.0f} ms | {warm:.1f} ms | "
            f"{ratio:.1f}× | {mark} (≤ {LIMIT:.0f}×) |"
        )
    text = "\n".join(lines)
    print(text)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "first-query.md").write_text(text + "\n", encoding="utf-8")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
