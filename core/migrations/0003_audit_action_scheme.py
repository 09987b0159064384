"""Existing audit entries take the one action scheme `<context>.<entity>.<verb>`."""

from django.db import migrations

BARE = {
    "legal_status": "ip_registry.patent.status_event_add",
    "holders_change": "ip_registry.patent.holders_change",
    "indicator_actual": "ip_registry.indicator.actual_set",
}
PREFIXES = [("contract.", "contracts.contract."), ("market.", "marketplace.")]


def _rename(apps, mapping: dict, prefixes: list) -> None:
    AuditEntry = apps.get_model("core", "AuditEntry")
    for old, new in mapping.items():
        AuditEntry.objects.filter(action=old).update(action=new)
    for old, new in prefixes:
        for action in (
            AuditEntry.objects.filter(action__startswith=old)
            .values_list("action", flat=True)
            .distinct()
        ):
            AuditEntry.objects.filter(action=action).update(action=new + action[len(old) :])


def forwards(apps, schema_editor):
    _rename(apps, BARE, PREFIXES)


def backwards(apps, schema_editor):
    _rename(
        apps, {new: old for old, new in BARE.items()}, [(new, old) for old, new in PREFIXES]
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_seed_reference_data")]

    operations = [migrations.RunPython(forwards, backwards)]
