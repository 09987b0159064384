"""The re-ranker (search.ranking) gives exactly the scores of the plain formula it replaced.

search.ranking was rewritten for speed (each candidate's fields prepared once, word sets for
the whole-word check, the BM25 term inlined); the formula below is the earlier code, kept as
the reference. Equality is exact, float for float: an order that changes even by a tie would
change what both backends show."""

import json
import math
from collections import Counter
from pathlib import Path

import pytest

from search import analysis
from search.analysis import AnalyzedQuery, QueryTerm, stopwords
from search.evaluation import corpus_documents, load_corpus
from search.ranking import (
    AVG_LENGTH,
    CHAR_WEIGHT,
    FEEDBACK_DOCS,
    FEEDBACK_TERMS,
    FEEDBACK_WEIGHT,
    K1,
    PART_WEIGHT,
    SUBSTRING_ONLY,
    SYNONYM_WEIGHT,
    TIE_BREAKER,
    WEIGHTS,
    B,
    Candidate,
    idf_of,
    rank,
    score,
)

HELDOUT = Path(__file__).resolve().parents[2] / "bench" / "heldout"


# -- the reference: search/ranking.py as it was before the rewrite -------------------------------
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


def reference_score(query: AnalyzedQuery, cand: Candidate, idf: dict[str, float]) -> float:
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


def reference_rank(
    query: AnalyzedQuery, cands: list[Candidate], idf: dict[str, float]
) -> list[float]:
    scores = [reference_score(query, c, idf) for c in cands]
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


# -- the comparison ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def candidates() -> list[Candidate]:
    """The held-out corpus as the Elasticsearch backend hands it to the re-ranker, plus a few
    edge cases: empty fields, a keyword of two words (the words string holds a space)."""
    cands = []
    for doc in corpus_documents(load_corpus(HELDOUT / "corpus.jsonl")):
        a = doc.analysed()
        cands.append(
            Candidate(
                key=doc.external_id,
                fields={
                    "title": a["title"],
                    "keywords": " ".join(a["keywords"]),
                    "summary": a["summary"],
                    "body": a["body"],
                },
                words={
                    "title": " ".join(a["title_words"]),
                    "keywords": " ".join(a["keyword_words"]),
                    "summary": " ".join(a["summary_words"]),
                    "body": " ".join(a["body_words"]),
                },
            )
        )
    cands += [
        Candidate("empty", {"title": "", "keywords": "", "summary": "", "body": ""}, {}),
        Candidate(
            "spaced",
            {
                "title": "heat pump 热泵",
                "keywords": "heat pump",
                "summary": "",
                "body": "热泵 热泵",
            },
            {
                "title": "heat pump 热泵",
                "keywords": "heat pump",
                "summary": "",
                "body": "热泵 热泵",
            },
        ),
    ]
    return cands


def _queries() -> list[AnalyzedQuery]:
    graded = json.loads((HELDOUT / "queries.json").read_text(encoding="utf-8"))
    synonyms = {"热泵": ("heat pump", "热力泵"), "破乳剂": ("脱水剂",), "稠油": ("重油",)}
    texts = [q["query"] for q in graded] + ["稻", "RTO 焚烧", "稠油 破乳剂", "热泵", "heat pump"]
    return [analysis.analyze_query(t, synonyms=synonyms) for t in texts]


def _idf(query: AnalyzedQuery, cands: list[Candidate]) -> dict[str, float]:
    n = len(cands)
    return {
        w: idf_of(sum(1 for c in cands if any(w in t for t in c.fields.values())), n)
        for w in query.match_words
    }


def test_rank_equals_the_reference_formula_exactly(candidates):
    compared = 0
    for query in _queries():
        idf = _idf(query, candidates)
        # Every candidate, and the best-matching few (the feedback pass then teaches words).
        matching = [c for c in candidates if reference_score(query, c, idf) > 0][:12]
        for cands in (candidates, matching):
            assert rank(query, cands, idf) == reference_rank(query, cands, idf), query.text
            compared += len(cands)
    assert compared > 5000


def test_score_equals_the_reference_formula_exactly(candidates):
    for query in _queries():
        idf = _idf(query, candidates)
        assert [score(query, c, idf) for c in candidates] == [
            reference_score(query, c, idf) for c in candidates
        ], query.text


def test_a_synonym_with_a_space_matches_whole_words_only():
    query = AnalyzedQuery("热泵", "热泵", [QueryTerm("热泵", ("heat pump",))])
    whole = Candidate("w", {"title": "heat pump"}, {"title": "heat pump"})
    inside = Candidate("i", {"title": "heat pumps"}, {"title": "heat pumps"})
    idf = {"热泵": 1.0, "heat pump": 1.0}
    assert score(query, whole, idf) == reference_score(query, whole, idf) > 0
    assert score(query, inside, idf) == reference_score(query, inside, idf)
    assert score(query, whole, idf) > score(query, inside, idf)
