"""nginx in front of gunicorn for `make prove`: the site an operator deploys, rendered as-is.

Renders deploy/nginx/panjin.conf.template (deploy/render.py) with the app's own folders, body
limit and internal prefix, a throwaway self-signed certificate made per run (openssl), and a
minimal main configuration standing in for Debian's /etc/nginx/nginx.conf (its own pid, logs
and temporary folders, so no system nginx is touched). Debian's nginx is installed first when
missing, as bench/prove.py does for PostgreSQL.

`access_summary` reads nginx's JSON access log (the site's `panjin_json` format): requests,
statuses, HTTP/2 and the files nginx sent for the app through X-Accel-Redirect.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
from render import nginx_values, render, self_signed_certificate  # noqa: E402

SITE_TEMPLATE = ROOT / "deploy/nginx/panjin.conf.template"
ACCEL_PREFIX = "/_protected/"

MAIN_CONF = """# Stands in for Debian's /etc/nginx/nginx.conf during `make prove`.
worker_processes 1;
pid {base}/nginx.pid;
error_log {base}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {base}/client_body;
    proxy_temp_path {base}/proxy;
    fastcgi_temp_path {base}/fastcgi;
    uwsgi_temp_path {base}/uwsgi;
    scgi_temp_path {base}/scgi;
    include {site};
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("prove: nginx missing (apt-get install nginx)")
    print("[prove] installing nginx from Debian's packages", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "nginx"],
        check=True,
        # RUNLEVEL=1: the package must not start the system's nginx on port 80.
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive", "RUNLEVEL": "1"},
        stdout=subprocess.DEVNULL,
    )
    return shutil.which("nginx") or "/usr/sbin/nginx"


def app_settings(env: dict) -> dict:
    """The folders and limits the app itself uses under this environment."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'static': str(s.STATIC_ROOT), 'media': str(s.MEDIA_ROOT), "
        "'private': str(s.PRIVATE_MEDIA_ROOT), 'max_body': s.REQUEST_MAX_BYTES, "
        "'accel': s.PRIVATE_FILES_ACCEL_REDIRECT}))"
    )
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@dataclass
class Nginx:
    base: Path
    https_port: int
    http_port: int
    upstream: str
    env: dict
    process: subprocess.Popen | None = None
    binary: str = field(default_factory=nginx_binary)

    @property
    def url(self) -> str:
        return f"https://localhost:{self.https_port}"

    @property
    def access_log(self) -> Path:
        return self.base / "access.log"

    @property
    def certificate(self) -> Path:
        return self.base / "tls/tls.crt"

    def configure(self) -> Path:
        """Render the site with the app's settings; `nginx -t` must accept it."""
        self.base.mkdir(parents=True, exist_ok=True)
        for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.base / folder).mkdir(exist_ok=True)
        cert, key = self_signed_certificate(self.base / "tls")
        app = app_settings(self.env)
        if app["accel"] != ACCEL_PREFIX:
            raise SystemExit(f"prove: PRIVATE_FILES_ACCEL_REDIRECT is {app['accel']!r}")
        values = nginx_values(
            server_name="localhost 127.0.0.1",
            public_host=f"localhost:{self.https_port}",
            http_listen=f"127.0.0.1:{self.http_port}",
            https_listen=f"127.0.0.1:{self.https_port}",
            upstream=self.upstream,
            certificate=str(cert),
            certificate_key=str(key),
            static_root=app["static"],
            media_root=app["media"],
            private_media_root=app["private"],
            max_body_bytes=app["max_body"],
            accel_prefix=ACCEL_PREFIX,
            access_log=str(self.access_log),
        )
        site = self.base / "panjin.conf"
        site.write_text(render(SITE_TEMPLATE, values), encoding="utf-8")
        main = self.base / "nginx.conf"
        main.write_text(MAIN_CONF.format(base=self.base, site=site), encoding="utf-8")
        for folder in (app["media"], app["private"]):
            Path(folder).mkdir(parents=True, exist_ok=True)
        # nginx's workers (nobody, when root starts it) read the app's folders, which lie in
        # prove's temporary folder (mkdtemp: 0700).
        for folder in (self.base.parent, self.base):
            os.chmod(folder, 0o755)  # noqa: S103 - a throwaway run folder
        self._nginx("-t", capture=True)
        return site

    def _nginx(self, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.binary, "-p", str(self.base), "-c", str(self.base / "nginx.conf"), *args],
            check=True,
            capture_output=capture,
            text=True,
        )

    def start(self) -> None:
        self.configure()
        out = open(self.base / "nginx.out", "a")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [
                self.binary,
                "-p",
                str(self.base),
                "-c",
                str(self.base / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while not (self.base / "nginx.pid").exists():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"prove: nginx did not start, see {self.base}/error.log")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def access_entries(log: Path, offset: int = 0) -> list[dict]:
    if not log.exists():
        return []
    with log.open("rb") as handle:
        handle.seek(offset)
        # Lines end at "\n" only: a decoded $uri may hold U+0085 or U+2028, which
        # str.splitlines() would also break at.
        lines = handle.read().decode("utf-8", "replace").split("\n")
    entries = []
    for line in lines:
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries


def access_summary(log: Path, offset: int = 0) -> dict:
    """Requests, 5xx, HTTP/2 share and X-Accel-Redirect deliveries in nginx's access log."""
    entries = access_entries(log, offset)
    statuses = Counter(int(e["status"]) for e in entries)
    return {
        "requests": len(entries),
        "five_xx": sum(n for s, n in statuses.items() if s >= 500),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "http2": sum(1 for e in entries if e.get("protocol") == "HTTP/2.0"),
        "proxied": sum(1 for e in entries if e.get("upstream_status")),
        "accel_served": sum(1 for e in entries if e.get("accel") and int(e["status"]) == 200),
        "static_served": sum(
            1
            for e in entries
            if e.get("request_uri", "").startswith("/static/")
            and not e.get("upstream_status")
            and int(e["status"]) in (200, 304)
        ),
    }


def unit_command(unit: str, *, app_dir: Path = ROOT) -> tuple[list[str], dict[str, str]]:
    """ExecStart and Environment of a deploy/systemd unit, rendered for this checkout: prove
    starts the very command an operator's systemd will."""
    text = render(
        ROOT / "deploy/systemd" / unit,
        {"APP_DIR": str(app_dir), "USER": "panjin", "ENV_FILE": "/etc/panjin/panjin.env"},
    )
    argv: list[str] = []
    environment: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ExecStart="):
            argv = shlex.split(line.removeprefix("ExecStart="))
        elif line.startswith("Environment="):
            name, _, value = line.removeprefix("Environment=").partition("=")
            environment[name] = value
    if not argv:
        raise SystemExit(f"prove: {unit} has no ExecStart")
    return argv, environment
