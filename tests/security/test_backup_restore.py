"""Backup and restore (docs/backup.md): scripts/backup of the test database and private files,
scripts/restore into a fresh database, and the same contracts, registry and listings come back;
the search index then rebuilds from the restored database alone. PostgreSQL only."""

import hashlib
import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from contracts import services as contract_services
from core.roles import Role
from tests.contracts.factories import make_draft
from tests.factories import OrganizationFactory
from tests.ip_registry.factories import EnterpriseFactory, patent_with_history
from tests.marketplace.factories import make_listing

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="backup and restore use pg_dump/pg_restore",
    ),
    pytest.mark.django_db(transaction=True),
]

QUERIES = {
    "contracts": "SELECT id, status, registration_number, total_amount FROM contracts_contract",
    "attachments": "SELECT contract_id, file, sha256 FROM contracts_attachment",
    "enterprises": "SELECT uscc, name FROM ip_registry_enterprise",
    "patents": "SELECT application_number, title, filing_date FROM ip_registry_patent",
    "holdings": "SELECT patent_id, enterprise_id, holder_uscc FROM ip_registry_holding",
    "listings": (
        "SELECT p.id, p.title, p.live FROM wagtailcore_page p JOIN "
        "marketplace_technologyresultpage t ON t.page_ptr_id = p.id"
    ),
}


def _url(params: dict, name: str) -> str:
    return (
        f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{name}"
    )


def _snapshot(url: str) -> dict:
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        return {
            key: sorted(conn.execute(sql + " ORDER BY 1, 2").fetchall())
            for key, sql in QUERIES.items()
        }


def _run(script: str, *args, env: dict):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.pop("ELASTICSEARCH_URL", None)  # the database search backend: no index to share
    full_env.update(env)
    result = subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def fresh_database():
    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    admin_url = _url(params, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _url(params, name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_into_a_fresh_database_with_the_same_data(
    make_user, tmp_path, fresh_database
):
    organization = OrganizationFactory()
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="b-member")
    officer = make_user(Role.REGISTRY_OFFICER, username="b-officer")
    make_draft(member, organization)
    registered = make_draft(member, organization)
    registered = contract_services.contract_submit(user=member, contract=registered)
    registered = contract_services.contract_accept(user=officer, contract=registered)
    contract_services.contract_register(user=officer, contract=registered)
    enterprise = EnterpriseFactory()
    patent_with_history(holder=enterprise)
    make_listing(organization=organization)

    source_url = _url(connection.settings_dict, connection.settings_dict["NAME"])
    before = _snapshot(source_url)
    assert before["contracts"] and before["attachments"] and before["patents"]
    assert before["listings"] and before["holdings"]

    backup = tmp_path / "backup"
    _run(
        "backup",
        str(backup),
        env={
            "DATABASE_URL": source_url,
            "DJANGO_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        },
    )
    assert {p.name for p in backup.iterdir()} == {
        "database.dump",
        "private.tar.gz",
        "media.tar.gz",
        "SHA256SUMS",
    }

    restored_private = tmp_path / "restored" / "private"
    result = _run(
        "restore",
        str(backup),
        env={
            "DATABASE_URL": fresh_database,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DJANGO_DATA_DIR": str(tmp_path / "restored"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(restored_private),
            "DJANGO_MEDIA_ROOT": str(tmp_path / "restored" / "media"),
        },
    )

    assert _snapshot(fresh_database) == before
    # The search index was rebuilt from the restored rows alone (patents, enterprises, listing…).
    rebuilt = [line for line in result.stdout.splitlines() if line.startswith("database:")]
    assert rebuilt and int(rebuilt[0].split()[1]) >= 3, result.stdout
    for _contract, name, sha256 in before["attachments"]:
        restored = restored_private / name
        assert hashlib.sha256(restored.read_bytes()).hexdigest() == sha256, name
