"""Relevance of search on a graded sample, per backend, against a plain baseline.

    .venv/bin/python bench/relevance.py [--sample ../shared/data/search-sample]

Builds a scratch SQLite database, loads the corpus with the marketplace's `import_listings`,
indexes it in the database backend and (when ELASTICSEARCH_URL is set) Elasticsearch, runs
every graded query through `GET /api/v1/search` on each backend and prints nDCG@10, P@5 and
recall@20 overall and per query class, beside the baseline (Elasticsearch's `standard`
analyser on the raw text, no pipeline). The table also goes to bench/results/relevance.md.
"""

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=ROOT.parent / "shared/data/search-sample")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="panjin-relevance-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    prefix = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "panjin")
    os.environ["ELASTICSEARCH_INDEX_PREFIX"] = f"{prefix}-bench-{uuid.uuid4().hex[:8]}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from marketplace.importers import listings_import
    from search.evaluation import BaselineIndex, evaluate, load_corpus, load_queries
    from search.services import search_index_rebuild

    call_command("migrate", verbosity=0)
    rows = load_corpus(args.sample / "corpus.jsonl")
    queries = load_queries(args.sample / "queries.json")
    result = listings_import(path=args.sample / "corpus.jsonl")
    if not result.ok:
        print("\n".join(result.errors[:20]), file=sys.stderr)
        return 1
    es_url = settings.ELASTICSEARCH_URL
    search_index_rebuild()
    client = Client(HTTP_HOST="127.0.0.1")

    def api_run(q):
        # The sample judges listings only, so rank among listings (the importer also creates
        # the owners' organisations, which are searchable too).
        params = {
            "q": q.query,
            "page_size": 20,
            "kind": [q.kind] if q.kind else ["technology", "demand"],
        }
        response = client.get("/api/v1/search", params)
        assert response.status_code == 200, response.content
        return [r["external_id"] for r in response.json()["results"]]

    runs = {}
    with override_settings(ELASTICSEARCH_URL=""):
        runs["database"] = evaluate(queries, api_run)
    baseline = None
    if es_url:
        runs["elasticsearch"] = evaluate(queries, api_run)
        from search.client import get_client

        index = BaselineIndex(get_client(), f"{settings.ELASTICSEARCH_INDEX_PREFIX}-baseline")
        index.build(rows)
        baseline = evaluate(queries, index.run)
        runs["baseline (standard analyser)"] = baseline
        index.drop()
        from search.backends.elastic import ElasticsearchBackend

        ElasticsearchBackend().drop()

    classes = sorted({c for q in queries for c in q.classes})
    lines = [
        f"Relevance on {args.sample.name}: {len(rows)} listings, {len(queries)} graded queries",
        "",
        "| run | nDCG@10 | P@5 | recall@20 | " + " | ".join(f"nDCG@10 {c}" for c in classes) + " |",
        "| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in classes) + " |",
    ]
    for name, ev in runs.items():
        per_class = ev.by_class()
        cells = [f"{ev.mean('ndcg10'):.3f}", f"{ev.mean('p5'):.3f}", f"{ev.mean('recall20'):.3f}"]
        cells += [f"{per_class.get(c, 0):.3f}" for c in classes]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Per query nDCG@10:", ""]
    lines.append("| query | " + " | ".join(runs) + " |")
    lines.append("| --- | " + " | ".join("---:" for _ in runs) + " |")
    for q in queries:
        cells = [f"{ev.per_query[q.qid]['ndcg10']:.3f}" for ev in runs.values()]
        lines.append(f"| {q.qid} {q.query[:16]} | " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print(text)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "relevance.md").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
