"""The worker: `search_sync --forever` runs beside the web processes (one or more of them).

Each round it runs every ready task of the django-tasks-db queue (when that is the TASKS
backend), exactly as `manage.py db_worker` would, then sweeps the outbox: rows whose task was
lost (a worker killed mid-batch, an enqueue that failed) are applied within one interval, with
no manual step. Without --forever it drains what is due once and exits (1 when a batch failed).
"""

import logging
import signal
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from core.management.base import BaseCommand
from search.outbox import (
    DRAIN_BATCH,
    search_outbox_drain_all,
    search_outbox_pending,
    search_outbox_purge,
)

PURGE_EVERY_SECONDS = 3600
DATABASE_RETRY_SECONDS = 2.0
logger = logging.getLogger(__name__)


def _database_queue():
    """The django-tasks-db worker loop, when the database queue is the TASKS backend."""
    return (
        Worker if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend) else None
    )


class Command(BaseCommand):
    help = gettext_lazy(
        "把检索同步队列（outbox）中的变更写入索引；--forever 作为常驻进程持续同步并执行后台任务。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--forever", action="store_true", help=_("常驻运行，直到收到停止信号"))
        parser.add_argument("--interval", type=float, default=1.0, help=_("轮询间隔（秒）"))
        parser.add_argument(
            "--batch", type=int, default=DRAIN_BATCH, help=_("每批处理的记录数（内存随之而定）")
        )
        parser.add_argument("--purge-days", type=int, default=7, help=_("清理多少天前已完成的记录"))

    def handle(self, *args, forever, interval, batch, purge_days, **options):
        if not forever:
            stats = search_outbox_drain_all(limit=batch, wait=30.0)
            self._report(stats)
            search_outbox_purge(older_than_days=purge_days)
            self.stdout.write(
                _("待同步：%(pending)s 条") % {"pending": search_outbox_pending()["pending"]}
            )
            if stats["failed"] or stats["busy"]:
                raise SystemExit(1)
            return
        self._stop = False
        self._task_worker = None
        previous = {
            sig: signal.signal(sig, self._request_stop) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            self._run_forever(interval=interval, batch=batch, purge_days=purge_days, **options)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _run_forever(self, *, interval, batch, purge_days, **options):
        worker_class = _database_queue()
        if options["verbosity"] < 2:
            # The task loop restarts every round; its "Starting worker" line would be noise.
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        worker_id = get_random_string(32)
        max_rows = settings.SEARCH_SYNC_TASK_LIMIT
        self.stdout.write(
            _("检索同步进程已启动（%(queue)soutbox 轮询，间隔 %(interval)s 秒）")
            % {"queue": _("数据库任务队列 + ") if worker_class else "", "interval": interval}
        )
        last_purge = 0.0
        while not self._stop:
            try:
                more = self._round(worker_class, worker_id, batch=batch, max_rows=max_rows)
                if time.monotonic() - last_purge > PURGE_EVERY_SECONDS:
                    search_outbox_purge(older_than_days=purge_days)
                    last_purge = time.monotonic()
            except DatabaseError as exc:
                # The database restarting must not need a manual restart of the worker.
                logger.warning("search worker: database unavailable (%s); retrying", exc)
                connections.close_all()
                more = False
                time.sleep(DATABASE_RETRY_SECONDS)
            if not more and not self._stop:
                time.sleep(interval)
        try:
            self.stdout.write(
                _("已停止；待同步：%(pending)s 条")
                % {"pending": search_outbox_pending()["pending"]}
            )
        except DatabaseError:
            self.stdout.write(_("已停止"))

    def _round(self, worker_class, worker_id, *, batch, max_rows) -> bool:
        """Ready tasks, then the outbox sweep; True when due rows remain (no pause then)."""
        if worker_class is not None:
            # Every ready task, then back here (batch mode returns when the queue is empty).
            self._task_worker = worker_class(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            )
            try:
                self._task_worker.run()
            finally:
                self._task_worker = None
        if self._stop:
            return False
        stats = search_outbox_drain_all(
            limit=batch, max_rows=max_rows, should_stop=lambda: self._stop
        )
        if stats["rows"]:
            self._report(stats)
        return stats["more"]

    def _report(self, stats):
        self.stdout.write(
            _(
                "处理 %(rows)s 条（另合并 %(settled)s 条重复）"
                "：写入 %(upserted)s，删除 %(deleted)s，失败 "
                "%(failed)s"
            )
            % {
                "rows": stats["rows"],
                "settled": stats["settled"],
                "upserted": stats["upserted"],
                "deleted": stats["deleted"],
                "failed": stats["failed"],
            }
            + (_("；另一同步进程正在处理") if stats["busy"] else "")
        )

    def _request_stop(self, *args):
        # Finish the task or batch at hand, then leave; rows not yet marked stay due.
        self._stop = True
        if self._task_worker is not None:
            self._task_worker.running = False
