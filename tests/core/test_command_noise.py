"""Commands keep the terminal for their progress and summary: log records below WARNING show
only with -v 2 (or an explicit DJANGO_LOG_LEVEL)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOG = (
    "import logging; log = logging.getLogger('panjin.test'); "
    "log.info('INFO-LINE'); log.warning('WARN-LINE')"
)


def run(*args: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_LOG_LEVEL"}
    environ.update(env, DJANGO_SETTINGS_MODULE="config.settings.test")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", LOG, *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "env", "info_shown"),
    [
        ((), {}, False),
        (("-v", "1"), {}, False),
        (("-v", "2"), {}, True),
        (("--verbosity=3",), {}, True),
        ((), {"DJANGO_LOG_LEVEL": "INFO"}, True),
    ],
)
def test_info_logging_stays_out_of_the_terminal_unless_asked(args, env, info_shown):
    output = run(*args, **env)
    assert "WARN-LINE" in output
    assert ("INFO-LINE" in output) is info_shown
