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


@cache
def _client_for(url: str, timeout: float) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=timeout, max_retries=1, retry_on_timeout=False)


def get_client() -> Elasticsearch:
    return _client_for(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)
