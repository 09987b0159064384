"""The import-linter contract (pyproject.toml) must cover every app of the project."""

import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def _contract() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]


def _project_apps() -> set[str]:
    """Installed apps whose code lives in this repository (top-level folders)."""
    return {
        config.name
        for config in apps.get_app_configs()
        if "." not in config.name and (ROOT / config.name / "apps.py").exists()
    }


def test_every_app_is_in_the_import_graph():
    missing = _project_apps() - set(_contract()["root_packages"])
    assert not missing, f"add {sorted(missing)} to [tool.importlinter] root_packages"


def test_every_app_has_a_layer():
    layers = next(c for c in _contract()["contracts"] if c["id"] == "layers")["layers"]
    named = {name.strip("()") for layer in layers for name in layer.split("|")}
    missing = _project_apps() - {name.strip() for name in named}
    assert not missing, f"give {sorted(missing)} a place in the layers contract"
