import signal
import time

from django.core.management.base import BaseCommand

from search.services import search_outbox_drain_all, search_outbox_pending, search_outbox_purge


class Command(BaseCommand):
    help = "把检索同步队列（outbox）中的变更写入索引；--forever 作为常驻进程持续同步。"

    def add_arguments(self, parser):
        parser.add_argument("--forever", action="store_true", help="常驻运行，直到收到停止信号")
        parser.add_argument("--interval", type=float, default=1.0, help="轮询间隔（秒）")
        parser.add_argument("--purge-days", type=int, default=7, help="清理多少天前已完成的记录")

    def handle(self, *args, forever, interval, purge_days, **options):
        self._stop = False
        if forever:
            signal.signal(signal.SIGTERM, self._request_stop)
            signal.signal(signal.SIGINT, self._request_stop)
        while True:
            stats = search_outbox_drain_all()
            if stats["rows"] or not forever:
                self.stdout.write(
                    f"处理 {stats['rows']} 条：写入 {stats['upserted']}，删除 {stats['deleted']}，"
                    f"失败 {stats['failed']}"
                )
            if not forever:
                break
            if self._stop:
                break
            time.sleep(interval)
            if self._stop:
                break
        search_outbox_purge(older_than_days=purge_days)
        pending = search_outbox_pending()["pending"]
        self.stdout.write(f"待同步：{pending} 条")
        if not forever and stats["failed"]:
            raise SystemExit(1)

    def _request_stop(self, *args):
        self._stop = True
