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
PostgreSQL restarted mid-load, the upload size limit, the task worker killed mid-batch), then
the in-process fuzz suites (schemathesis, Hypothesis) with their bounded example counts. Exits 1
when anything failed. Writes bench/results/prove-<scale>.md and the marked block in
docs/proof.md.
"""

import argparse
import contextlib
import csv
import json
import os
import re
import secrets
import shutil
import signal
import socket
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
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
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
        return http_get(self.url, timeout=3)[0] == 200

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
    processes: dict = field(default_factory=dict)
    worker_restarts: int = 0
    _stop_supervisor: bool = False
    _paused: bool = False

    @property
    def host(self) -> str:
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
        out = open(self.base / "gunicorn.log", "a")  # noqa: SIM115 - closed with the process
        self.processes["gunicorn"] = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi:application",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                # The live fuzz phase counts 5xx from here, not from its own verdicts.
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(s)s %(m)s %(U)s",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while http_get(self.host + "/healthz", timeout=2)[0] != 200:
            if time.monotonic() > deadline or self.processes["gunicorn"].poll() is not None:
                raise SystemExit(f"prove: gunicorn did not come up, see {self.base}/gunicorn.log")
            time.sleep(0.5)

    def start_worker(self) -> None:
        out = open(self.base / "worker.log", "a")  # noqa: SIM115 - closed with the process
        self.processes["worker"] = subprocess.Popen(
            [PY, "manage.py", "search_sync", "--forever", "--interval", "1"],
            cwd=ROOT,
            env=self.env,
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
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
            if process.poll() is None:
                process.kill()


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
    env = {
        **os.environ,
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
        failed = [k for k, ok in checks.items() if not ok]
        verdict = "all checks held" if not failed else "FAILED: " + ", ".join(failed)
        return cls(
            name, not failed, max(writes_lost, 0), summary + verdict, {"checks": checks, **figures}
        )


# The search page must serve at least this share of a trivial JSON view's throughput on the
# same server (issue 13).
CAPACITY_MIN_RATIO = 0.25


def phase_capacity(
    stack: Stack, fixture: Path, *, seconds: int, users: int, warmup: int = 10
) -> Outcome:
    """Throughput of the search page against a trivial JSON view, each alone, same server;
    fails below CAPACITY_MIN_RATIO or on any failed request. Each probe first runs `warmup`
    seconds unmeasured (workers' first requests, the search page's per-process result cache:
    steady state, not the cold start, which bench/bench_first_query.py measures)."""
    rates = {}
    for cls in ("Healthz", "SearchPage"):
        if warmup:
            locust(
                stack, fixture, f"warmup-{cls}", [cls], users=users, seconds=warmup, spawn=users
            ).wait()
        run = locust(
            stack, fixture, f"capacity-{cls}", [cls], users=users, seconds=seconds, spawn=users
        )
        run.wait()
        row = aggregated(run)
        rates[cls] = {
            "rps": float(row.get("Requests/s") or 0),
            "p50": row.get("50%"),
            "p95": row.get("95%"),
            "failures": int(row.get("Failure Count") or 0),
        }
    ratio = rates["SearchPage"]["rps"] / rates["Healthz"]["rps"] if rates["Healthz"]["rps"] else 0
    passed = (
        not rates["Healthz"]["failures"]
        and not rates["SearchPage"]["failures"]
        and ratio >= CAPACITY_MIN_RATIO
    )
    detail = (
        f"/healthz {rates['Healthz']['rps']:.0f} req/s, search page "
        f"{rates['SearchPage']['rps']:.1f} req/s: ratio {ratio:.3f} (aim ≥ {CAPACITY_MIN_RATIO})"
    )
    return Outcome("capacity", passed, 0, detail, {"rates": rates, "ratio": ratio})


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
        str(stack.access_log),
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
        f"{figures['property_accepted']}/{figures['property_tried']} accepted; access log "
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
        f"make prove — scale {scale}, {os.cpu_count()} cores, gunicorn {args.workers} workers, "
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


def write_docs(scale: str, text: str) -> None:
    results = ROOT / "bench/results"
    results.mkdir(exist_ok=True)
    (results / f"prove-{scale}.md").write_text(text + "\n", encoding="utf-8")
    doc = ROOT / "docs/proof.md"
    if doc.exists():
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
    parser.add_argument("--only", default="capacity,load,fuzz-live,faults,fuzz")
    parser.add_argument("--database-url", help="use this database instead of a throwaway cluster")
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--keep", action="store_true", help="leave the temporary folder")
    args = parser.parse_args()
    phases = set(args.only.split(","))
    started = time.time()
    base = Path(tempfile.mkdtemp(prefix="panjin-prove-"))
    es = Elasticsearch(int(os.environ.get("ES_PORT", "9203")))
    pg = None if args.database_url else PostgresCluster(base, free_port(5442))
    prefix = f"h3-prove-{secrets.token_hex(3)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Loopback stands in for the TLS proxy; the client sends X-Forwarded-Proto: https.
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DJANGO_DATA_DIR": str(base / "data"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
        "ELASTICSEARCH_URL": es.url,
        "ELASTICSEARCH_INDEX_PREFIX": prefix,
        "PYTHONUNBUFFERED": "1",
    }
    stack = Stack(base=base, env=env, port=free_port(8403), workers=args.workers)
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
        stack.start_worker()
        stack.supervise_worker()
        log(f"gunicorn ({args.workers} workers) on {stack.host}, worker search_sync --forever")

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
        if "faults" in phases:
            faults = results["faults"] = []
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
                log(f"fault: {label}")
                faults.append(guarded(label, fn))
                log(f"  → {'pass' if faults[-1].passed else 'FAIL'}: {faults[-1].detail}")
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
    write_docs(args.scale, text)
    outcomes = [o for v in results.values() for o in (v if isinstance(v, list) else [v])]
    return 0 if outcomes and all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
