from django import forms

IMPORT_KINDS = [
    ("patents", "专利（申请号、名称、申请日、专利权人……）"),
    ("enterprises", "企业（统一社会信用代码、企业名称、所属区县、行业）"),
    ("designations", "企业认定（统一社会信用代码、年度、认定类型）"),
]
MAX_UPLOAD_MB = 10  # under REQUEST_MAX_BYTES; bigger files go through manage.py import_*


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
