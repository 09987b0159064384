import os
import uuid
from pathlib import Path

import pytest
from django.test import override_settings

from search.evaluation import corpus_documents, load_corpus, load_queries

SAMPLE = Path(os.environ.get("PANJIN_SEARCH_SAMPLE", "/work/shared/data/search-sample"))
# One prefix per test process, so SQLite and PostgreSQL runs never share an index.
RUN_PREFIX = (
    f"{os.environ.get('ELASTICSEARCH_INDEX_PREFIX', 'panjin-test')}-{uuid.uuid4().hex[:10]}"
)


@pytest.fixture(scope="session")
def sample_rows():
    if not (SAMPLE / "corpus.jsonl").exists():
        pytest.skip(f"search sample not found at {SAMPLE}")
    return load_corpus(SAMPLE / "corpus.jsonl")


@pytest.fixture(scope="session")
def sample_queries(sample_rows):
    return load_queries(SAMPLE / "queries.json")


@pytest.fixture(scope="session")
def sample_documents(sample_rows):
    return corpus_documents(sample_rows)


def _es_available() -> bool:
    return bool(os.environ.get("ELASTICSEARCH_URL"))


@pytest.fixture(scope="module")
def indexed_sample(django_db_setup, django_db_blocker, sample_documents):
    """The sample indexed once per module in the database table and (when set) Elasticsearch."""
    from search.backends.database import DatabaseBackend

    prefix = f"{RUN_PREFIX}-{uuid.uuid4().hex[:6]}"
    es = None
    with django_db_blocker.unblock():
        DatabaseBackend().rebuild(sample_documents)
        if _es_available():
            from search.backends.elastic import ElasticsearchBackend

            with override_settings(ELASTICSEARCH_URL=os.environ["ELASTICSEARCH_URL"]):
                es = ElasticsearchBackend(prefix=prefix)
                es.rebuild(sample_documents)
    yield {"prefix": prefix, "documents": sample_documents}
    with django_db_blocker.unblock():
        DatabaseBackend().drop()
    if es is not None:
        es.drop()


BACKENDS = [
    "database",
    pytest.param("elasticsearch", marks=pytest.mark.elasticsearch),
]


@pytest.fixture(params=BACKENDS)
def backend_name(request, settings, indexed_sample):
    """Runs a test once per backend, against the sample indexed by `indexed_sample`."""
    settings.ELASTICSEARCH_INDEX_PREFIX = indexed_sample["prefix"]
    if request.param == "database":
        settings.ELASTICSEARCH_URL = ""
    else:
        settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    return request.param


@pytest.fixture
def es_prefix(settings):
    """A fresh index prefix for a test that writes to Elasticsearch; dropped afterwards."""
    prefix = f"{RUN_PREFIX}-{uuid.uuid4().hex[:6]}"
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    yield prefix
    if _es_available():
        from elasticsearch import Elasticsearch

        from search.backends.elastic import ElasticsearchBackend

        client = Elasticsearch(os.environ["ELASTICSEARCH_URL"], request_timeout=10)
        ElasticsearchBackend(client=client, prefix=prefix).drop()
