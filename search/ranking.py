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


def _tf_norm(tf: float, length: int, avg: int) -> float:
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))


def _alternative_score(word: str, weight: float, cand: Candidate, idf: float) -> list[float]:
    scores = []
    for name, text in cand.fields.items():
        if not text or word not in text:
            continue
        tf = text.count(word)
        whole = f" {word} " in f" {cand.words[name]} "
        s = WEIGHTS[name] * idf * _tf_norm(tf, len(text), AVG_LENGTH[name])
        scores.append(weight * s * (1.0 if whole else SUBSTRING_ONLY))
    return scores


def _term_score(term: QueryTerm, weight: float, cand: Candidate, idf: dict[str, float]) -> float:
    scores = []
    for alt, w in [(term.word, 1.0)] + [(s, SYNONYM_WEIGHT) for s in term.synonyms]:
        scores += _alternative_score(alt, w * weight, cand, idf.get(alt, 1.0))
    if not scores:
        return 0.0
    best = max(scores)
    return best + TIE_BREAKER * (sum(scores) - best)


def score(query: AnalyzedQuery, cand: Candidate, idf: dict[str, float]) -> float:
    total = 0.0
    for term in query.terms:
        total += _term_score(term, 1.0, cand, idf)
        for part in term.parts:
            total += _term_score(part, PART_WEIGHT, cand, idf)
    for char in query.chars:
        total += _term_score(QueryTerm(char), CHAR_WEIGHT, cand, idf)
    if len(query.terms) > 1:
        phrase = "".join(t.word for t in query.terms)
        for name in ("title", "summary"):
            if phrase in cand.fields.get(name, ""):
                total += WEIGHTS[name] * sum(idf.get(t.word, 1.0) for t in query.terms) * 0.5
    return total


def idf_of(doc_freq: int, doc_count: int) -> float:
    return math.log(1 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5))


def rank(query: AnalyzedQuery, cands: list[Candidate], idf: dict[str, float]) -> list[float]:
    """The candidates' scores, with pseudo-relevance feedback: the words that the titles and
    keywords of the best FEEDBACK_DOCS share (at least two of them), weighted by how rare they
    are among the candidates, count as extra query words at FEEDBACK_WEIGHT. A listing that
    names the topic in other words than the query, but in the words the best matches use,
    moves up."""
    scores = [score(query, c, idf) for c in cands]
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
    df: Counter[str] = Counter()
    for c in cands:
        df.update(set(" ".join(c.words.values()).split()))
    n = len(cands)
    weight = {
        w: k * math.log(1 + n / df[w])
        for w, k in in_top.items()
        if k >= min(2, len(top)) and w not in known and w not in stop
    }
    terms = sorted(weight, key=lambda w: (-weight[w], w))[:FEEDBACK_TERMS]
    if not terms:
        return scores
    local_idf = {w: idf_of(df[w], n) for w in terms}
    return [
        s + sum(_term_score(QueryTerm(w), FEEDBACK_WEIGHT, c, local_idf) for w in terms)
        for s, c in zip(scores, cands, strict=True)
    ]
