import json
import os

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from core.management.base import BaseCommand
from search.client import elasticsearch_enabled
from search.services import search_index_check, search_index_rebuild
from search.sources import count_all


class Command(BaseCommand):
    help = gettext_lazy(
        "重建检索索引（rebuild：新建索引、批量写入、切换别名）或检查索引与数据库的偏差（check）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument(
            "--backend",
            choices=["all", "database", "elasticsearch"],
            default="all",
            help=_("只处理一个后端（默认：数据库表，以及已配置时的 Elasticsearch）"),
        )
        parser.add_argument("--json", action="store_true", help=_("check 的结果以 JSON 输出"))
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help=_("rebuild 时并行分词的进程数（默认 CPU 核数）"),
        )
        parser.add_argument(
            "--reanalyse",
            action="store_true",
            help=(
                _(
                    "rebuild 时对每条数据重新分词（默认只分析内容或分词器版本有变化的数据，"
                    "Elasticsearch 直接从数据库检索表中已分好的词写入）"
                )
            ),
        )

    def handle(
        self,
        *args,
        action,
        backend,
        json: bool = False,
        workers: int = 1,
        reanalyse: bool = False,
        **options,
    ):
        if backend == "elasticsearch" and not elasticsearch_enabled():
            raise CommandError(_("未配置 ELASTICSEARCH_URL，无法处理 Elasticsearch 索引"))
        backends = None if backend == "all" else [backend]
        if action == "rebuild":
            self.rebuild(backends, workers=max(1, workers), reanalyse=reanalyse)
        else:
            self.check_drift(backends, as_json=json)

    def rebuild(self, backends, *, workers, reanalyse):
        names = backends or ["database", *(["elasticsearch"] if elasticsearch_enabled() else [])]
        total = count_all() * len(names)
        # One call for all backends: Elasticsearch is then loaded from the entries the database
        # rebuild has just brought up to date.
        with tqdm(
            total=total,
            desc=_("重建 %(names)s") % {"names": "、".join(names)},
            unit="doc",
            disable=None,
        ) as bar:
            out = search_index_rebuild(
                backends=names, progress=bar.update, workers=workers, reanalyse=reanalyse
            )
        for name, row in out.items():
            self.stdout.write(
                _("%(name)s: %(documents)s 条，用时 %(seconds)s 秒（%(docs_per_second)s 条/秒）")
                % {
                    "name": name,
                    "documents": row["documents"],
                    "seconds": row["seconds"],
                    "docs_per_second": row["docs_per_second"],
                }
            )

    # Not `check`: that would replace BaseCommand.check, the system checks run before handle().
    def check_drift(self, backends, *, as_json):
        report = search_index_check(backends=backends)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, default=str, indent=2))
        else:
            self.stdout.write(
                _("数据库中应索引 %(expected)s 条") % {"expected": report["expected"]}
            )
            for name, row in report["backends"].items():
                if "error" in row:
                    self.stdout.write(
                        _("%(name)s: 无法读取索引（%(error)s）")
                        % {"name": name, "error": row["error"]}
                    )
                    continue
                self.stdout.write(
                    _(
                        "%(name)s: 已索引 %(indexed)s，缺失 %(missing)s，"
                        "过期 %(stale)s，多余 %(extra)s"
                    )
                    % {
                        "name": name,
                        "indexed": row["indexed"],
                        "missing": row["missing"],
                        "stale": row["stale"],
                        "extra": row["extra"],
                    }
                )
                for label, ids in row["examples"].items():
                    if ids:
                        self.stdout.write(f"  {label}: {', '.join(ids)}")
            self.stdout.write(
                _("待同步队列：%(pending)s 条") % {"pending": report["outbox"]["pending"]}
            )
        if not report["ok"]:
            raise CommandError(
                _("索引与数据库不一致：运行 manage.py search_index rebuild 或 search_sync")
            )
