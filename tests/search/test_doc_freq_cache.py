"""Elasticsearch's counts of the query words, kept between searches (search.backends.elastic):
the same results as counting each time, fewer requests, and never trusted across a write."""

import os

import pytest

from search import pagecache
from search.backends import elastic
from search.backends.base import DocFreqCache
from search.ranking import BACKOFF_BELOW
from search.selectors import search_params, search_query

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]

COMMON = "技术"  # in more of the sample's documents than BACKOFF_BELOW
RARE = "含油污泥"  # in fewer: its search checks whether to back off to characters
WRITE_STAMPED = pagecache.trusted_after


@pytest.fixture
def es(indexed_sample, settings, monkeypatch):
    """The sample's Elasticsearch index, no counts kept yet; the bodies of each multi-search."""
    settings.ELASTICSEARCH_INDEX_PREFIX = indexed_sample["prefix"]
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    elastic.word_counts.clear()
    # The sample was indexed moments ago: counts are trusted from now on (no refresh grace).
    monkeypatch.setattr(pagecache, "trusted_after", lambda: 0.0)
    sent: list[list[dict]] = []
    original = elastic.ElasticsearchBackend._msearch

    def recording(self, bodies, filter_path, *, retry):
        sent.append(bodies)
        return original(self, bodies, filter_path, retry=retry)

    monkeypatch.setattr(elastic.ElasticsearchBackend, "_msearch", recording)
    yield sent
    elastic.word_counts.clear()


def _seen(page):
    return [(r.id, r.score) for r in page.results], page.total


def _counted_words(bodies):
    return [
        sorted(
            b["aggs"]["all_docs"].get("aggs", {}).get("df", {}).get("filters", {}).get("filters")
        )
        for b in bodies
        if "all_docs" in b.get("aggs", {})
    ]


@pytest.mark.parametrize("q", [COMMON, RARE, "RTO 焚烧", "稻"])
def test_known_counts_give_the_same_results(es, q):
    params = search_params(q=q)
    counted = search_query(params=params)
    assert _counted_words(es[-1]), "the first search counts the words"
    es.clear()
    known = search_query(params=params)
    assert _counted_words(es[-1]) == [], "the second one reads them"
    assert _seen(known) == _seen(counted)
    assert counted.total


def test_a_word_known_to_be_common_skips_the_back_off_check(es):
    search_query(params=search_params(q=COMMON))
    assert elastic.word_counts.known(elastic.ElasticsearchBackend().alias, [COMMON])[COMMON] >= (
        BACKOFF_BELOW
    )
    es.clear()
    search_query(params=search_params(q=COMMON))
    assert len(es) == 1  # the search alone

    search_query(params=search_params(q=RARE))
    es.clear()
    search_query(params=search_params(q=RARE))
    assert len(es) == 2  # a rare word's query is checked every time


def test_a_write_makes_the_counts_untrusted(es, monkeypatch):
    monkeypatch.setattr(pagecache, "trusted_after", WRITE_STAMPED)
    monkeypatch.setattr(pagecache, "REFRESH_GRACE", 0.0)
    monkeypatch.setattr(pagecache, "STAMP_READ_INTERVAL", 0.0)
    alias = elastic.ElasticsearchBackend().alias
    params = search_params(q=RARE)
    pagecache.time.sleep(0.01)  # counted after the sample's own write
    search_query(params=params)
    assert elastic.word_counts.known(alias, [RARE])
    pagecache.mark_written()  # any process's write to an index
    assert not elastic.word_counts.known(alias, [RARE])
    es.clear()
    search_query(params=params)
    assert RARE in _counted_words(es[-1])[0]


def test_the_oldest_counts_make_room():
    counts = DocFreqCache(max_words=3)
    now = pagecache.time.time()
    counts.remember("i", {"old": 1}, counted_at=now - counts.seconds - 1)
    counts.remember("i", {"a": 1, "b": 2}, counted_at=now)
    counts.remember("i", {"c": 3}, counted_at=now)
    assert sorted(counts.words()) == ["a", "b", "c"]
    counts.remember("i", {"d": 4}, counted_at=now)  # no room left: start again
    assert sorted(counts.words()) == ["d"]


def test_counts_are_kept_per_index(es):
    backend = elastic.ElasticsearchBackend()
    search_query(params=search_params(q=RARE))
    assert elastic.word_counts.known(backend.alias, [RARE])
    assert not elastic.word_counts.known("another-search", [RARE])
    elastic.word_counts.clear()
    assert not elastic.word_counts.known(backend.alias, [RARE])
