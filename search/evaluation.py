"""Relevance evaluation on a graded sample (the format of ../shared/data/search-sample).

Used by bench/relevance.py and the ranking tests; the product itself never reads the sample.
"""

import json
import math
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

from search.documents import SearchDocument

# The query classes the sample's notes name, recognised from the note text.
QUERY_CLASSES = {
    "traditional": re.compile(r"traditional[- ](character )?query", re.I),
    "synonym": re.compile(r"^(colloquial )?synonym|synonym \+|synonym \(", re.I),
    "abbreviation": re.compile(r"^abbreviation", re.I),
    "natural_language": re.compile(r"natural-language", re.I),
    "misleading": re.compile(
        r"misleading|naive|share characters|also (hits|matches|appears)", re.I
    ),
}


@dataclass
class GradedQuery:
    qid: str
    query: str
    kind: str | None
    relevant: dict[str, int]
    note: str
    query_class: str = ""  # the set's own class when it gives one (bench/heldout does)

    @property
    def classes(self) -> list[str]:
        if self.query_class:
            return [self.query_class]
        return [name for name, rx in QUERY_CLASSES.items() if rx.search(self.note)]


def load_corpus(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def load_queries(path: Path) -> list[GradedQuery]:
    return [
        GradedQuery(
            q["qid"],
            q["query"],
            q.get("kind"),
            q["relevant"],
            q.get("note", ""),
            q.get("class", ""),
        )
        for q in json.loads(path.read_text(encoding="utf-8"))
    ]


def corpus_documents(rows: list[dict]) -> list[SearchDocument]:
    """Sample rows as SearchDocuments, for indexing without the marketplace's importer."""
    docs = []
    for i, row in enumerate(rows, start=1):
        price = row.get("price_wan")
        docs.append(
            SearchDocument(
                kind=row["kind"],
                id=str(i),
                external_id=row["external_id"],
                title=row["title"],
                summary=row.get("summary", ""),
                body=row.get("body", ""),
                url=f"/sample/{row['external_id']}/",
                keywords=list(row.get("keywords", [])),
                industry=row.get("industry", ""),
                trl=row.get("trl"),
                modes=list(row.get("modes", [])),
                price_wan=Decimal(str(price)) if price is not None else None,
                district=row.get("district", ""),
                holder_type="",
            )
        )
    return docs


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([relevant.get(x, 0) for x in ranked[:k]]) / ideal


def precision_at(ranked: list[str], relevant: dict[str, int], k: int = 5) -> float:
    return sum(1 for x in ranked[:k] if relevant.get(x, 0) > 0) / k


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = 20) -> float:
    wanted = [x for x, g in relevant.items() if g > 0]
    if not wanted:
        return 0.0
    return sum(1 for x in ranked[:k] if x in wanted) / len(wanted)


@dataclass
class Evaluation:
    per_query: dict[str, dict[str, float]]
    queries: list[GradedQuery]

    def mean(self, metric: str = "ndcg10", qids: Collection[str] | None = None) -> float:
        rows = [v[metric] for q, v in self.per_query.items() if qids is None or q in qids]
        return sum(rows) / len(rows) if rows else 0.0

    def by_class(self, metric: str = "ndcg10") -> dict[str, float]:
        names = dict.fromkeys(c for q in self.queries for c in q.classes)
        out = {}
        for name in names:
            qids = {q.qid for q in self.queries if name in q.classes}
            out[name] = self.mean(metric, qids)
        return out


def evaluate(queries: list[GradedQuery], run: Callable[[GradedQuery], list[str]]) -> Evaluation:
    """run(query) -> ranked external ids (at least 20)."""
    per_query = {}
    for q in queries:
        ranked = run(q)
        per_query[q.qid] = {
            "ndcg10": ndcg_at(ranked, q.relevant, 10),
            "p5": precision_at(ranked, q.relevant, 5),
            "recall20": recall_at(ranked, q.relevant, 20),
        }
    return Evaluation(per_query, queries)


class BaselineIndex:
    """The plain baseline: Elasticsearch's `standard` analyser on the raw text, no pipeline."""

    def __init__(self, client: Elasticsearch, name: str) -> None:
        self.client = client
        self.name = name

    def build(self, rows: list[dict]) -> None:
        self.client.indices.delete(index=self.name, ignore_unavailable=True)
        text = {"type": "text", "analyzer": "standard"}
        self.client.indices.create(
            index=self.name,
            settings={"number_of_shards": 1, "number_of_replicas": 0},
            mappings={
                "properties": {
                    "external_id": {"type": "keyword"},
                    "kind": {"type": "keyword"},
                    "title": text,
                    "summary": text,
                    "body": text,
                }
            },
        )
        helpers.bulk(
            self.client,
            (
                {
                    "_index": self.name,
                    "_id": row["external_id"],
                    "_source": {
                        k: row.get(k, "")
                        for k in ("external_id", "kind", "title", "summary", "body")
                    },
                }
                for row in rows
            ),
            refresh=True,
        )

    def run(self, q: GradedQuery, size: int = 20) -> list[str]:
        query: dict[str, Any] = {
            "multi_match": {"query": q.query, "fields": ["title", "summary", "body"]}
        }
        if q.kind:
            query = {"bool": {"must": [query], "filter": [{"term": {"kind": q.kind}}]}}
        response = self.client.search(index=self.name, query=query, size=size)
        return [h["_source"]["external_id"] for h in response["hits"]["hits"]]

    def drop(self) -> None:
        self.client.indices.delete(index=self.name, ignore_unavailable=True)
