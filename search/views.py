import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

from search import pagecache
from search.backends.base import SORTS, VALUE_FILTERS
from search.client import elasticsearch_enabled
from search.documents import FACETS, KINDS
from search.selectors import search_params, search_site


def _page_links(get: QueryDict, page: int, pages: int) -> list[dict[str, object]]:
    def link(n: int) -> str:
        query = get.copy()
        query["page"] = str(n)
        return "?" + query.urlencode()

    window = [n for n in range(max(1, page - 3), min(pages, page + 3) + 1)]
    return [{"number": n, "url": link(n), "current": n == page} for n in window]


# Where the visitor's own CSRF token goes in a page kept for every anonymous visitor. Random
# per process, so neither a query nor a listing's text can contain it.
_CSRF_HOLE = "csrf" + secrets.token_hex(16)
# Pages kept per results: one per spelling of the query string (%-escaped or not), which the
# language switch's "next" repeats; a few are enough for real traffic and bound the rest.
_PAGES_PER_RESULTS = 4
# Part of the cache key: a worker of the code before an upgrade still writes the shared cache
# (in _Results' earlier shape) for up to SEARCH_PAGE_CACHE_SECONDS.
_RESULTS_FORMAT = "2"


@dataclass
class _Results:
    html: str
    degraded: bool
    # The whole page as anonymous visitors see it, by path and query string, split where the
    # CSRF token goes. Held by these results, it lives and dies with them in search.pagecache
    # (and goes to the other processes with them). Replaced, never changed in place: another
    # thread may be pickling it for the shared cache.
    anonymous_pages: dict[str, list[str]] = field(default_factory=dict, compare=False)


def index(request: HttpRequest) -> HttpResponse:
    """The search page: a GET form that works without JavaScript (facets are checkboxes).

    Its content is a function of the query string and the language alone, so it is rendered
    once and served from search.pagecache until an index changes. The frame around it (header,
    account area, messages) is a signed-in visitor's own and rendered for each request; the
    anonymous frame is the same for everyone but the footer form's CSRF token, so it is kept
    with the results and only the token is filled in."""
    key = "|".join(
        (
            _RESULTS_FORMAT,
            translation.get_language(),
            str(elasticsearch_enabled()),
            request.GET.urlencode(),
        )
    )
    anonymous = _sees_the_anonymous_page(request)
    rendered: list[list[str]] = []  # the anonymous page compute() rendered, kept or not

    def compute() -> _Results:
        results = _results(request.GET)
        if anonymous:  # rendered before the results are shared, so the others reuse it too
            rendered.append(_anonymous_page(request, results))
        return results

    # The database's fallback answers are not kept: the next request tries Elasticsearch.
    results, source = pagecache.lookup(key, compute, keep=_not_degraded)
    if anonymous:
        parts = rendered[0] if rendered else _anonymous_page(request, results)
        # The token Django would have rendered: this visitor's secret, freshly masked, and the
        # CSRF cookie set or renewed as the {% csrf_token %} tag's own call does.
        response = HttpResponse(get_token(request).join(parts))
    else:
        response = render(request, "search/index.html", _page_context(request, results))
    response["X-Search-Cache"] = source  # hit, shared (another process's) or miss
    return response


def _page_context(request: HttpRequest, results: _Results) -> dict[str, object]:
    return {"q": request.GET.get("q", ""), "results_html": results.html}


def _sees_the_anonymous_page(request: HttpRequest) -> bool:
    """Not signed in and no message waiting to be shown (len() reads the messages without
    marking them shown, so a full render still shows them)."""
    return not request.user.is_authenticated and not len(get_messages(request))


def _anonymous_page(request: HttpRequest, results: _Results) -> list[str]:
    """The page for this path and query string as every anonymous visitor sees it, in parts
    to be joined by the visitor's CSRF token: kept with the results, or rendered now."""
    full_path = request.get_full_path()
    parts = results.anonymous_pages.get(full_path)
    if parts is None:
        context = {**_page_context(request, results), "csrf_token": _CSRF_HOLE}
        parts = render_to_string("search/index.html", context, request=request).split(_CSRF_HOLE)
        # A page that used this request's CSP nonce holds it: served, never kept.
        used_nonce = getattr(request, "_csp_nonce", None) is not None
        if not used_nonce and len(results.anonymous_pages) < _PAGES_PER_RESULTS:
            results.anonymous_pages = {**results.anonymous_pages, full_path: parts}
    return parts


def _not_degraded(results: _Results) -> bool:
    return not results.degraded


def _results(get: QueryDict) -> _Results:
    filters = {name: get.getlist(name) for name in VALUE_FILTERS}
    errors = []
    try:
        params = search_params(
            q=get.get("q", ""),
            filters=filters,
            trl_min=get.get("trl_min"),
            trl_max=get.get("trl_max"),
            price_min=get.get("price_min"),
            price_max=get.get("price_max"),
            sort=get.get("sort") or "relevance",
            page=get.get("page") or 1,
            page_size=get.get("page_size") or 10,
        )
    except ValidationError as exc:
        errors = [m for messages in exc.message_dict.values() for m in messages]
        params = search_params(q=get.get("q", ""), filters=filters)
    site = search_site(params=params)
    result = site.listings
    selected = {name: set(values) for name, values in params.filters.items()}
    facet_groups = [
        {
            "name": name,
            "label": label,
            "buckets": [
                {
                    "value": b.value,
                    "label": b.label,
                    "count": b.count,
                    "checked": b.value in selected.get(name, set()),
                }
                for b in result.facets.get(name, [])
            ],
        }
        for name, label in FACETS.items()
        if result.facets.get(name)
    ]
    without_page = get.copy()
    without_page.pop("page", None)
    dym_url = ""
    if result.did_you_mean:
        dym = without_page.copy()
        dym["q"] = result.did_you_mean
        dym_url = "?" + dym.urlencode()
    # Elasticsearch is configured but did not answer: the database backend served this.
    degraded = elasticsearch_enabled() and result.backend != "elasticsearch"
    context = {
        "q": get.get("q", ""),
        "params": params,
        "result": result,
        "blocks": [
            {
                "label": block.label,
                "total": block.total,
                "items": block.items,
                "see_all_url": "?" + urlencode({"q": params.q, "kind": block.kinds}, doseq=True),
            }
            for block in site.blocks
        ],
        "listings_only": bool(site.blocks)
        or (params.q.strip() != "" and not params.filters.get("kind")),
        "facet_groups": facet_groups,
        "sorts": SORTS,
        "kinds": KINDS,
        "errors": errors,
        "degraded": degraded,
        "page_links": _page_links(without_page, result.page, result.pages),
        "did_you_mean_url": dym_url,
        "clear_url": "?" + urlencode({"q": get.get("q", "")}),
    }
    return _Results(render_to_string("search/results.html", context), degraded)
