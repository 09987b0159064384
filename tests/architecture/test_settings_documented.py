"""Every app setting is declared in base.py, listed in the README's table and read plainly."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Settings the apps define for themselves (library settings such as AXES_* are not listed).
APP_PREFIXES = (
    "ACCOUNTS_",
    "CONTRACT_",
    "IP_REGISTRY_",
    "MARKET_",
    "SEARCH_",
    "ELASTICSEARCH_",
    "PLAN_",
    "PRIVATE_FILES_",
)
APPS = ("config", "core", "ip_registry", "accounts", "marketplace", "contracts", "plan", "search")


def _declared() -> set[str]:
    tree = ast.parse((ROOT / "config/settings/base.py").read_text("utf-8"))
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return {n for n in names if n.startswith(APP_PREFIXES)}


def _readme_names() -> set[str]:
    rows = [
        line for line in (ROOT / "README.md").read_text("utf-8").split("\n") if line[:3] == "| `"
    ]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_app_setting_is_in_the_readme_table():
    declared = _declared()
    assert {"CONTRACT_REVIEW_RULE", "IP_REGISTRY_COVERAGE", "SEARCH_SYNC_TASK_LIMIT"} <= declared
    missing = declared - _readme_names()
    assert not missing, f"add {sorted(missing)} to the README's settings table"


def test_no_setting_is_read_with_a_default_of_its_own():
    pattern = re.compile(r"getattr\(\s*settings\s*,")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        if (ROOT / app).is_dir()
        for path in (ROOT / app).rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").split("\n"), 1)
        if pattern.search(line)
    ]
    assert not offenders, f"declare the setting in base.py and read settings.NAME: {offenders}"
