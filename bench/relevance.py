"""Relevance of search on graded sets, per backend and query class, beside a unigram BM25.

    .venv/bin/python bench/relevance.py                       # the public sample and bench/heldout
    .venv/bin/python bench/relevance.py --set bench/heldout   # one set (repeatable)
    .venv/bin/python bench/relevance.py --check               # exit 1 below THRESHOLDS

Sets: the public tuning sample (/work/shared/data/search-sample, or $SEARCH_SAMPLE) and the
held-out set in bench/heldout (written by someone who never saw the ranking code; see its
README). Ranking is tuned on the sample only; the held-out set is for reporting.

Each set runs in its own process and scratch SQLite database: the corpus is loaded with the
marketplace's importer, indexed in the database backend and (when ELASTICSEARCH_URL is set)
Elasticsearch, and every graded query goes through `GET /api/v1/search` on each backend. The
baseline is a plain BM25 over single Han characters (Elasticsearch's `standard` analyser on the
raw text, no pipeline). Printed per set: nDCG@10, P@5 and recall@20, nDCG@10 per query class,
and nDCG@10 on the set's hardest queries (the third that the baseline ranks worst, at least
20 when the set has them). The tables also go to bench/results/relevance.md.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = Path(os.environ.get("SEARCH_SAMPLE", "/work/shared/data/search-sample"))
HELDOUT = ROOT / "bench" / "heldout"
BASELINE = "unigram BM25"
# What --check demands, per set and backend: nDCG@10 on all queries and on the
# hardest ones. The figures of 2026-12-06 less a small margin (held-out 0.927 / 0.889 on both
# backends, sample 0.971), never below issue 13's goals on unseen data (Elasticsearch 0.92 /
# 0.85, database 0.90 / 0.80): a ranking change that loses either set fails the check.
THRESHOLDS = {
    HELDOUT: {"elasticsearch": (0.92, 0.875), "database": (0.915, 0.875)},
    SAMPLE: {"elasticsearch": (0.96, 0.96), "database": (0.96, 0.96)},
}


def hardest_qids(baseline: dict[str, dict[str, float]]) -> list[str]:
    ranked = sorted(baseline, key=lambda qid: (baseline[qid]["ndcg10"], qid))
    return ranked[: max(min(20, len(ranked)), len(ranked) // 3)]


def evaluate_set(folder: Path) -> dict:
    """Index one set in a scratch database and run every query (runs in a child process)."""
    scratch = Path(tempfile.mkdtemp(prefix="panjin-relevance-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    prefix = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "panjin")
    os.environ["ELASTICSEARCH_INDEX_PREFIX"] = f"{prefix}-relevance-{uuid.uuid4().hex[:8]}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from marketplace.importers import listings_import
    from search.backends.elastic import ElasticsearchBackend
    from search.client import get_client
    from search.evaluation import BaselineIndex, evaluate, load_corpus, load_queries
    from search.services import search_index_rebuild

    call_command("migrate", verbosity=0)
    rows = load_corpus(folder / "corpus.jsonl")
    queries = load_queries(folder / "queries.json")
    result = listings_import(path=folder / "corpus.jsonl")
    if not result.ok:
        raise SystemExit("\n".join(result.errors[:20]))
    es_url = settings.ELASTICSEARCH_URL
    search_index_rebuild()
    client = Client(HTTP_HOST="127.0.0.1")

    def api_run(q):
        # The sets judge listings only, so rank among listings (the importer also creates the
        # owners' organisations, which are searchable too).
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
        runs["database"] = evaluate(queries, api_run).per_query
    if es_url:
        runs["elasticsearch"] = evaluate(queries, api_run).per_query
        index = BaselineIndex(get_client(), f"{settings.ELASTICSEARCH_INDEX_PREFIX}-baseline")
        index.build(rows)
        runs[BASELINE] = evaluate(queries, index.run).per_query
        index.drop()
        ElasticsearchBackend().drop()
    return {
        "name": folder.name,
        "listings": len(rows),
        "queries": [
            {"qid": q.qid, "query": q.query, "classes": q.classes, "relevant": q.relevant}
            for q in queries
        ],
        "runs": runs,
    }


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def report(data: dict) -> tuple[list[str], dict[str, dict[str, float]]]:
    queries = data["queries"]
    runs = data["runs"]
    classes = list(dict.fromkeys(c for q in queries for c in q["classes"]))
    hard = hardest_qids(runs[BASELINE]) if BASELINE in runs else []
    lines = [
        f"### {data['name']}: {data['listings']} listings, {len(queries)} graded queries",
        "",
        f"| run | nDCG@10 | hardest {len(hard)} | P@5 | recall@20 | " + " | ".join(classes) + " |",
        "| --- | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in classes) + " |",
    ]
    summary = {}
    for name, per_query in runs.items():
        overall = mean([v["ndcg10"] for v in per_query.values()])
        hardest = mean([per_query[q]["ndcg10"] for q in hard])
        summary[name] = {"all": overall, "hardest": hardest}
        cells = [
            f"{overall:.3f}",
            f"{hardest:.3f}" if hard else "–",
            f"{mean([v['p5'] for v in per_query.values()]):.3f}",
            f"{mean([v['recall20'] for v in per_query.values()]):.3f}",
        ]
        for c in classes:
            qids = [q["qid"] for q in queries if c in q["classes"]]
            cells.append(f"{mean([per_query[q]['ndcg10'] for q in qids]):.3f} ({len(qids)})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Per query nDCG@10:", ""]
    lines.append("| query | class | " + " | ".join(runs) + " |")
    lines.append("| --- | --- | " + " | ".join("---:" for _ in runs) + " |")
    for q in queries:
        cells = [f"{per_query[q['qid']]['ndcg10']:.3f}" for per_query in runs.values()]
        mark = " *" if q["qid"] in hard else ""
        label = f"{q['qid']}{mark} {q['query'][:16]}"
        lines.append(f"| {label} | {', '.join(q['classes'])} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("`*` marks the hardest queries (lowest baseline nDCG@10).")
    return lines, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, action="append", dest="sets", help="a set's folder")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # child: one set → JSON
    parser.add_argument("--check", action="store_true", help="exit 1 below THRESHOLDS")
    args = parser.parse_args()
    if args.one:
        json.dump(evaluate_set(args.one), sys.stdout)
        return 0
    sets = args.sets or [SAMPLE, HELDOUT]
    text_lines = ["# Relevance", ""]
    verdicts = []
    for folder in sets:
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return 1
        lines, summary = report(json.loads(child.stdout))
        text_lines += [*lines, ""]
        thresholds = {k.resolve(): v for k, v in THRESHOLDS.items()}.get(folder.resolve(), {})
        for backend, (goal_all, goal_hard) in thresholds.items():
            if backend in summary:
                got = summary[backend]
                ok = got["all"] >= goal_all and got["hardest"] >= goal_hard
                verdicts.append(ok)
                text_lines.append(
                    f"- {folder.name} {backend}: nDCG@10 {got['all']:.3f} (≥ {goal_all}), "
                    f"hardest {got['hardest']:.3f} (≥ {goal_hard}): {'PASS' if ok else 'FAIL'}"
                )
        if thresholds:
            text_lines.append("")
    text = "\n".join(text_lines)
    print(text)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "relevance.md").write_text(text + "\n", encoding="utf-8")
    return 1 if args.check and not all(verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
