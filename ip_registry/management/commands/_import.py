"""Shared by import_enterprises, import_designations and import_patents."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from tqdm import tqdm

from core.management.base import BaseCommand
from ip_registry.imports import ImportFileError, RowInvalid, parse_date, registry_import
from ip_registry.selectors import column_profile_get, column_profile_names


class ImportCommand(BaseCommand):
    help: str | Promise = ""
    kind = ""
    columns_help = ""

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("CSV（UTF-8、带 BOM 的 UTF-8 或 GB18030）或 XLSX 文件"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查，不写入数据库"))
        parser.add_argument(
            "--skip-invalid", action="store_true", help=_("导入有效行，报告并跳过无效行")
        )
        parser.add_argument("--max-errors", type=int, default=200, help=_("最多列出的错误条数"))
        parser.add_argument("--no-progress", action="store_true", help=_("不显示进度条"))
        parser.add_argument(
            "--profile", help=_("列映射方案名称（在后台上传页或“列映射方案”中保存的方案）")
        )
        parser.add_argument(
            "--status-date",
            help=_("导出日期：文件只写“失效”等而没有日期的法律状态，记为截至该日已知"),
        )

    def handle(
        self,
        *args,
        path,
        dry_run,
        skip_invalid,
        max_errors,
        no_progress,
        profile=None,
        status_date=None,
        **options,
    ):
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        mapping = None
        if profile:
            found = column_profile_get(kind=self.kind, name=profile)
            if found is None:
                names = "、".join(column_profile_names(kind=self.kind)) or _("（尚无方案）")
                raise CommandError(
                    _("找不到列映射方案“%(profile)s”。已有方案：%(names)s")
                    % {"profile": profile, "names": names}
                )
            mapping = found.mapping
        export_date = None
        if status_date:
            try:
                export_date = parse_date(status_date, "--status-date")
            except RowInvalid as exc:
                raise CommandError(str(exc)) from exc

        def progress(rows, total):
            return tqdm(
                rows,
                total=total or None,
                desc=_("导入"),
                unit=_("行"),
                disable=no_progress,
                leave=False,
                mininterval=0.5,
            )

        try:
            report = registry_import(
                kind=self.kind,
                data=file.read_bytes(),
                filename=file.name,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                progress=progress,
                profile=mapping,
                status_date=export_date,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.listed(report.errors, label=_("错误"), unit=_("错误"), limit=max_errors):
            self.stderr.write(line)
        for line in report.listed(
            report.warnings, label=_("提示"), unit=_("提示"), limit=max_errors
        ):
            self.stdout.write(line)
        for note in report.notes:
            self.stdout.write(_("说明 %(note)s") % {"note": note})
        style = self.style.SUCCESS if report.committed or not report.errors else self.style.ERROR
        self.stdout.write(style(report.summary()))
        self.stdout.write(
            _("用时 %(seconds)s 秒（%(rate)s 行/秒）")
            % {"seconds": f"{report.seconds:.2f}", "rate": f"{report.rows_per_second:,.0f}"}
        )
        if report.errors and not (report.committed and skip_invalid):
            raise CommandError(_("%(count)d 处错误") % {"count": len(report.errors)})
