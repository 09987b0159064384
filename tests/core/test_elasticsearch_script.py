"""The project's Elasticsearch script really starts, reports health and stops a node."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bin" / "elasticsearch"


def run(verb, env):
    return subprocess.run([str(SCRIPT), verb], env=env, capture_output=True, text=True, timeout=240)


@pytest.fixture
def es_run_dir():
    # Under /tmp itself: the node runs as its own user, who cannot enter pytest's private tmp.
    path = Path(tempfile.mkdtemp(prefix="panjin-es-test-"))
    path.chmod(0o755)
    yield path / "node"
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.elasticsearch
def test_start_status_health_stop(es_run_dir):
    # A second node on its own port and folder, so the suite's node is untouched.
    run_dir = es_run_dir
    env = {**os.environ, "ES_PORT": "9281", "ES_RUN_DIR": str(run_dir)}
    try:
        started = run("start", env)
        assert started.returncode == 0, started.stderr
        status = run("status", env)
        assert status.returncode == 0
        assert "healthy" in status.stdout

        with urllib.request.urlopen(
            "http://127.0.0.1:9281/_cluster/health", timeout=10
        ) as response:
            health = json.load(response)
        assert health["status"] in ("green", "yellow")
        pid = int((run_dir / "elasticsearch.pid").read_text())
    finally:
        stopped = run("stop", env)
    assert stopped.returncode == 0, stopped.stderr
    assert not Path(f"/proc/{pid}").exists()
    after = run("status", env)
    assert after.returncode == 3
    assert "not running" in after.stdout


def test_unknown_verb_is_usage_error():
    result = subprocess.run([str(SCRIPT), "explode"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "usage" in result.stderr


def test_missing_java_is_a_clear_message(tmp_path):
    env = {
        **os.environ,
        "ES_JAVA_HOME": "",
        "ES_PORT": "9282",
        "ES_RUN_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "ES_JDK_SEARCH_PATH": str(tmp_path / "no-jdks"),
    }
    result = run("start", env)
    assert result.returncode == 1
    assert "Java 21+" in result.stderr


CLUSTER = {"ES_NODES": "3", "ES_PORT": "9211"}


def test_cluster_url_lists_every_node_for_the_client():
    result = run("url", {**os.environ, **CLUSTER})
    assert result.returncode == 0
    assert result.stdout.strip() == (
        "http://127.0.0.1:9211,http://127.0.0.1:9212,http://127.0.0.1:9213"
    )


def test_cluster_nodes_name_their_own_folders(tmp_path):
    env = {**os.environ, **CLUSTER, "ES_RUN_DIR": str(tmp_path)}
    lines = run("nodes", env).stdout.splitlines()
    assert [line.split() for line in lines] == [
        [
            f"panjin-node-{i}",
            f"http://127.0.0.1:{9210 + i}",
            f"{tmp_path}/node-{i}/elasticsearch.pid",
        ]
        for i in (1, 2, 3)
    ]


def test_node_count_must_be_a_positive_number():
    result = run("url", {**os.environ, "ES_NODES": "0"})
    assert result.returncode == 2
    assert "ES_NODES" in result.stderr


@pytest.fixture
def fake_distribution():
    """A stand-in for the zip and the JDK: its `elasticsearch -d -p FILE` leaves a sleeping
    process behind, so the script's start/stop bookkeeping runs without a real cluster."""
    base = Path(tempfile.mkdtemp(prefix="panjin-es-fake-"))
    base.chmod(0o755)
    java = base / "jdk/bin/java"
    java.parent.mkdir(parents=True)
    java.write_text("#!/bin/sh\necho '    java.specification.version = 21' >&2\n")
    home = base / "cache/elasticsearch-9.2.8"
    (home / "config/jvm.options.d").mkdir(parents=True)
    es = home / "bin/elasticsearch"
    es.parent.mkdir(parents=True)
    es.write_text(
        "#!/bin/bash\n"
        'while [ $# -gt 0 ]; do [ "$1" = -p ] && pid_file=$2; shift; done\n'
        "setsid sleep 300 </dev/null >/dev/null 2>&1 &\n"
        'echo $! > "$pid_file"\n'
    )
    for path in (java, es):
        path.chmod(0o755)
    run_dir = base / "run"
    yield {
        "ES_JAVA_HOME": str(base / "jdk"),
        "ES_CACHE_DIR": str(base / "cache"),
        "ES_RUN_DIR": str(run_dir),
        # Nothing listens on these ports, so the cluster never turns healthy.
        "ES_PORT": "1",
        "ES_USER": "root" if os.geteuid() == 0 else os.environ.get("USER", ""),
        "ES_HEALTH_TIMEOUT": "2",
    }
    shutil.rmtree(base, ignore_errors=True)


def test_cluster_start_configures_three_nodes_and_stop_ends_them_all(fake_distribution):
    env = {**os.environ, **fake_distribution, "ES_NODES": "3"}
    run_dir = Path(fake_distribution["ES_RUN_DIR"])
    started = run("start", env)
    # Never healthy (no real node answers): start gives up after ES_HEALTH_TIMEOUT and stops
    # the nodes it started.
    assert started.returncode == 1
    assert "not healthy" in started.stderr
    assert started.stderr.count("starting 9.2.8") == 3
    for i in (1, 2, 3):
        config = (run_dir / f"node-{i}/config/elasticsearch.yml").read_text()
        assert f"node.name: panjin-node-{i}\n" in config
        assert f"http.port: {i}\n" in config
        assert f"transport.port: {100 + i}\n" in config
        assert 'discovery.seed_hosts: ["127.0.0.1:101","127.0.0.1:102","127.0.0.1:103"]' in config
        assert (
            'cluster.initial_master_nodes: ["panjin-node-1","panjin-node-2","panjin-node-3"]'
            in config
        )
        assert "single-node" not in config
        heap = (run_dir / f"node-{i}/config/jvm.options.d/heap.options").read_text()
        assert heap == "-Xms640m\n-Xmx640m\n"
        assert not (run_dir / f"node-{i}/elasticsearch.pid").exists()
    assert run("status", env).returncode == 3


def test_cluster_stop_and_status_cover_every_node(fake_distribution):
    env = {**os.environ, **fake_distribution, "ES_NODES": "3"}
    run_dir = Path(fake_distribution["ES_RUN_DIR"])
    pids = []
    for i in (1, 2, 3):
        # What a started node leaves: its pid file. A detached sleep stands in for the node (not
        # this test's child, so it is reaped as soon as it ends, like a daemonised node).
        pid = int(
            subprocess.run(
                ["sh", "-c", "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        pids.append(pid)
        (run_dir / f"node-{i}").mkdir(parents=True)
        (run_dir / f"node-{i}/elasticsearch.pid").write_text(f"{pid}\n")
    try:
        os.kill(pids[1], signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pids[1]}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)  # until init has reaped it
        status = run("status", env)
        assert status.returncode == 1
        assert "panjin-node-2 not running" in status.stdout
        assert "panjin-node-1 running" in status.stdout
        assert "not healthy" in status.stdout
        stopped = run("stop", env)
        assert stopped.returncode == 0
        assert stopped.stderr.count("stopped (pid") == 2
        assert not any(Path(f"/proc/{pid}").exists() for pid in pids)
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert run("status", env).returncode == 3
