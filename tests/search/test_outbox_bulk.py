"""Registry bulk imports reach the index through the outbox, in bulk and in bounded drains."""

import os
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.identifiers import make_patent_number
from ip_registry.imports import registry_import
from ip_registry.models import Patent
from search.models import SearchEntry, SearchOutbox
from search.outbox import search_outbox_drain, search_outbox_drain_all, search_outbox_pending
from search.services import search_outbox_record, search_outbox_record_many

pytestmark = pytest.mark.django_db

HEADER = "申请号,名称,申请日,申请（专利权）人"


def patent_csv(n: int, *, start: int = 0, title: str = "一种含油污泥处理装置") -> bytes:
    lines = [HEADER]
    for i in range(start, start + n):
        filing = date(2015, 1, 1) + timedelta(days=i % 2000)
        lines.append(f"{make_patent_number(filing.year, '1', i)},{title}{i},{filing},盘锦测试公司")
    return "\n".join(lines).encode()


def import_patents(data: bytes, **kwargs):
    report = registry_import(kind="patents", data=data, filename="patents.csv", **kwargs)
    assert report.committed, report.errors[:3]
    return report


def pending_count() -> int:
    return SearchOutbox.objects.filter(processed_at__isnull=True).count()


def outbox_inserts(queries) -> int:
    table = SearchOutbox._meta.db_table
    return sum(
        1
        for q in queries
        if q["sql"].lstrip().upper().startswith("INSERT") and table in q["sql"].split("(")[0]
    )


@pytest.fixture(params=["database", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def target(request, settings, es_prefix):
    if request.param == "database":
        settings.ELASTICSEARCH_URL = ""
        return None
    from search.backends.elastic import ElasticsearchBackend

    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    return ElasticsearchBackend()


def indexed_titles(target, kind="patent") -> dict[str, str]:
    if target is None:
        return dict(SearchEntry.objects.filter(kind=kind).values_list("object_id", "title"))
    target.refresh()
    hits = target.client.search(
        index=target.alias, size=1000, query={"term": {"kind": kind}}, source=["display_title"]
    )["hits"]["hits"]
    return {h["_id"].partition(":")[2]: h["_source"]["display_title"] for h in hits}


def test_import_writes_outbox_rows_in_bulk_and_the_index_follows(
    target, django_capture_on_commit_callbacks
):
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True) as hooks,
    ):
        import_patents(patent_csv(120), chunk_size=50)
    # Three chunks announced, one multi-row INSERT each (PostgreSQL: a COPY each, which the
    # query log does not see), and a single sync for the transaction.
    expected = 0 if connection.vendor == "postgresql" else 3
    assert outbox_inserts(queries.captured_queries) == expected
    assert len(hooks) == 1
    patents = dict(Patent.objects.values_list("pk", "title"))
    assert len(patents) == 120
    assert SearchOutbox.objects.filter(kind="patent").count() == 120
    assert pending_count() == 0
    assert indexed_titles(target) == {str(pk): title for pk, title in patents.items()}


def test_dry_run_and_rejected_imports_leave_no_rows(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        report = registry_import(kind="patents", data=patent_csv(5), filename="p.csv", dry_run=True)
    assert not report.committed
    assert hooks == []
    assert not SearchOutbox.objects.exists()


def test_reimport_changes_reach_the_index(target, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_patents(patent_csv(10))
    with django_capture_on_commit_callbacks(execute=True):
        import_patents(patent_csv(10, title="一种稠油降粘装置"))
    titles = indexed_titles(target)
    assert len(titles) == 10
    assert all(t.startswith("一种稠油降粘装置") for t in titles.values())


def test_duplicate_ids_are_dropped_and_an_object_pending_twice_is_applied_once(settings):
    settings.ELASTICSEARCH_URL = ""
    import_patents(patent_csv(3))  # no commit hooks run: rows stay pending
    ids = list(Patent.objects.values_list("pk", flat=True))
    SearchOutbox.objects.all().delete()
    assert search_outbox_record_many(kind="patent", object_ids=[*ids, *ids, str(ids[0])]) == 3
    search_outbox_record_many(kind="patent", object_ids=ids[:2])  # changed again before a sync
    assert pending_count() == 5
    stats = search_outbox_drain(limit=3)
    # One batch reads three rows and settles the two later rows of the same objects with them.
    assert (stats["rows"], stats["settled"], stats["upserted"]) == (3, 2, 3)
    assert pending_count() == 0
    assert SearchEntry.objects.filter(kind="patent").count() == 3


def test_deleted_patent_leaves_the_index(target, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_patents(patent_csv(4))
    gone = Patent.objects.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()
    titles = indexed_titles(target)
    assert str(gone.pk) not in titles
    assert len(titles) == 3


def test_inline_drain_is_bounded_and_the_rest_waits_for_the_worker(
    settings, django_capture_on_commit_callbacks, capsys
):
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_SYNC_INLINE_LIMIT = 100
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        import_patents(patent_csv(260), chunk_size=100)
    assert len(hooks) == 1
    # The immediate backend ran the sync in this process: 100 rows, not the whole import.
    assert SearchOutbox.objects.filter(processed_at__isnull=False).count() == 100
    assert search_outbox_pending()["pending"] == 160
    call_command("search_sync")
    assert "处理 160 条" in capsys.readouterr().out
    assert pending_count() == 0
    assert SearchEntry.objects.filter(kind="patent").count() == 260


def test_drain_reads_in_batches_and_stops_at_max_rows(settings):
    settings.ELASTICSEARCH_URL = ""
    import_patents(patent_csv(25))
    stats = search_outbox_drain_all(limit=10, max_rows=20)
    assert (stats["rows"], stats["batches"], stats["more"]) == (20, 2, True)
    stats = search_outbox_drain_all(limit=10)
    assert (stats["rows"], stats["batches"], stats["more"]) == (5, 1, False)


def test_database_queue_gets_one_task_per_transaction_and_continues_long_backlogs(
    settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from search.tasks import search_sync

    settings.ELASTICSEARCH_URL = ""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SEARCH_SYNC_TASK_LIMIT = 100
    with django_capture_on_commit_callbacks(execute=True):
        import_patents(patent_csv(150), chunk_size=50)
    with django_capture_on_commit_callbacks(execute=True):
        search_outbox_record(kind="patent", object_id=Patent.objects.first().pk, op="upsert")
    # Nothing ran in this process; one queued sync covers both commits.
    assert pending_count() == 151
    ready = DBTaskResult.objects.ready().filter(task_path=search_sync.module_path)
    assert ready.count() == 1
    ready.delete()
    stats = search_sync.call()
    assert (stats["rows"], stats["more"]) == (100, True)
    assert ready.count() == 1  # the continuation
    ready.delete()
    assert search_sync.call()["more"] is False
    assert pending_count() == 0
    assert not ready.exists()


def test_enterprise_rename_reindexes_the_patents_it_holds(
    settings, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = ""
    uscc = "91310115591693856A"

    def enterprises(name):
        data = f"统一社会信用代码,企业名称,所属区县,行业\n{uscc},{name},,".encode()
        with django_capture_on_commit_callbacks(execute=True):
            report = registry_import(kind="enterprises", data=data, filename="e.csv")
        assert report.committed

    enterprises("盘锦辽河化工有限公司")
    number = make_patent_number(2016, "1", 42)
    data = f"{HEADER},权利人统一社会信用代码\n{number},一种催化剂,2016-05-01,辽河化工,{uscc}"
    with django_capture_on_commit_callbacks(execute=True):
        import_patents(data.encode())
    patent = Patent.objects.get()
    summary = SearchEntry.objects.get(kind="patent", object_id=str(patent.pk)).summary
    assert "盘锦辽河化工有限公司" in summary
    enterprises("盘锦辽河新材料有限公司")
    summary = SearchEntry.objects.get(kind="patent", object_id=str(patent.pk)).summary
    assert "盘锦辽河新材料有限公司" in summary
