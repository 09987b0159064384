"""Database backend: SQLite FTS5 or PostgreSQL full-text search over pre-segmented words.

Stage one asks the database's own ranking (FTS5 bm25 / ts_rank, with the same field weights)
for the best candidates under the filters; stage two re-ranks them with search.ranking, the
formula the Elasticsearch query follows, so both backends order results alike.
"""

import difflib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, TypedDict

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL

from search import analysis, pagecache, ranking, synonyms
from search.analysis import AnalyzedQuery
from search.backends.base import (
    ALL_DOCS,
    DocFreqCache,
    Facets,
    Hit,
    SearchParams,
    SearchResult,
    empty_facets,
    has_filters,
)
from search.documents import SearchDocument
from search.models import (
    SearchAbbreviation,
    SearchEntry,
    SearchEntryText,
    SearchFacetSet,
    SearchFacetValue,
    SearchSuggestion,
)
from search.parallel import mapped_batches
from search.ranking import BACKOFF_BELOW

# The SQL below is assembled only from constant fragments and Django-compiled subqueries; every
# user-supplied value travels as a query parameter (hence the S608 suppressions).
# Up to this many filtered matches are ranked, counted and faceted from one id list rather
# than by running the filters and the full-text match again for each (below SQLite's 32,766
# query parameters).
MAX_ID_LIST = 20_000
# The word counts this process made (one scope: the table), dropped by its own writes.
_word_counts = DocFreqCache()


class Prepared(TypedDict):
    """What the tables hold of one document: its entry row's fields and its child rows."""

    entry: dict[str, Any]
    text: dict[str, str]
    facets: list[tuple[str, str]]
    suggestions: list[tuple[str, str, str]]
    abbreviations: list[tuple[str, str]]


class _OnePass(TypedDict):
    total: int
    ranked: list[tuple[int, float]]
    facets: list[tuple[str, int]]


Progress = Callable[[int], object] | None


def prepare(doc: SearchDocument) -> Prepared:
    """Everything the tables need from a document (pure: runs in rebuild worker processes)."""
    a = doc.analysed()
    entry = {
        "kind": doc.kind,
        "object_id": str(doc.id),
        "external_id": doc.external_id,
        "title": doc.title[:500],
        "summary": doc.summary,
        "body": doc.body,
        "url": doc.url,
        "keywords": doc.keywords,
        "published_at": doc.published_at,
        "price_wan": doc.price_wan,
        "trl": doc.trl,
        "title_words": " ".join(a["title_words"]),
        "keyword_words": " ".join(a["keyword_words"]),
        "summary_words": " ".join(a["summary_words"]),
        "body_words": " ".join(a["body_words"]),
        "char_words": " ".join(
            analysis.han_chars(a["title"], " ".join(a["keywords"]), a["summary"], a["body"])
        ),
        "fingerprint": doc.fingerprint(),
    }
    facets = [(n, v[:100]) for n, values in doc.facet_values().items() for v in values]
    entry["facet_key"] = facet_key(facets)
    suggestions = []
    for term in doc.suggestion_terms():
        full, initials = analysis.pinyin_forms(term)
        suggestions.append((term[:200], full[:400], initials[:100]))
    return {
        "entry": entry,
        # What rank_fields would derive from the stored columns, from the analysis at hand.
        "text": {
            "title": a["title"] if len(doc.title) <= 500 else analysis.normalize(doc.title[:500]),
            "keywords": " ".join(analysis.normalize(k) for k in doc.keywords),
            "summary": a["summary"],
            "body": a["body"],
        },
        "facets": facets,
        "suggestions": suggestions,
        "abbreviations": [(s[:40], f[:40]) for s, f in a["abbreviations"]],
    }


# What a hit does not show: the stored analysis (read only by the ranking).
_ANALYSIS_COLUMNS = ("title_words", "keyword_words", "summary_words", "body_words", "char_words")

_PAIR, _ITEM = "\x1e", "\x1f"  # separators no facet value contains (control characters)


def facet_key(facets: list[tuple[str, str]]) -> str:
    """An entry's facet values as one string, so counting facets groups one row per entry."""
    return _ITEM.join(f"{name}{_PAIR}{value}" for name, value in facets)


@lru_cache(maxsize=100_000)
def _facet_pairs(key: str) -> tuple[tuple[str, str], ...]:
    pairs = (item.split(_PAIR, 1) for item in key.split(_ITEM) if _PAIR in item)
    return tuple((name, value) for name, value in pairs)


def count_facets(keyed_counts: Iterable[tuple[str | None, int]]) -> Facets:
    """Facet buckets from (facet_key, number of entries) rows: each value's count is the sum
    over the keys containing it, ordered by count then value, as Elasticsearch orders them."""
    pair_counts: Counter[tuple[str, str]] = Counter()
    for key, n in keyed_counts:
        for pair in _facet_pairs(key or ""):
            pair_counts[pair] += n
    totals: dict[str, dict[str, int]] = {}
    for (name, value), n in pair_counts.items():
        totals.setdefault(name, {})[value] = n
    facets = empty_facets()
    for name, bucket in totals.items():
        facets[name] = [
            {"value": v, "count": c} for v, c in sorted(bucket.items(), key=lambda x: (-x[1], x[0]))
        ]
    return facets


# A list of ids as one parameter (a JSON array): no limit on its length, unlike placeholders.
_JSON_IDS = "SELECT value AS id FROM json_each(%s)"


def _sqlite_facet_rows(matching_sql: str, params: list[Any]) -> list[tuple[str | None, int]]:
    """(facet key, number of entries) of the entries whose ids `matching_sql` selects (SQLite).

    Each id is looked up in the narrow (id, facet_set) index, not in the table, whose wide
    rows' pages it would read; the few distinct keys are named afterwards."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.key, g.n FROM (SELECT e.facet_set_id AS set_id, count(*) AS n "  # noqa: S608
            f"FROM ({matching_sql}) m JOIN search_searchentry e "
            "INDEXED BY search_entry_facet_set ON e.id = m.id GROUP BY e.facet_set_id) g "
            "LEFT JOIN search_searchfacetset s ON s.id = g.set_id",
            params,
        )
        rows: list[tuple[str | None, int]] = cursor.fetchall()
        return rows


def _facet_set_keys(counts: Counter[int | None]) -> list[tuple[str | None, int]]:
    """(facet key, count) rows from counts per SearchFacetSet number."""
    keys = dict(
        SearchFacetSet.objects.filter(id__in=[i for i in counts if i is not None]).values_list(
            "id", "key"
        )
    )
    return [(keys.get(i) if i is not None else None, n) for i, n in counts.items()]


def _allowed_facet_sets(filters: dict[str, list[str]]) -> list[int]:
    """The SearchFacetSet numbers whose keys pass every value filter (a filter passes with any
    of its values): the test of joining SearchFacetValue once per filter, made once per
    distinct key instead of once per matching entry."""
    groups, params = [], []
    for name, values in filters.items():
        if not values:
            continue
        # Each item of a key is bounded by separators, so a value matches only whole.
        needles = [
            f"{_ITEM}{name}{_PAIR}{v}{_ITEM}" for v in values if _PAIR not in v and _ITEM not in v
        ]
        groups.append(" OR ".join(["instr(k, %s) > 0"] * len(needles)) or "0")
        params += needles
    where = " AND ".join(f"({g})" for g in groups) or "1"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM (SELECT id, char(31) || key || char(31) AS k "  # noqa: S608
            f"FROM search_searchfacetset) WHERE {where}",
            params,
        )
        return [i for (i,) in cursor.fetchall()]


def facet_set_ids(keys: set[str]) -> dict[str, int]:
    """The SearchFacetSet number of each facet key, numbering the new ones."""
    found = dict(SearchFacetSet.objects.filter(key__in=keys).values_list("key", "id"))
    if len(found) < len(keys):
        new = [SearchFacetSet(key=k) for k in keys if k not in found]
        # Another writer may number the same key meanwhile: keep its number.
        SearchFacetSet.objects.bulk_create(new, ignore_conflicts=True)
        found.update(
            SearchFacetSet.objects.filter(key__in=[s.key for s in new]).values_list("key", "id")
        )
    return found


def rank_fields(title: str, keywords: list[str], summary: str, body: str) -> dict[str, str]:
    """The normalised text per field that search.ranking scores (SearchEntryText.fields)."""
    return {
        "title": analysis.normalize(title),
        "keywords": " ".join(analysis.normalize(k) for k in keywords),
        "summary": analysis.normalize(summary),
        "body": analysis.normalize(body),
    }


def _pg_tsquery(words: list[str]) -> str:
    """A tsquery matching any of the words as a phrase of its segmented parts (one %s each)."""
    return " || ".join(["phraseto_tsquery('simple', %s)"] * len(words))


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


class DatabaseBackend:
    name = "database"

    # -- writes ----------------------------------------------------------------------------
    @transaction.atomic
    def bulk_upsert(
        self,
        documents: Iterable[SearchDocument],
        *,
        progress: Progress = None,
        replace: bool = True,
        **_: object,
    ) -> int:
        return self.write_prepared([prepare(d) for d in documents], progress, replace=replace)

    @transaction.atomic
    def write_prepared(
        self, prepared: list[Prepared], progress: Progress = None, *, replace: bool = True
    ) -> int:
        if not prepared:
            return 0
        if replace:
            self.delete([f"{p['entry']['kind']}:{p['entry']['object_id']}" for p in prepared])
        sets = facet_set_ids({p["entry"]["facet_key"] for p in prepared})
        SearchEntry.objects.bulk_create(
            [
                SearchEntry(**p["entry"], facet_set_id=sets[p["entry"]["facet_key"]])
                for p in prepared
            ],
            batch_size=500,
        )
        ids = dict(
            ((k, o), i)
            for i, k, o in SearchEntry.objects.filter(
                kind__in={p["entry"]["kind"] for p in prepared},
                object_id__in=[p["entry"]["object_id"] for p in prepared],
            ).values_list("id", "kind", "object_id")
        )
        facets: list[SearchFacetValue] = []
        suggestions: list[SearchSuggestion] = []
        abbreviations: list[SearchAbbreviation] = []
        texts: list[SearchEntryText] = []
        for p in prepared:
            entry_id = ids[(p["entry"]["kind"], p["entry"]["object_id"])]
            texts.append(SearchEntryText(entry_id=entry_id, fields=p["text"]))
            facets += [SearchFacetValue(entry_id=entry_id, name=n, value=v) for n, v in p["facets"]]
            suggestions += [
                SearchSuggestion(entry_id=entry_id, term=t, pinyin=f, initials=i)
                for t, f, i in p["suggestions"]
            ]
            abbreviations += [
                SearchAbbreviation(entry_id=entry_id, short=s, full=f)
                for s, f in p["abbreviations"]
            ]
            if progress:
                progress(1)
        SearchEntryText.objects.bulk_create(texts, batch_size=500)
        SearchFacetValue.objects.bulk_create(facets, batch_size=2000)
        SearchSuggestion.objects.bulk_create(suggestions, batch_size=2000)
        SearchAbbreviation.objects.bulk_create(abbreviations, batch_size=2000)
        _word_counts.clear()
        synonyms.invalidate()  # the abbreviations just written join the query map
        pagecache.mark_written()
        return len(prepared)

    def delete(self, doc_ids: Iterable[str]) -> None:
        by_kind: dict[str, list[str]] = {}
        for doc_id in doc_ids:
            kind, _, object_id = doc_id.partition(":")
            by_kind.setdefault(kind, []).append(object_id)
        for kind, object_ids in by_kind.items():
            for i in range(0, len(object_ids), 500):
                chunk = object_ids[i : i + 500]
                SearchEntry.objects.filter(kind=kind, object_id__in=chunk).delete()
        pagecache.mark_written()

    def drop(self) -> None:
        SearchEntry.objects.all().delete()
        pagecache.mark_written()

    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        *,
        progress: Progress = None,
        workers: int = 1,
        reanalyse: bool = True,
    ) -> int:
        """Make the tables hold exactly `documents`, in one transaction.

        reanalyse=True drops everything and analyses every document. reanalyse=False keeps each
        entry whose fingerprint (content + analyser version) still matches its document, so only
        new, changed or re-analysable documents go through jieba; entries without a document
        are deleted. Either way the tables end up the same.
        """
        with transaction.atomic():
            if reanalyse:
                self.drop()
                count = 0
                for prepared in mapped_batches(prepare, documents, workers=workers):
                    count += self.write_prepared(prepared, progress, replace=False)
                return count
            stored = {
                (k, o): (i, f)
                for i, k, o, f in SearchEntry.objects.values_list(
                    "id", "kind", "object_id", "fingerprint"
                ).iterator(chunk_size=5000)
            }
            seen: set[int] = set()
            kept = 0

            def changed() -> Iterator[SearchDocument]:
                nonlocal kept
                for doc in documents:
                    entry_id, fingerprint = stored.get((doc.kind, str(doc.id)), (None, None))
                    if entry_id is not None:
                        seen.add(entry_id)
                        if fingerprint == doc.fingerprint():
                            kept += 1
                            if progress:
                                progress(1)
                            continue
                    yield doc

            count = 0
            for prepared in mapped_batches(prepare, changed(), workers=workers):
                count += self.write_prepared(prepared, progress, replace=True)
            gone = [i for i, _ in stored.values() if i not in seen]
            for start in range(0, len(gone), 500):
                SearchEntry.objects.filter(id__in=gone[start : start + 500]).delete()
            if gone:
                _word_counts.clear()
                pagecache.mark_written()
            return count + kept

    def refresh(self) -> None:
        """Writes are visible on commit; nothing to do."""

    def ensure_index(self) -> None:
        """The tables come from migrations."""

    def fingerprints(self) -> dict[str, str]:
        return {
            f"{k}:{o}": f
            for k, o, f in SearchEntry.objects.values_list("kind", "object_id", "fingerprint")
        }

    def count(self) -> int:
        return SearchEntry.objects.count()

    # -- full-text primitives --------------------------------------------------------------
    def _match_sql(self, words: list[str]) -> tuple[str, list[str]]:
        """SQL selecting (id, rank) of entries matching any word, best first."""
        if connection.vendor == "postgresql":
            tsquery = " || ".join(["phraseto_tsquery('simple', %s)"] * len(words))
            return (
                f"SELECT id, ts_rank('{{0.1,0.2,0.4,1.0}}'::float4[], search_vector, ({tsquery})) "  # noqa: S608
                f"AS r "
                f"FROM search_searchentry WHERE search_vector @@ ({tsquery})",
                [*words, *words],
            )
        expr = " OR ".join(_fts_phrase(w) for w in words)
        return (
            "SELECT rowid AS id, -bm25(search_fts, 4.0, 3.0, 2.0, 1.0, 0.5) AS r "
            "FROM search_fts WHERE search_fts MATCH %s",
            [expr],
        )

    def _ids_sql(self, words: list[str]) -> tuple[str, list[str]]:
        """SQL selecting the ids of entries matching any word (no ranking: cheap)."""
        if connection.vendor == "postgresql":
            tsquery = " || ".join(["phraseto_tsquery('simple', %s)"] * len(words))
            return (
                f"SELECT id FROM search_searchentry WHERE search_vector @@ ({tsquery})",  # noqa: S608
                list(words),
            )
        expr = " OR ".join(_fts_phrase(w) for w in words)
        return "SELECT rowid AS id FROM search_fts WHERE search_fts MATCH %s", [expr]

    def _backoff(
        self, query: AnalyzedQuery, params: SearchParams, filtered: QuerySet[SearchEntry]
    ) -> bool:
        """Whether documents sharing only characters with the query join the candidates: its
        words match fewer than BACKOFF_BELOW documents (filters aside), and the filters do
        not exclude every one of those (then the user is told so, not shown look-alikes)."""
        if not query.chars or not query.all_words:
            return False
        sql, sql_params = self._ids_sql(query.all_words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM ({sql} LIMIT %s) m",  # noqa: S608
                [*sql_params, BACKOFF_BELOW],
            )
            matches: int = cursor.fetchone()[0]
        if matches >= BACKOFF_BELOW:
            return False
        if not matches or not self._has_filters(params):
            return True
        return filtered.filter(id__in=RawSQL(sql, sql_params)).exists()  # noqa: S611

    def _doc_count(self) -> int:
        """The number of entries, for idf; cached like document frequencies."""
        return max(self._doc_freq(ALL_DOCS), 1)

    def _doc_freq(self, word: str) -> int:
        now = time.time()
        known = _word_counts.known("", [word])
        if word in known:
            return known[word]
        if word == ALL_DOCS:
            df = SearchEntry.objects.count()
        else:
            sql, params = self._ids_sql([word])
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({sql}) m", params)  # noqa: S608
                df = cursor.fetchone()[0]
        _word_counts.remember("", {word: df}, counted_at=now)
        return df

    # -- reads -----------------------------------------------------------------------------
    def _filtered(self, params: SearchParams) -> QuerySet[SearchEntry]:
        qs = SearchEntry.objects.all()
        for name, values in params.filters.items():
            if values:
                qs = qs.filter(
                    id__in=SearchFacetValue.objects.filter(name=name, value__in=values).values(
                        "entry_id"
                    )
                )
        if params.trl_min is not None:
            qs = qs.filter(trl__gte=params.trl_min)
        if params.trl_max is not None:
            qs = qs.filter(trl__lte=params.trl_max)
        if params.price_min is not None:
            qs = qs.filter(price_wan__gte=params.price_min)
        if params.price_max is not None:
            qs = qs.filter(price_wan__lte=params.price_max)
        for doc_id in params.exclude:
            kind, _, object_id = doc_id.partition(":")
            qs = qs.exclude(kind=kind, object_id=object_id)
        return qs

    def search(self, params: SearchParams, query: AnalyzedQuery) -> SearchResult:
        fast = self._sqlite_relevance(params, query)
        if fast is not None:
            return fast
        filtered = self._filtered(params)
        qs = filtered
        words = query.match_words if self._backoff(query, params, filtered) else query.all_words
        ranked_ids: list[tuple[int, float]] | None = None
        postgres = connection.vendor == "postgresql"
        if words:
            ids_sql, ids_params = self._ids_sql(words)
            if postgres:
                # The tsvector is a column of the entries: match it in place, no self-join.
                where = f"search_vector @@ ({_pg_tsquery(words)})"
                qs = filtered.extra(where=[where], params=words)  # noqa: S610
            else:
                qs = filtered.filter(id__in=RawSQL(ids_sql, ids_params))  # noqa: S611
        unfiltered_match = bool(words) and not self._has_filters(params)
        one_pass = None
        if postgres and unfiltered_match and params.sort == "relevance":
            one_pass = self._pg_one_pass(words, params)
        candidates = None
        if words and params.sort == "relevance" and self._has_filters(params):
            # Filters usually leave few matches: rank exactly those, not every match (and
            # count and facet them from this list rather than by running the filters again).
            candidates = list(qs.values_list("id", flat=True)[: MAX_ID_LIST + 1])
            if len(candidates) > MAX_ID_LIST:
                candidates = None
        if one_pass is not None:
            total = one_pass["total"]
        elif unfiltered_match:
            # Every entry has a full-text row, so counting the matches needs no join.
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({ids_sql}) m", ids_params)  # noqa: S608
                total = cursor.fetchone()[0]
        elif candidates is not None:
            total = len(candidates)
        else:
            total = qs.count()
        if words and params.sort == "relevance":
            match_sql, match_params = self._match_sql(words)
            ranked_ids = self._ranked(
                filtered if self._has_filters(params) else None,
                candidates,
                query,
                match_sql,
                match_params,
                params,
                stage_one=one_pass["ranked"] if one_pass else None,
            )
            page_ids = [i for i, _ in ranked_ids]
        else:
            page_ids = list(
                self._sorted(qs, params.sort).values_list("id", flat=True)[
                    params.offset : params.offset + params.page_size
                ]
            )
        hits = self._hits(page_ids, dict(ranked_ids or []), text=params.with_text)
        facets = empty_facets()
        if params.with_facets and total:
            # One grouped query, one row per matched entry (not one per facet value).
            rows: Iterable[tuple[str | None, int]]
            if one_pass is not None:
                rows = one_pass["facets"]
            elif unfiltered_match and postgres:
                # The full-text match is on the entries themselves: group them in one scan.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT facet_key, count(*) FROM search_searchentry "  # noqa: S608
                        f"WHERE search_vector @@ ({_pg_tsquery(words)}) GROUP BY facet_key",
                        list(words),
                    )
                    rows = cursor.fetchall()
            elif not postgres:
                matching_sql: str
                matching_params: list[Any]
                if unfiltered_match:
                    matching_sql, matching_params = ids_sql, list(ids_params)
                elif candidates is not None:
                    matching_sql, matching_params = _JSON_IDS, [json.dumps(candidates)]
                else:
                    sql, sql_params = qs.values("id").query.sql_with_params()
                    matching_sql, matching_params = sql, list(sql_params)
                rows = _sqlite_facet_rows(matching_sql, matching_params)
            else:
                # The stubs accept only iterables in an __in lookup, not a subquery.
                matching: Any = candidates if candidates is not None else qs.values("id")
                rows = (
                    SearchEntry.objects.filter(id__in=matching)
                    .values_list("facet_key")
                    .annotate(n=Count("*"))
                    .order_by()
                )
            facets = count_facets(rows)
        return SearchResult(total=total, hits=hits, facets=facets, backend=self.name)

    def _hits(
        self, page_ids: list[int], scores: dict[int, float], *, text: bool = True
    ) -> list[Hit]:
        """The page's hits; without `text`, titles only (no summary or body read)."""
        unread = _ANALYSIS_COLUMNS if text else (*_ANALYSIS_COLUMNS, "summary", "body")
        entries = SearchEntry.objects.defer(*unread).in_bulk(page_ids)
        return [
            Hit(
                kind=e.kind,
                id=e.object_id,
                external_id=e.external_id,
                title=e.title,
                url=e.url,
                summary=e.summary if text else "",
                score=round(scores.get(e.id, 0.0), 4),
                body=e.body if text else "",
            )
            for e in (entries[i] for i in page_ids if i in entries)
        ]

    def _sqlite_relevance(self, params: SearchParams, query: AnalyzedQuery) -> SearchResult | None:
        """SQLite, a relevance search with words, filtered by facet values at most: the
        matches, their total and facets from the full-text index joined with the narrow
        (id, facet_set) index, filters tested once per distinct facet key (SearchFacetSet)
        rather than per entry. None when the search has other filters (ranges, exclusions)."""
        if (
            connection.vendor != "sqlite"
            or params.sort != "relevance"
            or not query.all_words
            or params.exclude
            or any(
                v is not None
                for v in (params.trl_min, params.trl_max, params.price_min, params.price_max)
            )
        ):
            return None
        filtered = self._filtered(params)
        words = query.match_words if self._backoff(query, params, filtered) else query.all_words
        match_sql, match_params = self._ids_sql(words)
        candidates: list[int] | None = None
        rows: list[tuple[str | None, int]] = []
        if self._has_filters(params):
            allowed = _allowed_facet_sets(params.filters)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT m.id, e.facet_set_id FROM ({match_sql}) m "  # noqa: S608
                    "JOIN search_searchentry e INDEXED BY search_entry_facet_set ON e.id = m.id "
                    # "+": test each match's number; as an index constraint SQLite would
                    # seek once per allowed number for every match.
                    f"WHERE +e.facet_set_id IN ({_JSON_IDS})",
                    [*match_params, json.dumps(allowed)],
                )
                pairs = cursor.fetchall()
            candidates = [i for i, _ in pairs]
            total = len(candidates)
            if params.with_facets and pairs:
                rows = _facet_set_keys(Counter(set_id for _, set_id in pairs))
        elif params.with_facets:
            rows = _sqlite_facet_rows(match_sql, match_params)
            total = sum(n for _, n in rows)  # every entry has one facet key (or none: NULL)
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({match_sql}) m", match_params)  # noqa: S608
                total = cursor.fetchone()[0]
        ranked_ids: list[tuple[int, float]] = []
        if total:
            ranked_ids = self._ranked(None, candidates, query, *self._match_sql(words), params)
        facets = count_facets(rows) if rows else empty_facets()
        hits = self._hits([i for i, _ in ranked_ids], dict(ranked_ids), text=params.with_text)
        return SearchResult(total=total, hits=hits, facets=facets, backend=self.name)

    @staticmethod
    def _sorted(qs: QuerySet[SearchEntry], sort: str) -> QuerySet[SearchEntry]:
        if sort == "price":
            return qs.order_by(F("price_wan").asc(nulls_last=True), "-published_at", "id")
        if sort == "price_desc":
            return qs.order_by(F("price_wan").desc(nulls_last=True), "-published_at", "id")
        return qs.order_by(F("published_at").desc(nulls_last=True), "-id")

    _has_filters = staticmethod(has_filters)

    def matches_any(self, query: AnalyzedQuery) -> bool:
        """Whether the query's words match any entry, filters aside."""
        words = query.all_words
        if not words:
            return False
        sql, params = self._ids_sql(words)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM ({sql}) m LIMIT 1", params)  # noqa: S608
            return cursor.fetchone() is not None

    def _pg_one_pass(self, words: list[str], params: SearchParams) -> _OnePass:
        """PostgreSQL, unfiltered relevance search: the total, the facet keys, the best
        `rerank_window` by ts_rank and each word's document frequency from one visit of the
        matching rows (each visit rechecks and decompresses every matching tsvector, which is
        what a full-text query costs here)."""
        depth = params.rerank_window
        tsquery = _pg_tsquery(words)
        # Document frequencies only of the words not cached: each extra tsquery test
        # decompresses the row's tsvector again.
        counted_at = time.time()
        known = _word_counts.known("", words)
        uncached = [w for w in words if w not in known]
        flags = "".join(
            f", search_vector @@ phraseto_tsquery('simple', %s) AS w{i}"
            for i in range(len(uncached))
        )
        dfs = ", ".join(
            ["0::bigint", *(f"count(*) FILTER (WHERE w{i})" for i in range(len(uncached)))]
        )
        sql = (
            f"WITH m AS MATERIALIZED (SELECT id, facet_key, "  # noqa: S608
            f"ts_rank('{{0.1,0.2,0.4,1.0}}'::float4[], search_vector, ({tsquery})) AS r{flags} "
            f"FROM search_searchentry WHERE search_vector @@ ({tsquery})) "
            f"(SELECT 0, NULL::text, count(*)::float8, ARRAY[{dfs}]::bigint[] FROM m) "
            f"UNION ALL (SELECT 1, id::text, r::float8, NULL FROM m ORDER BY r DESC, id LIMIT %s)"
        )
        sql_params: list[str | int] = [*words, *uncached, *words, depth]
        if params.with_facets:
            sql += (
                " UNION ALL (SELECT 2, facet_key, count(*)::float8, NULL FROM m GROUP BY facet_key)"
            )
        out: _OnePass = {"total": 0, "ranked": [], "facets": []}
        with connection.cursor() as cursor:
            cursor.execute(sql, sql_params)
            for part, key, n, doc_freqs in cursor.fetchall():
                if part == 0:
                    out["total"] = int(n)
                    counted = zip(uncached, map(int, doc_freqs[1:]), strict=True)
                    _word_counts.remember("", dict(counted), counted_at=counted_at)
                elif part == 1:
                    out["ranked"].append((int(key), n))
                else:
                    out["facets"].append((key, int(n)))
        return out

    def _ranked(
        self,
        filtered: QuerySet[SearchEntry] | None,
        candidates: list[int] | None,
        query: AnalyzedQuery,
        match_sql: str,
        match_params: list[str],
        params: SearchParams,
        *,
        stage_one: list[tuple[int, float]] | None = None,
    ) -> list[tuple[int, float]]:
        """Stage one in SQL (best `rerank_window` under the filters), stage two in Python."""
        depth = params.rerank_window
        if stage_one is not None:
            pass
        elif candidates is not None and len(candidates) <= depth:
            stage_one = [(i, 0.0) for i in candidates]
        elif connection.vendor == "postgresql" and (candidates is not None or filtered is not None):
            # Rank only the filtered matches (ts_rank is computed per row); the MATERIALIZED
            # form below is for SQLite's FTS5.
            if candidates is not None:
                where, where_params = "id = ANY(%s)", [candidates]
            else:
                assert filtered is not None  # the branch's condition
                id_sql, id_params = filtered.values("id").query.sql_with_params()
                where, where_params = f"id IN ({id_sql})", list(id_params)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"{match_sql} AND {where} ORDER BY r DESC LIMIT %s",
                    [*match_params, *where_params, depth],
                )
                stage_one = cursor.fetchall()
        else:

            def best(
                match_sql: str, match_params: list[str], among: list[int] | None
            ) -> list[tuple[int, float]]:
                # MATERIALIZED: ranking every match once is cheaper than letting SQLite push
                # the id filter into FTS5, which re-runs the full-text query for each id.
                sql = f"WITH m AS MATERIALIZED ({match_sql}) SELECT m.id, m.r FROM m"  # noqa: S608
                sql_params: list[str | int] = list(match_params)
                if among is not None:
                    sql += f" WHERE m.id IN ({_JSON_IDS})"
                    sql_params.append(json.dumps(among))
                elif filtered is not None:
                    id_sql, id_params = filtered.values("id").query.sql_with_params()
                    sql += f" WHERE m.id IN ({id_sql})"
                    sql_params += list(id_params)
                with connection.cursor() as cursor:
                    cursor.execute(f"{sql} ORDER BY m.r DESC LIMIT %s", [*sql_params, depth])
                    found: list[tuple[int, float]] = cursor.fetchall()
                    return found

            # bm25 costs per matching row, and compound parts and their synonyms (自动控制 →
            # 自动, 控制) match most of a large corpus while counting 0.4 in the re-ranking:
            # when the query's whole words alone fill the depth, they pick the candidates.
            whole = list(dict.fromkeys(alt for term in query.terms for alt in term.alternatives))
            if len(whole) < len(query.all_words):
                if candidates is None:
                    stage_one = best(*self._match_sql(whole), None)
                    if len(stage_one) < depth:
                        stage_one = None
                else:
                    # Count the whole words' matches among the candidates first, so bm25
                    # runs over one word list only (it would be the first's best, or all).
                    ids_sql, ids_params = self._ids_sql(whole)
                    with connection.cursor() as cursor:
                        cursor.execute(ids_sql, ids_params)
                        allowed = set(candidates)
                        among = [i for (i,) in cursor.fetchall() if i in allowed]
                    if len(among) >= depth:
                        stage_one = best(*self._match_sql(whole), among)
            if stage_one is None:
                stage_one = best(match_sql, match_params, candidates)
        rows = {
            row[0]: row
            for row in SearchEntry.objects.filter(id__in=[i for i, _ in stage_one]).values_list(
                "id", "title_words", "keyword_words", "summary_words", "body_words", "published_at",
            )
        }  # fmt: skip
        texts = dict(
            SearchEntryText.objects.filter(entry_id__in=list(rows)).values_list(
                "entry_id", "fields"
            )
        )
        legacy = [i for i in rows if i not in texts]
        if legacy:  # entries without their text row (an interrupted migration): derive it
            texts.update(
                (i, rank_fields(title, keywords, summary, body))
                for i, title, keywords, summary, body in SearchEntry.objects.filter(
                    id__in=legacy
                ).values_list("id", "title", "keywords", "summary", "body")
            )
        doc_count = self._doc_count()
        idf = {w: ranking.idf_of(self._doc_freq(w), doc_count) for w in query.match_words}
        cands, entry_ids, published = [], [], {}
        for entry_id, _r in stage_one:
            row = rows.get(entry_id)
            if row is None:
                continue
            _id, tw, kw, sw, bw, published_at = row
            cands.append(
                ranking.Candidate(
                    key=entry_id,
                    fields=texts[entry_id],
                    words={"title": tw, "keywords": kw, "summary": sw, "body": bw},
                )
            )
            entry_ids.append(entry_id)
            published[entry_id] = published_at
        scored = [
            (entry_id, s, published[entry_id])
            for entry_id, s in zip(entry_ids, ranking.rank(query, cands, idf), strict=True)
        ]
        scored.sort(key=lambda x: (-x[1], -(x[2].timestamp() if x[2] else 0), x[0]))
        return [(i, s) for i, s, _ in scored[params.offset : params.offset + params.page_size]]

    def suggest(self, prefix: str, *, size: int = 10, fuzzy: bool = False) -> list[str]:
        prefix = analysis.normalize(prefix).replace(" ", "")
        if not prefix:
            return []
        if fuzzy:
            return self._fuzzy_terms(prefix, size=size)
        rows = (
            SearchSuggestion.objects.filter(
                Q(term__startswith=prefix)
                | Q(pinyin__startswith=prefix)
                | Q(initials__startswith=prefix)
            )
            .values("term")
            .annotate(n=Count("id"))
            .order_by("-n", "term")[:size]
        )
        return [r["term"] for r in rows]

    def _fuzzy_terms(self, text: str, *, size: int) -> list[str]:
        """Terms that sound like the text (same pinyin initial, close full pinyin)."""
        full, initials = analysis.pinyin_forms(text)
        if not full:
            return []
        pool = list(
            SearchSuggestion.objects.filter(initials__startswith=initials[:1], pinyin__gt="")
            .values_list("term", "pinyin")
            .distinct()[:5000]
        )
        by_pinyin: dict[str, str] = {}
        for term, pinyin in pool:
            by_pinyin.setdefault(pinyin, term)
        close = difflib.get_close_matches(full, list(by_pinyin), n=size, cutoff=0.75)
        return [by_pinyin[p] for p in close]
