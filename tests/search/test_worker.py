"""The worker command (`search_sync --forever`) and the one-drainer-at-a-time lock."""

import os
import signal

import pytest
from django.core.management import call_command
from django.db import connection

from core.models import Organization
from search import outbox
from search.management.commands.search_sync import Command
from search.models import SearchEntry, SearchOutbox
from search.outbox import search_outbox_drain_all
from tests.factories import OrganizationFactory


@pytest.fixture
def one_round(monkeypatch):
    """Let the worker run one round, then send it SIGTERM as a supervisor would."""
    original = Command._round

    def round_then_terminate(self, *args, **kwargs):
        try:
            return original(self, *args, **kwargs)
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(Command, "_round", round_then_terminate)


def renamed_behind_the_orm(org, name):
    """A change the signals did not see, with its outbox row written by hand."""
    Organization.objects.filter(pk=org.pk).update(name=name)
    SearchOutbox.objects.bulk_create(
        [SearchOutbox(kind="organization", object_id=str(org.pk), op="upsert")]
    )


@pytest.mark.django_db(transaction=True)
def test_worker_sweeps_the_outbox_and_stops_on_sigterm(settings, one_round, capsys):
    settings.ELASTICSEARCH_URL = ""
    org = OrganizationFactory(name="盘锦原名称科技有限公司")
    renamed_behind_the_orm(org, "盘锦新名称科技有限公司")
    handler = signal.getsignal(signal.SIGTERM)
    call_command("search_sync", "--forever", "--interval", "0")
    out = capsys.readouterr().out
    assert "outbox 轮询" in out and "数据库任务队列" not in out
    assert "已停止；待同步：0 条" in out
    assert SearchEntry.objects.get(kind="organization", object_id=str(org.pk)).title == (
        "盘锦新名称科技有限公司"
    )
    assert signal.getsignal(signal.SIGTERM) is handler  # restored on the way out


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_database_queue(settings, one_round, capsys):
    from django_tasks_db.models import DBTaskResult

    from search.tasks import search_sync

    settings.ELASTICSEARCH_URL = ""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    org = OrganizationFactory(name="盘锦排队科技有限公司")  # queued, not run inline
    assert SearchOutbox.objects.filter(processed_at__isnull=True).count() == 1
    result = DBTaskResult.objects.get(task_path=search_sync.module_path)
    call_command("search_sync", "--forever", "--interval", "0")
    assert "数据库任务队列" in capsys.readouterr().out
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL"
    assert result.return_value["rows"] == 1
    assert SearchEntry.objects.filter(kind="organization", object_id=str(org.pk)).exists()


@pytest.mark.django_db
def test_a_second_drainer_finds_the_lock_taken(settings):
    settings.ELASTICSEARCH_URL = ""
    SearchOutbox.objects.create(kind="organization", object_id="1", op="delete")
    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        other = psycopg.connect(
            dbname=s["NAME"],
            user=s["USER"],
            password=s["PASSWORD"],
            host=s["HOST"] or "127.0.0.1",
            port=s["PORT"] or 5432,
            autocommit=True,
        )
        other.execute("SELECT pg_advisory_lock(%s)", [outbox._DRAIN_LOCK_KEY])
        release = other.close  # the lock ends with its session, as a killed worker's does
    else:
        outbox._local_drain_lock.acquire()
        release = outbox._local_drain_lock.release
    try:
        stats = search_outbox_drain_all()
        assert stats["busy"] and stats["rows"] == 0
    finally:
        release()
    # The server lets go of a closed session's lock a moment later.
    assert search_outbox_drain_all(wait=10)["rows"] == 1


def test_sqlite_file_lock_is_per_open_file(monkeypatch, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the flock path is SQLite's")
    monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "db.sqlite3"))
    with outbox._drain_lock() as first:
        assert first
        with outbox._drain_lock(wait=0.1) as second:
            assert not second
    with outbox._drain_lock() as again:
        assert again
    assert (tmp_path / "db.sqlite3.search-sync.lock").exists()
