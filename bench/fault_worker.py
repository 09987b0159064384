"""Fault: SIGKILL the task worker mid-batch, start a new one, and lose nothing (issue 7).

    .venv/bin/python bench/fault_worker.py                  # scratch SQLite (migrated), ES required
    .venv/bin/python bench/fault_worker.py --rows 5000      # DATABASE_URL's database, if set
    ELASTICSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python bench/fault_worker.py --scratch

For other harnesses (bench/prove.py): `run() -> {"name", "passed", "writes_lost", "detail", …}`
in a process whose environment names the database and Elasticsearch (DATABASE_URL,
ELASTICSEARCH_URL, ELASTICSEARCH_INDEX_PREFIX, DJANGO_SETTINGS_MODULE); the last line the CLI
prints is that dict as JSON, and it exits 1 when the scenario failed.

The scenario, against the real worker `manage.py search_sync --forever` with the database task
queue (django-tasks-db):
1. import `rows` new patents through the registry importer (bulk writes, so the outbox rows come
   from `registry_bulk_changed`, and one `search_sync` task is queued on commit);
2. start the worker; once it has marked two batches, SIGKILL it late in the third: its task is
   left RUNNING, its batch written to the index (in part or whole) but not marked;
3. while no worker runs, re-import a tenth of the patents with new titles and delete a
   hundredth of them (more rows, another task);
4. start a new worker and wait until no row of ours is pending; stop it with SIGTERM;
5. compare every patent with Elasticsearch and the database search table: each present one with
   its latest title, each deleted one gone. writes_lost counts what is missing or stale.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "task worker SIGKILL mid-batch"


def _setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _start_worker(log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_TASKS_BACKEND": "database"}
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", "search_sync", "--forever", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _csv(numbers: list[str], title: str) -> bytes:
    lines = ["申请号,名称,申请日,申请（专利权）人"]
    lines += [f"{n},{title}{i},2021-03-01,盘锦故障演练有限公司" for i, n in enumerate(numbers)]
    return "\n".join(lines).encode()


def _numbers(rows: int) -> list[str]:
    """Application numbers nobody uses yet (a serial range of its own, year 2021)."""
    from core.identifiers import make_patent_number
    from ip_registry.models import Patent

    while True:
        base = 8_000_000 + int.from_bytes(os.urandom(2), "big") * 10
        numbers = [make_patent_number(2021, "2", base + i) for i in range(rows)]
        if not Patent.objects.filter(application_number__in=numbers[:50]).exists():
            return numbers


def run(*, rows: int = 3000, timeout: float = 120.0, cleanup: bool = True) -> dict:
    """Run the scenario in this process (Django is set up from the environment if need be)."""
    _setup_django()
    from django.test.utils import override_settings

    from ip_registry.imports import registry_import
    from ip_registry.models import Patent
    from search.client import elasticsearch_enabled
    from search.models import SearchEntry, SearchOutbox
    from search.outbox import DRAIN_BATCH

    result = {"name": NAME, "passed": False, "writes_lost": 0, "detail": "", "rows": rows}
    if not elasticsearch_enabled():
        result["detail"] = "needs ELASTICSEARCH_URL"
        return result
    from search.backends import elasticsearch_backend

    backend = elasticsearch_backend()
    backend.ensure_index()
    queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    log_path = Path(tempfile.mkdtemp(prefix="fault-worker-")) / "worker.log"
    numbers = _numbers(rows)
    first_row = (SearchOutbox.objects.order_by("-pk").values_list("pk", flat=True).first()) or 0

    with override_settings(TASKS=queue):  # this process only queues; the worker runs the sync
        report = registry_import(
            kind="patents", data=_csv(numbers, "故障演练专利甲"), filename="f.csv"
        )
    ids = dict(Patent.objects.filter(application_number__in=numbers).values_list("pk", "title"))
    ours = SearchOutbox.objects.filter(
        pk__gt=first_row, kind="patent", object_id__in=[str(i) for i in ids]
    )

    def processed() -> int:
        return ours.filter(processed_at__isnull=False).count()

    def fail(detail: str) -> dict:
        result["detail"] = f"{detail} (worker log: {log_path})"
        return result

    if not report.committed or len(ids) != rows:
        return fail(f"import failed: {report.summary()}")

    worker = _start_worker(log_path)
    start = time.monotonic()
    marks = []
    while time.monotonic() - start < timeout and worker.poll() is None:
        done = processed()
        if done >= DRAIN_BATCH * (len(marks) + 1):
            marks.append(time.monotonic())
            if len(marks) == 2:
                break
        time.sleep(0.02)
    if len(marks) < 2:
        worker.kill()
        return fail(f"the worker did not get through two batches ({processed()} rows)")
    # Late in the batch: its documents are likely written, its rows not yet marked. Should the
    # batch end sooner, the kill comes as the next one starts.
    late = time.monotonic() + (marks[1] - marks[0]) * 0.85
    while time.monotonic() < late and processed() < DRAIN_BATCH * 3:
        time.sleep(0.01)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    at_kill = processed()
    backend.refresh()
    indexed_at_kill = backend.client.count(
        index=backend.alias, query={"ids": {"values": [f"patent:{pk}" for pk in ids]}}
    )["count"]
    if at_kill >= rows:
        return fail("the worker finished before the kill: use more rows")

    # While no worker runs: more changes, as the web would keep making them.
    changed = numbers[: rows // 10]
    deleted_numbers = numbers[-max(1, rows // 100) :]
    with override_settings(TASKS=queue):
        registry_import(kind="patents", data=_csv(changed, "故障演练专利乙"), filename="g.csv")
        Patent.objects.filter(application_number__in=deleted_numbers).delete()
    deleted = set(ids) - set(Patent.objects.filter(pk__in=ids).values_list("pk", flat=True))
    total_rows = ours.count()

    restarted = time.monotonic()
    replacement = _start_worker(log_path)
    while ours.filter(processed_at__isnull=True).exists():
        if time.monotonic() - restarted > timeout or replacement.poll() is not None:
            replacement.kill()
            left = ours.filter(processed_at__isnull=True).count()
            return fail(f"rows still pending after restart: {left}")
        time.sleep(0.1)
    recovery = time.monotonic() - restarted
    replacement.send_signal(signal.SIGTERM)
    try:
        exit_code = replacement.wait(timeout=60)
    except subprocess.TimeoutExpired:
        replacement.kill()
        exit_code = "killed"

    # Every patent in the index with its latest title; every deleted one gone.
    titles = dict(Patent.objects.filter(pk__in=ids).values_list("pk", "title"))
    backend.refresh()
    es_titles = {}
    pks = sorted(ids)
    for start_at in range(0, len(pks), 1000):
        chunk = pks[start_at : start_at + 1000]
        docs = backend.client.mget(
            index=backend.alias, ids=[f"patent:{pk}" for pk in chunk], source=["display_title"]
        )["docs"]
        es_titles.update(
            (pk, doc["_source"].get("display_title"))
            for pk, doc in zip(chunk, docs, strict=True)
            if doc.get("found")
        )
    table = dict(
        SearchEntry.objects.filter(kind="patent", object_id__in=[str(p) for p in pks]).values_list(
            "object_id", "title"
        )
    )
    lost = {
        "elasticsearch": sorted(pk for pk in pks if es_titles.get(pk) != titles.get(pk)),
        "database table": sorted(pk for pk in pks if table.get(str(pk)) != titles.get(pk)),
    }
    writes_lost = len(set(lost["elasticsearch"]) | set(lost["database table"]))
    pending = ours.filter(processed_at__isnull=True).count()
    from django_tasks_db.models import DBTaskResult

    stuck = DBTaskResult.objects.running().filter(task_path="search.tasks.search_sync").count()
    result.update(
        passed=writes_lost == 0 and pending == 0 and exit_code == 0,
        writes_lost=writes_lost,
        outbox_rows=total_rows,
        processed_at_kill=at_kill,
        indexed_at_kill=indexed_at_kill,
        changed_while_down=len(changed),
        deleted_while_down=len(deleted),
        pending_after=pending,
        recovery_seconds=round(recovery, 2),
        batch_seconds=round(marks[1] - marks[0], 2),
        worker_exit=exit_code,
        tasks_left_running=stuck,
        examples={k: v[:5] for k, v in lost.items()},
    )
    result["detail"] = (
        f"{rows} patents imported ({total_rows} outbox rows with the changes); worker SIGKILLed "
        f"with {at_kill} rows marked and {indexed_at_kill} documents in the index; "
        f"{len(changed)} changed and {len(deleted)} deleted while down; a new worker caught up in "
        f"{recovery:.1f} s; missing or stale: {writes_lost}; rows pending: {pending}"
    )
    if cleanup:
        # Leave the database as found; the worker's next round takes the rows these write.
        with override_settings(TASKS=queue):
            Patent.objects.filter(pk__in=ids).delete()
    return result


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--database-url", help="database to use (default DATABASE_URL)")
    parser.add_argument(
        "--scratch",
        action="store_true",
        help="a scratch SQLite database, migrated first (default when DATABASE_URL is unset)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the patents it created")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    scratch = args.scratch or not os.environ.get("DATABASE_URL")
    if scratch:
        folder = Path(tempfile.mkdtemp(prefix="fault-worker-db-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    prefix = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "panjin")
    if scratch or "ELASTICSEARCH_INDEX_PREFIX" not in os.environ:
        os.environ["ELASTICSEARCH_INDEX_PREFIX"] = f"{prefix}-fault-{uuid.uuid4().hex[:8]}"
    _setup_django()
    if scratch:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    try:
        result = run(rows=args.rows, cleanup=not (args.keep or scratch))
    finally:
        if scratch:
            from search.backends import elasticsearch_backend
            from search.client import elasticsearch_enabled

            if elasticsearch_enabled():
                elasticsearch_backend().drop()
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
