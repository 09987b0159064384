"""Search page throughput against a trivial JSON view, gunicorn under production settings.

    .venv/bin/python bench/bench_search_page.py                     # scratch SQLite, demo small
    .venv/bin/python bench/bench_search_page.py --database-url postgres://…/db --skip-seed
    ELASTICSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python bench/bench_search_page.py

The same measurement as `make prove`'s capacity line (bench/prove.py phase_capacity), on its
own: a database with the demo data (`seed_demo`, or one given with --skip-seed), the search
index rebuilt (Elasticsearch too when ELASTICSEARCH_URL is set, under its own index prefix),
gunicorn with config.settings.production, then locust alone against `/healthz` (no database,
no Elasticsearch) and alone against `/search/?q=…` (the load fixture's queries), the same
users and seconds each, each after 10 s unmeasured. Twice: with the search page's result cache
(search/pagecache.py, the default) and without it (SEARCH_PAGE_CACHE_SECONDS=0, every search
computed). Prints the rates and ratios; exits 1 when the default configuration is below the
aim of issue 13 (0.25) or a request failed. Written to bench/results/search-page.md.
"""

import argparse
import contextlib
import os
import secrets
import subprocess
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.prove import PY, Stack, free_port, log, phase_capacity  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="database to use (default: a scratch SQLite file)")
    parser.add_argument("--skip-seed", action="store_true", help="the database has its data")
    parser.add_argument("--scale", default="small", help="seed_demo scale")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--users", type=int, default=6, help="locust users per probe")
    parser.add_argument("--seconds", type=int, default=15, help="length of each probe")
    parser.add_argument("--port", type=int, default=8410)
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="panjin-bench-page-"))
    database_url = args.database_url or f"sqlite:///{base / 'db.sqlite3'}"
    es_url = os.environ.get("ELASTICSEARCH_URL", "")
    prefix = f"{os.environ.get('ELASTICSEARCH_INDEX_PREFIX', 'panjin')}-page-{secrets.token_hex(3)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DJANGO_DATA_DIR": str(base / "data"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "ELASTICSEARCH_URL": es_url,
        "ELASTICSEARCH_INDEX_PREFIX": prefix,
        "PYTHONUNBUFFERED": "1",
    }
    stack = Stack(base=base, env=env, port=free_port(args.port), workers=args.workers)
    try:
        stack.manage("migrate", "--noinput", "-v0")
        if not args.skip_seed:
            log(f"seed_demo --scale {args.scale} (search index: database table)")
            subprocess.run(
                [PY, "manage.py", "seed_demo", "--scale", args.scale, "--quiet-progress"],
                cwd=ROOT,
                env={**env, "ELASTICSEARCH_URL": "", "DJANGO_TASKS_BACKEND": "immediate"},
                check=True,
                stdout=subprocess.DEVNULL,
            )
        stack.manage("collectstatic", "--noinput", "-v0")
        if es_url:
            log("search_index rebuild --backend elasticsearch")
            stack.manage("search_index", "rebuild", "--backend", "elasticsearch", capture=True)
        fixture = base / "fixture.json"
        stack.python("bench/load/prepare.py", "--out", str(fixture))
        outcomes = {}
        for label, cache_seconds in (("page cache on (default)", "30"), ("page cache off", "0")):
            stack.env["SEARCH_PAGE_CACHE_SECONDS"] = cache_seconds
            stack.start_web()
            log(f"gunicorn ({args.workers} workers), {label}: /healthz alone, then /search/")
            outcomes[label] = phase_capacity(stack, fixture, seconds=args.seconds, users=args.users)
            log(outcomes[label].detail)
            stack.stop()
            stack.processes.clear()
    finally:
        stack.stop()
        if es_url:
            request = urllib.request.Request(f"{es_url}/{prefix}*", method="DELETE")  # noqa: S310
            with contextlib.suppress(OSError):
                urllib.request.urlopen(request, timeout=10)  # noqa: S310
    backend = "Elasticsearch" if es_url else "database backend"
    vendor = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    text = (
        f"Search page throughput, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"{vendor} ({args.scale} demo data), {backend}, gunicorn {args.workers} workers, "
        f"{args.users} locust users × {args.seconds} s per probe (after 10 s unmeasured)\n\n"
        + "\n".join(
            f"- {label}: {o.detail}: {'PASS' if o.passed else 'FAIL'}"
            for label, o in outcomes.items()
        )
        + "\n\nThe verdict is the default configuration's (page cache on); the run without it "
        "shows what a query costs when every search is new."
    )
    print(text)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "search-page.md").write_text(text + "\n", encoding="utf-8")
    return 0 if outcomes["page cache on (default)"].passed else 1


if __name__ == "__main__":
    sys.exit(main())
