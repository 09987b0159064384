"""Search page probe queries: a long tail built from the indexed corpus's own vocabulary.

A real site's searches are not 15 queries repeated: a few are common and most are seen once or
twice (query logs follow Zipf's law). The capacity probe (bench/prove.py phase_capacity,
bench/bench_search_page.py) therefore draws from DISTINCT_QUERIES distinct queries with a
Zipf-like distribution (P(rank k) ∝ 1 / k^ZIPF_EXPONENT), so the search page's cache hits about
as often as it would in production, and it measures the worst case (every query new) from a
second, disjoint pool.

The queries come from what the index holds (search's own table, filled by every source), in
the shapes people type: words of titles and keywords, industries, acronyms and their mined
expansions, single characters, two words (run together as in a title, or with a space),
traditional characters, and a Latin acronym beside a Chinese word. Their order of popularity
is a seeded shuffle: no kind of query is favoured for being cheap.
"""

import itertools
import random
from collections.abc import Iterable

import opencc

from search import analysis
from search.models import SearchAbbreviation, SearchEntry, SearchFacetValue

ZIPF_EXPONENT = 1.0
DISTINCT_QUERIES = 2000
# The worst-case pool: every request of the probe (warm-up included) gets a query never sent.
WORST_CASE_QUERIES = 20_000
# Shares of the realistic set by shape (the rest are single words of titles and keywords).
SHARES = {"pair": 0.25, "char": 0.08, "traditional": 0.10, "mixed": 0.05}


def _typed(word: str) -> bool:
    """A word someone would search for: Han characters, or Latin letters (not serial numbers)."""
    return analysis.has_han(word) or (word.isascii() and any(c.isalpha() for c in word))


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v and v.strip()))


def probe_queries(*, seed: int = 13) -> dict[str, object]:
    """{"realistic": [...] in rank order, "worst_case": [...], "zipf_exponent": s}."""
    rng = random.Random(seed)
    titles: list[list[str]] = []
    words: list[str] = []
    for title, title_words, keyword_words in SearchEntry.objects.values_list(
        "title", "title_words", "keyword_words"
    ).iterator():
        # The title as jieba segments it (title_words also holds the parts of compounds).
        titles.append([w for w in analysis.words(title) if _typed(w)])
        words += [w for w in f"{title_words} {keyword_words}".split() if len(w) > 1 and _typed(w)]
    words = _unique(words)
    rng.shuffle(words)
    industries = _unique(
        SearchFacetValue.objects.filter(name="industry").values_list("value", flat=True)
    )
    acronyms = _unique(
        x for pair in SearchAbbreviation.objects.values_list("short", "full") for x in pair
    )
    latin = [w for w in words if w.isascii()]
    han_words = [w for w in words if analysis.has_han(w)]
    chars = _unique(c for w in han_words for c in w if analysis.has_han(c))
    rng.shuffle(chars)
    # Two words of one title: run together as written, or apart with a space.
    pairs = []
    for tw in titles:
        for a, b in itertools.pairwise(tw):
            if len(a) > 1 and len(b) > 1:
                pairs.append(a + b if rng.random() < 0.5 else f"{a} {b}")
    pairs = _unique(pairs)
    rng.shuffle(pairs)
    to_traditional = opencc.OpenCC("s2t")
    traditional = _unique(
        t for t in (to_traditional.convert(w) for w in han_words) if t not in han_words
    )
    rng.shuffle(traditional)
    english = latin + [a for a in acronyms if a.isascii()]
    mixed = _unique(
        f"{rng.choice(english).upper()} {rng.choice(han_words)}"
        for _ in range(min(len(han_words), 4 * DISTINCT_QUERIES))
        if english
    )

    realistic = _unique([*industries, *acronyms])
    taken = set(realistic)
    for shape, pool in (
        ("pair", pairs),
        ("char", chars),
        ("traditional", traditional),
        ("mixed", mixed),
    ):
        quota = int(DISTINCT_QUERIES * SHARES[shape])
        picked = [q for q in pool if q not in taken][:quota]
        realistic += picked
        taken.update(picked)
    realistic += [w for w in words if w not in taken][: DISTINCT_QUERIES - len(realistic)]
    realistic = realistic[:DISTINCT_QUERIES]
    rng.shuffle(realistic)
    taken = set(realistic)
    # The worst case: what is left of every shape, then more word pairs, none in the realistic
    # set (the probes run on one server, one after the other).
    rest = _unique(q for q in [*pairs, *words, *chars, *traditional, *mixed] if q not in taken)
    extra = (
        f"{rng.choice(han_words)} {rng.choice(han_words)}" for _ in range(4 * WORST_CASE_QUERIES)
    )
    worst = _unique([*rest, *(q for q in extra if q not in taken)])[:WORST_CASE_QUERIES]
    rng.shuffle(worst)
    return {"realistic": realistic, "worst_case": worst, "zipf_exponent": ZIPF_EXPONENT}
