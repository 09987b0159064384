"""`make prove`: load, faults and hostile input against the production configuration, one table.

    .venv/bin/python bench/prove.py [--scale small] [--users 24] [--seconds 60]
    .venv/bin/python bench/prove.py --only load --database-url postgres://…/db --skip-seed

Starts everything it needs and stops it again: a throwaway PostgreSQL cluster (initdb into a
temporary folder, its own port; restarted by the PostgreSQL fault, never the shared one),
Elasticsearch through bin/elasticsearch on ES_PORT with its own index prefix, gunicorn with
config.settings.production (3 workers) and the worker `manage.py search_sync --forever`. The
load comes from a second process: locust, headless, bench/load/locustfile.py.

Phases: capacity probe (/healthz vs the search page, alone, same server), the mixed load, fuzzing
of the live server (bench/load/fuzz_live.py: schemathesis with a fresh printed seed, every write
read back, 5xx counted from gunicorn's access log), the faults (Elasticsearch killed mid-load,
PostgreSQL restarted mid-load, the upload size limit, the task worker killed mid-batch, then
the node holding the primary shard of a three-node cluster killed mid-load, with
bench/load/es_cluster.py), then the in-process fuzz suites (schemathesis, Hypothesis) with their
bounded example counts. Exits 1 when anything failed. Writes bench/results/prove-<scale>.md and
the marked block in docs/proof.md.
"""

import argparse
import contextlib
import csv
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.load.es_cluster import ElasticsearchCluster  # noqa: E402
from bench.load.nginx import Nginx, access_summary, unit_command  # noqa: E402
from bench.load.verdict import checks_verdict  # noqa: E402

PY = str(ROOT / ".venv/bin/python")
LOCUST = str(ROOT / ".venv/bin/locust")
GUNICORN = str(ROOT / ".venv/bin/gunicorn")
MIX = ["AnonymousVisitor", "Buyer", "Applicant", "Registrar", "IPOfficer"]
FUZZ_SUITES = {
    "schemathesis (API, 3 roles)": ["tests/security/test_api_schema.py"],
    "Hypothesis properties": [
        "tests/security/test_properties.py",
        "tests/security/test_exports.py",
    ],
    "upload fuzzing": ["tests/security/test_upload_fuzz.py"],
}


def log(message: str) -> None:
    print(f"[prove {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port(preferred: int) -> int:
    for port in [preferred, *range(preferred + 1, preferred + 50)]:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit(f"prove: no free port near {preferred}")


def http_get(url: str, *, timeout: float = 10.0, headers: dict | None = None):
    """(status, body) — never raises for HTTP errors; (0, reason) when nothing answered."""
    headers = {"X-Forwarded-Proto": "https", **(headers or {})}
    url = urllib.parse.quote(url, safe=":/?&=%")
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own http:// URLs
    # nginx's throwaway certificate is its own CA (REQUESTS_CA_BUNDLE, set when nginx starts).
    context = ssl.create_default_context(cafile=os.environ.get("REQUESTS_CA_BUNDLE") or None)
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        return 0, str(exc)


# -- services --------------------------------------------------------------------------------
class PostgresCluster:
    """A throwaway cluster: initdb into a temporary folder, run as `postgres` when root."""

    def __init__(self, base: Path, port: int):
        self.dir = base / "pg"
        self.data = self.dir / "data"
        self.port = port
        self.bin = self._bin()
        self.as_postgres = os.geteuid() == 0

    @staticmethod
    def _bin() -> Path:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts)
        if not versions:
            if os.geteuid() != 0:
                raise SystemExit("prove: PostgreSQL binaries missing (apt-get install postgresql)")
            log("installing PostgreSQL from Debian's packages")
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", "postgresql"],
                check=True,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                stdout=subprocess.DEVNULL,
            )
            versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        return versions[-1].parent

    def _run(self, *args, check=True, **kwargs):
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, **kwargs)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/panjin_h3_prove"

    def start(self) -> None:
        self.dir.mkdir(parents=True)
        # The postgres user must reach its folder inside our temporary one.
        os.chmod(self.dir.parent, 0o755)  # noqa: S103
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            stdout=subprocess.DEVNULL,
        )
        self._ctl("start")
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "panjin_h3_prove"
        )

    def _ctl(self, action: str, *extra) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir}"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            action,
            *extra,
            stdout=subprocess.DEVNULL,
        )

    def restart(self, *, down_seconds: float = 0) -> None:
        """Stop (fast: sessions are cut), stay down for a while, start again."""
        self._ctl("stop", "-m", "fast")
        time.sleep(down_seconds)
        self._ctl("start")

    def stop(self) -> None:
        if self.data.exists():
            self._ctl("stop", "-m", "fast")


class Elasticsearch:
    def __init__(self, port: int):
        self.port = port
        self.env = {**os.environ, "ES_PORT": str(port)}
        self.run_dir = Path(os.environ.get("ES_RUN_DIR", f"/tmp/panjin-es-{port}"))  # noqa: S108
        self.started_here = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def running(self) -> bool:
        # By its pid file, as bin/elasticsearch decides: `GET /` answers 405 on this build, and
        # a probe that times out under load must not make a node someone else runs ours to stop.
        try:
            os.kill(int((self.run_dir / "elasticsearch.pid").read_text().strip()), 0)
        except (OSError, ValueError):
            return False
        return True

    def start(self) -> None:
        was_running = self.running()
        subprocess.run([str(ROOT / "bin/elasticsearch"), "start"], env=self.env, check=True)
        self.started_here = self.started_here or not was_running

    def kill(self) -> int:
        pid = int((self.run_dir / "elasticsearch.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        if self.started_here:
            subprocess.run([str(ROOT / "bin/elasticsearch"), "stop"], env=self.env, check=False)


# -- the stack -------------------------------------------------------------------------------
@dataclass
class Stack:
    base: Path
    env: dict
    port: int
    workers: int
    # The checkout gunicorn serves (bench/bench_search_page.py serves an older one beside it).
    code: Path = ROOT
    processes: dict = field(default_factory=dict)
    worker_restarts: int = 0
    nginx: Nginx | None = None
    _stop_supervisor: bool = False
    _paused: bool = False

    @property
    def host(self) -> str:
        """Where clients go: nginx (TLS) once it runs, gunicorn itself before."""
        return self.nginx.url if self.nginx else self.upstream

    @property
    def upstream(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.base / "access.log"

    def manage(self, *args, check=True, capture=False, timeout=None):
        return subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=check,
            timeout=timeout,
            capture_output=capture,
            text=True,
        )

    def python(self, script: str, *args, check=True, timeout=None):
        result = subprocess.run(
            [PY, script, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode:
            raise SystemExit(f"prove: {script} failed:\n{result.stderr[-3000:]}")
        return result

    def start_web(self) -> None:
        """deploy/systemd/panjin-web.service's ExecStart (gunicorn, deploy/gunicorn.conf.py)."""
        out = open(self.base / "gunicorn.log", "a")  # noqa: SIM115 - closed with the process
        argv, unit_env = unit_command("panjin-web.service", app_dir=self.code)
        self.processes["gunicorn"] = subprocess.Popen(
            argv,
            cwd=self.code,
            env={
                **self.env,
                **unit_env,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(self.workers),
                # Kept beside nginx's log: the app's own view of the same requests.
                "GUNICORN_ACCESS_LOG": str(self.access_log),
            },
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while http_get(self.upstream + "/healthz", timeout=2)[0] != 200:
            if time.monotonic() > deadline or self.processes["gunicorn"].poll() is not None:
                raise SystemExit(f"prove: gunicorn did not come up, see {self.base}/gunicorn.log")
            time.sleep(0.5)

    def start_worker(self) -> None:
        out = open(self.base / "worker.log", "a")  # noqa: SIM115 - closed with the process
        argv, unit_env = unit_command("panjin-worker.service")  # search_sync --forever
        self.processes["worker"] = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**self.env, **unit_env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def supervise_worker(self) -> None:
        """What systemd's Restart=always does for the worker in production: counted, reported."""

        def loop():
            while not self._stop_supervisor:
                process = self.processes.get("worker")
                if not self._paused and process is not None and process.poll() is not None:
                    self.worker_restarts += 1
                    log(f"worker exited ({process.returncode}); restarting it")
                    time.sleep(1)
                    self.start_worker()
                time.sleep(0.5)

        threading.Thread(target=loop, daemon=True).start()

    def pause_worker(self) -> None:
        self._paused = True
        process = self.processes.get("worker")
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=30)

    def resume_worker(self) -> None:
        self.start_worker()
        self._paused = False

    def stop(self) -> None:
        self._stop_supervisor = True
        if self.nginx:
            self.nginx.stop()
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
            if process.poll() is None:
                process.kill()


def start_front(stack: Stack, env: dict, args) -> None:
    """nginx with deploy/nginx/panjin.conf.template in front of gunicorn; every client after
    this (locust, the fuzzers, the probes) talks HTTPS to it and trusts its throwaway CA."""
    stack.nginx = Nginx(
        base=stack.base / "nginx",
        https_port=free_port(args.tls_port),
        http_port=free_port(args.http_port),
        upstream=f"127.0.0.1:{stack.port}",
        env=env,
    )
    stack.nginx.start()
    for target in (os.environ, env):
        target["REQUESTS_CA_BUNDLE"] = str(stack.nginx.certificate)
    env["PROVE_HOST"] = stack.host
    env["PROVE_NGINX_LOG"] = str(stack.nginx.access_log)
    env["PROVE_HTTP_PORT"] = str(stack.nginx.http_port)
    deadline = time.monotonic() + 30
    while http_get(stack.host + "/healthz", timeout=2)[0] != 200:
        if time.monotonic() > deadline:
            raise SystemExit(f"prove: nginx does not answer, see {stack.nginx.base}/error.log")
        time.sleep(0.5)


# -- locust ----------------------------------------------------------------------------------
@dataclass
class LoadRun:
    name: str
    process: subprocess.Popen
    prefix: Path
    writes: Path
    status: Path
    started: float

    def wait(self) -> None:
        self.process.wait()

    def stats(self) -> list[dict]:
        path = Path(f"{self.prefix}_stats.csv")
        return list(csv.DictReader(path.open(encoding="utf-8"))) if path.exists() else []

    def statuses(self) -> dict:
        if not self.status.exists():
            return {"counts": {}, "bad": []}
        return json.loads(self.status.read_text(encoding="utf-8"))

    def server_errors(self) -> list:
        return [b for b in self.statuses()["bad"] if b[3] >= 500]


def locust(
    stack: Stack,
    fixture: Path,
    name: str,
    classes: list[str],
    *,
    users: int,
    seconds: int,
    spawn: float = 10,
    env: dict[str, str] | None = None,
) -> LoadRun:
    out = stack.base / "load" / name
    out.mkdir(parents=True, exist_ok=True)
    run = LoadRun(
        name=name,
        process=None,
        prefix=out / "locust",
        writes=out / "writes.jsonl",
        status=out / "status.json",
        started=time.time(),
    )
    extra = env or {}
    env = {
        **os.environ,
        **extra,
        "LOAD_FIXTURE": str(fixture),
        "LOAD_WRITES": str(run.writes),
        "LOAD_STATUS": str(run.status),
        "LOAD_RUN": f"{name}-{secrets.token_hex(3)}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run.process = subprocess.Popen(
        [
            LOCUST,
            "-f",
            str(ROOT / "bench/load/locustfile.py"),
            "--headless",
            "--only-summary",
            "-u",
            str(users),
            "-r",
            str(spawn),
            "-t",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            stack.host,
            "--csv",
            str(run.prefix),
            "--loglevel",
            "WARNING",
            *classes,
        ],
        cwd=ROOT,
        env=env,
        stdout=open(out / "locust.log", "w"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
    )
    return run


def aggregated(run: LoadRun) -> dict:
    for row in run.stats():
        if row["Name"] == "Aggregated":
            return row
    return {}


def verify(stack: Stack, run: LoadRun, *, drain_timeout: int = 240) -> dict:
    result = stack.python(
        "bench/load/verify.py",
        "--writes",
        str(run.writes),
        "--drain-timeout",
        str(drain_timeout),
        check=False,
    )
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {
            "writes": 0,
            "writes_lost": -1,
            "outbox_pending": -1,
            "error": result.stderr[-2000:],
        }


# -- phases ----------------------------------------------------------------------------------
@dataclass
class Outcome:
    name: str
    passed: bool
    writes_lost: int = 0
    detail: str = ""
    figures: dict = field(default_factory=dict)

    @classmethod
    def from_checks(
        cls, name: str, checks: dict, summary: str, *, writes_lost: int, figures: dict
    ) -> "Outcome":
        """Passed when every named check held; the detail names those that did not."""
        verdict = checks_verdict(name, checks, summary)
        return cls(
            name,
            verdict["passed"],
            max(writes_lost, 0),
            verdict["detail"],
            {"checks": checks, **figures},
        )


# The search page must serve at least this share of a trivial JSON view's throughput on the
# same server (issue 13), on the realistic mix: a long tail of distinct queries drawn by Zipf's
# law (bench/load/queries.py), so the page cache hits as often as on a real site.
CAPACITY_MIN_RATIO = 0.25
# The worst case, every query new (no cache can help): its own floor, about two thirds of the
# 0.028–0.030 the page reached on 2026-12-06 on a loaded machine (bench/README.md), so a page
# half as fast fails (the Elasticsearch page before that day's changes gave 0.010).
CAPACITY_NEW_MIN_RATIO = 0.02
# The realistic mix's unmeasured warm-up, in seconds (phase_capacity says why).
SEARCH_WARMUP = 30


def _probe(stack: Stack, fixture: Path, cls: str, *, seconds: int, users: int, warmup: int) -> dict:
    """One capacity probe alone: `warmup` seconds unmeasured, then `seconds` measured. The
    worst-case pool is split so that the measured run sends none of the warm-up's queries."""
    if warmup:
        locust(
            stack,
            fixture,
            f"warmup-{cls}",
            [cls],
            users=users,
            seconds=warmup,
            spawn=users,
            env={"LOAD_QUERY_SLICE": "0"},
        ).wait()
    run = locust(
        stack,
        fixture,
        f"capacity-{cls}",
        [cls],
        users=users,
        seconds=seconds,
        spawn=users,
        env={"LOAD_QUERY_SLICE": "1"},
    )
    run.wait()
    row = aggregated(run)
    cache = run.statuses().get("search_cache", {})
    # Served from the cache: this worker's own ("hit") or another worker's ("shared").
    served = cache.get("hit", 0) + cache.get("shared", 0)
    answered = served + cache.get("miss", 0)
    return {
        "rps": float(row.get("Requests/s") or 0),
        "p50": row.get("50%"),
        "p95": row.get("95%"),
        "failures": int(row.get("Failure Count") or 0),
        # Read from the page's X-Search-Cache header; None when the server does not send it.
        "hit_rate": served / answered if answered else None,
        "shared": cache.get("shared", 0) / answered if answered else None,
        "pool_spent": cache.get("pool spent", 0),
    }


def _percent(rate: float | None) -> str:
    return "not reported" if rate is None else f"{rate:.0%}"


def phase_capacity(
    stack: Stack, fixture: Path, *, seconds: int, users: int, warmup: int = 10
) -> Outcome:
    """Throughput of the search page against a trivial JSON view, each alone, same server:
    the realistic mix (fails below CAPACITY_MIN_RATIO) and every query new (fails below
    CAPACITY_NEW_MIN_RATIO), and any failed request fails. Each probe first runs `warmup`
    seconds unmeasured (workers' first requests, the page cache's steady state; the cold start
    is bench/bench_first_query.py's).

    The realistic mix warms up for SEARCH_WARMUP seconds on its own traffic, longer than the
    others: Elasticsearch's first half minute of search load costs it about twice its steady
    CPU (sampled each second: some 1.5 cores at first, settling near 0.8 at the same load; the
    JVM compiling its search code), and the page cache's entries live 30 seconds, so after it
    the measured run sees the steady state, expiries included, and nothing another probe's
    queries left behind."""
    queries = json.loads(fixture.read_text(encoding="utf-8")).get("page_queries", {})
    rates = {
        cls: _probe(
            stack,
            fixture,
            cls,
            seconds=seconds,
            users=users,
            warmup=SEARCH_WARMUP if cls == "SearchPage" else warmup,
        )
        for cls in ("Healthz", "SearchPage", "SearchPageNew")
    }
    healthz = rates["Healthz"]["rps"]
    ratio = rates["SearchPage"]["rps"] / healthz if healthz else 0
    ratio_new = rates["SearchPageNew"]["rps"] / healthz if healthz else 0
    passed = (
        not any(r["failures"] for r in rates.values())
        and ratio >= CAPACITY_MIN_RATIO
        and ratio_new >= CAPACITY_NEW_MIN_RATIO
        and not rates["SearchPageNew"]["pool_spent"]
    )
    detail = (
        f"/healthz {healthz:.0f} req/s; realistic mix "
        f"({len(queries.get('realistic', []))} distinct queries, Zipf s = "
        f"{queries.get('zipf_exponent', '?')}): search page {rates['SearchPage']['rps']:.1f} "
        f"req/s, ratio {ratio:.3f} (aim ≥ {CAPACITY_MIN_RATIO}), cache hits "
        f"{_percent(rates['SearchPage']['hit_rate'])}; every query new: "
        f"{rates['SearchPageNew']['rps']:.1f} req/s, ratio {ratio_new:.3f} "
        f"(floor ≥ {CAPACITY_NEW_MIN_RATIO}), cache hits "
        f"{_percent(rates['SearchPageNew']['hit_rate'])}"
    )
    if rates["SearchPageNew"]["pool_spent"]:
        detail += f"; worst-case pool spent ({rates['SearchPageNew']['pool_spent']} repeats)"
    failures = sum(r["failures"] for r in rates.values())
    if failures:
        detail += f"; {failures} failed requests"
    return Outcome(
        "capacity",
        passed,
        0,
        detail,
        {"rates": rates, "ratio": ratio, "ratio_new": ratio_new},
    )


def phase_load(stack: Stack, fixture: Path, *, seconds: int, users: int) -> Outcome:
    run = locust(stack, fixture, "load", MIX, users=users, seconds=seconds)
    run.wait()
    checked = verify(stack, run)
    row = aggregated(run)
    errors = run.statuses()["bad"]
    five = [b for b in errors if b[3] >= 500 or b[3] == 0]
    passed = not five and checked["writes_lost"] == 0 and checked["outbox_pending"] == 0
    refused = run.statuses()["counts"].get("inquiry rejected by a rule", {}).get("302", 0)
    detail = (
        f"{row.get('Request Count')} requests, {len(five)} 5xx/connection errors, "
        f"{checked['writes']} writes ({checked.get('by_kind')}), lost {checked['writes_lost']}; "
        f"inquiries refused by a business rule: {refused}"
    )
    return Outcome(
        "load",
        passed,
        max(checked["writes_lost"], 0),
        detail,
        {"rows": run.stats(), "verify": checked, "errors": errors[:20], "bad5": five[:10]},
    )


def phase_es_kill(stack: Stack, fixture: Path, es: Elasticsearch, *, users: int) -> Outcome:
    """SIGKILL Elasticsearch mid-load, restart it; search degrades, nothing is lost."""
    run = locust(stack, fixture, "fault-es", MIX, users=users, seconds=75)
    time.sleep(15)
    t_kill = time.time()
    pid = es.kill()
    log(f"killed Elasticsearch (pid {pid})")
    time.sleep(4)
    page = http_get(stack.host + "/search/?q=稠油")
    api = http_get(stack.host + "/api/v1/search?q=稠油")
    health = http_get(stack.host + "/api/v1/health")
    time.sleep(10)
    log("restarting Elasticsearch")
    es.start()
    t_up = time.time()
    log(f"Elasticsearch healthy again after {t_up - t_kill:.0f}s")
    run.wait()
    checked = verify(stack, run, drain_timeout=300)
    writes = (
        [json.loads(x) for x in run.writes.read_text().splitlines()] if run.writes.exists() else []
    )
    during = sum(1 for w in writes if t_kill <= w["t"] <= t_up)
    five = [b for b in run.statuses()["bad"] if b[3] >= 500 or b[3] == 0]
    checks = {
        "no 5xx": not five,
        "search page 200 with notice": page[0] == 200 and 'id="search-degraded"' in page[1],
        "search API 200": api[0] == 200
        and '"backend": "database"' in api[1].replace('":"', '": "'),
        "health degraded, 200": health[0] == 200 and "degraded" in health[1],
        "writes during outage": during > 0,
        "index caught up": checked["outbox_pending"] == 0,
        "writes lost = 0": checked["writes_lost"] == 0,
    }
    return Outcome.from_checks(
        "Elasticsearch SIGKILL + restart",
        checks,
        f"outage {t_up - t_kill:.0f}s, {during} writes during it, "
        f"{checked['writes']} writes in all; ",
        writes_lost=checked["writes_lost"],
        figures={"bad5": five[:10], "verify": checked},
    )


# The cluster fault: the node holding the search index's primary shard is SIGKILLed at
# CLUSTER_KILL_AT seconds into a CLUSTER_LOAD_SECONDS load, restarted CLUSTER_DOWN_SECONDS later
# (as its service manager would); the cluster must be green with every node back within
# CLUSTER_GREEN_WITHIN seconds of that restart, and at least CLUSTER_MIN_PROBES searches must
# have been served by Elasticsearch between the kill and green.
CLUSTER_LOAD_SECONDS = 120
CLUSTER_KILL_AT = 20
CLUSTER_DOWN_SECONDS = 20
CLUSTER_GREEN_WITHIN = 150.0
CLUSTER_MIN_PROBES = 10
SEARCH_ENDPOINTS = ("/search/?q=", "/api/v1/search?q=")
FALLBACK_LOG = re.compile(r"Elasticsearch (search|suggest) failed, using the database")


def phase_es_cluster(
    stack: Stack, fixture: Path, cluster: ElasticsearchCluster, *, users: int
) -> Outcome:
    """Three Elasticsearch nodes, ELASTICSEARCH_REPLICAS=1, the app given all three URLs: SIGKILL
    the node holding the primary shard mid-load and restart it. No search fails or falls back
    to the database, no write is lost, and the cluster turns green again by itself."""
    log("three-node cluster: ES_NODES=3 bin/elasticsearch start")
    cluster.start()
    env = {**stack.env, "ELASTICSEARCH_URL": cluster.urls, "ELASTICSEARCH_REPLICAS": "1"}
    # The same nginx, port and settings; gunicorn and the worker restarted with the cluster's
    # URLs (one worker drains the outbox: for this phase, into the cluster).
    app = Stack(
        base=stack.base / "es-cluster",
        env=env,
        port=stack.port,
        workers=stack.workers,
        nginx=stack.nginx,
    )
    app.base.mkdir(exist_ok=True)
    alias = f"{env['ELASTICSEARCH_INDEX_PREFIX']}-search"
    stack.pause_worker()
    web = stack.processes["gunicorn"]
    web.terminate()
    web.wait(timeout=30)
    try:
        log("search_index rebuild into the cluster (replicas 1)")
        app.manage(
            "search_index", "rebuild", "--backend", "elasticsearch", "--workers", "2", capture=True
        )
        copies = cluster.shard_copies(alias)
        app.start_web()
        app.start_worker()
        app.supervise_worker()
        return _cluster_fault(app, fixture, cluster, alias, copies, users=users)
    finally:
        app.nginx = None  # the first stack's, which stays up
        app.stop()
        stack.start_web()
        stack.resume_worker()
        with contextlib.suppress(Exception):
            cluster.drop(f"{env['ELASTICSEARCH_INDEX_PREFIX']}*")


def _cluster_fault(
    app: Stack,
    fixture: Path,
    cluster: ElasticsearchCluster,
    alias: str,
    copies: list[dict],
    *,
    users: int,
) -> Outcome:
    queries = json.loads(fixture.read_text(encoding="utf-8"))["queries"]
    # (time, status, backend, seconds) of a search every 0.5 s, beside the load.
    probes: list[tuple[float, int, str, float]] = []
    probing = threading.Event()

    def probe():
        for q in itertools.cycle(queries):
            if probing.is_set():
                return
            started = time.time()
            status, body = http_get(f"{app.host}/api/v1/search?q={q}", timeout=30)
            try:
                backend = json.loads(body).get("backend", "?") if status == 200 else "-"
            except json.JSONDecodeError:
                backend = "?"
            probes.append((started, status, backend, time.time() - started))
            time.sleep(0.5)

    run = locust(app, fixture, "fault-es-cluster", MIX, users=users, seconds=CLUSTER_LOAD_SECONDS)
    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    time.sleep(CLUSTER_KILL_AT)
    holder = cluster.primary_holder(alias)
    t_kill = time.time()
    pid = cluster.kill(holder)
    log(f"killed {holder.name} (pid {pid}), which held the primary shard of {alias}")
    moved_to, failover = cluster.wait_for_primary_elsewhere(alias, holder, timeout=60)
    log(f"primary on {moved_to.name if moved_to else '?'} after {failover or -1:.1f}s")
    time.sleep(max(0.0, t_kill + CLUSTER_DOWN_SECONDS - time.time()))
    t_restart = time.time()
    log(f"restarting {holder.name} (bin/elasticsearch start starts the nodes that are down)")
    restarter = threading.Thread(target=cluster.start_down_nodes, daemon=True)
    restarter.start()
    every = len(cluster.nodes)
    rejoined = cluster.wait_for_status("yellow", timeout=CLUSTER_GREEN_WITHIN, nodes=every)
    left = max(0.0, t_restart + CLUSTER_GREEN_WITHIN - time.time())
    green = cluster.wait_for_status("green", timeout=left, nodes=every)
    t_green = time.time()
    green = None if green is None else t_green - t_restart
    log(f"{holder.name} rejoined {rejoined or -1:.0f}s after its restart, green {green or -1:.0f}s")
    restarter.join(timeout=300)
    run.wait()
    probing.set()
    prober.join(timeout=60)
    checked = verify(app, run, drain_timeout=300)
    writes = (
        [json.loads(x) for x in run.writes.read_text().splitlines()] if run.writes.exists() else []
    )
    during = sum(1 for w in writes if t_kill <= w["t"] <= t_green)
    statuses = run.statuses()
    bad = statuses["bad"]
    five = [b for b in bad if b[3] >= 500 or b[3] == 0]
    failed_searches = [b for b in bad if b[2] in SEARCH_ENDPOINTS] + [
        p for p in probes if p[1] != 200
    ]
    served = dict(statuses.get("search_backends", {}))
    searches = sum(statuses["counts"].get(name, {}).get("200", 0) for name in SEARCH_ENDPOINTS)
    log_text = (app.base / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    fallbacks_logged = len(FALLBACK_LOG.findall(log_text))
    windows = {
        "before": [p for p in probes if p[0] < t_kill],
        "during": [p for p in probes if t_kill <= p[0] <= t_green],
        "after": [p for p in probes if p[0] > t_green],
    }
    outage_on_es = sum(1 for p in windows["during"] if p[2] == "elasticsearch")
    probe_ms = "/".join(
        f"{sorted(p[3] for p in w)[len(w) // 2] * 1000:.0f}" if w else "–" for w in windows.values()
    )
    checks = {
        "killed node held the primary": any(
            c["prirep"] == "p" and c["node"] == holder.name for c in copies
        ),
        "replica promoted on another node (≤ 60s)": moved_to is not None,
        "no search failed": not failed_searches,
        "no 5xx": not five,
        "no fallback in the app's log": fallbacks_logged == 0,
        "every search served by Elasticsearch": set(served) == {"elasticsearch"}
        and served["elasticsearch"] == searches,
        f"≥ {CLUSTER_MIN_PROBES} searches on ES during the fault": outage_on_es
        == len(windows["during"])
        and outage_on_es >= CLUSTER_MIN_PROBES,
        f"green with every node ≤ {CLUSTER_GREEN_WITHIN:.0f}s after restart": green is not None,
        "writes during the fault": during > 0,
        "index caught up": checked["outbox_pending"] == 0,
        "writes lost = 0": checked["writes_lost"] == 0,
    }
    search_rows = [r for r in run.stats() if r["Name"] in SEARCH_ENDPOINTS]
    p95 = "/".join(ms(r.get("95%")) for r in search_rows)
    return Outcome.from_checks(
        "Elasticsearch cluster: primary's node SIGKILLed + restarted (3 nodes, 1 replica)",
        checks,
        f"killed {holder.name}; primary on {moved_to.name if moved_to else '?'} "
        f"{failover if failover is not None else -1:.1f}s later; node down "
        f"{t_restart - t_kill:.0f}s, rejoined {rejoined if rejoined is not None else -1:.0f}s "
        f"after its restart, green with {every} nodes "
        f"{green if green is not None else -1:.0f}s after it (≤ {CLUSTER_GREEN_WITHIN:.0f}); "
        f"searches {searches} (load) + {len(probes)} (probe), failed {len(failed_searches)} "
        f"(≤ 0), served by the database {served.get('database', 0)} (responses) / "
        f"{fallbacks_logged} (app log) (≤ 0); {outage_on_es}/{len(windows['during'])} probes "
        f"on Elasticsearch between kill and green (≥ {CLUSTER_MIN_PROBES}); probe median "
        f"{probe_ms} ms (before/during/after), load search p95 {p95} ms (page/API); "
        f"{during} writes during the fault, {checked['writes']} in all; ",
        writes_lost=checked["writes_lost"],
        figures={
            "bad5": five[:10],
            "failed_searches": failed_searches[:10],
            "served": served,
            "verify": checked,
            "copies": copies,
            "probes": probes,
            "t": {"kill": t_kill, "restart": t_restart, "green": t_green},
        },
    )


def phase_pg_restart(stack: Stack, fixture: Path, pg: PostgresCluster, *, users: int) -> Outcome:
    """Restart the (throwaway) PostgreSQL cluster mid-load: 503s in the window, then recovery."""
    run = locust(stack, fixture, "fault-pg", MIX, users=users, seconds=60)
    time.sleep(20)
    t_down = time.time()
    log("restarting PostgreSQL (pg_ctl stop -m fast, 8 s down, start)")
    pg.restart(down_seconds=8)
    t_up = time.time()
    log(f"PostgreSQL back after {t_up - t_down:.1f}s")
    run.wait()
    grace = 5.0
    bad = run.statuses()["bad"]
    server = [b for b in bad if b[3] >= 500 or b[3] == 0]
    not_503 = [b for b in server if b[3] not in (503,)]
    outside = [b for b in server if not (t_down - 1 <= b[0] <= t_up + grace)]
    after = http_get(stack.host + "/api/v1/health")
    page_after = http_get(stack.host + "/market/results/")
    checked = verify(stack, run)
    checks = {
        "503s seen in the outage": any(b[3] == 503 for b in server),
        "only 503 (no 500/traceback)": not not_503,
        f"errors only in the outage window (+{grace:.0f}s)": not outside,
        "health ok afterwards, no restart": after[0] == 200
        and '"ok": true' in after[1].replace('":true', '": true'),
        "pages serve afterwards": page_after[0] == 200,
        "index caught up": checked["outbox_pending"] == 0,
        "writes lost = 0": checked["writes_lost"] == 0,
    }
    return Outcome.from_checks(
        "PostgreSQL restart",
        checks,
        f"outage {t_up - t_down:.1f}s, {sum(1 for b in server if b[3] == 503)} × 503 in it, "
        f"{checked['writes']} writes; worker restarts {stack.worker_restarts}; ",
        writes_lost=checked["writes_lost"],
        figures={"not503": not_503[:10], "outside": outside[:10], "verify": checked},
    )


def phase_upload_limit(stack: Stack) -> Outcome:
    result = stack.python("bench/load/fault_upload.py", check=False, timeout=300)
    try:
        data = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return Outcome("upload size limit", False, 0, "no result: " + result.stderr[-500:])
    return Outcome("upload size limit", data["passed"], data["writes_lost"], data["detail"], data)


def phase_worker_kill(stack: Stack) -> Outcome:
    """bench/fault_worker.py:run(): the index worker SIGKILLed mid-batch (built beside this)."""
    script = ROOT / "bench/fault_worker.py"
    if not script.exists():
        return Outcome("task worker SIGKILL", False, 0, "bench/fault_worker.py is missing")
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); "
        "from fault_worker import run; "
        "print(json.dumps(run(), ensure_ascii=False, default=str))"
    )
    stack.pause_worker()  # the scenario runs (and kills) its own worker
    try:
        result = subprocess.run(
            [PY, "-c", code, str(script.parent)],
            cwd=ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        stack.resume_worker()
    try:
        data = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return Outcome("task worker SIGKILL", False, 0, "no result: " + result.stderr[-800:])
    return Outcome(
        data.get("name") or "task worker SIGKILL",
        bool(data.get("passed")),
        int(data.get("writes_lost") or 0),
        f"(bench/fault_worker.py) {data.get('detail', '')}",
        data,
    )


def phase_fuzz_live(stack: Stack, fixture: Path, examples: int) -> Outcome:
    """schemathesis and the read-back property against the running production server
    (bench/load/fuzz_live.py); 5xx counted from gunicorn's access log."""
    result = stack.python(
        "bench/load/fuzz_live.py",
        "--host",
        stack.host,
        "--fixture",
        str(fixture),
        "--access-log",
        # 5xx as the client got them: nginx's log when it fronts gunicorn.
        str(stack.nginx.access_log if stack.nginx else stack.access_log),
        "--examples",
        str(examples),
        check=False,
        timeout=1800,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return Outcome("live server fuzz", False, 0, f"no result: {result.stderr[-500:]}")
    figures = json.loads(lines[-1])
    checks = {
        "no 5xx in the access log": figures["five_xx"] == 0,
        "access log saw every call": figures["logged_requests"] >= figures["calls"],
        "every write read back": not figures["failures"],
        "property exercised (≥ 1 accepted)": figures["property_accepted"] >= 1,
    }
    summary = (
        f"seed {figures['seed']}: {figures['operations']} operations, {figures['calls']} calls, "
        f"{figures['writes']} writes, {figures['readbacks']} read-backs; property "
        f"{figures['property_accepted']}/{figures['property_tried']} accepted; "
        f"{'nginx ' if stack.nginx else ''}access log "
        f"{figures['logged_requests']} requests, 5xx {figures['five_xx']} (≤ 0); "
    )
    if figures["failures"]:
        summary += f"first failure: {figures['failures'][0][:200]}; "
    return Outcome.from_checks(
        f"live server fuzz (seed {figures['seed']})",
        checks,
        summary,
        writes_lost=0,
        figures=figures,
    )


def phase_front(stack: Stack, results: dict) -> Outcome:
    """nginx in front (deploy/nginx/): every request of the phases so far went through it with
    no 5xx in its log, and bench/load/front_check.py's probes of what nginx serves itself
    (static, HTTP/2, 301 to https, 413) and what only after the app allowed it
    (X-Accel-Redirect)."""
    if not stack.nginx:
        return Outcome("nginx front server", False, 0, "nginx did not run")
    seen = access_summary(stack.nginx.access_log)
    sent = 0
    if "load" in results:
        rows = results["load"].figures.get("rows", [])
        sent += sum(int(r["Request Count"] or 0) for r in rows if r["Name"] == "Aggregated")
    if "fuzz-live" in results:
        sent += int(results["fuzz-live"].figures.get("calls", 0))
    result = stack.python("bench/load/front_check.py", check=False, timeout=300)
    try:
        probe = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        probe = {"passed": False, "detail": "no result: " + result.stderr[-500:], "checks": {}}
    after = access_summary(stack.nginx.access_log)
    checks = {
        "load and fuzz went through nginx": sent > 0 and seen["requests"] >= sent,
        "5xx in nginx's log = 0": seen["five_xx"] == 0,
        "files sent via X-Accel-Redirect ≥ 2": after["accel_served"] >= 2,
        **{f"probe: {k}": v for k, v in probe.get("checks", {}).items()},
    }
    summary = (
        f"nginx access log: {seen['requests']} requests before the probes (≥ {sent} sent by "
        f"the load and the live fuzz), {seen['proxied']} proxied to gunicorn, 5xx "
        f"{seen['five_xx']} (≤ 0); probes: {len(probe.get('checks', {}))} checks, "
        f"{after['accel_served']} files sent by nginx via X-Accel-Redirect, "
        f"{after['http2']} HTTP/2 requests, {after['static_served']} static files from nginx; "
        # The probe's own verdict is left out: from_checks gives the line's.
        f"{probe.get('detail', '').rsplit('; ', 1)[0]}; "
    )
    return Outcome.from_checks(
        "nginx front server", checks, summary, writes_lost=0, figures={"log": after, **probe}
    )


STATS_LINE = re.compile(r"(\d+) passing, (\d+) failing, and (\d+) invalid test cases")


def phase_fuzz(env: dict, examples: int) -> list[Outcome]:
    outcomes = []
    test_env = {k: v for k, v in env.items() if not k.startswith(("DJANGO_", "ELASTICSEARCH_"))}
    test_env["SCHEMATHESIS_EXAMPLES"] = str(examples)
    for name, paths in FUZZ_SUITES.items():
        started = time.time()
        result = subprocess.run(
            [
                PY,
                "-m",
                "pytest",
                *paths,
                "-q",
                "-p",
                "no:cacheprovider",
                "--hypothesis-show-statistics",
                "-o",
                "addopts=",
            ],
            cwd=ROOT,
            env=test_env,
            capture_output=True,
            text=True,
            check=False,
        )
        output = result.stdout + result.stderr
        inputs = sum(int(a) + int(b) for a, b, _ in STATS_LINE.findall(output))
        summary = (output.strip().splitlines() or [""])[-1]
        five = len(re.findall(r"→ 5\d\d|status_code (?:==|=) 5\d\d|Internal Server Error", output))
        outcomes.append(
            Outcome(
                name,
                result.returncode == 0 and five == 0 and inputs > 0,
                0,
                f"{summary} ({time.time() - started:.0f}s)",
                {"inputs": inputs, "five": five, "tail": output[-3000:]},
            )
        )
    return outcomes


# -- report ----------------------------------------------------------------------------------
def ms(value) -> str:
    return f"{float(value):.0f}" if value not in (None, "", "N/A") else "–"


def render(scale: str, seconds_total: float, args, results: dict) -> str:
    lines = []
    lines.append(
        f"make prove — scale {scale}, {os.cpu_count()} cores, nginx (TLS, HTTP/2) in front of "
        f"gunicorn {args.workers} workers, "
        f"PostgreSQL ({'given database' if args.database_url else 'own cluster'}) + "
        f"Elasticsearch, {args.users} locust users; "
        f"{seconds_total / 60:.1f} min wall-clock"
    )
    lines.append("")
    lines.append("| check | result | figures |")
    lines.append("| --- | --- | --- |")
    ok = "✅ pass"
    bad = "❌ FAIL"
    if "load" in results:
        load = results["load"]
        row = next((r for r in load.figures.get("rows", []) if r["Name"] == "Aggregated"), {})
        lines.append(
            f"| load held ({args.seconds}s mix) | {ok if load.passed else bad} | "
            f"{float(row.get('Requests/s') or 0):.1f} req/s, p50 {ms(row.get('50%'))} ms, "
            f"p95 {ms(row.get('95%'))} ms, p99 {ms(row.get('99%'))} ms; "
            f"{row.get('Request Count')} requests, 5xx {len(load.figures.get('bad5', []))}, "
            f"writes {load.figures.get('verify', {}).get('writes')}, lost {load.writes_lost}"
            f"{'' if load.passed else '; ' + load.detail} |"
        )
    if "capacity" in results:
        cap = results["capacity"]
        lines.append(
            f"| search page ÷ trivial JSON view | {ok if cap.passed else bad} | {cap.detail} |"
        )
    for fault in results.get("faults", []):
        lines.append(
            f"| fault: {fault.name} | {ok if fault.passed else bad} | "
            f"writes lost {fault.writes_lost}; {fault.detail} |"
        )
    if "fuzz-live" in results:
        live = results["fuzz-live"]
        lines.append(f"| inputs: {live.name} | {ok if live.passed else bad} | {live.detail} |")
    if "front" in results:
        front = results["front"]
        lines.append(f"| {front.name} | {ok if front.passed else bad} | {front.detail} |")
    for label in getattr(args, "skipped", []):
        lines.append(f"| fault: {label} | ⏭ not run | skipped with --skip-faults |")
    for fuzz in results.get("fuzz", []):
        lines.append(
            f"| inputs: {fuzz.name} (in-process) | {ok if fuzz.passed else bad} | "
            f"{fuzz.figures.get('inputs', 0)} inputs tried, 5xx seen in output "
            f"{fuzz.figures.get('five', 0)} (≤ 0); {fuzz.detail} |"
        )
    if "load" in results:
        lines += ["", "Per endpoint (load phase):", ""]
        lines.append("| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | failures |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in results["load"].figures.get("rows", []):
            lines.append(
                f"| {r['Type']} {r['Name']} | {r['Request Count']} | "
                f"{float(r['Requests/s'] or 0):.2f} | {ms(r['50%'])} | {ms(r['95%'])} | "
                f"{ms(r['99%'])} | {r['Failure Count']} |"
            )
    return "\n".join(lines)


def write_docs(scale: str, text: str, *, every_phase: bool = True) -> None:
    results = ROOT / "bench/results"
    results.mkdir(exist_ok=True)
    (results / f"prove-{scale}.md").write_text(text + "\n", encoding="utf-8")
    doc = ROOT / "docs/proof.md"
    # A run of some phases (--only) must not replace the whole run's table.
    if doc.exists() and every_phase:
        begin, end = f"<!-- prove:{scale}:begin -->", f"<!-- prove:{scale}:end -->"
        body = doc.read_text(encoding="utf-8")
        if begin in body and end in body:
            head, rest = body.split(begin, 1)
            _, tail = rest.split(end, 1)
            doc.write_text(f"{head}{begin}\n{text}\n{end}{tail}", encoding="utf-8")


def guarded(label: str, fn) -> "Outcome":
    """A scenario that crashes is a failed scenario, not the end of the run."""
    try:
        return fn()
    except Exception as exc:
        log(f"{label} crashed: {exc!r}")
        return Outcome(label, False, 0, f"crashed: {type(exc).__name__}: {exc}"[:300])


# -- main ------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default=os.environ.get("SCALE", "small"))
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--seconds", type=int, default=60, help="length of the mixed load")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--examples", type=int, default=16, help="schemathesis examples per op")
    parser.add_argument("--only", default="capacity,load,fuzz-live,front,faults,es-cluster,fuzz")
    parser.add_argument("--database-url", help="use this database instead of a throwaway cluster")
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--keep", action="store_true", help="leave the temporary folder")
    parser.add_argument("--web-port", type=int, default=8403, help="gunicorn (loopback)")
    parser.add_argument("--tls-port", type=int, default=8443, help="nginx, HTTPS and HTTP/2")
    parser.add_argument("--http-port", type=int, default=8480, help="nginx, redirect to https")
    parser.add_argument(
        "--skip-faults",
        default="",
        help="fault labels not to run, e.g. 'Elasticsearch SIGKILL' on a shared Elasticsearch",
    )
    args = parser.parse_args()
    phases = set(args.only.split(","))
    started = time.time()
    base = Path(tempfile.mkdtemp(prefix="panjin-prove-"))
    es = Elasticsearch(int(os.environ.get("ES_PORT", "9203")))
    # Three nodes on ES_CLUSTER_PORT and the next two, for the cluster fault only.
    cluster = ElasticsearchCluster(int(os.environ.get("ES_CLUSTER_PORT", "9211")))
    pg = None if args.database_url else PostgresCluster(base, free_port(5442))
    prefix = f"h3-prove-{secrets.token_hex(3)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # nginx (deploy/nginx/) terminates TLS and sets X-Forwarded-Proto / X-Forwarded-For.
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "PRIVATE_FILES_ACCEL_REDIRECT": "/_protected/",
        "DJANGO_DATA_DIR": str(base / "data"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
        "ELASTICSEARCH_URL": es.url,
        "ELASTICSEARCH_INDEX_PREFIX": prefix,
        "PYTHONUNBUFFERED": "1",
    }
    stack = Stack(base=base, env=env, port=free_port(args.web_port), workers=args.workers)
    env["PROVE_HOST"] = stack.host
    results: dict = {}
    try:
        log(f"working folder {base}")
        es_thread = threading.Thread(target=es.start)
        es_thread.start()
        if pg:
            log(f"throwaway PostgreSQL cluster on port {pg.port} ({pg.bin.parent.name})")
            pg.start()
        env["DATABASE_URL"] = args.database_url or pg.url
        stack.manage("migrate", "--noinput", "-v0")
        if not args.skip_seed:
            log(f"seed_demo --scale {args.scale} (search index: database table)")
            seed_env = {k: v for k, v in env.items() if k != "ELASTICSEARCH_URL"}
            subprocess.run(
                [PY, "manage.py", "seed_demo", "--scale", args.scale, "--quiet-progress"],
                cwd=ROOT,
                env={**seed_env, "DJANGO_TASKS_BACKEND": "immediate"},
                check=True,
                stdout=subprocess.DEVNULL,
            )
        stack.manage("collectstatic", "--noinput", "-v0")
        es_thread.join()
        log("search_index rebuild --backend elasticsearch")
        stack.manage(
            "search_index", "rebuild", "--backend", "elasticsearch", "--workers", "2", capture=True
        )
        fixture = base / "fixture.json"
        log(stack.python("bench/load/prepare.py", "--out", str(fixture)).stdout.strip())
        stack.start_web()
        start_front(stack, env, args)
        stack.start_worker()
        stack.supervise_worker()
        log(
            f"nginx on {stack.host} → gunicorn ({args.workers} workers) on {stack.upstream}, "
            "worker search_sync --forever"
        )

        if "capacity" in phases:
            log("capacity: /healthz alone, then the search page alone")
            results["capacity"] = guarded(
                "capacity", lambda: phase_capacity(stack, fixture, seconds=15, users=6)
            )
            log(results["capacity"].detail)
        if "load" in phases:
            log(f"load: {args.users} users, {args.seconds}s")
            results["load"] = guarded(
                "load", lambda: phase_load(stack, fixture, seconds=args.seconds, users=args.users)
            )
            log(results["load"].detail)
        if "fuzz-live" in phases:
            log(f"fuzz against the live server ({args.examples} examples/operation)")
            results["fuzz-live"] = guarded(
                "live server fuzz", lambda: phase_fuzz_live(stack, fixture, args.examples)
            )
            log(results["fuzz-live"].detail)
        if "front" in phases:
            log("front server: nginx's access log and the X-Accel-Redirect probes")
            results["front"] = guarded("nginx front server", lambda: phase_front(stack, results))
            log(results["front"].detail)
        if "faults" in phases:
            faults = results["faults"] = []
            skipped = args.skipped = []
            for label, fn in [
                (
                    "Elasticsearch SIGKILL",
                    lambda: phase_es_kill(stack, fixture, es, users=args.users),
                ),
                (
                    "PostgreSQL restart",
                    lambda: (
                        phase_pg_restart(stack, fixture, pg, users=args.users)
                        if pg
                        else Outcome(
                            "PostgreSQL restart", False, 0, "skipped: --database-url given"
                        )
                    ),
                ),
                ("upload size limit", lambda: phase_upload_limit(stack)),
                ("task worker SIGKILL", lambda: phase_worker_kill(stack)),
            ]:
                if label in args.skip_faults.split(","):
                    log(f"fault: {label} skipped (--skip-faults)")
                    skipped.append(label)
                    continue
                log(f"fault: {label}")
                faults.append(guarded(label, fn))
                log(f"  → {'pass' if faults[-1].passed else 'FAIL'}: {faults[-1].detail}")
        if "es-cluster" in phases:
            label = "Elasticsearch cluster node SIGKILL"
            log(f"fault: {label}")
            outcome = guarded(
                label, lambda: phase_es_cluster(stack, fixture, cluster, users=args.users)
            )
            results.setdefault("faults", []).append(outcome)
            log(f"  → {'pass' if outcome.passed else 'FAIL'}: {outcome.detail}")
        stack.stop()
        if "fuzz" in phases:
            log(f"fuzz: schemathesis ({args.examples} examples/operation) and Hypothesis")
            results["fuzz"] = phase_fuzz(env, args.examples)
            for outcome in results["fuzz"]:
                log(f"  {outcome.name}: {outcome.figures.get('inputs')} inputs, {outcome.detail}")
    finally:
        stack.stop()
        if pg:
            with contextlib.suppress(Exception):
                pg.stop()
        with contextlib.suppress(Exception):
            drop = urllib.request.Request(f"{es.url}/{prefix}*", method="DELETE")  # noqa: S310
            urllib.request.urlopen(drop, timeout=10)  # noqa: S310
        es.stop()
        with contextlib.suppress(Exception):
            cluster.stop()
        (base / "results.json").write_text(
            json.dumps(
                {
                    k: [o.__dict__ for o in v] if isinstance(v, list) else v.__dict__
                    for k, v in results.items()
                },
                ensure_ascii=False,
                default=str,
                indent=1,
            ),
            encoding="utf-8",
        )
        if not args.keep:
            keep = ROOT / "bench/results/prove-last.json"
            keep.parent.mkdir(exist_ok=True)
            shutil.copy(base / "results.json", keep)
            shutil.rmtree(base, ignore_errors=True)
    text = render(args.scale, time.time() - started, args, results)
    print()
    print(text)
    write_docs(args.scale, text, every_phase=args.only == parser.get_default("only"))
    outcomes = [o for v in results.values() for o in (v if isinstance(v, list) else [v])]
    return 0 if outcomes and all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
