"""One behaviour contract, run against the database backend and Elasticsearch alike."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from search import ranking, selectors
from search.backends.base import RERANK_DEPTH
from search.selectors import search_params, search_query, search_suggest

pytestmark = pytest.mark.django_db


def run(**kwargs):
    filters = kwargs.pop("filters", {})
    return search_query(params=search_params(filters=filters, **kwargs))


def ids(result):
    return [r.external_id for r in result.results]


def test_reports_backend_and_finds_exact_term(backend_name):
    result = run(q="含油污泥")
    assert result.backend == backend_name
    assert ids(result)[0] in {"S-T-A15", "S-D-A05"}
    assert result.total >= 2


def test_traditional_query_matches_simplified_text(backend_name):
    assert set(ids(run(q="鑽井液處理劑"))[:2]) == {"S-T-A02", "S-D-A02"}


def test_synonym_absent_from_text(backend_name):
    # 磕头机 is written nowhere; the documents say 抽油机 (the retrofit offer, the welding and
    # the well-automation demands, in an order that feedback from the best matches may change).
    top = run(q="磕头机").results[:3]
    assert "S-T-A13" in [r.external_id for r in top]
    assert all("抽油机" in r.title for r in top)


def test_everyday_name_backs_off_to_its_characters(backend_name):
    # 毛蟹 (what people here call the mitten crab) is written nowhere; the crab listings say
    # 河蟹 and 稻蟹: documents sharing the query's characters fill in when its words match
    # few documents.
    result = run(q="毛蟹")
    assert set(ids(result)[:3]) == {"S-T-A20", "S-T-C14", "S-D-C03"}
    assert run(q="毛蟹", filters={"kind": ["demand"]}).results[0].external_id == "S-D-C03"


def test_whole_words_rank_above_shared_characters(backend_name):
    # 含油污泥 matches few documents, so ones sharing only 油 or 泥 join the candidates: below
    # every document that has the word.
    result = run(q="含油污泥", page_size=20)
    having = [r for r in result.results if "含油污泥" in r.highlight]
    assert having and result.results[: len(having)] == having


def test_kind_and_industry_filters(backend_name):
    result = run(q="改造", filters={"kind": ["demand"]})
    assert result.total > 0
    assert {r.kind for r in result.results} == {"demand"}
    result = run(q="", filters={"industry": ["现代农业"]}, page_size=100)
    assert result.total == len(result.results) > 0
    assert all(r.external_id[4] == "C" for r in result.results if r.kind == "technology")
    assert [b.value for b in result.facets["industry"]] == ["现代农业"]


def test_multi_value_facet_is_or_and_facets_count_the_result(backend_name):
    one = run(filters={"industry": ["新能源"]}).total
    two = run(filters={"industry": ["新能源"]} | {"mode": []}).total
    both = run(filters={"industry": ["新能源", "新材料"]})
    assert one == two
    counts = {b.value: b.count for b in both.facets["industry"]}
    assert set(counts) == {"新能源", "新材料"}
    assert sum(counts.values()) == both.total
    kinds = {b.value: b.count for b in both.facets["kind"]}
    assert sum(kinds.values()) == both.total
    assert all(b.label for b in both.facets["kind"])


def test_trl_and_price_ranges(backend_name, sample_documents):
    result = run(trl_min=8, trl_max=9, price_max="50", page_size=100)
    expected = {
        d.external_id
        for d in sample_documents
        if d.trl and 8 <= d.trl <= 9 and d.price_wan is not None and d.price_wan <= Decimal(50)
    }
    assert set(ids(result)) == expected
    banded = run(filters={"price": ["negotiable"]}, page_size=100)
    assert set(ids(banded)) == {d.external_id for d in sample_documents if d.price_wan is None}


def test_sorts(backend_name, sample_documents):
    prices = {d.external_id: d.price_wan for d in sample_documents}
    cheap = ids(run(sort="price", page_size=100))
    values = [prices[i] for i in cheap]
    known = [v for v in values if v is not None]
    assert known == sorted(known)
    assert values[len(known) :] == [None] * (len(values) - len(known))  # 面议 last
    dear = [prices[i] for i in ids(run(sort="price_desc", page_size=100)) if prices[i] is not None]
    assert dear == sorted(dear, reverse=True)
    assert run(q="涂料", sort="newest").total == run(q="涂料").total


def test_pagination(backend_name):
    first = run(q="技术", page_size=5)
    second = run(q="技术", page_size=5, page=2)
    assert first.total == second.total > 10
    assert len(first.results) == len(second.results) == 5
    assert not set(ids(first)) & set(ids(second))
    assert first.pages == -(-first.total // 5)
    beyond = run(q="技术", page_size=5, page=1000)
    assert beyond.results == []


def test_highlight_marks_matched_words(backend_name):
    top = run(q="含油污泥").results[0]
    assert "<mark>含油污泥</mark>" in top.highlight
    assert "<script" not in run(q="<script>alert(1)</script>").results.__repr__()


@pytest.mark.parametrize(
    "q", ["", "   ", "！！？？……", "@#$%^&*()", "含" * 5000, "a" * 3000, "\x00\ufeff"]
)
def test_awkward_queries_are_graceful(backend_name, q):
    result = run(q=q)
    assert isinstance(result.total, int)
    assert len(result.query) <= 200


def test_did_you_mean_for_zero_hits(backend_name):
    result = run(q="hanyouwuli")
    assert result.total == 0
    assert result.did_you_mean == "含油污泥"
    assert run(q="含油污泥").did_you_mean == ""


def test_no_did_you_mean_when_only_the_filters_leave_nothing(backend_name):
    # The words match; the filters exclude every match: nothing to correct in the query.
    result = run(q="含油污泥", filters={"industry": ["现代农业"]})
    assert result.total == 0
    assert result.did_you_mean == ""
    # A query that matches nothing still gets its suggestion under filters.
    assert run(q="hanyouwuli", filters={"kind": ["technology"]}).did_you_mean == "含油污泥"


@pytest.mark.parametrize("typed", ["hanyou", "hywn", "含油污", "HanYou"])
def test_autocomplete_prefix_and_pinyin(backend_name, typed):
    texts = [s.text for s in search_suggest(q=typed).suggestions]
    assert "含油污泥" in texts


def test_autocomplete_empty(backend_name):
    assert search_suggest(q="").suggestions == []
    assert search_suggest(q="！！").suggestions == []


def test_bad_parameters_are_validation_errors():
    with pytest.raises(ValidationError):
        search_params(sort="bogus")
    with pytest.raises(ValidationError):
        search_params(trl_min="x")
    with pytest.raises(ValidationError):
        search_params(price_max="-1")
    assert search_params(page_size=10_000).page_size == 100
    assert search_params(page=10**9, page_size=10).page == 1000
    assert search_params(filters={"kind": ["bogus"], "nope": ["x"]}).filters == {}


def test_snippet_is_the_listings_own_text(backend_name):
    # The listing is written in Traditional characters; the query in Simplified. The snippet
    # shows the listing's characters, marked, never the normalised analysis text.
    hit = next(r for r in run(q="相变储热材料").results if r.external_id == "S-T-C07")
    assert "<mark>" in hit.highlight
    assert "儲熱" in hit.highlight or "相變" in hit.highlight
    assert "储热" not in hit.highlight and "相变" not in hit.highlight


def test_one_character_query_finds_documents_about_it(backend_name):
    result = run(q="蟹", filters={"kind": ["technology", "demand"]})
    assert result.total >= 2
    assert "蟹" in result.results[0].title


def test_abbreviation_a_document_defines_reaches_the_query_map(backend_name):
    from search.backends.database import DatabaseBackend
    from search.documents import SearchDocument
    from search.synonyms import invalidate, synonym_map

    DatabaseBackend().bulk_upsert(
        [
            SearchDocument(
                kind="technology", id="9001", title="废气治理", body="采用蓄热式热力焚烧（RTO）"
            )
        ]
    )
    invalidate()
    assert "蓄热式热力焚烧" in synonym_map()["rto"]
    assert "rto" in synonym_map()["蓄热式热力焚烧"]


def _seen(page):
    return [(r.id, r.score, r.title) for r in page.results], page.total


@pytest.mark.parametrize("q", ["含油污泥", "毛蟹", "磕头机", "RTO 焚烧", "稻"])
def test_searches_of_one_page_together_equal_each_alone(backend_name, q):
    # The site-wide page runs its searches together (on Elasticsearch: one back-off check
    # for the query, document frequencies counted once): the same results as one by one,
    # with filters that differ between the searches.
    base = search_params(q=q, page_size=20)
    searches = [
        replace(base, filters={"kind": ["technology", "demand"], "industry": ["现代农业"]}),
        replace(base, filters={"kind": ["technology", "demand"]}),
        replace(base, filters={"kind": ["demand"]}, with_facets=False, with_text=False),
        replace(base, filters={}, with_facets=False),
    ]
    together = selectors._search_pages([(p, False) for p in searches])
    alone = [search_query(params=p, snippets=False) for p in searches]
    assert [_seen(p) for p in together] == [_seen(p) for p in alone]
    assert any(p.total for p in together)


def test_a_titles_only_search_reads_no_text(backend_name):
    # The page's blocks list titles: their hits come without summary and body.
    params = search_params(q="含油污泥", page_size=20)
    full = search_query(params=params, snippets=False)
    titles = search_query(params=replace(params, with_text=False), snippets=False)
    assert _seen(titles) == _seen(full)
    assert any(r.summary for r in full.results)
    assert not any(r.summary for r in titles.results)


def test_a_search_re_ranks_its_depth_of_candidates(backend_name, monkeypatch):
    # Both backends hand the engine's best `rerank_window` to search.ranking: the result list
    # 120, a block of the site-wide page fewer (it shows three titles).
    ranked = []
    real_rank = ranking.rank

    def counting(query, candidates, idf):
        ranked.append(len(candidates))
        return real_rank(query, candidates, idf)

    monkeypatch.setattr(ranking, "rank", counting)
    params = search_params(q="技术", page_size=3)
    deep = search_query(params=params)
    shallow = search_query(params=replace(params, rerank_depth=5))
    assert ranked == [min(deep.total, RERANK_DEPTH), 5]
    assert deep.total == shallow.total > 5


def test_the_blocks_re_rank_fewer_candidates(monkeypatch):
    sent = []

    def recording(searches):
        sent.extend(searches)
        raise LookupError  # what the page's searches are is all this test reads

    monkeypatch.setattr(selectors, "_search_pages", recording)
    with pytest.raises(LookupError):
        selectors.search_site(params=search_params(q="含油污泥"))
    depths = [(params.filters["kind"], params.rerank_depth) for params, _snippets in sent]
    assert depths == [
        (["technology", "demand"], RERANK_DEPTH),
        (["patent"], selectors.BLOCK_RERANK_DEPTH),
        (["organization", "enterprise"], selectors.BLOCK_RERANK_DEPTH),
    ]
    assert selectors.BLOCK_RERANK_DEPTH < RERANK_DEPTH
