"""A three-node Elasticsearch cluster on loopback for `make prove`'s cluster fault.

The nodes come from `ES_NODES=3 bin/elasticsearch` (one process, folder, HTTP and transport port
each; ES_CLUSTER_PORT is the first node's HTTP port, default 9211). This module only asks the
script and the cluster's own APIs: which node holds a primary shard of an index (`_cat/shards`),
SIGKILL that node by its pid file, start it again with the same script (which starts only the
nodes that are down) and time the way back to green.
"""

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bin/elasticsearch"


@dataclass(frozen=True)
class Node:
    name: str
    url: str
    pid_file: Path


def get_json(url: str, *, timeout: float = 10.0):
    """The decoded answer, also for Elasticsearch's 408 (a health wait that timed out)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 408:
            return json.load(exc)
        raise


class ElasticsearchCluster:
    def __init__(self, port: int, nodes: int = 3):
        self.env = {**os.environ, "ES_PORT": str(port), "ES_NODES": str(nodes)}
        self.env.pop("ES_RUN_DIR", None)  # that one names the single node's folder
        self.started_here = False
        self.nodes = [
            Node(name, url, Path(pid_file))
            for name, url, pid_file in (line.split() for line in self._script("nodes").splitlines())
        ]

    def _script(self, verb: str, *, check: bool = True) -> str:
        result = subprocess.run(
            [str(SCRIPT), verb], env=self.env, capture_output=True, text=True, timeout=600
        )
        if check and result.returncode:
            raise RuntimeError(f"bin/elasticsearch {verb}: {result.stderr.strip()[-1500:]}")
        return result.stdout

    @property
    def urls(self) -> str:
        """What ELASTICSEARCH_URL takes: every node, comma-separated."""
        return ",".join(node.url for node in self.nodes)

    def pid(self, node: Node) -> int | None:
        try:
            pid = int(node.pid_file.read_text().strip())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def running(self) -> bool:
        return all(self.pid(node) for node in self.nodes)

    def start(self) -> None:
        """Starts the nodes that are down and waits for green (bin/elasticsearch start)."""
        was_running = self.running()
        self._script("start")
        self.started_here = self.started_here or not was_running

    def start_down_nodes(self) -> None:
        """What a node's service manager does after it died: the same script starts it again
        (and waits for green). Does not make the cluster one this run started."""
        self._script("start")

    def stop(self) -> None:
        if self.started_here:
            self._script("stop", check=False)

    def _live_url(self) -> str:
        for node in self.nodes:
            if self.pid(node):
                return node.url
        raise RuntimeError("no node of the cluster is running")

    def health(self, *, wait_for: str = "", timeout: float = 1.0) -> dict:
        query = f"timeout={timeout:.0f}s" + (f"&wait_for_status={wait_for}" if wait_for else "")
        return get_json(f"{self._live_url()}/_cluster/health?{query}", timeout=timeout + 10)

    def primary_holder(self, index: str) -> Node:
        """The node holding primary shard 0 of `index` (an alias resolves to its index)."""
        shards = get_json(
            f"{self._live_url()}/_cat/shards/{index}?format=json&h=index,shard,prirep,state,node"
        )
        names = [s["node"] for s in shards if s["prirep"] == "p" and s["state"] == "STARTED"]
        if not names:
            raise RuntimeError(f"no started primary shard of {index}: {shards}")
        return next(node for node in self.nodes if node.name == names[0])

    def wait_for_primary_elsewhere(
        self, index: str, node: Node, *, timeout: float
    ) -> tuple[Node | None, float | None]:
        """The node that holds the primary of `index` once it is off `node` (a replica promoted),
        and the seconds that took; (None, None) if not within `timeout`. The master's cluster
        state still shows a killed node's shards until it has noticed the node is gone."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                holder = self.primary_holder(index)
                if holder != node:
                    return holder, time.monotonic() - started
            except (OSError, RuntimeError, ValueError):
                pass  # no primary started yet, or the node asked is the one that went away
            time.sleep(0.25)
        return None, None

    def shard_copies(self, index: str) -> list[dict]:
        return get_json(
            f"{self._live_url()}/_cat/shards/{index}?format=json&h=shard,prirep,state,node"
        )

    def kill(self, node: Node) -> int:
        pid = self.pid(node)
        if pid is None:
            raise RuntimeError(f"{node.name} is not running")
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_for_status(self, status: str, *, timeout: float, nodes: int = 0) -> float | None:
        """Seconds until the cluster reports `status` (green, or yellow-or-better) with at least
        `nodes` nodes joined, None if not within `timeout`."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                health = self.health(wait_for=status, timeout=2)
                if not health.get("timed_out", True) and health["number_of_nodes"] >= nodes:
                    return time.monotonic() - started
            except (OSError, RuntimeError, ValueError):
                pass  # the node asked went away between the pid check and the call
            time.sleep(0.5)
        return None

    def drop(self, pattern: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{self._live_url()}/{pattern}", method="DELETE"
        )
        urllib.request.urlopen(request, timeout=30)  # noqa: S310 - loopback
