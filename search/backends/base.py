"""The behaviour contract both backends implement, and the pieces they share."""

import html
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, TypedDict

from django.utils.translation import gettext_lazy as _

from search import analysis
from search.analysis import AnalyzedQuery
from search.documents import FACETS, PRICE_BANDS, SearchDocument

SORTS = {
    "relevance": _("相关度"),
    "newest": _("最新发布"),
    "price": _("价格从低到高"),
    "price_desc": _("价格从高到低"),
}
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000
# Candidates re-ranked in Python for a relevance search, on both backends: the best this many by
# the engine's own score (ts_rank, BM25) go through search.ranking's formula.
RERANK_DEPTH = 120
# The key of the index's document count among the document frequencies (no word contains NUL).
ALL_DOCS = "\x00all"


class DocFreqCache:
    """Document frequencies (and, under ALL_DOCS, the document count) that a process's searches
    counted, by scope (an index) and word: reused for at most `seconds`, and only when counted
    after fresh_after() (the last write to the index the process knows of). Words recur far
    more than whole queries do, so a search counts only the words it has not seen."""

    def __init__(
        self,
        *,
        seconds: float = 60.0,
        max_words: int = 50_000,
        fresh_after: Callable[[], float] = lambda: float("-inf"),
    ) -> None:
        self.seconds = seconds
        self.max_words = max_words
        self.fresh_after = fresh_after
        self._counts: dict[tuple[str, str], tuple[float, int]] = {}

    def known(self, scope: str, words: Iterable[str]) -> dict[str, int]:
        trusted_after = max(self.fresh_after(), time.time() - self.seconds)
        known = {}
        for word in words:
            entry = self._counts.get((scope, word))
            if entry is not None and entry[0] >= trusted_after:
                known[word] = entry[1]
        return known

    def remember(self, scope: str, counted: dict[str, int], *, counted_at: float) -> None:
        """Keep counts made at `counted_at` (time.time() before the count was asked for, so a
        write meanwhile leaves them untrusted). When full, expired counts make room first."""
        if len(self._counts) + len(counted) > self.max_words:
            expired = time.time() - self.seconds
            for key in [k for k, (at, _df) in self._counts.items() if at < expired]:
                self._counts.pop(key, None)
            if len(self._counts) + len(counted) > self.max_words:
                self._counts.clear()
        for word, df in counted.items():
            self._counts[(scope, word)] = (counted_at, df)

    def words(self) -> list[str]:
        return [word for _scope, word in self._counts]

    def clear(self) -> None:
        self._counts.clear()


# Facets that are filtered by exact value (price bands and TRL have their own ranges too).
VALUE_FILTERS = (
    "kind",
    "industry",
    "trl",
    "mode",
    "price",
    "district",
    "holder_type",
    "patent_type",
    "patent_status",
)


@dataclass
class SearchParams:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    trl_min: int | None = None
    trl_max: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 10
    with_facets: bool = True
    with_text: bool = True  # hits carry summary and body (for snippets); False: titles only
    exclude: tuple[str, ...] = ()  # doc ids ("kind:id") to leave out
    rerank_depth: int = RERANK_DEPTH

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def rerank_window(self) -> int:
        """How many of the engine's best a relevance search re-ranks: its depth, or as many as
        reach the end of the page asked for."""
        return max(self.rerank_depth, self.offset + self.page_size)

    def price_ranges(self) -> list[tuple[Decimal | None, Decimal | None, bool]]:
        """The selected price bands as (min, max, negotiable) ranges."""
        bands = {key: (low, high) for key, _l, low, high in PRICE_BANDS}
        out: list[tuple[Decimal | None, Decimal | None, bool]] = []
        for key in self.filters.get("price", []):
            if key == "negotiable":
                out.append((None, None, True))
            elif key in bands:
                out.append((*bands[key], False))
        return out


def has_filters(params: SearchParams) -> bool:
    return bool(
        any(params.filters.values())
        or params.exclude
        or any(
            v is not None
            for v in (params.trl_min, params.trl_max, params.price_min, params.price_max)
        )
    )


@dataclass
class Hit:
    kind: str
    id: str
    external_id: str
    title: str
    url: str
    summary: str
    score: float
    highlight: str = ""
    body: str = ""


class FacetCount(TypedDict):
    """One value of a facet and how many matching documents have it."""

    value: str
    count: int


Facets = dict[str, list[FacetCount]]


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: Facets
    backend: str
    took_ms: float = 0.0  # the engine's own time when it reports one
    did_you_mean: str = ""


class SearchBackend(Protocol):
    """What the services and selectors need of a backend (database or Elasticsearch)."""

    name: str

    def ensure_index(self) -> None: ...
    def bulk_upsert(self, documents: Iterable[SearchDocument]) -> int: ...
    def delete(self, doc_ids: Iterable[str]) -> None: ...
    def refresh(self) -> None: ...
    def fingerprints(self) -> dict[str, str]: ...
    def count(self) -> int: ...
    def drop(self) -> None: ...
    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        *,
        progress: Callable[[int], object] | None = None,
        workers: int = 1,
    ) -> int: ...
    def search(self, params: SearchParams, query: AnalyzedQuery) -> SearchResult: ...
    def matches_any(self, query: AnalyzedQuery) -> bool: ...
    def suggest(self, prefix: str, *, size: int = 10, fuzzy: bool = False) -> list[str]: ...


def empty_facets() -> Facets:
    return {name: [] for name in FACETS}


_MARK_WINDOW = 110


def highlight(hit_text: str, words: list[str]) -> str:
    """An HTML-safe snippet of the text as written around the first match, matches in <mark>.

    Matching runs on the normalised text (so 鑽井液 finds 钻井液 and ＣＯＤ finds cod), and the
    snippet is cut from the original through the offset map: the reader sees the listing's own
    width, case, traditional characters and punctuation."""
    text, origin = analysis.normalize_with_offsets(hit_text)
    if not text:
        return ""
    words = sorted({w for w in words if w and len(w) <= 40}, key=len, reverse=True)
    if not words:
        return html.escape(_original(hit_text, origin, 0, min(len(text), _MARK_WINDOW)))
    pattern = re.compile("|".join(re.escape(w) for w in words))
    first = pattern.search(text)
    if first is None:
        return ""
    start = max(0, first.start() - 30)
    end = min(len(text), start + _MARK_WINDOW)
    parts, last = [], start
    for match in pattern.finditer(text, start, end):
        if match.end() > end:
            break
        parts.append(html.escape(_original(hit_text, origin, last, match.start())))
        parts.append(f"<mark>{html.escape(_original(hit_text, origin, *match.span()))}</mark>")
        last = match.end()
    parts.append(html.escape(_original(hit_text, origin, last, end)))
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(parts) + suffix


def _original(raw: str, origin: list[int], start: int, end: int) -> str:
    """The original characters behind normalised positions [start, end)."""
    if end <= start:
        return ""
    low = origin[start]
    high = origin[end] if end < len(origin) else len(raw)
    return raw[low:high]


def attach_highlights(hits: list[Hit], query: AnalyzedQuery) -> None:
    words = query.all_words
    if query.text and len(query.terms) > 1:
        words = [query.text, *words]
    for hit in hits:
        hit.highlight = (
            highlight(hit.summary, words)
            or highlight(hit.body, words)
            or highlight(hit.title, words)
        )
        hit.body = ""
