"""Elasticsearch backend: elasticsearch.dsl documents over Python-analysed Chinese text.

The server has no Chinese analysis, so each text field exists twice: a `standard`-analysed text
field (one token per Han character, so a phrase query matches the exact character sequence) and
a `keyword` array of jieba words. A query word scores by term on the word fields and by phrase
on the text fields, across title > keywords > summary > body.
"""

import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from elasticsearch import BadRequestError, Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import (
    Completion,
    Date,
    Document,
    Double,
    Integer,
    Keyword,
    Text,
)

from search import analysis, pagecache, ranking
from search.analysis import AnalyzedQuery
from search.backends.base import (
    ALL_DOCS,
    MAX_RESULT_WINDOW,
    DocFreqCache,
    Hit,
    SearchParams,
    SearchResult,
    empty_facets,
)
from search.client import get_client
from search.documents import FACETS, SearchDocument
from search.models import SearchEntry, SearchFacetValue, SearchSuggestion
from search.parallel import mapped_batches
from search.ranking import BACKOFF_BELOW, CHAR_WEIGHT, PART_WEIGHT, SYNONYM_WEIGHT, WEIGHTS
from search.sources import SOURCES

logger = logging.getLogger(__name__)

# A document as Elasticsearch stores it, a query or a response: JSON.
Json = dict[str, Any]
Progress = Callable[[int], object] | None

FACET_FIELDS = {
    "kind": "kind",
    "industry": "industry",
    "trl": "trl",
    "mode": "modes",
    "price": "price_band",
    "district": "district",
    "holder_type": "holder_type",
    "patent_type": "patent_type",
    "patent_status": "patent_status",
}


# Facet fields: terms aggregations need their global ordinals, built at refresh rather than by
# the first search after it. Word fields only ever answer term queries: no doc values to build.
def _facet() -> Keyword:
    return Keyword(eager_global_ordinals=True)


def _words() -> Keyword:
    return Keyword(doc_values=False)


class IndexedDocument(Document):
    kind = _facet()
    object_id = Keyword()
    external_id = Keyword()
    url = Keyword(index=False)
    display_title = Keyword(index=False)
    display_summary = Text(index=False)
    display_body = Text(index=False)  # the body as written, for snippets (body is normalised)
    title = Text(analyzer="standard")
    title_words = _words()
    summary = Text(analyzer="standard")
    summary_words = _words()
    body = Text(analyzer="standard")
    body_words = _words()
    keywords = _words()
    keyword_words = _words()
    industry = _facet()
    trl = Integer()
    modes = _facet()
    price_wan = Double()
    price_band = _facet()
    district = _facet()
    holder_type = _facet()
    patent_type = _facet()
    patent_status = _facet()
    published_at = Date()
    fingerprint = Keyword(index=False)
    suggest_terms = Keyword(index=False)
    # Inputs are the term, its pinyin and initials, already normalised in Python.
    suggest = Completion(analyzer="keyword", search_analyzer="keyword", max_input_length=100)


def _iso_utc(moment: datetime | None) -> str | None:
    # One spelling for one instant, whichever time zone the source or the database gave.
    return moment.astimezone(UTC).isoformat() if moment else None


def to_source(doc: SearchDocument) -> Json:
    a = doc.analysed()
    facets = doc.facet_values()
    terms = doc.suggestion_terms()
    inputs = list(dict.fromkeys(i for t in terms for i in analysis.suggestion_inputs(t)))
    return {
        "kind": doc.kind,
        "object_id": str(doc.id),
        "external_id": doc.external_id,
        "url": doc.url,
        "display_title": doc.title,
        "display_summary": doc.summary,
        "display_body": doc.body,
        "title": a["title"],
        "title_words": list(dict.fromkeys(a["title_words"])),
        "summary": a["summary"],
        "summary_words": list(dict.fromkeys(a["summary_words"])),
        "body": a["body"],
        "body_words": list(dict.fromkeys(a["body_words"])),
        "keywords": a["keywords"],
        "keyword_words": a["keyword_words"],
        "industry": doc.industry or None,
        "trl": doc.trl,
        "modes": facets["mode"],
        "price_wan": float(doc.price_wan) if doc.price_wan is not None else None,
        "price_band": facets["price"],
        "district": doc.district or None,
        "holder_type": doc.holder_type or None,
        "patent_type": doc.patent_type or None,
        "patent_status": doc.patent_status or None,
        "published_at": _iso_utc(doc.published_at),
        "fingerprint": doc.fingerprint(),
        "suggest_terms": terms,
        "suggest": {"input": inputs},
    }


# Rebuild bulk requests: documents per request and requests in flight at once.
BULK_CHUNK = 500
BULK_THREADS = 2
REBUILD_TIMEOUT = 120.0
# What search() reads from a response; the rest is not sent.
SEARCH_FILTER_PATH = [
    "took",
    "hits.total",
    "hits.hits._score",
    "hits.hits._source",
    "aggregations.*.buckets.key",
    "aggregations.*.buckets.doc_count",
    "aggregations.all_docs.doc_count",
    "aggregations.all_docs.df.buckets.*.doc_count",
]
# What the re-ranking reads of a candidate: normalised text and jieba words per field.
RANK_FIELDS = [
    "title",
    "keywords",
    "summary",
    "body",
    "title_words",
    "keyword_words",
    "summary_words",
    "body_words",
    "published_at",
]


MATCH_ALL: Json = {"match_all": {}}


def _in_any_field(word: str) -> Json:
    """A document that has the word (its document frequency, as the database counts it: as a
    word of any field, or for one Han character anywhere in the text)."""
    fields = ["title_words", "keyword_words", "summary_words", "body_words"]
    if len(word) == 1 and analysis.has_han(word):
        fields += ["title", "summary", "body"]
    return {"bool": {"should": [{"term": {f: word}} for f in fields]}}


# The word counts this process's searches made, by index alias: trusted while no index has
# been written since, by any process (search.pagecache's write stamp, which every process
# reads), so a search also skips the back-off check when a word alone is known to match enough
# documents.
word_counts = DocFreqCache(fresh_after=lambda: pagecache.trusted_after())


def _counted_doc_freqs(aggregations: Json) -> dict[str, int]:
    """The document count and word frequencies an all_docs aggregation counted (none if the
    search did not count them)."""
    all_docs = aggregations.get("all_docs")
    if all_docs is None:
        return {}
    counted = {ALL_DOCS: int(all_docs.get("doc_count", 0))}
    for word, bucket in all_docs.get("df", {}).get("buckets", {}).items():
        counted[word] = int(bucket.get("doc_count", 0))
    return counted


def _matches_enough(query: AnalyzedQuery, known: dict[str, int]) -> bool:
    """Whether one of the query's words is known to be in BACKOFF_BELOW documents or more: the
    query matches at least those (a word of two or more characters is counted on the word
    fields, where the query's clauses for it and its synonyms and parts look)."""
    return any(known.get(w, 0) >= BACKOFF_BELOW for w in query.all_words if len(w) > 1)


def _reranked(raw_hits: list[Json], query: AnalyzedQuery, doc_freqs: dict[str, int]) -> list[Json]:
    doc_count = max(doc_freqs.get(ALL_DOCS, 0), 1)
    idf = {w: ranking.idf_of(doc_freqs.get(w, 0), doc_count) for w in query.match_words}
    cands = []
    for h in raw_hits:
        src = h["_source"]
        cands.append(
            ranking.Candidate(
                key=h,
                fields={
                    "title": src.get("title") or "",
                    "keywords": " ".join(src.get("keywords") or []),
                    "summary": src.get("summary") or "",
                    "body": src.get("body") or "",
                },
                words={
                    "title": " ".join(src.get("title_words") or []),
                    "keywords": " ".join(src.get("keyword_words") or []),
                    "summary": " ".join(src.get("summary_words") or []),
                    "body": " ".join(src.get("body_words") or []),
                },
            )
        )
    for h, score in zip(raw_hits, ranking.rank(query, cands, idf), strict=True):
        h["_score"] = score
    # Best score first, ties newest first (as the database), undated last: two stable sorts.
    raw_hits.sort(key=lambda h: h["_source"].get("published_at") or "", reverse=True)
    raw_hits.sort(key=lambda h: -h["_score"])
    return raw_hits


def _offset(params: SearchParams) -> int:
    return max(min(params.offset, MAX_RESULT_WINDOW - params.page_size), 0)


def _reranked_search(params: SearchParams, query: AnalyzedQuery) -> bool:
    return params.sort == "relevance" and not query.is_empty


# What a hit shows: its identity and title, and the text as written (snippets are cut from it)
# unless the search lists titles only (SearchParams.with_text).
TITLE_FIELDS = ["kind", "object_id", "external_id", "display_title", "url"]
HIT_FIELDS = [*TITLE_FIELDS, "display_summary", "display_body"]
# SearchEntry columns that entry_sources reads, in this order.
_ENTRY_COLUMNS = (
    "id", "kind", "object_id", "external_id", "title", "summary", "body", "url", "keywords",
    "published_at", "price_wan", "trl", "title_words", "keyword_words", "summary_words",
    "body_words", "fingerprint",
)  # fmt: skip
# Single-valued facets stored as SearchFacetValue rows, by their Elasticsearch field.
_ENTRY_FACETS = {
    "industry": "industry",
    "district": "district",
    "holder_type": "holder_type",
    "patent_type": "patent_type",
    "patent_status": "patent_status",
}


def _suggest_inputs(terms: list[str], stored: dict[str, tuple[str, str]]) -> list[str]:
    """analysis.suggestion_inputs over the terms, taking pinyin from the database's suggestion
    rows (pypinyin is a quarter of the analysis time) unless a stored form may be truncated."""
    inputs: list[str] = []
    for term in terms:
        norm = analysis.normalize(term)
        if not norm:
            continue
        inputs.append(norm)
        if analysis.has_han(norm):
            forms = stored.get(norm) if len(norm) < 200 else None
            if forms is None or len(forms[0]) >= 400 or len(forms[1]) >= 100:
                forms = analysis.pinyin_forms(norm)
            inputs += [x for x in forms if x and len(x) > 1]
    return list(dict.fromkeys(inputs))


def source_from_entry(
    row: tuple[Any, ...], facets: dict[str, list[str]], pinyin: dict[str, tuple[str, str]]
) -> tuple[Json, bool]:
    """The to_source() dict of a document, rebuilt from its database entry (the stored analysis)
    without running jieba. The flag is False when a column the database truncates may have
    cut the document short (a 500-character title, a 100-character facet value): the caller
    then re-derives that document from its source model."""
    (_id, kind, object_id, external_id, title, summary, body, url, keywords, published_at,
     price_wan, trl, title_words, keyword_words, summary_words, body_words, fingerprint,
     ) = row  # fmt: skip
    exact = len(title) < 500 and all(len(v) < 100 for vals in facets.values() for v in vals)
    norm_keywords = [k for k in (analysis.normalize(k) for k in keywords or []) if k]
    if any(" " in k for k in norm_keywords):
        # The stored words are space-joined, so a keyword with a space cannot be split back.
        words = [w for k in norm_keywords for w in analysis.index_words(k, normalized=True)]
        keyword_list = list(dict.fromkeys(norm_keywords + words))
    else:
        keyword_list = keyword_words.split()
    norm_title = analysis.normalize(title)
    terms = [
        t
        for t in dict.fromkeys([*(analysis.normalize(k) for k in keywords or []), norm_title[:100]])
        if t
    ]
    single = {fld: next(iter(facets.get(name) or []), None) for fld, name in _ENTRY_FACETS.items()}
    source = {
        "kind": kind,
        "object_id": object_id,
        "external_id": external_id,
        "url": url,
        "display_title": title,
        "display_summary": summary,
        "display_body": body,
        "title": norm_title,
        "title_words": list(dict.fromkeys(title_words.split())),
        "summary": analysis.normalize(summary),
        "summary_words": list(dict.fromkeys(summary_words.split())),
        "body": analysis.normalize(body),
        "body_words": list(dict.fromkeys(body_words.split())),
        "keywords": norm_keywords,
        "keyword_words": keyword_list,
        "industry": single["industry"],
        "trl": trl,
        "modes": facets.get("mode", []),
        "price_wan": float(price_wan) if price_wan is not None else None,
        "price_band": facets.get("price", []),
        "district": single["district"],
        "holder_type": single["holder_type"],
        "patent_type": single["patent_type"],
        "patent_status": single["patent_status"],
        "published_at": _iso_utc(published_at),
        "fingerprint": fingerprint,
        "suggest_terms": terms,
        "suggest": {"input": _suggest_inputs(terms, pinyin)},
    }
    return source, exact


def entry_sources(*, chunk_size: int = 2000) -> Iterator[list[Json]]:
    """Every SearchEntry as an Elasticsearch source, chunk by chunk (keyset pagination, three
    queries a chunk: entries, facet values, suggestions)."""
    last = 0
    while True:
        rows = list(
            SearchEntry.objects.filter(id__gt=last)
            .order_by("id")
            .values_list(*_ENTRY_COLUMNS)[:chunk_size]
        )
        if not rows:
            return
        low, last = rows[0][0], rows[-1][0]
        facets: dict[int, dict[str, list[str]]] = defaultdict(dict)
        for entry_id, name, value in (
            SearchFacetValue.objects.filter(entry_id__gte=low, entry_id__lte=last)
            .order_by("id")
            .values_list("entry_id", "name", "value")
        ):
            facets[entry_id].setdefault(name, []).append(value)
        pinyin: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
        for entry_id, term, full, initials in SearchSuggestion.objects.filter(
            entry_id__gte=low, entry_id__lte=last
        ).values_list("entry_id", "term", "pinyin", "initials"):
            pinyin[entry_id][term] = (full, initials)
        out: list[Json] = []
        redo: dict[str, dict[str, Json]] = {}
        for row in rows:
            source, exact = source_from_entry(row, facets.get(row[0], {}), pinyin.get(row[0], {}))
            if exact:
                out.append(source)
            else:
                redo.setdefault(row[1], {})[row[2]] = source
        for kind, by_id in redo.items():
            source_model = SOURCES.get(kind)
            docs = source_model.documents_for(list(by_id)) if source_model else {}
            # A document its source no longer has keeps the entry's copy until the sync runs.
            out += [to_source(docs[i]) if i in docs else src for i, src in by_id.items()]
        yield out


def term_query(term_alternatives: list[tuple[str, float]], *, phrases: bool = True) -> Json:
    """Word matches of one query word and its synonyms, plus character-phrase matches of the
    word as typed (which also catch words jieba split differently); best field wins.

    Phrase queries over single-character postings are the expensive part of the query, so the
    parts of a compound, which are dictionary words, match by word only.

    The query builders write Elasticsearch's JSON directly: elasticsearch.dsl's objects (which
    deep-copy every clause) cost a search page more than its request takes to send."""
    queries: list[Json] = []
    for word, weight in term_alternatives:
        queries += [
            {"term": {"title_words": {"value": word, "boost": WEIGHTS["title"] * weight}}},
            {"term": {"keyword_words": {"value": word, "boost": WEIGHTS["keywords"] * weight}}},
            {"term": {"summary_words": {"value": word, "boost": WEIGHTS["summary"] * weight}}},
            {"term": {"body_words": {"value": word, "boost": WEIGHTS["body"] * weight}}},
        ]
        if phrases:
            queries += [
                {"match_phrase": {name: {"query": word, "boost": 0.5 * WEIGHTS[name] * weight}}}
                for name in ("title", "summary", "body")
            ]
    return {"dis_max": {"queries": queries, "tie_breaker": 0.3}}


def _char_query(char: str) -> Json:
    """One back-off character anywhere in the text (the text fields hold one token per Han
    character), best field wins."""
    return {
        "dis_max": {
            "queries": [
                {"term": {name: {"value": char, "boost": CHAR_WEIGHT * WEIGHTS[name]}}}
                for name in ("title", "summary", "body")
            ]
        }
    }


def relevance_query(query: AnalyzedQuery, *, backoff: bool = False) -> Json:
    """The words' query; with `backoff`, documents sharing only characters match too."""
    should: list[Json] = [_char_query(c) for c in query.chars] if backoff else []
    for t in query.terms:
        should.append(term_query([(t.word, 1.0)] + [(s, SYNONYM_WEIGHT) for s in t.synonyms]))
        for part in t.parts:
            alts = [(part.word, PART_WEIGHT)] + [
                (s, PART_WEIGHT * SYNONYM_WEIGHT) for s in part.synonyms
            ]
            should.append(term_query(alts, phrases=False))
    if len(query.terms) > 1:
        phrase = " ".join(t.word for t in query.terms)
        # The words next to each other, as typed, count extra.
        should += [
            {"match_phrase": {name: {"query": phrase, "slop": 2, "boost": WEIGHTS[name]}}}
            for name in ("title", "summary")
        ]
    return {"bool": {"should": should, "minimum_should_match": 1}}


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch | None = None, prefix: str | None = None) -> None:
        self.client = client or get_client()
        self.prefix = prefix or settings.ELASTICSEARCH_INDEX_PREFIX

    # -- index lifecycle -------------------------------------------------------------------
    @property
    def alias(self) -> str:
        return f"{self.prefix}-search"

    def new_index_name(self) -> str:
        return f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"

    def create_index(self, name: str, *, building: bool = False) -> None:
        """building=True: no replicas, no refresh and an asynchronous translog while a rebuild
        bulk-loads the index; finish_index() restores the serving settings."""
        mapping = IndexedDocument._doc_type.mapping.to_dict()
        index_settings = {
            "number_of_shards": settings.ELASTICSEARCH_SHARDS,
            "number_of_replicas": settings.ELASTICSEARCH_REPLICAS,
            "refresh_interval": "1s",
        }
        if building:
            index_settings |= {
                "number_of_replicas": 0,
                "refresh_interval": "-1",
                "translog": {"durability": "async"},
            }
        # A new index waits for its primary to be allocated: on a busy cluster longer than a
        # search may take.
        self.client.options(request_timeout=REBUILD_TIMEOUT).indices.create(
            index=name, settings=index_settings, mappings=mapping
        )

    def finish_index(self, name: str) -> None:
        # One segment before the index serves: a bulk-loaded index is left in several, and every
        # segment runs the whole query (about a fifth of `took` at 100,000 listings, for a few
        # seconds of merging once).
        self.client.options(request_timeout=REBUILD_TIMEOUT).indices.forcemerge(
            index=name, max_num_segments=1
        )
        self.client.options(request_timeout=REBUILD_TIMEOUT).indices.put_settings(
            index=name,
            settings={
                "number_of_replicas": settings.ELASTICSEARCH_REPLICAS,
                "refresh_interval": "1s",
                "translog": {"durability": "request"},
            },
        )
        self.client.indices.refresh(index=name)
        self._wait_for_replicas(name)

    def _wait_for_replicas(self, name: str) -> None:
        """Serve the new index only once its replicas are copied, so a node lost right after
        the alias swap loses no shard; unless the cluster has too few nodes to hold them (one
        node with replicas set stays yellow for good), which is logged, not waited for."""
        replicas = settings.ELASTICSEARCH_REPLICAS
        if replicas <= 0:
            return
        nodes = self.client.cluster.health()["number_of_data_nodes"]
        if nodes <= replicas:
            logger.warning(
                "%d replicas of %s need %d data nodes, the cluster has %d: it stays yellow",
                replicas,
                name,
                replicas + 1,
                nodes,
            )
            return
        # 408 is Elasticsearch's answer when the wait timed out: logged, the index still serves.
        waiting = self.client.options(request_timeout=REBUILD_TIMEOUT + 10, ignore_status=408)
        health = waiting.cluster.health(
            index=name, wait_for_status="green", timeout=f"{REBUILD_TIMEOUT:.0f}s"
        )
        if health["timed_out"]:
            logger.warning("replicas of %s not all assigned after %.0fs", name, REBUILD_TIMEOUT)

    def indices(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).keys())
        except NotFoundError:
            return []

    def ensure_index(self) -> None:
        """Create the first index on demand; a fixed name makes concurrent callers agree."""
        if self.indices():
            return
        name = f"{self.alias}-initial"
        try:
            self.create_index(name)
        except BadRequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise
        self.client.indices.put_alias(index=name, name=self.alias)

    def drop(self) -> None:
        """Delete every index of this prefix (tests and benchmarks clean up with it)."""
        self.client.indices.delete(index=f"{self.alias}-*", ignore_unavailable=True)
        word_counts.clear()  # an index of the same name may hold other documents

    def rebuild(
        self, documents: Iterable[SearchDocument], *, progress: Progress = None, workers: int = 1
    ) -> int:
        """Build a fresh index from documents, analysing each one (jieba, pinyin) again."""
        return self._rebuild(mapped_batches(to_source, documents, workers=workers), progress)

    def rebuild_from_entries(self, *, progress: Progress = None) -> int:
        """Build a fresh index from the database backend's entries, which hold every document's
        analysis already: no jieba. The caller makes sure the entries are current (the database
        rebuild re-analyses what changed, including everything after an analyser change)."""
        return self._rebuild(entry_sources(), progress)

    def _rebuild(self, batches: Iterable[list[Json]], progress: Progress) -> int:
        """Build a fresh index, bulk-load it, then swap the alias in one atomic step."""
        name = self.new_index_name()
        self.create_index(name, building=True)
        try:
            count = self._bulk_load(batches, index=name, progress=progress)
        except BaseException:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        self.finish_index(name)
        for attempt in range(3):
            old = [o for o in self.indices() if o != name]
            actions: list[Json] = [{"add": {"index": name, "alias": self.alias}}]
            # must_exist=False: a concurrent rebuild may already have moved the alias.
            actions += [
                {"remove": {"index": o, "alias": self.alias, "must_exist": False}} for o in old
            ]
            try:
                self.client.indices.update_aliases(actions=actions)
                break
            except NotFoundError:  # an old index vanished meanwhile: look again
                if attempt == 2:
                    raise
        for o in old:
            self.client.indices.delete(index=o, ignore_unavailable=True)
        pagecache.mark_written()
        return count

    def _bulk_load(
        self, batches: Iterable[list[Json]], *, index: str, progress: Progress = None
    ) -> int:
        """Bulk requests of BULK_CHUNK documents, BULK_THREADS in flight: this thread reads and
        builds the next documents (database reads stay on its connection) while Elasticsearch
        indexes the previous requests on as many write threads."""
        count = 0
        in_flight: deque[Future[int]] = deque()
        # A bulk request may wait behind a merge: give it longer than a search gets.
        client = self.client.options(request_timeout=REBUILD_TIMEOUT)

        def settle(future: Future[int]) -> None:
            nonlocal count
            done = future.result()
            count += done
            if progress:
                progress(done)

        with ThreadPoolExecutor(max_workers=BULK_THREADS) as pool:
            for sources in batches:
                for start in range(0, len(sources), BULK_CHUNK):
                    chunk = sources[start : start + BULK_CHUNK]
                    in_flight.append(
                        pool.submit(self._bulk_sources, chunk, index=index, client=client)
                    )
                    while len(in_flight) > BULK_THREADS:
                        settle(in_flight.popleft())
            while in_flight:
                settle(in_flight.popleft())
        return count

    # -- writes ----------------------------------------------------------------------------
    def bulk_upsert(
        self,
        documents: Iterable[SearchDocument],
        *,
        index: str | None = None,
        progress: Progress = None,
    ) -> int:
        return self._bulk_sources([to_source(d) for d in documents], index=index, progress=progress)

    def _bulk_sources(
        self,
        sources: list[Json],
        *,
        index: str | None = None,
        progress: Progress = None,
        client: Elasticsearch | None = None,
    ) -> int:
        index = index or self.alias

        def actions() -> Iterator[Json]:
            for source in sources:
                if progress:
                    progress(1)
                yield {
                    "_op_type": "index",
                    "_index": index,
                    "_id": f"{source['kind']}:{source['object_id']}",
                    "_source": source,
                }

        ok, _errors = helpers.bulk(
            client or self.client, actions(), chunk_size=1000, raise_on_error=True
        )
        if index == self.alias:  # a rebuild's new index is not searched before the alias swap
            pagecache.mark_written()
        return ok

    def delete(self, doc_ids: Iterable[str]) -> None:
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": i} for i in doc_ids]
        if actions:
            helpers.bulk(self.client, actions, raise_on_error=False)
            pagecache.mark_written()

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.alias)

    def fingerprints(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for hit in helpers.scan(self.client, index=self.alias, _source=["fingerprint"], size=2000):
            out[hit["_id"]] = hit["_source"].get("fingerprint", "")
        return out

    # -- reads -----------------------------------------------------------------------------
    def _filters(self, params: SearchParams) -> list[Json]:
        filters: list[Json] = []
        for name, values in params.filters.items():
            if name == "price" or not values:
                continue
            if name in FACET_FIELDS:
                filters.append({"terms": {FACET_FIELDS[name]: values}})
        if params.trl_min is not None or params.trl_max is not None:
            rng = {
                k: v for k, v in (("gte", params.trl_min), ("lte", params.trl_max)) if v is not None
            }
            filters.append({"range": {"trl": rng}})
        if params.price_min is not None or params.price_max is not None:
            price_range: dict[str, float] = {}
            if params.price_min is not None:
                price_range["gte"] = float(params.price_min)
            if params.price_max is not None:
                price_range["lte"] = float(params.price_max)
            filters.append({"range": {"price_wan": price_range}})
        if params.filters.get("price"):
            filters.append({"terms": {"price_band": params.filters["price"]}})
        if params.exclude:
            filters.append({"bool": {"must_not": [{"ids": {"values": list(params.exclude)}}]}})
        return filters

    def search(self, params: SearchParams, query: AnalyzedQuery) -> SearchResult:
        return self.search_many([(params, query)])[0]

    def search_many(self, searches: list[tuple[SearchParams, AnalyzedQuery]]) -> list[SearchResult]:
        """search() of each, in at most two round trips instead of two each: one multi-search
        for the back-off checks, one for the searches (the site-wide page runs three at once).
        The raw responses are read: wrapping every hit and bucket in elasticsearch.dsl objects
        costs more than the rest of the Python side of a search.

        The searches of one query share what does not depend on their filters: its clauses,
        built once; one back-off check (the words' matches are the same for each, only the
        share the filters allow differs: one filter aggregation each), not needed when a word
        is known to match enough documents; and the words' document frequencies over the whole
        index (a global aggregation) that are not known yet, counted by the first search that
        re-ranks and read by the others."""
        filters = [self._filters(params) for params, _query in searches]
        counted_at = time.time()
        known: dict[int, dict[str, int]] = {}
        for _params, query in searches:
            if id(query) not in known and not query.is_empty:
                known[id(query)] = word_counts.known(self.alias, [ALL_DOCS, *query.match_words])
        built: dict[tuple[int, bool], Json] = {}

        def main(query: AnalyzedQuery, backoff: bool) -> Json:
            key = (id(query), backoff)
            if key not in built:
                built[key] = relevance_query(query, backoff=backoff)
            return built[key]

        same_query: dict[int, list[int]] = {}
        for i, (_params, query) in enumerate(searches):
            same_query.setdefault(id(query), []).append(i)
        checks = [
            group
            for group in same_query.values()
            if searches[group[0]][1].chars
            and not searches[group[0]][1].is_empty
            and not _matches_enough(searches[group[0]][1], known[id(searches[group[0]][1])])
        ]
        backoff = [False] * len(searches)
        if checks:
            answers = self._msearch(
                [
                    self._backoff_body(
                        searches[group[0]][1],
                        [filters[i] for i in group],
                        main=main(searches[group[0]][1], False),
                    )
                    for group in checks
                ],
                ["hits.total", "aggregations"],
                retry=lambda n: None,  # each of its searches is checked again on its own
            )
            for group, answer in zip(checks, answers, strict=True):
                for k, i in enumerate(group):
                    backoff[i] = (
                        self._backoff(searches[i][1], filters[i])
                        if answer is None
                        else self._backoff_decision(answer, filters[i], allowed=f"allowed_{k}")
                    )
        # Which search counts each query's document frequencies: the first that re-ranks.
        counts: dict[int, int] = {}
        for i, (params, query) in enumerate(searches):
            if _reranked_search(params, query):
                counts.setdefault(id(query), i)
        bodies = [
            self._body(
                params,
                query,
                filters[i],
                backoff=backoff[i],
                main=None if query.is_empty else main(query, backoff[i]),
                count_words=(
                    [w for w in query.match_words if w not in known[id(query)]]
                    if counts.get(id(query)) == i
                    else None
                ),
                count_docs=ALL_DOCS not in known.get(id(query), {}),
            )
            for i, (params, query) in enumerate(searches)
        ]
        responses = self._msearch(
            bodies,
            SEARCH_FILTER_PATH,
            retry=lambda n: (
                self.client.search(
                    index=self.alias, body=bodies[n], filter_path=SEARCH_FILTER_PATH
                ).body
            ),
        )
        for query_id, i in counts.items():
            counted = _counted_doc_freqs(responses[i].get("aggregations", {}))
            word_counts.remember(self.alias, counted, counted_at=counted_at)
            known[query_id] = {**known[query_id], **counted}
        return [
            self._result(params, query, response, doc_freqs=known.get(id(query), {}))
            for (params, query), response in zip(searches, responses, strict=True)
        ]

    def _msearch(
        self, bodies: list[Json], filter_path: list[str], *, retry: Callable[[int], Any]
    ) -> list[Any]:
        """The responses of one multi-search. A search that failed inside it is run again on
        its own (retry(n)), so its error is raised as a plain search's would be."""
        searches: list[Json] = []
        for body in bodies:
            searches += [{}, body]
        response = self.client.msearch(
            index=self.alias,
            searches=searches,
            filter_path=[f"responses.{p}" for p in filter_path] + ["responses.error"],
        ).body
        answers: list[Any] = list(response.get("responses", []))
        return [
            retry(n) if n >= len(answers) or "error" in answers[n] else answers[n]
            for n in range(len(bodies))
        ]

    def _body(
        self,
        params: SearchParams,
        query: AnalyzedQuery,
        filters: list[Json],
        *,
        backoff: bool,
        main: Json | None = None,
        count_words: list[str] | None = None,
        count_docs: bool = True,
    ) -> Json:
        """The search's request body; `main`, the query's clauses, when already built;
        `count_words`, the words whose document frequencies it counts, and `count_docs`, whether
        it counts the index's documents too (None: another search of the same query counts
        them, or they are known)."""
        if main is None:
            main = relevance_query(query, backoff=backoff) if not query.is_empty else MATCH_ALL
        newest = {"published_at": {"order": "desc", "missing": "_last"}}
        if params.sort == "newest" or (params.sort == "relevance" and query.is_empty):
            sort: list[Any] = [newest, "_score"]
        elif params.sort == "price":
            sort = [{"price_wan": {"order": "asc", "missing": "_last"}}, "_score"]
        elif params.sort == "price_desc":
            sort = [{"price_wan": {"order": "desc", "missing": "_last"}}, "_score"]
        else:
            sort = ["_score", newest]
        body: Json = {"sort": sort, "track_total_hits": True}
        hit_fields = HIT_FIELDS if params.with_text else TITLE_FIELDS
        aggs: Json = {}
        offset = _offset(params)
        # Relevance: the best `rerank_window` by Elasticsearch's score, re-ranked by the formula the
        # database backend uses (search.ranking), with document frequencies from the whole index
        # counted in the same request, so both backends order results alike.
        if _reranked_search(params, query):
            body |= {"from": 0, "size": params.rerank_window}
            body["_source"] = [*hit_fields, *RANK_FIELDS]
            if count_words is not None and (count_words or count_docs):
                aggs["all_docs"] = {"global": {}}
                if count_words:
                    in_any = {w: _in_any_field(w) for w in count_words}
                    aggs["all_docs"]["aggs"] = {"df": {"filters": {"filters": in_any}}}
        else:
            body |= {"from": offset, "size": params.page_size, "_source": [*hit_fields]}
        if params.with_facets:
            for name, fld in FACET_FIELDS.items():
                aggs[name] = {"terms": {"field": fld, "size": 50}}
        if aggs:
            body["aggs"] = aggs
        body["query"] = {"bool": {"must": [main], "filter": filters}} if filters else main
        return body

    def _result(
        self,
        params: SearchParams,
        query: AnalyzedQuery,
        response: Json,
        *,
        doc_freqs: dict[str, int],
    ) -> SearchResult:
        """The search's answer; `doc_freqs`, the query's words' document frequencies and the
        index's document count (under ALL_DOCS), for the re-ranking."""
        raw_hits = response.get("hits", {}).get("hits", [])
        if _reranked_search(params, query):
            offset = _offset(params)
            raw_hits = _reranked(raw_hits, query, doc_freqs)
            raw_hits = raw_hits[offset : offset + params.page_size]
        hits = []
        for h in raw_hits:
            src = h["_source"]
            hits.append(
                Hit(
                    kind=src["kind"],
                    id=src["object_id"],
                    external_id=src.get("external_id") or "",
                    title=src.get("display_title") or "",
                    url=src.get("url") or "",
                    summary=src.get("display_summary") or "",
                    score=float(h.get("_score") or 0.0),
                    body=src.get("display_body") or "",
                )
            )
        facets = empty_facets()
        if params.with_facets:
            aggregations = response.get("aggregations", {})
            for name in FACETS:
                facets[name] = [
                    {"value": str(b["key"]), "count": b["doc_count"]}
                    for b in aggregations.get(name, {}).get("buckets", [])
                ]
        return SearchResult(
            total=response["hits"]["total"]["value"],
            hits=hits,
            facets=facets,
            backend=self.name,
            took_ms=float(response["took"]),
        )

    def _backoff(self, query: AnalyzedQuery, filters: list[Json]) -> bool:
        """Whether documents sharing only characters with the query join the candidates (the
        database backend's rule): its words match fewer than BACKOFF_BELOW documents, filters
        aside, and the filters do not exclude every one of those."""
        if not query.chars or query.is_empty:
            return False
        response = self.client.search(
            index=self.alias,
            body=self._backoff_body(query, [filters]),
            filter_path="hits.total,aggregations",
        )
        return self._backoff_decision(response, filters, allowed="allowed_0")

    @staticmethod
    def _backoff_body(
        query: AnalyzedQuery, filter_sets: list[list[Json]], *, main: Json | None = None
    ) -> Json:
        """The words' matches (up to BACKOFF_BELOW), and how many of them each set of filters
        allows (aggregation allowed_<n>)."""
        body: Json = {
            "query": main if main is not None else relevance_query(query),
            "size": 0,
            "track_total_hits": BACKOFF_BELOW,
        }
        aggs = {
            f"allowed_{n}": {"filter": {"bool": {"filter": filters}}}
            for n, filters in enumerate(filter_sets)
            if filters
        }
        if aggs:
            body["aggs"] = aggs
        return body

    @staticmethod
    def _backoff_decision(response: Any, filters: list[Json], *, allowed: str) -> bool:
        matches: int = response["hits"]["total"]["value"]
        if matches >= BACKOFF_BELOW:
            return False
        if not filters or not matches:
            return True
        count: int = response["aggregations"][allowed]["doc_count"]
        return count > 0

    def matches_any(self, query: AnalyzedQuery) -> bool:
        """Whether the query's words match any document, filters aside."""
        if query.is_empty:
            return False
        response = self.client.search(
            index=self.alias,
            query=relevance_query(query),
            size=0,
            terminate_after=1,
            track_total_hits=1,
        )
        total: int = response["hits"]["total"]["value"]
        return total > 0

    def suggest(self, prefix: str, *, size: int = 10, fuzzy: bool = False) -> list[str]:
        prefix = analysis.normalize(prefix).replace(" ", "")
        if not prefix:
            return []
        completion: Json = {"field": "suggest", "size": size * 3, "skip_duplicates": True}
        if fuzzy:
            completion["fuzzy"] = {"fuzziness": "AUTO"}
        body = {
            "suggest": {"s": {"prefix": prefix, "completion": completion}},
            "_source": ["suggest_terms"],
        }
        response = self.client.search(index=self.alias, body=body)
        return matching_terms(
            prefix,
            [
                (o["text"], o["_source"].get("suggest_terms", []))
                for o in response["suggest"]["s"][0]["options"]
            ],
            size=size,
            fuzzy=fuzzy,
        )

    def count(self) -> int:
        count: int = self.client.count(index=self.alias)["count"]
        return count


def matching_terms(
    prefix: str, options: list[tuple[str, list[str]]], *, size: int, fuzzy: bool
) -> list[str]:
    """Map completion options (which matched a term, its pinyin or initials) back to terms."""
    out: dict[str, None] = {}
    for matched_input, terms in options:
        for term in terms:
            inputs = analysis.suggestion_inputs(term)
            if matched_input in inputs or any(i.startswith(prefix) for i in inputs):
                out.setdefault(term, None)
                break
        if len(out) >= size:
            break
    return list(out)[:size]
