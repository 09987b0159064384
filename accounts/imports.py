"""import_organizations: the registry importers' engine (core.tables' reader and report,
ip_registry's column matching) applied to platform organisations.

The row loop is this module's own because ip_registry's run is keyed by its three registry
kinds; the reading, header aliases, `第 N 行：…` messages and the all-or-nothing rule are shared.
"""

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.identifiers import validate_uscc
from core.models import District, Industry, Organization
from core.tables import ImportReport, header_key
from ip_registry.imports.base import DISTRICT_COLUMN, INDUSTRY_COLUMN, USCC_COLUMN, Column, Importer
from ip_registry.imports.cells import RowInvalid
from ip_registry.imports.run import importer_run
from ip_registry.models import name_key

# Parsing words: the kinds' Chinese names and codes, whatever language is active.
with translation.override("zh-hans"):
    KINDS = (
        {header_key(label): value for value, label in Organization.Kind.choices}
        | {header_key(value): value for value in Organization.Kind.values}
        | {
            header_key("其他"): Organization.Kind.OTHER,
            header_key("院所"): Organization.Kind.INSTITUTE,
        }
    )


class OrganizationImporter(Importer):
    kind = "organizations"
    label = gettext_lazy("机构")
    columns = (
        USCC_COLUMN,
        Column("name", "机构名称", ("名称", "单位名称", "企业名称", "organization_name"), True),
        Column("kind", "机构类型", ("类型", "单位类型", "type", "org_type")),
        DISTRICT_COLUMN,
        INDUSTRY_COLUMN,
        Column("address", "地址", ("通讯地址", "住所")),
        Column("contact_name", "联系人", ("contact",)),
        Column("contact_phone", "联系电话", ("电话", "phone")),
    )

    def prepare(self) -> None:
        self.districts: dict[str, District] = {}
        for district in District.objects.all():
            self.districts[name_key(district.name)] = district
            if district.division_code:
                self.districts[district.division_code] = district
        self.industries = {name_key(i.name): i for i in Industry.objects.all()}

    def clean(self, row: dict) -> dict:
        errors = []
        cleaned: dict = {}
        try:
            cleaned["uscc"] = validate_uscc(str(row.get("uscc") or ""))
        except ValidationError as exc:
            errors += exc.messages
        name = str(row.get("name") or "").strip()
        if not name:
            errors.append(_("机构名称不能为空"))
        elif len(name) > 200:
            errors.append(_("机构名称“%(name)s…”超过 200 字") % {"name": name[:20]})
        cleaned["name"] = name
        cleaned["kind"] = Organization.Kind.ENTERPRISE
        if row.get("kind"):
            cleaned["kind"] = KINDS.get(header_key(row["kind"]))
            if cleaned["kind"] is None:
                errors.append(
                    _("机构类型“%(kind)s”无效（企业、高校、科研院所或其他）")
                    % {"kind": row["kind"]}
                )
        cleaned["district"] = None
        if row.get("district"):
            cleaned["district"] = self.districts.get(name_key(str(row["district"])))
            if cleaned["district"] is None:
                names = "、".join(sorted({d.name for d in self.districts.values()}))
                errors.append(
                    _("所属区县“%(district)s”不在区县列表中（可选：%(names)s）")
                    % {"district": row["district"], "names": names}
                )
        cleaned["industry"] = None
        if row.get("industry"):
            cleaned["industry"] = self.industries.get(name_key(str(row["industry"])))
            if cleaned["industry"] is None:
                errors.append(_("行业“%(industry)s”不在行业列表中") % {"industry": row["industry"]})
        for key, limit in (("address", 200), ("contact_name", 50), ("contact_phone", 30)):
            value = str(row.get(key) or "").strip()
            if len(value) > limit:
                errors.append(_("%(field)s超过 %(limit)d 字") % {"field": key, "limit": limit})
            cleaned[key] = value
        if errors:
            raise RowInvalid(errors)
        return cleaned

    def key(self, cleaned: object) -> object:
        assert isinstance(cleaned, dict)
        return cleaned["uscc"]

    def write(self, rows: list[tuple[int, dict]], report: ImportReport) -> None:
        existing = {
            o.uscc: o for o in Organization.objects.filter(uscc__in=[c["uscc"] for _, c in rows])
        }
        for number, c in rows:
            organization = existing.get(c["uscc"])
            if organization is not None and organization.status == Organization.Status.PENDING:
                report.error(
                    number,
                    _("%(uscc)s 有一份待审核的机构申请，请先在审核队列处理") % {"uscc": c["uscc"]},
                )
                continue
            if organization is None:
                Organization.objects.create(**c, status=Organization.Status.APPROVED)
                report.created += 1
                continue
            values = {**c, "status": Organization.Status.APPROVED}
            if all(getattr(organization, k) == v for k, v in values.items()):
                report.unchanged += 1
                continue
            for k, v in values.items():
                setattr(organization, k, v)
            organization.save()
            report.updated += 1


def organizations_import(*, data: bytes, filename: str, dry_run: bool = False) -> ImportReport:
    """All or nothing: any invalid row and nothing is written. Raises ImportFileError when
    the file as a whole is unusable."""
    return importer_run(
        OrganizationImporter(filename=filename), data=data, filename=filename, dry_run=dry_run
    )
