"""Search page throughput against a trivial JSON view, gunicorn under production settings.

    .venv/bin/python bench/bench_search_page.py                     # scratch SQLite, demo small
    .venv/bin/python bench/bench_search_page.py --baseline e488fc1  # the code before, same run
    .venv/bin/python bench/bench_search_page.py --backends database,elasticsearch
    .venv/bin/python bench/bench_search_page.py --database-url postgres://…/db --skip-seed

The same measurement as `make prove`'s capacity line (bench/prove.py phase_capacity), on its
own: a database with the demo data (`seed_demo`, or one given with --skip-seed), the search
index rebuilt (Elasticsearch too when ELASTICSEARCH_URL is set, under its own index prefix),
gunicorn with config.settings.production, then locust alone against `/healthz` (no database,
no Elasticsearch), alone against `/search/?q=…` with the realistic mix (a long tail of
distinct queries from the corpus, drawn by Zipf's law: bench/load/queries.py) and alone with
every query new (the worst case), each after 10 s unmeasured. Per backend (the database
backend, and Elasticsearch when ELASTICSEARCH_URL is set), the code of each --baseline ref
(exported to a temporary folder, served by the same virtualenv, database and index) runs
first and this checkout last, so the ratios of both come from one command. Prints the rates,
ratios and cache hit rates; exits 1 when this checkout misses the capacity line's thresholds
or a request failed. Written to bench/results/search-page.md.
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

from bench.prove import (  # noqa: E402
    CAPACITY_MIN_RATIO,
    CAPACITY_NEW_MIN_RATIO,
    PY,
    Stack,
    _percent,
    free_port,
    log,
    phase_capacity,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="database to use (default: a scratch SQLite file)")
    parser.add_argument("--skip-seed", action="store_true", help="the database has its data")
    parser.add_argument("--scale", default="small", help="seed_demo scale")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--users", type=int, default=6, help="locust users per probe")
    parser.add_argument("--seconds", type=int, default=15, help="length of each probe")
    parser.add_argument("--port", type=int, default=8410)
    parser.add_argument("--rounds", type=int, default=1, help="times each code is measured")
    parser.add_argument(
        "--baseline", default="", help="git refs (comma-separated) to measure first, e.g. main"
    )
    parser.add_argument(
        "--backends",
        default="database,elasticsearch",
        help="search backends to serve the page from (elasticsearch needs ELASTICSEARCH_URL)",
    )
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
    outcomes = {}
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
        codes = [(f"at {ref}", export(ref, base)) for ref in filter(None, args.baseline.split(","))]
        codes.append(("this checkout", ROOT))
        for backend in args.backends.split(","):
            if backend == "elasticsearch" and not es_url:
                log("no ELASTICSEARCH_URL: the Elasticsearch backend is left out")
                continue
            stack.env["ELASTICSEARCH_URL"] = es_url if backend == "elasticsearch" else ""
            # Rounds alternate the codes, so a neighbour's burst of load hits both alike.
            for round_ in range(1, args.rounds + 1):
                for label, code in codes:
                    stack.code = code
                    stack.start_web()
                    log(f"{backend}, {label}, round {round_}: gunicorn, capacity probes")
                    outcome = phase_capacity(stack, fixture, seconds=args.seconds, users=args.users)
                    outcomes[(backend, f"{label}, round {round_}")] = outcome
                    log(outcome.detail)
                    stack.stop()
                    stack.processes.clear()
    finally:
        stack.stop()
        if es_url:
            request = urllib.request.Request(f"{es_url}/{prefix}*", method="DELETE")  # noqa: S310
            with contextlib.suppress(OSError):
                urllib.request.urlopen(request, timeout=10)  # noqa: S310
    vendor = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    rows = []
    for (backend, label), o in outcomes.items():
        rates = o.figures.get("rates", {})
        hits = {cls: rates.get(cls, {}).get("hit_rate") for cls in ("SearchPage", "SearchPageNew")}
        rows.append(
            f"| {backend} | {label} | {rates.get('Healthz', {}).get('rps', 0):.0f} | "
            f"{rates.get('SearchPage', {}).get('rps', 0):.1f} | "
            f"**{o.figures.get('ratio', 0):.3f}** | {_percent(hits['SearchPage'])} | "
            f"{rates.get('SearchPageNew', {}).get('rps', 0):.1f} | "
            f"**{o.figures.get('ratio_new', 0):.3f}** | {_percent(hits['SearchPageNew'])} | "
            f"{'PASS' if o.passed else 'FAIL'} |"
        )
    load = os.getloadavg()
    text = (
        f"Search page throughput, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs "
        f"(load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end), {vendor} "
        f"({args.scale} demo data), gunicorn {args.workers} workers, {args.users} locust users "
        f"× {args.seconds} s per probe (after 10 s unmeasured)\n\n"
        "| backend | code | /healthz req/s | realistic mix req/s | ratio | cache hits | "
        "every query new req/s | ratio | cache hits | verdict |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
        + "\n".join(rows)
        + f"\n\nAims: realistic mix ≥ {CAPACITY_MIN_RATIO}, every query new ≥ "
        f"{CAPACITY_NEW_MIN_RATIO}. Details:\n\n"
        + "\n".join(f"- {backend}, {label}: {o.detail}" for (backend, label), o in outcomes.items())
    )
    print(text)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "search-page.md").write_text(text + "\n", encoding="utf-8")
    mine = [o for (_backend, label), o in outcomes.items() if label.startswith("this checkout")]
    return 0 if mine and all(o.passed for o in mine) else 1


def export(ref: str, base: Path) -> Path:
    """The code of a git ref in a folder of its own, served by this checkout's virtualenv."""
    folder = base / f"code-{ref.replace('/', '-')}"
    folder.mkdir()
    archive = subprocess.run(
        ["git", "archive", ref], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    (folder / ".venv").symlink_to((ROOT / ".venv").resolve())
    return folder


if __name__ == "__main__":
    sys.exit(main())
