"""No lost writes: every write the load recorded is in the database and, once the search outbox
has drained, in the search index (the database table and Elasticsearch).

    .venv/bin/python bench/load/verify.py --writes writes.jsonl [--drain-timeout 180] [--json out]

Run with the server's settings and DATABASE_URL / ELASTICSEARCH_URL. The outbox is drained by the
deployment's worker (`manage.py search_sync --forever`); this script only waits for it, so a
worker that does not catch up by itself fails the check.
"""

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django

django.setup()

from contracts.models import Contract  # noqa: E402
from ip_registry.models import Patent  # noqa: E402
from marketplace.models import Inquiry  # noqa: E402
from search.client import elasticsearch_enabled  # noqa: E402
from search.models import SearchEntry  # noqa: E402
from search.outbox import search_outbox_pending  # noqa: E402


def load_writes(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def in_database(write: dict) -> bool:
    kind = write["kind"]
    if kind == "inquiry":
        return Inquiry.objects.filter(pk=write["id"], message=write["message"]).exists()
    if kind == "contract":
        return Contract.objects.filter(pk=write["id"], name=write["name"]).exists()
    if kind == "contract_submitted":
        contract = Contract.objects.filter(pk=write["id"]).first()
        return bool(contract and contract.status != "draft" and contract.attachments.exists())
    if kind == "contract_registered":
        contract = Contract.objects.filter(pk=write["id"]).first()
        return bool(contract and contract.status == "registered" and contract.registration_number)
    if kind == "patent":
        return Patent.objects.filter(
            application_number=write["number"], title=write["title"]
        ).exists()
    raise ValueError(f"unknown write kind {kind}")


def wait_for_outbox(timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        pending = search_outbox_pending()["pending"]
        if pending == 0 or time.monotonic() > deadline:
            return pending
        time.sleep(1)


def missing_from_index(patents: list[dict]) -> dict[str, list[str]]:
    """Indexed writes (patents) absent from each search backend."""
    ids = {
        w["number"]: pk
        for w in patents
        for pk in Patent.objects.filter(application_number=w["number"]).values_list("pk", flat=True)
    }
    doc_ids = {number: f"patent:{pk}" for number, pk in ids.items()}
    missing = {"database": [], "elasticsearch": []}
    in_table = set(
        SearchEntry.objects.filter(
            kind="patent", object_id__in=[str(p) for p in ids.values()]
        ).values_list("object_id", flat=True)
    )
    missing["database"] = [n for n, pk in ids.items() if str(pk) not in in_table]
    if elasticsearch_enabled() and doc_ids:
        from search.backends import elasticsearch_backend

        backend = elasticsearch_backend()
        backend.refresh()
        found = set()
        wanted = list(doc_ids.values())
        for start in range(0, len(wanted), 500):
            docs = backend.client.mget(index=backend.alias, ids=wanted[start : start + 500])
            found |= {d["_id"] for d in docs["docs"] if d.get("found")}
        missing["elasticsearch"] = [n for n, d in doc_ids.items() if d not in found]
    return missing


def verify(path: Path, *, drain_timeout: float) -> dict:
    writes = load_writes(path)
    lost_db = [w for w in writes if not in_database(w)]
    pending = wait_for_outbox(drain_timeout)
    patents = [w for w in writes if w["kind"] == "patent" and w not in lost_db]
    missing = missing_from_index(patents)
    lost_index = sorted(set(missing["database"]) | set(missing["elasticsearch"]))
    return {
        "writes": len(writes),
        "by_kind": dict(Counter(w["kind"] for w in writes)),
        "indexed_writes": len(patents),
        "lost_db": len(lost_db),
        "lost_index": len(lost_index),
        "writes_lost": len(lost_db) + len(lost_index),
        "outbox_pending": pending,
        "examples": {"db": lost_db[:5], "index": lost_index[:5], **missing},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", required=True)
    parser.add_argument("--drain-timeout", type=float, default=180)
    parser.add_argument("--json", help="write the result here as well")
    args = parser.parse_args()
    result = verify(Path(args.writes), drain_timeout=args.drain_timeout)
    text = json.dumps(result, ensure_ascii=False)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    print(text)
    sys.exit(0 if result["writes_lost"] == 0 and result["outbox_pending"] == 0 else 1)


if __name__ == "__main__":
    main()
