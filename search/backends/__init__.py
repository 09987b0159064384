"""Backend selection: Elasticsearch when ELASTICSEARCH_URL is set, else the database."""

from search.client import elasticsearch_enabled


def database_backend():
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()


def elasticsearch_backend():
    from search.backends.elastic import ElasticsearchBackend

    return ElasticsearchBackend()


def primary_backend():
    return elasticsearch_backend() if elasticsearch_enabled() else database_backend()


def sync_targets() -> list:
    """Where writes go: the database table always (it is the fallback), ES when configured."""
    targets = [database_backend()]
    if elasticsearch_enabled():
        targets.append(elasticsearch_backend())
    return targets
