"""Kill the index worker with SIGKILL mid-batch, start a new one: nothing the outbox held is lost.

The scenario is bench/fault_worker.py (also a `make prove` fault), run here as a subprocess on
this test's database and Elasticsearch index prefix: it imports patents, runs the real worker
(`manage.py search_sync --forever` on the django-tasks-db queue), SIGKILLs it late in a batch,
changes and deletes patents while no worker runs, starts a new worker and compares every
patent with the index. On SQLite the in-memory test database is copied to a file first, so the
worker processes can open it; on PostgreSQL they use the test database itself.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]


def database_url_for_other_processes(tmp_path: Path) -> str:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(settings["USER"] or "", safe="")
        password = quote(settings["PASSWORD"] or "", safe="")
        host = settings["HOST"] or "127.0.0.1"
        port = settings["PORT"] or 5432
        return f"postgres://{user}:{password}@{host}:{port}/{settings['NAME']}"
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return f"sqlite:///{path}"


def test_worker_killed_mid_batch_loses_no_write(es_prefix, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for_other_processes(tmp_path),
        "ELASTICSEARCH_INDEX_PREFIX": es_prefix,
    }
    done = subprocess.run(
        [sys.executable, "bench/fault_worker.py", "--rows", "2000", "--keep"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stdout.strip(), done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["passed"], result
    assert result["writes_lost"] == 0
    assert result["pending_after"] == 0
    # The kill really interrupted the work, and the new worker had more to do than the rest.
    assert 0 < result["processed_at_kill"] < 2000
    assert result["outbox_rows"] > 2000
    assert done.returncode == 0
