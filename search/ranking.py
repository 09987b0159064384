"""The relevance formula in Python, used to re-rank the database backend's top candidates.

It mirrors the Elasticsearch query: per query word, the best of its alternatives (the word,
its synonyms) over the fields, scored BM25-style with field weights; a match on a whole jieba
word counts more than the same characters inside a longer word; words of a compound count at
a lower weight; the words next to each other as typed add a phrase bonus. The query's
characters are a low-weight back-off, and the words the best candidates share are fed back
as extra query words (rank).
"""

import math
from collections import Counter
from dataclasses import dataclass

from search.analysis import AnalyzedQuery, QueryTerm, stopwords

# Field weights of the relevance formula: title over keywords over summary over body.
WEIGHTS = {"title": 4.0, "keywords": 3.0, "summary": 2.0, "body": 1.0}
SYNONYM_WEIGHT = 0.7
PART_WEIGHT = 0.4
# The query's characters, a back-off for documents that name the thing in other words.
CHAR_WEIGHT = 0.3
# Documents sharing only characters with the query are candidates too when its words match
# fewer than this many documents (filters aside): a back-off, not a flood of weak matches.
BACKOFF_BELOW = 20
# Pseudo-relevance feedback (see rank): how many of the best candidates teach words, how many
# words they teach, and the words' weight beside a query word's 1.0.
FEEDBACK_DOCS = 3
FEEDBACK_TERMS = 5
FEEDBACK_WEIGHT = 0.4

K1 = 1.2
B = 0.75
SUBSTRING_ONLY = 0.6
TIE_BREAKER = 0.3
# Typical field lengths in characters, for length normalisation without corpus statistics.
AVG_LENGTH = {"title": 20, "keywords": 20, "summary": 80, "body": 400}


@dataclass
class Candidate:
    key: object
    fields: dict[str, str]  # normalised text per field: title, keywords, summary, body
    words: dict[str, str]  # space-separated jieba words per field


# One query word as scored (search.analysis.QueryTerm, a part or a character at its weight):
# its alternatives, each (word, weight, idf).
Group = list[tuple[str, float, float]]


class _Prepared:
    """A candidate as the formula reads it: per non-empty field its text, weight, the length
    part of BM25's denominator and its jieba words between spaces (the whole-word check:
    " w " in " a b c " is membership in the words split on single spaces, and cheaper than
    building that set for every candidate), worked out once rather than per query word."""

    __slots__ = ("fields", "text")

    def __init__(self, cand: Candidate) -> None:
        # Every field in one string: a word absent from it is absent from each field, which
        # one `in` tells for most of a query's words and candidates.
        self.text = "\x00".join(cand.fields.values())
        self.fields = [
            (
                text,
                WEIGHTS[name],
                K1 * (1 - B + B * len(text) / AVG_LENGTH[name]),
                f" {cand.words[name]} ",
            )
            for name, text in cand.fields.items()
            if text
        ]


_K1_PLUS_1 = K1 + 1


def _groups_score(groups: list[Group], cand: _Prepared) -> float:
    """The sum over the query words (groups) of the best of each one's alternatives'
    BM25-style field scores plus TIE_BREAKER × the rest. One loop, not a call per word and
    candidate: a page re-ranks three lists of up to 120 candidates by twenty-odd words."""
    total = 0.0
    everything = cand.text
    for group in groups:
        scores = []
        for word, weight, idf in group:
            if word not in everything:
                continue
            padded = f" {word} "
            for text, field_weight, length_norm, words in cand.fields:
                if word in text:
                    tf = text.count(word)
                    s = field_weight * idf * (tf * _K1_PLUS_1 / (tf + length_norm))
                    whole = padded in words
                    scores.append(weight * s * (1.0 if whole else SUBSTRING_ONLY))
        if scores:
            best = max(scores)
            total += best + TIE_BREAKER * (sum(scores) - best)
    return total


def _group(term: QueryTerm, weight: float, idf: dict[str, float]) -> Group:
    alternatives = [(term.word, 1.0)] + [(s, SYNONYM_WEIGHT) for s in term.synonyms]
    return [(alt, w * weight, idf.get(alt, 1.0)) for alt, w in alternatives]


def _groups(query: AnalyzedQuery, idf: dict[str, float]) -> list[Group]:
    """The formula's words in the order they add up: each term then its parts, then the
    characters."""
    groups = []
    for term in query.terms:
        groups.append(_group(term, 1.0, idf))
        groups += [_group(part, PART_WEIGHT, idf) for part in term.parts]
    groups += [_group(QueryTerm(char), CHAR_WEIGHT, idf) for char in query.chars]
    return groups


def _score(
    query: AnalyzedQuery,
    groups: list[Group],
    cand: Candidate,
    prepared: _Prepared,
    idf: dict[str, float],
) -> float:
    total = _groups_score(groups, prepared)
    if len(query.terms) > 1:
        phrase = "".join(t.word for t in query.terms)
        for name in ("title", "summary"):
            if phrase in cand.fields.get(name, ""):
                total += WEIGHTS[name] * sum(idf.get(t.word, 1.0) for t in query.terms) * 0.5
    return total


def score(query: AnalyzedQuery, cand: Candidate, idf: dict[str, float]) -> float:
    return _score(query, _groups(query, idf), cand, _Prepared(cand), idf)


def idf_of(doc_freq: int, doc_count: int) -> float:
    return math.log(1 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5))


def rank(query: AnalyzedQuery, cands: list[Candidate], idf: dict[str, float]) -> list[float]:
    """The candidates' scores, with pseudo-relevance feedback: the words that the titles and
    keywords of the best FEEDBACK_DOCS share (at least two of them), weighted by how rare they
    are among the candidates, count as extra query words at FEEDBACK_WEIGHT. A listing that
    names the topic in other words than the query, but in the words the best matches use,
    moves up."""
    groups = _groups(query, idf)
    prepared = [_Prepared(c) for c in cands]
    scores = [_score(query, groups, c, p, idf) for c, p in zip(cands, prepared, strict=True)]
    if len(cands) < 2:
        return scores
    order = sorted(range(len(cands)), key=lambda i: -scores[i])
    top = [cands[i] for i in order[:FEEDBACK_DOCS] if scores[i] > 0]
    known = set(query.all_words)
    stop = stopwords()
    in_top: Counter[str] = Counter()
    for c in top:
        in_top.update(
            {w for w in f"{c.words['title']} {c.words['keywords']}".split() if len(w) > 1}
        )
    # Only the words of the best candidates can be taught: count those among the rest.
    wanted = {w for w in in_top if w not in known and w not in stop}
    df: Counter[str] = Counter()
    for c in cands:
        df.update(wanted.intersection(" ".join(c.words.values()).split()))
    n = len(cands)
    weight = {
        w: k * math.log(1 + n / df[w])
        for w, k in in_top.items()
        if k >= min(2, len(top)) and w in wanted
    }
    terms = sorted(weight, key=lambda w: (-weight[w], w))[:FEEDBACK_TERMS]
    if not terms:
        return scores
    local_idf = {w: idf_of(df[w], n) for w in terms}
    feedback = [_group(QueryTerm(w), FEEDBACK_WEIGHT, local_idf) for w in terms]
    return [s + _groups_score(feedback, p) for s, p in zip(scores, prepared, strict=True)]
