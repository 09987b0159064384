"""No secrets in the repository: every tracked file is scanned for keys, tokens and passwords."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Credentials that are meant to be public, each with where it is documented.
ALLOWED_LITERALS = {
    "panjin-demo-2026",  # demo users' password: README, core/demo.py (dev data only)
    "correct-horse-battery-staple",  # tests/factories.py PASSWORD
    "panjin-ci",  # .ci/run: the throwaway local PostgreSQL role CI creates
    "panjin-load-2026",  # bench/load/prepare.py: load-test accounts in a scratch database
    "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef",  # config/settings/dev.py
    "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789",  # config/settings/test.py
    "Panjin-new-2026!",  # tests/core/test_pages.py: the password-change test's new password
    "Panjin-strong-2026!",  # tests/accounts: sign-up passwords of test people
    "Panjin-Journey-2026!",  # tests/e2e/test_accounts_journey.py: the same, in the browser
    "12345678",  # tests/accounts/test_people.py: the weak password the validators refuse
    "pass",  # README placeholders: postgres://user:pass@…, postgres://panjin:secret@…
    "secret",
}

TOKEN_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY( BLOCK)?-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "Stripe key": re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}"),
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    "credentials in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@\"'$]+:([^/\s@\"'$]{3,})@"),
}
# NAME = "literal" / NAME: "literal" / NAME=literal (shell, .env) where NAME sounds secret.
ASSIGNMENT = re.compile(
    r"""(?ix)
    \b[\w.-]*(?:password|passwd|secret|token|api_?key|private_?key|access_?key)[\w-]*["']?
    \s*(?::|=|:=)\s*
    (?:["'](?P<quoted>[^"'\s]{6,})["']|(?P<bare>[A-Za-z0-9_\-+/]{12,})\s*$)
    """
)
SECRET_FILE_NAMES = re.compile(r"(^|/)(\.env(\..+)?|id_(rsa|ed25519|ecdsa)|.+\.(pem|key|p12|pfx))$")
SKIP_SUFFIXES = (".lock", ".png", ".jpg", ".ico", ".woff2", ".pdf", ".xlsx", ".svg", ".gz")


def _tracked_files() -> list[str]:
    result = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
    )
    return [name for name in result.stdout.decode().split("\0") if name]


@pytest.fixture(scope="module")
def tracked():
    try:
        return _tracked_files()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")


def _findings(name: str, text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for label, pattern in TOKEN_PATTERNS.items():
            match = pattern.search(line)
            if match and (label != "credentials in a URL" or not _is_public_or_template(match[1])):
                found.append(f"{name}:{number}: {label}")
        for match in ASSIGNMENT.finditer(line):
            value = match["quoted"] or match["bare"]
            if value in ALLOWED_LITERALS or _is_code_not_a_literal(value):
                continue
            found.append(f"{name}:{number}: literal credential {value[:4]}…")
    return found


def _is_public_or_template(password: str) -> bool:
    # A documented literal, or an f-string / format placeholder filled in at run time.
    return password in ALLOWED_LITERALS or bool(re.fullmatch(r"\{[^{}]*\}", password))


def _is_code_not_a_literal(value: str) -> bool:
    # Field names, form keys and environment variable names, not values.
    return bool(re.fullmatch(r"[a-z_][a-z0-9_]*|[A-Z_][A-Z0-9_]*|[a-z]+(-[a-z]+)+", value))


def test_no_secret_files_are_tracked(tracked):
    assert [name for name in tracked if SECRET_FILE_NAMES.search(name)] == []


def test_no_keys_tokens_or_passwords_in_tracked_files(tracked):
    this_file = str(Path(__file__).relative_to(ROOT))
    findings = []
    for name in tracked:
        if name == this_file or name.endswith(SKIP_SUFFIXES):
            continue
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        findings.extend(_findings(name, text))
    assert findings == []


@pytest.mark.parametrize(
    "line",
    [
        'DJANGO_SECRET_KEY = "k8Jd93hfQ0pLm2Zx7Vb4Nc6Rt1Yw5Ua"',
        "password: 'Tr0ub4dor&3'",
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "token = 'ghp_" + "a" * 36 + "'",
        "DATABASE_URL=postgres://panjin:s3cr3t-prod@db.example/panjin",
    ],
)
def test_the_scanner_catches_typical_leaks(line):
    assert _findings("sample", line)


@pytest.mark.parametrize(
    "line",
    [
        'password = forms.CharField(label="密码")',
        'DEMO_PASSWORD = "panjin-demo-2026"',
        'SECRET_KEY = env("DJANGO_SECRET_KEY")',
        '"password": "password_field"',
        "postgres://panjin:panjin-ci@127.0.0.1:5432/panjin",
    ],
)
def test_the_scanner_leaves_code_and_documented_demo_credentials_alone(line):
    assert _findings("sample", line) == []
