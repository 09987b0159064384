import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_urlsafe(50)


def manage(*args, env_overrides: dict[str, str], drop: tuple[str, ...] = ()):
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(tmp_path, **overrides):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
        "DJANGO_ALLOWED_HOSTS": "tech.panjin.example",
        "DJANGO_DATA_DIR": str(tmp_path),
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_check_deploy_is_clean_under_production(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=production_env(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize("variable", ["DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS"])
def test_missing_production_setting_is_a_one_line_error(tmp_path, variable):
    result = manage("check", env_overrides=production_env(tmp_path, **{variable: None}))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_SECRET_KEY", "x"),
        ("DATABASE_URL", "nosuchdb://whatever"),
        ("DJANGO_SITE_URL", "http://tech.panjin.example"),
        ("DJANGO_SITE_URL", "https://127.0.0.1:8000"),
    ],
)
def test_bad_production_setting_is_a_one_line_error(tmp_path, variable, value):
    result = manage("check", env_overrides=production_env(tmp_path, **{variable: value}))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]


def test_production_links_go_to_the_configured_site_address(tmp_path):
    shell = "from django.conf import settings; print(settings.SITE_URL)"
    result = manage("shell", "-c", shell, env_overrides=production_env(tmp_path))
    assert result.stdout.strip().splitlines()[-1] == "https://tech.panjin.example", result.stderr
    custom = production_env(
        tmp_path,
        DJANGO_ALLOWED_HOSTS="tech.panjin.example,www.panjin.example",
        DJANGO_SITE_URL="https://www.panjin.example/",
    )
    result = manage("shell", "-c", shell, env_overrides=custom)
    assert result.stdout.strip().splitlines()[-1] == "https://www.panjin.example", result.stderr


def test_dev_default_is_sqlite_in_wal_mode_under_the_data_folder(tmp_path):
    result = manage(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); "
        "print(c.fetchone()[0], connection.settings_dict['NAME'])",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DJANGO_DATA_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stderr
    mode, name = result.stdout.strip().splitlines()[-1].split()
    assert mode == "wal"
    assert name == str(tmp_path / "db.sqlite3")


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "en" in dict(settings.LANGUAGES)
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_search_backend_follows_elasticsearch_url(settings):
    from search.selectors import search_backend_status

    settings.ELASTICSEARCH_URL = ""
    assert search_backend_status()["backend"] == "database"
