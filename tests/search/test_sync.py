"""The outbox records every searchable change with the write; the sync applies it, retrying."""

import pytest
from django.db import transaction

from core.models import Organization
from search.backends.database import DatabaseBackend
from search.models import SearchEntry, SearchOutbox
from search.outbox import backoff_seconds, search_outbox_drain_all
from search.services import search_index_check, search_index_rebuild, search_outbox_record
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_only(settings):
    settings.ELASTICSEARCH_URL = ""


def pending(kind=None):
    qs = SearchOutbox.objects.filter(processed_at__isnull=True)
    return qs.filter(kind=kind) if kind else qs


def entry(kind, pk):
    return SearchEntry.objects.filter(kind=kind, object_id=str(pk)).first()


def test_outbox_row_lives_and_dies_with_the_write(database_only):
    with pytest.raises(RuntimeError), transaction.atomic():
        OrganizationFactory(name="回滚的机构")
        assert pending("organization").count() == 1
        raise RuntimeError("roll back")
    assert pending("organization").count() == 0
    OrganizationFactory(name="保留的机构")
    assert pending("organization").count() == 1


def test_publish_edit_unpublish_delete_listing(database_only, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = make_listing(title="含油污泥低温热解处理技术")
    assert entry("technology", page.pk).title == "含油污泥低温热解处理技术"
    assert not pending().exists()

    with django_capture_on_commit_callbacks(execute=True):
        page.title = "含油污泥热脱附处理成套装置"
        page.save_revision().publish()
    assert entry("technology", page.pk).title == "含油污泥热脱附处理成套装置"

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert entry("technology", page.pk) is None

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert entry("technology", page.pk) is not None
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert entry("technology", page.pk) is None
    assert not pending().exists()


def test_organization_rows_follow_saves_and_deletes(database_only):
    org = OrganizationFactory(name="盘锦海诚新材料有限公司")
    search_outbox_drain_all()
    assert entry("organization", org.pk).title == "盘锦海诚新材料有限公司"
    Organization.objects.filter(pk=org.pk).update(name="改名不经模型")  # no signal: drift
    report = search_index_check(backends=["database"])
    assert report["backends"]["database"]["stale"] == 1
    assert not report["ok"]
    org.refresh_from_db()
    org.save()
    search_outbox_drain_all()
    assert search_index_check(backends=["database"])["ok"]
    org.delete()
    search_outbox_drain_all()
    assert entry("organization", org.pk) is None


def test_rows_can_apply_in_any_order(database_only):
    org = OrganizationFactory()
    search_outbox_record(kind="organization", object_id=org.pk, op="delete")  # stale op
    search_outbox_drain_all()
    # The row says delete, but the organisation exists: the index follows the database.
    assert entry("organization", org.pk) is not None


def test_unknown_op_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        search_outbox_record(kind="organization", object_id=1, op="explode")


def test_elasticsearch_down_keeps_writes_and_backs_off(settings, es_prefix):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    org = OrganizationFactory(name="离线时写入的机构")
    stats = search_outbox_drain_all()
    assert stats["failed"] == 1
    row = pending("organization").get()
    assert row.attempts == 1
    assert row.next_attempt_at is not None
    assert "elasticsearch" in row.last_error
    # The database table is the fallback and is already current.
    assert entry("organization", org.pk) is not None
    # Not due yet: a second drain does nothing until the backoff has passed.
    assert search_outbox_drain_all()["rows"] == 0
    assert [backoff_seconds(n) for n in (1, 2, 3, 10, 20)] == [1, 2, 4, 300, 300]


def test_search_falls_back_to_database_when_elasticsearch_is_down(settings, es_prefix):
    from search.selectors import search_params, search_query, search_suggest

    DatabaseBackend().rebuild([])
    OrganizationFactory(name="盘锦含油污泥处置中心")
    settings.ELASTICSEARCH_URL = ""
    search_outbox_drain_all()
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    result = search_query(params=search_params(q="含油污泥"))
    assert result.backend == "database"
    assert result.total == 1
    assert search_suggest(q="pj").backend == "database"


@pytest.mark.elasticsearch
def test_rebuild_swaps_alias_and_check_reports_drift(settings, es_prefix):
    from search.backends.elastic import ElasticsearchBackend

    orgs = [OrganizationFactory(name=f"盘锦第{i}新能源科技有限公司") for i in range(3)]
    out = search_index_rebuild()
    assert out["elasticsearch"]["documents"] == out["database"]["documents"] >= 3
    es = ElasticsearchBackend()
    first = es.indices()
    search_index_rebuild(backends=["elasticsearch"])
    second = es.indices()
    assert len(first) == len(second) == 1 and first != second
    assert search_index_check()["ok"]
    es.delete([f"organization:{orgs[0].pk}"])
    es.refresh()
    report = search_index_check()
    assert report["backends"]["elasticsearch"]["missing"] == 1
    assert report["backends"]["database"]["missing"] == 0
