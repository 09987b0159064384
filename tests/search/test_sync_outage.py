"""Stop Elasticsearch, keep writing, start it again: the index catches up by itself.

Runs a second node on its own port and folder (the suite's shared node is never touched). The
sync worker's loop runs in the test's thread (SQLite's in-memory test database does not take
a second writer thread), one round per poll, exactly as `manage.py search_sync --forever` does.
Nobody rebuilds or re-publishes anything by hand.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from search.backends.elastic import ElasticsearchBackend
from search.models import SearchOutbox
from search.outbox import search_outbox_drain_all
from tests.marketplace.factories import make_listing

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
PORT = 9287
URL = f"http://127.0.0.1:{PORT}"


def es(verb, run_dir):
    env = {**os.environ, "ES_PORT": str(PORT), "ES_RUN_DIR": str(run_dir)}
    result = subprocess.run(
        [str(ROOT / "bin" / "elasticsearch"), verb],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def second_node():
    base = Path(tempfile.mkdtemp(prefix="panjin-es-sync-"))
    base.chmod(0o755)  # the node runs as its own user
    run_dir = base / "node"
    es("start", run_dir)
    try:
        yield run_dir
    finally:
        subprocess.run(
            [str(ROOT / "bin" / "elasticsearch"), "stop"],
            env={**os.environ, "ES_PORT": str(PORT), "ES_RUN_DIR": str(run_dir)},
            capture_output=True,
            timeout=240,
        )
        shutil.rmtree(base, ignore_errors=True)


def indexed(backend: ElasticsearchBackend) -> dict[str, str]:
    backend.refresh()
    response = backend.client.search(
        index=backend.alias, size=100, source=["display_title"], query={"match_all": {}}
    )
    return {h["_id"]: h["_source"]["display_title"] for h in response["hits"]["hits"]}


def wait_for(predicate, timeout=120):
    """Poll while a worker round runs each time, as `search_sync --forever` does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        search_outbox_drain_all()
        try:
            if predicate():
                return True
        except Exception:  # noqa: S110 - the node may still be starting; poll again
            pass
        time.sleep(0.5)
    return False


def test_writes_during_an_outage_reach_the_index(settings, second_node, es_prefix):
    settings.ELASTICSEARCH_URL = URL
    settings.SEARCH_SYNC_MAX_BACKOFF = 2
    backend = ElasticsearchBackend()
    kept = make_listing(title="含油污泥热解处理技术")
    gone = make_listing(kind="demand", title="油田采出水处理需求")
    assert wait_for(lambda: {f"technology:{kept.pk}", f"demand:{gone.pk}"} <= set(indexed(backend)))

    es("stop", second_node)
    new = make_listing(title="抽油机永磁直驱节能改造")
    kept.title = "含油污泥热脱附处理成套装置"
    kept.save_revision().publish()
    gone.unpublish()
    assert SearchOutbox.objects.filter(processed_at__isnull=True).count() >= 3

    es("start", second_node)

    def caught_up():
        docs = indexed(backend)
        return (
            docs.get(f"technology:{new.pk}") == "抽油机永磁直驱节能改造"
            and docs.get(f"technology:{kept.pk}") == "含油污泥热脱附处理成套装置"
            and f"demand:{gone.pk}" not in docs
        )

    assert wait_for(caught_up), indexed(backend)
    assert wait_for(lambda: not SearchOutbox.objects.filter(processed_at__isnull=True).exists())
