from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.imports import organizations_import
from core.management.base import BaseCommand
from core.tables import ImportFileError


class Command(BaseCommand):
    help = gettext_lazy(
        "从 CSV（UTF-8、带 BOM 的 UTF-8 或 GB18030）或 XLSX 导入机构：统一社会信用代码、"
        "机构名称（可选：机构类型、所属区县、行业、地址、联系人、联系电话）。"
        "全部行有效才写入；幂等。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help=_("只检查，不写入数据库"))
        parser.add_argument("--max-errors", type=int, default=200, help=_("最多列出的错误条数"))

    def handle(self, *args, path, dry_run, max_errors, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        try:
            report = organizations_import(
                data=file.read_bytes(), filename=file.name, dry_run=dry_run
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.listed(report.errors, label=_("错误"), unit=_("错误"), limit=max_errors):
            self.stderr.write(line)
        if report.errors:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
