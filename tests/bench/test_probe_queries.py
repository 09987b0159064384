"""The capacity probe's queries: a long tail from the corpus, and a disjoint worst-case pool."""

import pytest

from bench.load.queries import probe_queries
from search.backends import database_backend
from search.documents import SearchDocument

pytestmark = pytest.mark.django_db

TITLES = [
    "撬装式含油污泥热解装置",
    "稠油降黏剂复配工艺",
    "蓄热式热力焚烧（RTO）废气治理",
    "盐碱地水稻育秧基质",
    "海上平台防腐涂料",
    "稻田养蟹增氧装置",
]


def test_queries_come_from_the_corpus_in_every_shape():
    database_backend().bulk_upsert(
        [SearchDocument(kind="technology", id=str(9000 + i), title=t) for i, t in enumerate(TITLES)]
    )
    queries = probe_queries()
    realistic, worst = queries["realistic"], queries["worst_case"]
    assert queries["zipf_exponent"] == 1.0
    assert len(realistic) == len(set(realistic)) > 20
    assert len(worst) == len(set(worst)) > 20
    assert not set(realistic) & set(worst)  # the worst case never repeats the mix's queries
    every = realistic + worst
    assert "污泥" in every and "rto" in every  # words of titles, a mined acronym
    assert any(q.startswith("RTO ") for q in every)  # a Latin acronym beside a Chinese word
    assert any(len(q) == 1 for q in every)  # single characters
    assert any(" " in q for q in every)  # two words
    assert "裝置" in every and "鹽鹼地" in every  # traditional characters
    assert not any(q.isdigit() for q in every)
    assert probe_queries() == queries  # seeded: the same data gives the same probe
