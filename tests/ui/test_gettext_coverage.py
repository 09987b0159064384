"""Every Chinese string in the apps' Python code goes through gettext, so the English switch
reaches it. The scan walks each module's syntax tree: a string constant holding Han characters
must sit inside a gettext call (`_`, `gettext`, `gettext_lazy`, `ngettext`, `pgettext`, …), be a
docstring, or be data named in ALLOWED with the reason it stays Chinese.

Parsing words are data by rule: the pattern of a `re` call and the argument of a string method
that takes input apart (`removesuffix`, `split`, `startswith` …).

ALLOWED keys are a module path; a module path and a scope inside it (`path:Class.method`,
`path:CONSTANT`, `path:Class.attribute`), covering what is nested in it; or a scope and one
string constant in it (`path:function:导入：`). Templates are checked by test_template_strings.py.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
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
    "npgettext",
    "npgettext_lazy",
}

PARSING_METHODS = {
    "removeprefix",
    "removesuffix",
    "strip",
    "lstrip",
    "rstrip",
    "split",
    "rsplit",
    "partition",
    "rpartition",
    "startswith",
    "endswith",
}

# The apps whose Python code is checked (the other half adds its apps here).
APPS = ["config", "core", "ip_registry", "accounts", "contracts", "marketplace", "plan", "search"]

_INDEXED_TEXT = (
    "document text written into the search index once, for every reader (searched by 申请号…)"
)

ALLOWED = {
    # config
    "config/wsgi.py": "the warm-up search query is input, not text shown to anyone",
    "config/settings/base.py:MFA_TOTP_ISSUER": (
        "the issuer name stored in people's authenticator apps must not change with the language"
    ),
    "config/settings/base.py:CONTRACT_OFFICE_NAME": (
        "the registry office's legal name, printed on official certificates; set by environment"
    ),
    # core
    "core/taxonomy.py": "vocabulary seed data: canonical names and aliases (English names beside)",
    "core/demo.py": "demo content (organisations, people, places) written to the database",
    # ip_registry
    "ip_registry/demo.py": "demo content (enterprises, patents, designations) for the database",
    **{
        f"ip_registry/imports/base.py:{name}": (
            "the Chinese column headers import files carry, shared by several importers"
        )
        for name in ("USCC_COLUMN", "DISTRICT_COLUMN", "INDUSTRY_COLUMN")
    },
    "ip_registry/imports/enterprises.py:EnterpriseImporter.columns": (
        "the Chinese column headers import files carry, matched against each file's header"
    ),
    **{
        f"ip_registry/imports/base.py:{column}": (
            "the Chinese column headers import files carry, matched against each file's header"
        )
        for column in ("USCC_COLUMN", "DISTRICT_COLUMN", "INDUSTRY_COLUMN")
    },
    "ip_registry/imports/designations.py:DesignationImporter.columns": (
        "the Chinese column headers import files carry, matched against each file's header"
    ),
    "ip_registry/imports/base.py:USCC_COLUMN": "an import file column header, with aliases",
    "ip_registry/imports/base.py:DISTRICT_COLUMN": "an import file column header, with aliases",
    "ip_registry/imports/base.py:INDUSTRY_COLUMN": "an import file column header, with aliases",
    "ip_registry/imports/patents.py:PatentImporter.columns": (
        "CNIPA's column headers and their aliases, matched against each file's header"
    ),
    "ip_registry/imports/patents.py:PatentImporter._write_status_events:导入：": (
        "the source of a legal-status event, stored with it in the register"
    ),
    "ip_registry/imports/designations.py:DesignationImporter.write:导入：": (
        "the source of a designation, stored with it in the register"
    ),
    "ip_registry/services.py:enterprise_designations_set:管理后台": (
        "the source of a designation made in the admin, stored with it in the register"
    ),
    # accounts
    "accounts/demo.py": "demo content (organisations, people, requests) written to the database",
    "accounts/imports.py:OrganizationImporter.columns": (
        "the Chinese column headers import files carry, matched against each file's header"
    ),
    "accounts/imports.py:KINDS": "words an import file may use for an organisation's kind",
    "accounts/management/commands/add_organization.py:KIND_WORDS": (
        "words an operator may type for an organisation's kind"
    ),
    "accounts/management/commands/add_organization.py:Command.add_arguments:企业": (
        "the default of --type, read by the same words"
    ),
    # contracts
    "contracts/demo.py": "demo content (company names, topics, notes) written into the database",
    "contracts/inquiries.py:INDUSTRY_FIELDS": "platform industry names matched against data",
    "contracts/inquiries.py:contract_from_inquiry.data": (
        "the draft contract's name, which is printed on the Chinese registration certificate"
    ),
    # marketplace
    "marketplace/demo.py": "demo content: sample listings, topics and inquiry texts",
    "marketplace/taxonomy.py": "seed vocabularies (cooperation modes, holder types), aliases",
    **{
        f"marketplace/services.py:organization_for_import:{word}": (
            "a word of Chinese organisation names that classifies an imported owner"
        )
        for word in ("大学", "学院", "研究院", "研究所", "研究中心")
    },
    # plan
    "plan/demo.py": "demo content: reports, notes and evidence for the demo database",
    "plan/models.py:Indicator.responsible": (
        "the default stored in the database (and in the migration) for an indicator's owners"
    ),
    # search
    "search/analysis.py:warm_up": "sample text that loads the tokenizers at start",
    "search/analysis.py:_INTRODUCING_TEXT": "verbs the analyser drops from definitions",
    "search/sources.py:PatentSource.to_documents": _INDEXED_TEXT,
    "search/sources.py:EnterpriseSource.to_documents": _INDEXED_TEXT,
}


def _scopes(tree: ast.Module):
    """Yield (string constant, scope) for every Han string that is not a docstring or gettext."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node

    def scope_of(node: ast.AST) -> str:
        names: list[str] = []
        parent = parents.get(node)
        while parent is not None:
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.append(parent.name)
            elif isinstance(parent, (ast.Assign, ast.AnnAssign)):
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                names.extend(t.id for t in targets[:1] if isinstance(t, ast.Name))
            parent = parents.get(parent)
        return ".".join(reversed(names))

    def called_name(node: ast.AST) -> str | None:
        if isinstance(node, ast.Call):
            func = node.func
            return getattr(func, "id", getattr(func, "attr", None))
        return None

    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if not HAN.search(node.value):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Expr):  # a docstring or a bare string
            continue
        while isinstance(parent, (ast.JoinedStr, ast.FormattedValue, ast.BinOp)):
            parent = parents.get(parent)
        if called_name(parent) in GETTEXT or _parses_input(parent):
            continue
        yield node, scope_of(node)


def _parses_input(call: ast.AST | None) -> bool:
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
        return False
    owner = call.func.value
    if isinstance(owner, ast.Name) and owner.id == "re":
        return True
    return call.func.attr in PARSING_METHODS


def _allowed(path: str, scope: str, value: str) -> str | None:
    if path in ALLOWED:
        return path
    parts = scope.split(".") if scope else []
    for end in range(len(parts), 0, -1):
        key = f"{path}:{'.'.join(parts[:end])}"
        for candidate in (key, f"{key}:{value}"):
            if candidate in ALLOWED:
                return candidate
    return None


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _scan():
    left: list[str] = []
    used: set[str] = set()
    for path in _modules():
        relative = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, scope in _scopes(tree):
            key = _allowed(relative, scope, node.value)
            if key:
                used.add(key)
            else:
                left.append(f"{relative}:{node.lineno} ({scope or 'module'}): {node.value!r}")
    return left, used


def test_han_strings_in_app_code_go_through_gettext():
    left, _used = _scan()
    assert left == [], f"{len(left)} Chinese strings outside gettext:\n" + "\n".join(left[:40])


def test_every_allowlist_entry_still_matches_something():
    _left, used = _scan()
    scanned = {key.split(":")[0].split("/")[0] for key in ALLOWED}
    assert scanned <= set(APPS)
    stale = sorted(set(ALLOWED) - used)
    assert stale == [], f"allowlist entries that match nothing (remove them): {stale}"


@pytest.mark.parametrize(
    "source",
    [
        'x = "中文"',
        'def f():\n    return {"detail": "无权执行此操作"}',
        'def f(name):\n    return f"用户 {name}"',
        'def f(n):\n    return "已逾期" + str(n)',
        'def f(s):\n    return s.upper("年")',
    ],
)
def test_the_scan_finds_a_bare_chinese_string(source):
    assert [node.value for node, _scope in _scopes(ast.parse(source))]


@pytest.mark.parametrize(
    "source",
    [
        'x = _("中文")',
        'def f():\n    """中文说明。"""\n    return gettext("无权执行此操作")',
        'x = gettext_lazy("用户 %(name)s") % {"name": 1}',
        'x = ngettext("%(n)d 条", "%(n)d 条", 2)',
        'x = re.compile(r"(\\d{4})年")',
        'def f(s):\n    return s.strip().removesuffix("年")',
    ],
)
def test_the_scan_accepts_gettext_and_docstrings(source):
    assert list(_scopes(ast.parse(source))) == []


def test_scopes_name_the_enclosing_definitions():
    source = (
        'class Importer:\n    columns = ["列"]\n\n    def clean(self):\n'
        '        source = f"导入：{self}"\n        return "错"'
    )
    scopes = {node.value: scope for node, scope in _scopes(ast.parse(source))}
    assert scopes == {
        "列": "Importer.columns",
        "导入：": "Importer.clean.source",
        "错": "Importer.clean",
    }


def test_allowlist_keys_cover_their_scope_and_no_more(monkeypatch):
    monkeypatch.setattr(
        "tests.ui.test_gettext_coverage.ALLOWED",
        {"a.py:Importer.columns": "", "a.py:Importer.clean:导入：": ""},
    )
    assert _allowed("a.py", "Importer.columns", "列") == "a.py:Importer.columns"
    assert _allowed("a.py", "Importer.clean.source", "导入：") == "a.py:Importer.clean:导入："
    assert _allowed("a.py", "Importer.clean", "错") is None
    assert _allowed("b.py", "Importer.columns", "列") is None
