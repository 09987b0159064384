import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from core.forms import optional_choice
from core.identifiers import validate_uscc
from core.vocabularies import vocabulary_lookup
from ip_registry.imports import IMPORTERS, RowInvalid, parse_date
from ip_registry.models import ColumnProfile, DesignationType
from ip_registry.services import enterprise_designations_set

IMPORT_KINDS = [
    ("patents", _("专利（申请号、名称、申请日、专利权人……）")),
    ("enterprises", _("企业（统一社会信用代码、企业名称、所属区县、行业）")),
    ("designations", _("企业认定（统一社会信用代码、年度、认定类型）")),
]
MAX_UPLOAD_MB = 10  # under REQUEST_MAX_BYTES; bigger files go through manage.py import_*
MAP_TITLE = "map-title-"
MAP_FIELD = "map-field-"


class RegistryImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("数据类型"), choices=IMPORT_KINDS)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("CSV（UTF-8 或 GB18030）或 XLSX；第 1 行为表头，中英文列名均可。"),
    )
    profile = optional_choice(
        ColumnProfile,
        _("列映射方案"),
        empty_label=_("——不使用——"),
        help_text=_("本单位导出文件的列名与系统字段的对应关系，保存一次即可反复使用。"),
    )
    status_date = forms.CharField(
        label=_("导出日期"),
        required=False,
        max_length=20,
        help_text=_(
            "文件只写“失效”而没有失效日期时，失效记为截至此日已知（不会改写此前的覆盖率）。"
            "如 2024-06-30、2024/6/30、2024年6月30日。"
        ),
    )
    dry_run = forms.BooleanField(label=_("只检查，不导入"), required=False)
    skip_invalid = forms.BooleanField(label=_("跳过无效行，导入其余有效行"), required=False)
    save_profile_as = forms.CharField(
        label=_("把下方的列映射保存为方案"),
        required=False,
        max_length=60,
        help_text=_("填写方案名称；命令行导入时用 --profile 方案名。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("文件超过 %(mb)s MB，请改用 manage.py 导入命令") % {"mb": MAX_UPLOAD_MB}
            )
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("只接受 .csv 或 .xlsx 文件"))
        return upload

    def clean_status_date(self) -> date | None:
        try:
            return parse_date(self.cleaned_data["status_date"].strip(), str(_("导出日期")))
        except RowInvalid as exc:
            raise forms.ValidationError(exc.messages) from exc

    def clean(self):
        cleaned = super().clean()
        profile = cleaned.get("profile")
        if profile and cleaned.get("kind") and profile.kind != cleaned["kind"]:
            self.add_error(
                "profile",
                _("方案“%(name)s”用于%(kind)s，与所选数据类型不符")
                % {"name": profile.name, "kind": profile.get_kind_display()},
            )
        return cleaned

    def column_mapping(self) -> dict[str, str]:
        """Headers the officer mapped on this page: {file header: column key}."""
        fields = {c.key for c in IMPORTERS[self.cleaned_data["kind"]].columns}
        mapping = {}
        for name, title in self.data.items():
            if not name.startswith(MAP_TITLE):
                continue
            key = self.data.get(MAP_FIELD + name.removeprefix(MAP_TITLE), "")
            if key in fields and title.strip():
                mapping[title.strip()[:100]] = key
        return mapping


class EnterpriseAdminForm(WagtailAdminModelForm):
    """The enterprise editor checks USCCs as the importer does and edits designations."""

    designations = forms.CharField(
        label=_("认定情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一条：年度 认定类型，如“2019 规上科技型企业”；类型可用名称、代码或别名。"),
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
        types = vocabulary_lookup("designation_type")
        rows: list[tuple[int, DesignationType]] = []
        errors: list[str] = []
        for number, line in enumerate(
            (self.cleaned_data.get("designations") or "").splitlines(), 1
        ):
            if not line.strip():
                continue
            match = re.fullmatch(r"\s*(\d{4})\s*年?\s*[,，、\s]\s*(.+?)\s*", line)
            dtype = types.get(match.group(2)) if match else None
            if match is None or not 1985 <= int(match.group(1)) <= 2100:
                errors.append(
                    gettext("第 %(number)d 行“%(line)s”应为“年度 认定类型”，如 2019 规上科技型企业")
                    % {"number": number, "line": line.strip()}
                )
            elif dtype is None:
                errors.append(
                    gettext("第 %(number)d 行：%(message)s")
                    % {
                        "number": number,
                        "message": types.unknown_message(match.group(2), gettext("认定类型")),
                    }
                )
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
