"""Enterprises: the register's list of enterprises, keyed by USCC."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.identifiers import validate_uscc
from core.models import Organization
from core.vocabularies import vocabulary_lookup
from ip_registry.imports.base import DISTRICT_COLUMN, INDUSTRY_COLUMN, USCC_COLUMN, Column, Importer
from ip_registry.imports.cells import RowInvalid, required, split_list, validated
from ip_registry.models import Enterprise, name_key
from ip_registry.signals import registry_bulk_changed


class EnterpriseImporter(Importer):
    kind = "enterprises"
    label = gettext_lazy("企业")
    columns = (
        USCC_COLUMN,
        Column("name", "企业名称", ("名称", "单位名称", "enterprise_name", "company"), True),
        DISTRICT_COLUMN,
        INDUSTRY_COLUMN,
        Column("org_type", "机构类型", ("单位类型", "organization_type", "type")),
        Column("former_names", "曾用名", ("原名称",)),
    )

    def prepare(self):
        self.districts = vocabulary_lookup("district")
        self.industries = vocabulary_lookup("industry")
        self.org_types = vocabulary_lookup("org_type")

    def clean(self, row):
        errors = []
        cleaned = {}
        try:
            cleaned["uscc"] = validated(validate_uscc, required(row, "uscc", _("统一社会信用代码")))
        except RowInvalid as exc:
            errors += exc.messages
        name = str(row.get("name", "")).strip()
        if not name:
            errors.append(_("企业名称不能为空"))
        elif len(name) > 200:
            errors.append(_("企业名称“%(name)s…”超过 200 字") % {"name": name[:20]})
        cleaned["name"] = name
        for key, lookup, label in (
            ("district", self.districts, _("所属区县")),
            ("industry", self.industries, _("行业")),
        ):
            entry = lookup.get(row.get(key))
            if row.get(key) and entry is None:
                errors.append(lookup.unknown_message(row[key], label))
            cleaned[f"{key}_id"] = entry.pk if entry is not None else None
        cleaned["org_type"] = Organization.Kind.ENTERPRISE
        if row.get("org_type"):
            term = self.org_types.get(row["org_type"])
            if term is None or term.code not in Organization.Kind.values:
                errors.append(self.org_types.unknown_message(row["org_type"], _("机构类型")))
            else:
                cleaned["org_type"] = term.code
        cleaned["former_names"] = [n for n in split_list(row.get("former_names", "")) if n]
        if errors:
            raise RowInvalid(errors)
        return cleaned

    def key(self, cleaned):
        return cleaned["uscc"]

    def write(self, rows, report):
        existing = {
            e.uscc: e
            for e in Enterprise.objects.filter(uscc__in=[c["uscc"] for _number, c in rows])
        }
        new, changed = [], []
        for _number, c in rows:
            enterprise = existing.get(c["uscc"])
            if enterprise is None:
                new.append(
                    Enterprise(
                        uscc=c["uscc"],
                        name=c["name"],
                        name_key=name_key(c["name"]),
                        district_id=c["district_id"],
                        industry_id=c["industry_id"],
                        org_type=c["org_type"],
                        former_names=c["former_names"],
                    )
                )
                continue
            former = list(enterprise.former_names)
            for old in [
                *c["former_names"],
                *([enterprise.name] if enterprise.name != c["name"] else []),
            ]:
                if old not in former and old != c["name"]:
                    former.append(old)
            values = {
                "name": c["name"],
                "name_key": name_key(c["name"]),
                "former_names": former,
                "org_type": c["org_type"],
            }
            # Blank optional cells keep what the register already knows.
            if c["district_id"]:
                values["district_id"] = c["district_id"]
            if c["industry_id"]:
                values["industry_id"] = c["industry_id"]
            if all(getattr(enterprise, k) == v for k, v in values.items()):
                report.unchanged += 1
                continue
            for k, v in values.items():
                setattr(enterprise, k, v)
            enterprise.updated_at = timezone.now()
            changed.append(enterprise)
        created = Enterprise.objects.bulk_create(new, batch_size=1000)
        Enterprise.objects.bulk_update(
            changed,
            ["name", "name_key", "former_names", "org_type", "district", "industry", "updated_at"],
            batch_size=500,
        )
        registry_bulk_changed.send(
            sender=Enterprise, ids=[e.pk for e in created] + [e.pk for e in changed]
        )
        report.created += len(new)
        report.updated += len(changed)
