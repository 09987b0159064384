"""ELASTICSEARCH_URL may name a cluster's nodes, comma-separated."""

from search.client import _client_for, elasticsearch_nodes


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
    assert elasticsearch_nodes("http://127.0.0.1:9201") == ["http://127.0.0.1:9201"]
