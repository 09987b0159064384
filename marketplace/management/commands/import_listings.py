from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from marketplace.importers import listings_import

LABELS = {"created": "新建", "updated": "更新", "unchanged": "未变"}


class Command(BaseCommand):
    help = (
        "从 JSONL、CSV 或 XLSX 导入科技成果与技术需求（按 external_id 新建或更新并发布）；"
        "有错误则整体不导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--quiet-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, path: Path, quiet_progress: bool, **options):
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")

        def progress(iterable, desc):
            return tqdm(iterable, desc=desc, disable=quiet_progress, leave=False)

        try:
            result = listings_import(path=path, progress=progress)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"发现 {len(result.errors)} 处错误，未导入任何数据。")
        summary = "，".join(f"{LABELS[k]} {result.counts.get(k, 0)}" for k in LABELS)
        self.stdout.write(self.style.SUCCESS(f"导入完成：{summary}。"))
