"""Editor-maintained synonym groups, read at query time (cached briefly per process)."""

import re
import time
from collections.abc import Iterable

from search import analysis
from search.models import SearchAbbreviation, Synonym

_SPLIT = re.compile(r"[,，、;；/\s]+")
_TTL_SECONDS = 30.0


class _Cached:
    """The map this process read last, and when (time.monotonic)."""

    at: float = 0.0
    map: dict[str, tuple[str, ...]] | None = None


_cache = _Cached()


def split_terms(text: str) -> list[str]:
    terms = [analysis.normalize(t) for t in _SPLIT.split(text or "")]
    return list(dict.fromkeys(t for t in terms if t))


def parse_group(text: str) -> tuple[list[str], list[str]]:
    """ "a，b" is an equivalence group; "a，b => c，d" expands a and b to c and d only."""
    if "=>" in (text or ""):
        left, right = text.split("=>", 1)
        return split_terms(left), split_terms(right)
    terms = split_terms(text)
    return terms, terms


def build_map(
    groups: Iterable[tuple[list[str], list[str]] | list[str]],
) -> dict[str, tuple[str, ...]]:
    """word → every word it expands to. `groups` are (sources, targets) pairs or plain lists."""
    mapping: dict[str, dict[str, None]] = {}
    for group in groups:
        sources, targets = group if isinstance(group, tuple) else (group, group)
        for term in sources:
            bucket = mapping.setdefault(term, {})
            for other in [*sources, *targets]:
                if other != term:
                    bucket[other] = None
    return {term: tuple(others) for term, others in mapping.items()}


def synonym_map() -> dict[str, tuple[str, ...]]:
    """The current synonym map; another process's edit shows within the TTL."""
    now = time.monotonic()
    cached = _cache.map
    if cached is not None and now - _cache.at < _TTL_SECONDS:
        return cached
    rows = Synonym.objects.filter(enabled=True).values_list("terms", flat=True)
    groups = [parse_group(t) for t in rows]
    groups = [(s, t) for s, t in groups if s and len({*s, *t}) > 1]
    groups += [([short, full], [short, full]) for short, full in defined_abbreviations()]
    # Keep multi-character synonyms whole when jieba segments a query.
    analysis.add_words(term for s, t in groups for term in (*s, *t))
    mapping = build_map(groups)
    _cache.at, _cache.map = now, mapping
    return mapping


def defined_abbreviations() -> list[tuple[str, str]]:
    """Short and full forms the indexed documents define, each pair once."""
    return list(
        SearchAbbreviation.objects.values_list("short", "full").distinct().order_by("short", "full")
    )


def invalidate() -> None:
    _cache.at, _cache.map = 0.0, None
