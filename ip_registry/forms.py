import re

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from core.identifiers import validate_uscc
from core.tables import header_key
from ip_registry.models import DesignationType
from ip_registry.services import enterprise_designations_set

IMPORT_KINDS = [
    ("patents", "专利（申请号、名称、申请日、专利权人……）"),
    ("enterprises", "企业（统一社会信用代码、企业名称、所属区县、行业）"),
    ("designations", "企业认定（统一社会信用代码、年度、认定类型）"),
]
MAX_UPLOAD_MB = 50


class RegistryImportForm(forms.Form):
    kind = forms.ChoiceField(label="数据类型", choices=IMPORT_KINDS)
    file = forms.FileField(
        label="文件",
        help_text="CSV（UTF-8 或 GB18030）或 XLSX；第 1 行为表头，中英文列名均可。",
    )
    dry_run = forms.BooleanField(label="只检查，不导入", required=False)
    skip_invalid = forms.BooleanField(label="跳过无效行，导入其余有效行", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(f"文件超过 {MAX_UPLOAD_MB} MB，请改用 manage.py 导入命令")
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError("只接受 .csv 或 .xlsx 文件")
        return upload


class EnterpriseAdminForm(WagtailAdminModelForm):
    """The enterprise editor checks USCCs as the importer does and edits designations."""

    designations = forms.CharField(
        label="认定情况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一条：年度 认定类型，如“2019 规上科技型企业”；类型可用名称、代码或别名。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["designations"] = "\n".join(
                f"{d.year} {d.designation_type.name}"
                for d in self.instance.designations.select_related("designation_type").order_by(
                    "year", "designation_type__sort_order"
                )
            )

    def clean_uscc(self) -> str:
        try:
            return validate_uscc(self.cleaned_data.get("uscc") or "")
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def clean_designations(self) -> list[tuple[int, DesignationType]]:
        types = {}
        for dtype in DesignationType.objects.all():
            for alias in (dtype.code, dtype.name, *dtype.alias_list()):
                types[header_key(alias)] = dtype
        rows, errors = [], []
        for number, line in enumerate(
            (self.cleaned_data.get("designations") or "").splitlines(), 1
        ):
            if not line.strip():
                continue
            match = re.fullmatch(r"\s*(\d{4})\s*年?\s*[,，、\s]\s*(.+?)\s*", line)
            dtype = types.get(header_key(match.group(2))) if match else None
            if match is None or not 1985 <= int(match.group(1)) <= 2100:
                errors.append(
                    f"第 {number} 行“{line.strip()}”应为“年度 认定类型”，如 2019 规上科技型企业"
                )
            elif dtype is None:
                names = "、".join(sorted({t.name for t in types.values()}))
                errors.append(f"第 {number} 行认定类型“{match.group(2)}”无效（可选：{names}）")
            else:
                rows.append((int(match.group(1)), dtype))
        if errors:
            raise forms.ValidationError(errors)
        return rows

    def save(self, commit: bool = True):
        enterprise = super().save(commit=commit)
        if commit:
            enterprise_designations_set(
                enterprise=enterprise,
                designations=self.cleaned_data["designations"],
                actor=getattr(self, "for_user", None),
            )
        return enterprise
