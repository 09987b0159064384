"""The search page's per-process result cache: reused while no index changed, never after."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from search import pagecache, selectors
from search.backends import sync_targets
from search.documents import SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, monkeypatch):
    """The cache on (the test settings turn it off), no refresh grace, empty, and a count of
    the searches actually computed."""
    settings.SEARCH_PAGE_CACHE_SECONDS = 30
    monkeypatch.setattr(pagecache, "REFRESH_GRACE", 0.0)
    monkeypatch.setattr(pagecache, "STAMP_READ_INTERVAL", 0.0)
    pagecache.clear()
    computed = []
    real = selectors._search_site

    def counting(params):
        computed.append(params.q)
        return real(params)

    monkeypatch.setattr(selectors, "_search_site", counting)
    yield computed
    pagecache.clear()


def _page(client, q: str) -> str:
    response = client.get(reverse("search:index"), {"q": q})
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def _index(*docs: SearchDocument) -> None:
    for target in sync_targets():
        target.bulk_upsert(list(docs))
        target.refresh()


def test_a_repeated_search_is_served_from_the_cache(client, settings, page_cache):
    settings.ELASTICSEARCH_URL = ""
    _index(SearchDocument(kind="technology", id="8801", title="撬装式含油污泥热解装置"))
    assert "撬装式含油污泥热解装置" in _page(client, "热解装置")
    assert "撬装式含油污泥热解装置" in _page(client, "热解装置")
    assert page_cache == ["热解装置"]
    _page(client, "污泥")  # another query is its own entry
    assert page_cache == ["热解装置", "污泥"]


def test_a_write_to_the_index_is_on_the_next_page(client, settings, page_cache):
    settings.ELASTICSEARCH_URL = ""
    _index(SearchDocument(kind="technology", id="8811", title="稠油降黏剂复配工艺"))
    assert "稠油降黏剂复配工艺" in _page(client, "降黏剂")
    _index(SearchDocument(kind="technology", id="8812", title="耐高温稠油降黏剂"))
    html = _page(client, "降黏剂")
    assert "耐高温稠油降黏剂" in html and "稠油降黏剂复配工艺" in html
    for target in sync_targets():
        target.delete(["technology:8811"])
    html = _page(client, "降黏剂")
    assert "稠油降黏剂复配工艺" not in html
    assert page_cache == ["降黏剂"] * 3


def test_another_process_write_is_seen_through_the_shared_stamp(client, settings, page_cache):
    settings.ELASTICSEARCH_URL = ""
    _index(SearchDocument(kind="technology", id="8821", title="海上平台防腐涂料"))
    _page(client, "防腐涂料")
    _page(client, "防腐涂料")
    assert page_cache == ["防腐涂料"]
    # What another worker's write leaves behind: the stamp in the shared cache, newer than
    # this process's own.
    from django.core.cache import cache

    cache.set(pagecache.WRITTEN_KEY, pagecache.time.time() + 0.01, timeout=None)
    pagecache.time.sleep(0.02)
    _page(client, "防腐涂料")
    assert page_cache == ["防腐涂料", "防腐涂料"]


def test_fallback_results_are_not_kept(client, settings, page_cache):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens: the database answers
    settings.ELASTICSEARCH_TIMEOUT = 1.0
    for _ in range(2):
        assert 'id="search-degraded"' in _page(client, "稠油")
    assert page_cache == ["稠油", "稠油"]


def test_off_when_the_setting_is_zero(client, settings, page_cache):
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_PAGE_CACHE_SECONDS = 0
    _page(client, "污泥")
    _page(client, "污泥")
    assert page_cache == ["污泥", "污泥"]


def test_the_page_says_whether_it_came_from_the_cache(client, settings, page_cache):
    settings.ELASTICSEARCH_URL = ""
    _index(SearchDocument(kind="technology", id="8831", title="油田伴生气回收装置"))
    url = reverse("search:index")
    assert client.get(url, {"q": "伴生气"})["X-Search-Cache"] == "miss"
    assert client.get(url, {"q": "伴生气"})["X-Search-Cache"] == "hit"
    assert client.get(url, {"q": "伴生气", "page": "2"})["X-Search-Cache"] == "miss"


def test_a_cached_page_keeps_each_visitor_frame(client, settings, page_cache, buyer):
    """The results are shared; the header (account area, CSRF token) is each visitor's own."""
    settings.ELASTICSEARCH_URL = ""
    _index(SearchDocument(kind="technology", id="8841", title="盐碱地水稻育秧基质"))
    anonymous = _page(client, "育秧基质")
    assert "盐碱地水稻育秧基质" in anonymous and "buyer" not in anonymous
    client.force_login(buyer)
    member = _page(client, "育秧基质")
    assert page_cache == ["育秧基质"]
    assert "盐碱地水稻育秧基质" in member
    assert ">buyer</a>" in member and reverse("logout") in member


def test_another_process_page_is_reused_until_a_write(client, settings, page_cache):
    """What one worker rendered, another serves from the shared cache; not after a write."""
    settings.ELASTICSEARCH_URL = ""
    _index(SearchDocument(kind="technology", id="8851", title="稻田养蟹增氧装置"))
    url = reverse("search:index")
    assert client.get(url, {"q": "养蟹"})["X-Search-Cache"] == "miss"
    with pagecache._lock:  # this process forgets: as if the next request reached another
        pagecache._entries.clear()
    response = client.get(url, {"q": "养蟹"})
    assert response["X-Search-Cache"] == "shared"
    assert "稻田养蟹增氧装置" in response.content.decode()
    assert page_cache == ["养蟹"]
    with pagecache._lock:
        pagecache._entries.clear()
    _index(SearchDocument(kind="technology", id="8852", title="养蟹池塘底质改良剂"))
    response = client.get(url, {"q": "养蟹"})
    assert response["X-Search-Cache"] == "miss"
    assert "养蟹池塘底质改良剂" in response.content.decode()
    assert page_cache == ["养蟹", "养蟹"]


def test_an_unreadable_stamp_trusts_nothing(monkeypatch, page_cache):
    # The stamp lives in Django's cache (a database table by default): when it cannot be read,
    # nothing kept is trusted, and the page is computed rather than failing.
    from django.core.cache import cache
    from django.db import DatabaseError

    def unreadable(*args, **kwargs):
        raise DatabaseError("the cache table is gone")

    monkeypatch.setattr(cache, "get", unreadable)
    before = pagecache.time.time()
    assert pagecache.trusted_after() >= before
    value, source = pagecache.lookup("k", lambda: "computed")
    assert (value, source) == ("computed", "miss")
