"""ELASTICSEARCH_URL may name a cluster's nodes, comma-separated: a node that is down is skipped
(the request is retried on another), and search does not fall back to the database for it."""

import logging
import os

import pytest

from search.backends.elastic import ElasticsearchBackend
from search.client import _client_for, elasticsearch_nodes, get_client
from search.selectors import search_params, search_query

# A port of this project's block that nothing listens on: a node that is down.
DOWN = "http://127.0.0.1:8299"


def test_several_node_urls_make_one_client_over_all_of_them():
    url = "http://127.0.0.1:9251, http://127.0.0.1:9252,http://127.0.0.1:9253"
    assert elasticsearch_nodes(url) == [
        "http://127.0.0.1:9251",
        "http://127.0.0.1:9252",
        "http://127.0.0.1:9253",
    ]
    client = _client_for(url, 5.0)
    ports = sorted(node.config.port for node in client.transport.node_pool.all())
    assert ports == [9251, 9252, 9253]
    # One retry per other node, so a request that meets a dead node reaches a live one.
    assert client.transport.max_retries == 3
    assert elasticsearch_nodes("http://127.0.0.1:9201") == ["http://127.0.0.1:9201"]


@pytest.mark.elasticsearch
@pytest.mark.django_db
def test_a_node_that_is_down_is_skipped_and_search_stays_on_elasticsearch(
    settings, indexed_sample, caplog
):
    settings.ELASTICSEARCH_INDEX_PREFIX = indexed_sample["prefix"]
    settings.ELASTICSEARCH_URL = f"{DOWN},{os.environ['ELASTICSEARCH_URL']}"
    caplog.set_level(logging.WARNING, logger="search")
    pages = [search_query(params=search_params(q="稠油")) for _ in range(4)]
    assert [page.backend for page in pages] == ["elasticsearch"] * 4
    assert all(page.total > 0 for page in pages)
    assert "using the database" not in caplog.text
    pool = get_client().transport.node_pool
    assert [node.config.port for node in pool._dead_nodes.queue[0][1:]] == [8299]


@pytest.mark.elasticsearch
@pytest.mark.django_db
def test_every_node_down_falls_back_to_the_database_and_says_so(settings, indexed_sample, caplog):
    settings.ELASTICSEARCH_INDEX_PREFIX = indexed_sample["prefix"]
    settings.ELASTICSEARCH_URL = f"{DOWN},http://127.0.0.1:8298"
    caplog.set_level(logging.WARNING, logger="search")
    page = search_query(params=search_params(q="稠油"))
    assert page.backend == "database"
    assert "Elasticsearch search failed, using the database" in caplog.text


@pytest.mark.elasticsearch
@pytest.mark.django_db
def test_rebuild_restores_replicas_after_loading(settings, es_prefix, sample_documents, caplog):
    # The suite's node is alone: a replica has nowhere to go. The rebuild says so instead of
    # waiting for a green that cannot come, and the index keeps the setting for a cluster.
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_REPLICAS = 1
    caplog.set_level(logging.WARNING, logger="search")
    backend = ElasticsearchBackend()
    assert backend.rebuild(sample_documents[:20]) == 20
    (name,) = backend.indices()
    index = backend.client.indices.get_settings(index=name)[name]["settings"]["index"]
    assert index["number_of_replicas"] == "1"
    assert index["refresh_interval"] == "1s"
    assert index["translog"]["durability"] == "request"
    assert "need 2 data nodes, the cluster has 1" in caplog.text
