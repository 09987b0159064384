from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from core.management.base import BaseCommand
from marketplace.importers import listings_import

LABELS = {
    "created": gettext_lazy("新建"),
    "updated": gettext_lazy("更新"),
    "unchanged": gettext_lazy("未变"),
}


class Command(BaseCommand):
    help = gettext_lazy(
        "从 JSONL、CSV 或 XLSX 导入科技成果与技术需求（按 external_id 新建或更新并发布）；"
        "有错误则整体不导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--quiet-progress", action="store_true", help=_("不显示进度条"))

    def handle(self, *args, path: Path, quiet_progress: bool, **options):
        if not path.is_file():
            raise CommandError(_("文件不存在：%(path)s") % {"path": path})

        def progress(iterable, desc):
            return tqdm(iterable, desc=desc, disable=quiet_progress, leave=False)

        try:
            result = listings_import(path=path, progress=progress)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(
                _("发现 %(count)s 处错误，未导入任何数据。") % {"count": len(result.errors)}
            )
        summary = "，".join(f"{LABELS[k]} {result.counts.get(k, 0)}" for k in LABELS)
        self.stdout.write(self.style.SUCCESS(_("导入完成：%(summary)s。") % {"summary": summary}))
