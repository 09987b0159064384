"""Every Han string literal in the app code of contracts, marketplace, plan and search goes
through gettext, so the English switch reaches it; what stays Chinese is data, listed below
with the reason. (Half B of issue 14; to be folded into test_gettext_coverage.py.)"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("contracts", "marketplace")  # plan and search join as they are wrapped
HAN = re.compile(r"[\u4e00-\u9fff]")
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
}
# Keyword arguments whose text is the API's OpenAPI description: pydantic and django-ninja need
# plain strings when the schema classes are built at import, so they cannot follow a reader's
# language. The API's error details are translated.
API_DOC_KEYWORDS = {"summary", "description"}

# Whole modules that are data.
DATA_MODULES = {
    "contracts/demo.py": "demo content (company names, topics, notes) written into the database",
    "marketplace/demo.py": "demo content: sample listings, topics and inquiry texts",
    "marketplace/taxonomy.py": "seed vocabularies (cooperation modes, holder types), aliases",
}
_COMMAND_HELP = (
    "a command's `help`: typed str by Django, and commands run in the site language (zh-hans)"
)
# (module, enclosing definition) → why the Chinese literals there are data, not messages.
DATA = {
    ("contracts/inquiries.py", "INDUSTRY_FIELDS"): "platform industry names matched against data",
    ("contracts/inquiries.py", "contract_from_inquiry"): (
        "the draft contract's name, which is printed on the Chinese registration certificate"
    ),
    ("contracts/api.py", "_coded"): "OpenAPI schema text (see API_DOC_KEYWORDS)",
    ("marketplace/services.py", "organization_for_import"): (
        "words of Chinese organisation names (大学, 研究所…) that classify an imported owner"
    ),
    ("marketplace/management/commands/check_listing_patents.py", "Command"): _COMMAND_HELP,
    ("marketplace/management/commands/import_listings.py", "Command"): _COMMAND_HELP,
    ("marketplace/management/commands/notify_expiring_listings.py", "Command"): _COMMAND_HELP,
}


def _enclosing(parents: dict, node: ast.AST) -> str:
    """The name of the innermost def or class around node, or of the module-level assignment."""
    while node in parents:
        parent = parents[node]
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return parent.name
        if isinstance(parent, ast.Module):
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            return names[0] if names else ""
        node = parent
    return ""


def untranslated(path: Path) -> list[tuple[int, str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if not HAN.search(node.value) or isinstance(parents.get(node), ast.Expr):
            continue  # docstrings are for developers
        outer = parents.get(node)
        while isinstance(outer, (ast.JoinedStr, ast.FormattedValue, ast.BinOp)):
            outer = parents.get(outer)
        if isinstance(outer, ast.Call):
            func = outer.func
            if getattr(func, "id", getattr(func, "attr", None)) in GETTEXT:
                continue
        api_doc = isinstance(outer, ast.keyword) and outer.arg in API_DOC_KEYWORDS
        if api_doc and path.name == "api.py":
            continue
        found.append((node.lineno, _enclosing(parents, node), node.value))
    return found


def test_app_code_has_no_chinese_outside_gettext():
    left = []
    for app in APPS:
        for path in sorted((ROOT / app).glob("**/*.py")):
            module = str(path.relative_to(ROOT))
            if "migrations" in path.parts or module in DATA_MODULES:
                continue
            for line, where, text in untranslated(path):
                if (module, where) not in DATA:
                    left.append(f"{module}:{line} ({where}) {text[:40]!r}")
    assert left == [], f"{len(left)} Han literals outside gettext:\n" + "\n".join(left)


def test_every_allowlist_entry_still_matches_something():
    """An entry whose code is gone (or now translated) must leave the list."""
    used = set()
    for module, _where in DATA:
        used |= {(module, where) for _line, where, _text in untranslated(ROOT / module)}
    assert set(DATA) - used == set()
    assert all((ROOT / module).exists() for module in DATA_MODULES)


def test_the_scan_sees_bare_chinese_and_passes_wrapped_chinese(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "from django.utils.translation import gettext as _\n"
        'A = "裸露的中文"\n'
        'B = _("已翻译")\n'
        "def f(n):\n"
        '    """文档字符串。"""\n'
        '    return f"共 {n} 条" + _("条")\n',
        encoding="utf-8",
    )
    found = {(line, where) for line, where, _text in untranslated(module)}
    assert found == {(2, "A"), (6, "f")}
