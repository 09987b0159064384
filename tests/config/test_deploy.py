"""The deploy files (deploy/): what `make prove` runs is what an operator installs.

The nginx site renders with the app's own settings and, when nginx is installed, `nginx -t`
accepts it; the systemd units start commands that exist in this project.
"""

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
from render import (  # noqa: E402
    RenderError,
    nginx_values,
    placeholders,
    render,
    self_signed_certificate,
)

SITE = ROOT / "deploy/nginx/panjin.conf.template"
UNITS = sorted((ROOT / "deploy/systemd").glob("*.service"))
UNIT_VALUES = {"APP_DIR": "/srv/panjin/app", "USER": "panjin", "ENV_FILE": "/etc/panjin/env"}


def _site_values(tmp_path: Path) -> dict[str, str]:
    return nginx_values(
        server_name="tech.panjin.example",
        public_host="tech.panjin.example",
        http_listen="80",
        https_listen="443",
        upstream="127.0.0.1:8000",
        certificate=str(tmp_path / "tls.crt"),
        certificate_key=str(tmp_path / "tls.key"),
        static_root=str(settings.STATIC_ROOT),
        media_root=str(settings.MEDIA_ROOT),
        private_media_root=str(settings.PRIVATE_MEDIA_ROOT),
        max_body_bytes=settings.REQUEST_MAX_BYTES,
        accel_prefix="/_protected/",
        access_log=str(tmp_path / "access.log"),
    )


def test_the_site_renders_with_the_apps_limits_and_folders(tmp_path):
    text = render(SITE, _site_values(tmp_path))
    assert not placeholders(text)
    assert f"client_max_body_size {settings.REQUEST_MAX_BYTES};" in text
    assert "listen 443 ssl http2;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert f"alias {settings.PRIVATE_MEDIA_ROOT}/;" in text
    # The protected folders are internal; documents are never a public /media/ path.
    for prefix in ("/_protected/private/", "/_protected/media/"):
        block = text.split(f"location {prefix} {{", 1)[1].split("}", 1)[0]
        assert "internal;" in block
    assert "location /media/ {\n        return 404;" in text


def test_a_missing_or_stray_value_is_refused(tmp_path):
    values = _site_values(tmp_path)
    with pytest.raises(RenderError, match="missing"):
        render(SITE, {k: v for k, v in values.items() if k != "UPSTREAM"})
    with pytest.raises(RenderError, match="unused"):
        render(SITE, {**values, "TYPO": "x"})
    with pytest.raises(RenderError, match="directive"):
        render(SITE, {**values, "SERVER_NAME": "x; include /etc/passwd"})


@pytest.mark.skipif(
    not shutil.which("nginx"), reason="nginx is not installed (apt-get install nginx)"
)
def test_nginx_accepts_the_rendered_site(tmp_path):
    self_signed_certificate(tmp_path, "tech.panjin.example")
    site = tmp_path / "panjin.conf"
    site.write_text(render(SITE, _site_values(tmp_path)), encoding="utf-8")
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{ include /etc/nginx/mime.types; include {site}; }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_the_units_start_commands_of_this_project(unit):
    text = render(unit, UNIT_VALUES)
    assert "Restart=always" in text
    assert "Environment=DJANGO_SETTINGS_MODULE=config.settings.production" in text
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(exec_start.removeprefix("ExecStart="))
    local = [arg.replace(UNIT_VALUES["APP_DIR"], str(ROOT)) for arg in argv]
    assert local[0] == str(ROOT / ".venv/bin") + "/" + Path(local[0]).name
    assert Path(local[0]).exists(), f"{unit.name}: {argv[0]} is not in this project's .venv"
    if "manage.py" in local[1]:
        assert Path(local[1]) == ROOT / "manage.py"
        assert local[2] in get_commands(), f"{unit.name}: no manage.py command {local[2]}"
    else:
        config = Path(local[local.index("--config") + 1])
        assert config.exists()
        assert local[-1] == "config.wsgi:application"
        assert (ROOT / "config/wsgi.py").exists()


def test_there_is_a_web_and_a_worker_unit():
    assert {u.name for u in UNITS} >= {"panjin-web.service", "panjin-worker.service"}
