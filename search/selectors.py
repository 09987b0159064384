"""Search reads: the query page, autocomplete and the backend's health, as typed results."""

import logging
import time
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from elastic_transport import TransportError
from elasticsearch import ApiError

from core.numbers import decimal_parse
from core.vocabularies import vocabulary_canonical
from search import analysis, pagecache
from search.analysis import AnalyzedQuery
from search.backends import database_backend, primary_backend
from search.backends.base import (
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    SORTS,
    VALUE_FILTERS,
    Hit,
    SearchBackend,
    SearchParams,
    SearchResult,
    attach_highlights,
    has_filters,
)
from search.backends.elastic import ElasticsearchBackend
from search.client import ES_ERRORS, elasticsearch_enabled, get_client
from search.documents import FACETS, KINDS, PRICE_BAND_LABELS
from search.sources import SOURCES
from search.synonyms import synonym_map

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResultItem:
    kind: str
    kind_label: str
    id: str
    external_id: str
    title: str
    url: str
    summary: str
    highlight: str
    score: float


@dataclass(frozen=True)
class FacetBucket:
    value: str
    count: int
    label: str


@dataclass(frozen=True)
class SearchPage:
    """One page of results with its facets, what the page and the API show."""

    query: str
    words: list[str]
    total: int
    took_ms: float
    elapsed_ms: float
    backend: str
    page: int
    page_size: int
    pages: int
    results: list[ResultItem]
    facets: dict[str, list[FacetBucket]]
    did_you_mean: str = ""


@dataclass(frozen=True)
class Suggestion:
    text: str


@dataclass(frozen=True)
class Suggestions:
    query: str
    backend: str
    suggestions: list[Suggestion] = field(default_factory=list)


@dataclass(frozen=True)
class GroupedItem:
    """One title of a block, standing for every hit of that title (nine patents of one title
    are one line)."""

    item: ResultItem
    same_title: int


@dataclass(frozen=True)
class KindBlock:
    """Other kinds beside the listings on the site-wide page: the best titles and how many."""

    key: str
    label: str | Promise  # a lazy translation until the template renders it
    kinds: tuple[str, ...]
    total: int
    items: list[GroupedItem]


@dataclass(frozen=True)
class SiteSearch:
    """The site-wide search page: listings ranked first, patents and organisations in blocks."""

    listings: SearchPage
    blocks: list[KindBlock]


# Site-wide search ranks listings; the other kinds get a block each, in this order.
LISTING_KINDS = ("technology", "demand")
BLOCKS = (
    ("patent", _("专利"), ("patent",)),
    ("organization", _("机构与企业"), ("organization", "enterprise")),
)
BLOCK_TITLES = 3
BLOCK_DEPTH = 30  # hits read per block to find its distinct titles
# A block re-ranks fewer candidates than the result list: it shows three titles, and the
# engine's best 40 hold them (bench/README.md, "Blocks"); each candidate costs a fetch and a
# re-rank, and the blocks were a fifth of an uncached page's cost at 120.
BLOCK_RERANK_DEPTH = 40


def _int_or_none(value: object, name: str, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str | int | float):
            raise TypeError(value)
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({name: gettext("“%(value)s”不是整数") % {"value": value}}) from None
    return max(low, min(high, number))


def _decimal_or_none(value: object, name: str) -> Decimal | None:
    try:
        return decimal_parse(value, label=gettext("价格"))
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


# Filters whose values resolve through the shared vocabularies (aliases, English names).
VOCABULARY_FILTERS = {"district": "district", "industry": "industry", "patent_type": "patent_type"}


def search_params(
    *,
    q: str = "",
    filters: dict[str, list[str]] | None = None,
    trl_min: object = None,
    trl_max: object = None,
    price_min: object = None,
    price_max: object = None,
    sort: str = "relevance",
    page: object = 1,
    page_size: object = 10,
) -> SearchParams:
    """Validate and clamp raw request values into SearchParams (ValidationError → 400)."""
    clean_filters = {}
    for name, values in (filters or {}).items():
        if name not in VALUE_FILTERS:
            continue
        values = [str(v).strip()[:100] for v in values if str(v).strip()][:20]
        if not values:  # the page sends every filter, mostly empty: no vocabulary to read
            continue
        if name == "kind":
            values = [v for v in values if v in KINDS]
        elif name in VOCABULARY_FILTERS:
            # 高新区, "Dawa District" …: the index holds canonical names.
            values = vocabulary_canonical(VOCABULARY_FILTERS[name], values)
        if values:
            clean_filters[name] = list(dict.fromkeys(values))
    if sort not in SORTS:
        raise ValidationError(
            {
                "sort": gettext("不支持的排序方式“%(sort)s”，可选：%(sorts)s")
                % {"sort": sort, "sorts": "、".join(SORTS)}
            }
        )
    page_size = _int_or_none(page_size, "page_size", 1, MAX_PAGE_SIZE) or 10
    max_page = max(1, MAX_RESULT_WINDOW // page_size)
    return SearchParams(
        q=(q or "")[: analysis.MAX_QUERY_CHARS * 4],
        filters=clean_filters,
        trl_min=_int_or_none(trl_min, "trl_min", 1, 9),
        trl_max=_int_or_none(trl_max, "trl_max", 1, 9),
        price_min=_decimal_or_none(price_min, "price_min"),
        price_max=_decimal_or_none(price_max, "price_max"),
        sort=sort,
        page=_int_or_none(page, "page", 1, max_page) or 1,
        page_size=page_size,
    )


def _facet_label(name: str, value: str) -> str:
    if name == "kind":
        return str(KINDS.get(value, value))
    if name == "price":
        return str(PRICE_BAND_LABELS.get(value, value))
    if name == "trl":
        return f"TRL {value}"
    return value


def _reword_for_reader(hits: list[Hit]) -> None:
    """Listings show the English title and summary their owners gave to visitors reading in
    English (one query per kind on the page)."""
    language = get_language() or ""
    for kind in {h.kind for h in hits}:
        source = SOURCES.get(kind)
        wording = (
            source.wording_in(language, [h.id for h in hits if h.kind == kind]) if source else {}
        )
        for hit in hits:
            if hit.kind == kind and hit.id in wording:
                hit.title, summary = wording[hit.id]
                hit.summary = summary or hit.summary


def search_query(*, params: SearchParams, snippets: bool = True) -> SearchPage:
    """Run a search on the primary backend (the database when Elasticsearch fails).

    snippets=False leaves out what only a result list shows: highlights and did-you-mean."""
    return _search_pages([(params, snippets)])[0]


def _search_pages(searches: list[tuple[SearchParams, bool]]) -> list[SearchPage]:
    """search_query() of each, together: one analysis per query text, and on Elasticsearch one
    round trip for them all (search_many); when it fails, the database answers every one."""
    started = time.perf_counter()
    analysed: dict[str, AnalyzedQuery] = {}
    for params, _snippets in searches:
        if params.q not in analysed:
            analysed[params.q] = analysis.analyze_query(params.q, synonyms=synonym_map())
    pairs = [(params, analysed[params.q]) for params, _snippets in searches]
    backend = primary_backend()
    try:
        if isinstance(backend, ElasticsearchBackend):
            results = backend.search_many(pairs)
        else:
            results = [backend.search(params, query) for params, query in pairs]
    except ES_ERRORS as exc:
        logger.warning("Elasticsearch search failed, using the database: %s", exc)
        pagecache.mark_written()  # no process serves its cached Elasticsearch results now
        backend = database_backend()
        results = [backend.search(params, query) for params, query in pairs]
    return [
        _search_page(backend, params, query, result, snippets=snippets, started=started)
        for (params, query), result, (_params, snippets) in zip(
            pairs, results, searches, strict=True
        )
    ]


def _search_page(
    backend: SearchBackend,
    params: SearchParams,
    query: AnalyzedQuery,
    result: SearchResult,
    *,
    snippets: bool,
    started: float,
) -> SearchPage:
    if snippets:
        attach_highlights(result.hits, query)
    _reword_for_reader(result.hits)
    did_you_mean = ""
    if (
        snippets
        and result.total == 0
        and not query.is_empty
        and not _filtered_out(backend, params, query)
    ):
        did_you_mean = _did_you_mean(backend, query)
    facets = {
        name: [
            FacetBucket(bucket["value"], bucket["count"], _facet_label(name, bucket["value"]))
            for bucket in result.facets.get(name, [])
        ]
        for name in FACETS
    }
    elapsed = (time.perf_counter() - started) * 1000
    return SearchPage(
        query=query.text,
        words=[t.word for t in query.terms],
        total=result.total,
        took_ms=round(result.took_ms if result.backend == "elasticsearch" else elapsed, 2),
        elapsed_ms=round(elapsed, 2),
        backend=result.backend,
        page=params.page,
        page_size=params.page_size,
        pages=max(1, -(-min(result.total, MAX_RESULT_WINDOW) // params.page_size)),
        results=[
            ResultItem(
                kind=h.kind,
                kind_label=str(KINDS.get(h.kind, h.kind)),
                id=h.id,
                external_id=h.external_id,
                title=h.title,
                url=h.url,
                summary=h.summary,
                highlight=h.highlight,
                score=round(h.score, 4),
            )
            for h in result.hits
        ],
        facets=facets,
        did_you_mean=did_you_mean,
    )


def search_site(*, params: SearchParams) -> SiteSearch:
    """The search page: with no kind chosen, listings in the result list (ranked, paged,
    faceted) and, on the first page of a query, a block per other kind with its total and its
    best distinct titles; with kinds chosen, those kinds as one list. (The page keeps what it
    renders of this in search.pagecache.)"""
    return _search_site(params)


def _search_site(params: SearchParams) -> SiteSearch:
    if params.filters.get("kind") or not params.q.strip():
        return SiteSearch(listings=search_query(params=params), blocks=[])
    listing_params = replace(params, filters={**params.filters, "kind": list(LISTING_KINDS)})
    searches = [(listing_params, True)]
    if params.page == 1:
        for _key, _label, kinds in BLOCKS:
            block_params = replace(
                params,
                filters={"kind": list(kinds)},
                trl_min=None,
                trl_max=None,
                price_min=None,
                price_max=None,
                sort="relevance",
                page=1,
                page_size=BLOCK_DEPTH,
                rerank_depth=BLOCK_RERANK_DEPTH,
                with_facets=False,
                with_text=False,
            )
            # A block lists titles only: no text to fetch, no snippets to cut, no spelling to
            # suggest.
            searches.append((block_params, False))
    listings, *block_pages = _search_pages(searches)
    blocks = [
        KindBlock(key, label, kinds, page.total, _distinct_titles(page))
        for (key, label, kinds), page in zip(BLOCKS, block_pages, strict=False)
        if page.total
    ]
    return SiteSearch(listings=listings, blocks=blocks)


def _distinct_titles(page: SearchPage) -> list[GroupedItem]:
    groups: dict[str, list[ResultItem]] = {}
    for item in page.results:
        groups.setdefault(analysis.normalize(item.title), []).append(item)
    return [GroupedItem(items[0], len(items)) for items in list(groups.values())[:BLOCK_TITLES]]


def _filtered_out(backend: SearchBackend, params: SearchParams, query: AnalyzedQuery) -> bool:
    """No hits only because of the filters: the words themselves match, so there is no
    misspelling to correct (and no fuzzy suggestion lookup to pay for)."""
    if not has_filters(params):
        return False
    try:
        return backend.matches_any(query)
    except ES_ERRORS:
        return False


def _did_you_mean(backend: SearchBackend, query: AnalyzedQuery) -> str:
    """A term that sounds like the query (pinyin) and has hits, for a query with none."""
    if not analysis.has_han(query.text) and not query.text.isascii():
        return ""
    text = query.text.replace(" ", "")
    try:
        candidates = backend.suggest(text, size=5, fuzzy=True)
    except ES_ERRORS:
        return ""
    for term in candidates:
        if term != text:
            return term
    return ""


def search_suggest(*, q: str, size: int = 8) -> Suggestions:
    """Autocomplete: terms and titles starting with the text, its pinyin or initials."""
    q = (q or "")[:50]
    size = max(1, min(int(size or 8), 20))
    backend = primary_backend()
    try:
        terms = backend.suggest(q, size=size)
    except ES_ERRORS as exc:
        logger.warning("Elasticsearch suggest failed, using the database: %s", exc)
        backend = database_backend()
        terms = backend.suggest(q, size=size)
    return Suggestions(
        query=analysis.normalize(q),
        backend=backend.name,
        suggestions=[Suggestion(t) for t in terms],
    )


def search_backend_status() -> dict[str, object]:
    """Which backend serves search, and whether it answers right now."""
    if not elasticsearch_enabled():
        return {"backend": "database", "ok": True}
    try:
        health = get_client().cluster.health(timeout="2s")
    except (TransportError, ApiError) as exc:
        return {"backend": "elasticsearch", "ok": False, "error": type(exc).__name__}
    return {
        "backend": "elasticsearch",
        "ok": health["status"] in ("green", "yellow"),
        "cluster_status": health["status"],
    }
