import json
import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.client import elasticsearch_enabled
from search.services import search_index_check, search_index_rebuild
from search.sources import count_all


class Command(BaseCommand):
    help = (
        "重建检索索引（rebuild：新建索引、批量写入、切换别名）或检查索引与数据库的偏差（check）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument(
            "--backend",
            choices=["all", "database", "elasticsearch"],
            default="all",
            help="只处理一个后端（默认：数据库表，以及已配置时的 Elasticsearch）",
        )
        parser.add_argument("--json", action="store_true", help="check 的结果以 JSON 输出")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="rebuild 时并行分词的进程数（默认 CPU 核数）",
        )
        parser.add_argument(
            "--reanalyse",
            action="store_true",
            help=(
                "rebuild 时对每条数据重新分词（默认只分析内容或分词器版本有变化的数据，"
                "Elasticsearch 直接从数据库检索表中已分好的词写入）"
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
            raise CommandError("未配置 ELASTICSEARCH_URL，无法处理 Elasticsearch 索引")
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
        with tqdm(total=total, desc=f"重建 {'、'.join(names)}", unit="doc", disable=None) as bar:
            out = search_index_rebuild(
                backends=names, progress=bar.update, workers=workers, reanalyse=reanalyse
            )
        for name, row in out.items():
            self.stdout.write(
                f"{name}: {row['documents']} 条，用时 {row['seconds']} 秒"
                f"（{row['docs_per_second']} 条/秒）"
            )

    # Not `check`: that would replace BaseCommand.check, the system checks run before handle().
    def check_drift(self, backends, *, as_json):
        report = search_index_check(backends=backends)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, default=str, indent=2))
        else:
            self.stdout.write(f"数据库中应索引 {report['expected']} 条")
            for name, row in report["backends"].items():
                if "error" in row:
                    self.stdout.write(f"{name}: 无法读取索引（{row['error']}）")
                    continue
                self.stdout.write(
                    f"{name}: 已索引 {row['indexed']}，缺失 {row['missing']}，过期 {row['stale']}，"
                    f"多余 {row['extra']}"
                )
                for label, ids in row["examples"].items():
                    if ids:
                        self.stdout.write(f"  {label}: {', '.join(ids)}")
            self.stdout.write(f"待同步队列：{report['outbox']['pending']} 条")
        if not report["ok"]:
            raise CommandError(
                "索引与数据库不一致：运行 manage.py search_index rebuild 或 search_sync"
            )
