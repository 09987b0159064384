"""Yearly designations (规上科技型企业, 高新技术企业 …) of registered enterprises."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.identifiers import validate_uscc
from core.vocabularies import vocabulary_lookup
from ip_registry.imports.base import USCC_COLUMN, Column, Importer
from ip_registry.imports.cells import RowInvalid, required, validated
from ip_registry.models import Designation, Enterprise


class DesignationImporter(Importer):
    kind = "designations"
    label = gettext_lazy("企业认定")
    columns = (
        USCC_COLUMN,
        Column("year", "年度", ("认定年度", "年份"), True),
        Column("designation", "认定类型", ("类型", "认定", "designation_type", "type"), True),
        Column("source", "来源", ("认定文件", "文件", "批次", "source_document")),
        Column("name", "企业名称", ("名称",)),
    )

    def prepare(self):
        self.enterprises = dict(Enterprise.objects.values_list("uscc", "pk"))
        self.types = vocabulary_lookup("designation_type")

    def clean(self, row):
        errors = []
        cleaned = {}
        try:
            uscc = validated(validate_uscc, required(row, "uscc", _("统一社会信用代码")))
            cleaned["enterprise_id"] = self.enterprises.get(uscc)
            if cleaned["enterprise_id"] is None:
                errors.append(
                    _("统一社会信用代码“%(uscc)s”对应的企业未登记，请先导入企业") % {"uscc": uscc}
                )
        except RowInvalid as exc:
            errors += exc.messages
        year = str(row.get("year", "")).strip().removesuffix("年")
        if not re.fullmatch(r"\d{4}", year) or not 1985 <= int(year) <= 2100:
            errors.append(
                _("年度“%(year)s”无效（应为四位年份，如 2019）") % {"year": row.get("year", "")}
            )
        else:
            cleaned["year"] = int(year)
        dtype = str(row.get("designation", "")).strip()
        entry = self.types.get(dtype)
        cleaned["designation_type_id"] = entry.pk if entry is not None else None
        if entry is None:
            errors.append(self.types.unknown_message(dtype, _("认定类型")))
        cleaned["source"] = str(row.get("source", "")).strip()[:200]
        if errors:
            raise RowInvalid(errors)
        return cleaned

    def key(self, c):
        return (c["enterprise_id"], c["designation_type_id"], c["year"])

    def write(self, rows, report):
        enterprise_ids = {c["enterprise_id"] for _number, c in rows}
        existing = {
            (d.enterprise_id, d.designation_type_id, d.year): d
            for d in Designation.objects.filter(enterprise_id__in=enterprise_ids)
        }
        new, changed = [], []
        for _number, c in rows:
            designation = existing.get(self.key(c))
            if designation is None:
                new.append(Designation(**{**c, "source": c["source"] or f"导入：{self.filename}"}))
            elif c["source"] and designation.source != c["source"]:
                designation.source = c["source"]
                changed.append(designation)
            else:
                report.unchanged += 1
        Designation.objects.bulk_create(new, batch_size=1000)
        Designation.objects.bulk_update(changed, ["source"], batch_size=500)
        report.created += len(new)
        report.updated += len(changed)
