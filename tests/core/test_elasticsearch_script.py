"""The project's Elasticsearch script really starts, reports health and stops a node."""

import json
import os
import shutil
import subprocess
import tempfile
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
