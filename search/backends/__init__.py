"""Backend selection: Elasticsearch when ELASTICSEARCH_URL is set, else the database."""

from search.backends.base import SearchBackend
from search.backends.database import DatabaseBackend
from search.backends.elastic import ElasticsearchBackend
from search.client import elasticsearch_enabled


def database_backend() -> DatabaseBackend:
    return DatabaseBackend()


def elasticsearch_backend() -> ElasticsearchBackend:
    return ElasticsearchBackend()


def primary_backend() -> SearchBackend:
    return elasticsearch_backend() if elasticsearch_enabled() else database_backend()


def sync_targets() -> list[SearchBackend]:
    """Where writes go: the database table always (it is the fallback), ES when configured."""
    targets: list[SearchBackend] = [database_backend()]
    if elasticsearch_enabled():
        targets.append(elasticsearch_backend())
    return targets
