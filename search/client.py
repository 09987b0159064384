"""The one place that builds the Elasticsearch client, so timeouts and retries are uniform."""

from functools import cache

from django.conf import settings
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.helpers import BulkIndexError

# What a call to Elasticsearch may raise when the server is down, slow or refuses the request:
# callers fall back to the database backend or keep the outbox rows for a retry.
ES_ERRORS = (TransportError, ApiError, BulkIndexError, ConnectionError)


def elasticsearch_enabled() -> bool:
    return bool(settings.ELASTICSEARCH_URL)


def elasticsearch_nodes(url: str) -> list[str]:
    """ELASTICSEARCH_URL names one node or several, comma-separated (a cluster's nodes)."""
    return [node.strip() for node in url.split(",") if node.strip()]


@cache
def _client_for(url: str, timeout: float) -> Elasticsearch:
    nodes = elasticsearch_nodes(url)
    # With several nodes a request that finds one down is retried on another (the client
    # marks the dead node and skips it until it answers again); one retry per other node.
    return Elasticsearch(
        nodes, request_timeout=timeout, max_retries=max(1, len(nodes)), retry_on_timeout=False
    )


def get_client() -> Elasticsearch:
    return _client_for(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)
