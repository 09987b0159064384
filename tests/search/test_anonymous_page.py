"""The whole search page kept for anonymous visitors (search/views.py): the same bytes as a page
rendered for the request, apart from the visitor's own CSRF token; never a signed-in visitor's
page; never older than the index."""

import re
from html import unescape
from http import HTTPStatus
from urllib.parse import unquote

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from search import pagecache, views
from search.backends import sync_targets
from search.documents import SearchDocument
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT = re.compile(r'name="next" type="hidden" value="([^"]*)"')


@pytest.fixture
def page_cache(settings, monkeypatch):
    """The cache on (the test settings turn it off), no refresh grace, empty."""
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_PAGE_CACHE_SECONDS = 30
    monkeypatch.setattr(pagecache, "REFRESH_GRACE", 0.0)
    monkeypatch.setattr(pagecache, "STAMP_READ_INTERVAL", 0.0)
    pagecache.clear()
    yield
    pagecache.clear()


def _index(*docs: SearchDocument) -> None:
    for target in sync_targets():
        target.bulk_upsert(list(docs))
        target.refresh()


def _get(client: Client, params: dict | str):
    url = reverse("search:index")
    response = client.get(f"{url}?{params}") if isinstance(params, str) else client.get(url, params)
    assert response.status_code == HTTPStatus.OK
    return response


def _without_token(html: str) -> str:
    assert len(TOKEN.findall(html)) == 1, "the anonymous page has one form with a token"
    return TOKEN.sub('name="csrfmiddlewaretoken" value="…"', html)


def _token(response) -> str:
    return TOKEN.search(response.content.decode())[1]


def _headers(response) -> dict[str, str]:
    return dict(response.headers)


QUERIES = [
    {"q": "育秧基质"},
    {"q": "育秧 基质", "kind": ["technology", "demand"], "page": "1"},
    "q=%E8%82%B2%E7%A7%A7%E5%9F%BA%E8%B4%A8&sort=newest",  # %-escaped: its own "next"
    "q=<script>&trl_min=x",  # escaped text and a validation error
    {"q": ""},
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("params", QUERIES)
def test_the_kept_page_is_the_page_rendered_for_the_request(
    client, page_cache, monkeypatch, language, params
):
    _index(SearchDocument(kind="technology", id="9901", title="盐碱地水稻育秧基质"))
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    first = _get(client, params)  # renders the page and keeps it
    second = _get(client, params)  # the kept page
    assert second["X-Search-Cache"] == "hit"
    # What the page was before it was kept: rendered for the request (results from the cache).
    monkeypatch.setattr(views, "_sees_the_anonymous_page", lambda request: False)
    rendered = _get(client, params)
    assert rendered["X-Search-Cache"] == "hit"
    assert second["Content-Language"] == language
    for served in (first, second):
        assert _without_token(served.content.decode()) == _without_token(rendered.content.decode())
        assert _headers(served) == {
            **_headers(rendered),
            "X-Search-Cache": served["X-Search-Cache"],
        }
        assert set(served.cookies) == set(rendered.cookies) == {django_settings.CSRF_COOKIE_NAME}
    html = second.content.decode()
    assert f'<html lang="{language}">' in html


def test_a_signed_in_visitor_never_gets_the_anonymous_page(client, page_cache, buyer):
    _index(SearchDocument(kind="technology", id="9911", title="海上平台防腐涂料"))
    anonymous = [_get(client, {"q": "防腐涂料"}) for _ in range(2)]
    assert anonymous[1]["X-Search-Cache"] == "hit"
    assert reverse("login") in anonymous[1].content.decode()
    client.force_login(buyer)
    member = _get(client, {"q": "防腐涂料"})
    assert member["X-Search-Cache"] == "hit"  # the results are shared, the frame is not
    html = member.content.decode()
    assert "海上平台防腐涂料" in html
    assert ">buyer</a>" in html and reverse("logout") in html
    assert f'href="{reverse("login")}?next=' not in html
    client.logout()
    again = _get(client, {"q": "防腐涂料"}).content.decode()
    assert "buyer" not in again and reverse("logout") not in again


def test_a_message_waiting_is_shown_then_the_kept_page_again(client, page_cache, buyer):
    """A pending message makes the page the visitor's own: rendered for them, shown once."""
    _index(SearchDocument(kind="technology", id="9921", title="稻田养蟹增氧装置"))
    kept = _get(client, {"q": "养蟹"}).content.decode()
    assert 'class="messages"' not in kept
    client.force_login(buyer)
    client.post(reverse("logout"))  # leaves "you have signed out" for the next page
    with_message = _get(client, {"q": "养蟹"}).content.decode()
    assert 'class="messages"' in with_message and "buyer" not in with_message
    after = _get(client, {"q": "养蟹"})
    assert 'class="messages"' not in after.content.decode()
    assert _without_token(after.content.decode()) == _without_token(kept)


def test_a_listing_published_after_the_page_was_kept_is_on_the_next_page(
    client, page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(title="含油污泥低温热解处理技术", keywords="含油污泥，热解")
    for _ in range(2):
        html = _get(client, {"q": "热解"}).content.decode()
    assert "含油污泥低温热解处理技术" in html and "撬装式热解析装置" not in html
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(title="撬装式热解析装置", keywords="热解，撬装")
    response = _get(client, {"q": "热解"})
    assert response["X-Search-Cache"] == "miss"
    html = response.content.decode()
    assert "撬装式热解析装置" in html and "含油污泥低温热解处理技术" in html


def test_the_csrf_token_is_the_visitor_own_and_the_language_switch_works(page_cache):
    _index(SearchDocument(kind="technology", id="9931", title="油田伴生气回收装置"))
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    _get(first, {"q": "伴生气"})
    page = _get(second, {"q": "伴生气"})
    assert page["X-Search-Cache"] == "hit"
    secret = second.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert secret != first.cookies[django_settings.CSRF_COOKIE_NAME].value
    token = _token(page)
    assert _unmask_cipher_token(token) == secret
    assert _token(_get(second, {"q": "伴生气"})) != token  # masked afresh, as Django does
    # The form as the page has it: another visitor's token is refused, the visitor's own
    # switches the language and comes back to this search.
    next_url = unescape(NEXT.search(page.content.decode())[1])
    assert unquote(next_url) == f"{reverse('search:index')}?q=伴生气"
    set_language = reverse("set_language")
    other = _token(_get(first, {"q": "伴生气"}))
    form = {"language": "en", "next": next_url}
    refused = second.post(set_language, {**form, "csrfmiddlewaretoken": other})
    assert refused.status_code == HTTPStatus.FORBIDDEN
    switched = second.post(set_language, {**form, "csrfmiddlewaretoken": token})
    assert switched.status_code == HTTPStatus.FOUND
    assert unquote(switched["Location"]) == unquote(next_url)
    english = _get(second, {"q": "伴生气"})
    assert english["Content-Language"] == "en"
    assert '<html lang="en">' in english.content.decode()
    assert _unmask_cipher_token(_token(english)) == secret


def test_a_page_holding_the_request_csp_nonce_is_not_kept(rf, page_cache):
    results = views._Results(html="", degraded=False)
    request = rf.get(reverse("search:index"), {"q": "x"})
    request._csp_nonce = "bm9uY2U="  # the page's template asked for a nonce
    request.user = AnonymousUser()
    views._anonymous_page(request, results)
    assert results.anonymous_pages == {}
    del request._csp_nonce
    views._anonymous_page(request, results)
    assert list(results.anonymous_pages) == [request.get_full_path()]


def test_a_page_is_rendered_once_even_when_it_cannot_be_kept(client, page_cache, monkeypatch):
    # A page holding the request's CSP nonce is served but not kept: the render compute() did
    # is the response, not a second one.
    renders = []
    real_render = views.render_to_string

    def counting(template_name, context=None, request=None):
        renders.append(template_name)
        if request is not None and template_name == "search/index.html":
            request._csp_nonce = "bm9uY2U="
        return real_render(template_name, context, request=request)

    monkeypatch.setattr(views, "render_to_string", counting)
    first = _get(client, {"q": "伴生气"})
    assert first["X-Search-Cache"] == "miss"
    assert renders == ["search/results.html", "search/index.html"]
    renders.clear()
    assert _get(client, {"q": "伴生气"})["X-Search-Cache"] == "hit"
    assert renders == ["search/index.html"]  # the results kept, the page not


def test_each_spelling_of_a_query_string_has_its_own_page(client, page_cache, monkeypatch):
    """Two spellings of one query share the results, not the page: the language switch's
    "next" repeats the query string as the visitor sent it."""
    _index(SearchDocument(kind="technology", id="9941", title="稠油降黏剂复配工艺"))
    plain, escaped = "q=降黏剂&sort=newest", "q=%E9%99%8D%E9%BB%8F%E5%89%82&sort=newest"
    _get(client, plain)
    kept = {spelling: _get(client, spelling) for spelling in (plain, escaped)}
    assert [r["X-Search-Cache"] for r in kept.values()] == ["hit", "hit"]
    monkeypatch.setattr(views, "_sees_the_anonymous_page", lambda request: False)
    for spelling, response in kept.items():
        assert _without_token(response.content.decode()) == _without_token(
            _get(client, spelling).content.decode()
        )


def test_another_process_serves_the_page_it_did_not_render(client, page_cache, monkeypatch):
    """The anonymous page goes to the shared cache with its results: a worker that did not
    compute them renders nothing, and serves the same page."""
    _index(SearchDocument(kind="technology", id="9951", title="海水淡化反渗透膜组件"))
    renders = []
    real = views.render_to_string

    def counting(template_name, *args, **kwargs):
        renders.append(template_name)
        return real(template_name, *args, **kwargs)

    monkeypatch.setattr(views, "render_to_string", counting)
    first = _get(client, {"q": "反渗透"})
    assert first["X-Search-Cache"] == "miss"
    with pagecache._lock:  # this process forgets: as if the next request reached another
        pagecache._entries.clear()
    shared = _get(client, {"q": "反渗透"})
    assert shared["X-Search-Cache"] == "shared"
    assert renders == ["search/results.html", "search/index.html"]
    assert _without_token(shared.content.decode()) == _without_token(first.content.decode())
    assert _token(shared) != _token(first)
