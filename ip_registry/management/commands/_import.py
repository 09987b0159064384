"""Shared by import_enterprises, import_designations and import_patents."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ip_registry.imports import ImportFileError, RowInvalid, parse_date, registry_import
from ip_registry.selectors import column_profile_get, column_profile_names


class ImportCommand(BaseCommand):
    kind = ""
    columns_help = ""

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV（UTF-8、带 BOM 的 UTF-8 或 GB18030）或 XLSX 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="导入有效行，报告并跳过无效行"
        )
        parser.add_argument("--max-errors", type=int, default=200, help="最多列出的错误条数")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument(
            "--profile", help="列映射方案名称（在后台上传页或“列映射方案”中保存的方案）"
        )
        parser.add_argument(
            "--status-date",
            help="导出日期：文件只写“失效”等而没有日期的法律状态，记为截至该日已知",
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
            raise CommandError(f"找不到文件：{path}")
        mapping = None
        if profile:
            found = column_profile_get(kind=self.kind, name=profile)
            if found is None:
                names = "、".join(column_profile_names(kind=self.kind)) or "（尚无方案）"
                raise CommandError(f"找不到列映射方案“{profile}”。已有方案：{names}")
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
                desc="导入",
                unit="行",
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
        for line in report.listed(report.errors, label="错误", unit="错误", limit=max_errors):
            self.stderr.write(line)
        for line in report.listed(report.warnings, label="提示", unit="提示", limit=max_errors):
            self.stdout.write(line)
        for note in report.notes:
            self.stdout.write(f"说明 {note}")
        style = self.style.SUCCESS if report.committed or not report.errors else self.style.ERROR
        self.stdout.write(style(report.summary()))
        self.stdout.write(f"用时 {report.seconds:.2f} 秒（{report.rows_per_second:,.0f} 行/秒）")
        if report.errors and not (report.committed and skip_invalid):
            raise CommandError(f"{len(report.errors)} 处错误")
