"""Duplicate fingerprints now include the contract name: recompute the stored ones."""

import hashlib
import re
import unicodedata

from django.db import migrations


def _key(text):
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s*_\-·]", "", text)


def recompute(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    for contract in Contract.objects.exclude(fingerprint="").prefetch_related("parties"):
        parties = sorted(f"{p.role}:{p.uscc or p.name.strip()}" for p in contract.parties.all())
        text = "|".join(
            [*parties, _key(contract.name), str(contract.signed_on), f"{contract.total_amount:.2f}"]
        )
        contract.fingerprint = hashlib.sha256(text.encode()).hexdigest()
        contract.save(update_fields=["fingerprint"])


class Migration(migrations.Migration):
    dependencies = [("contracts", "0003_declared_non_technical_amount")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
