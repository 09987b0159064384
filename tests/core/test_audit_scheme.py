import importlib

import pytest
from django.apps import apps

from core.models import AuditEntry
from core.services import audit_record
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("core.migrations.0003_audit_action_scheme")


def test_audit_record_refuses_an_action_outside_the_scheme():
    organization = OrganizationFactory()
    with pytest.raises(ValueError, match=r"<context>\.<entity>\.<verb>"):
        audit_record(actor=None, action="contract.register", obj=organization)
    entry = audit_record(actor=None, action="core.organization.create", obj=organization)
    assert entry.action == "core.organization.create"


def test_migration_renames_the_three_old_dialects_and_back():
    organization = OrganizationFactory()
    old = ["contract.register", "market.inquiry.create", "holders_change", "indicator_actual"]
    for action in old:
        AuditEntry.objects.create(
            action=action, object_type="core.organization", object_id=str(organization.pk)
        )
    migration.forwards(apps, None)
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == [
        "contracts.contract.register",
        "ip_registry.indicator.actual_set",
        "ip_registry.patent.holders_change",
        "marketplace.inquiry.create",
    ]
    migration.backwards(apps, None)
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == sorted(old)
