import importlib

from django.apps import apps
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from core.demo import DEMO_PASSWORD, SCALES
from core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_lazy("创建确定性的盘锦演示数据（机构、用户及各应用的数据）；可重复执行。")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="small")
        parser.add_argument("--quiet-progress", action="store_true", help=_("不显示进度条"))

    def handle(self, *args, scale, quiet_progress, **options):
        chosen = SCALES[scale]

        def progress(iterable, desc):
            return tqdm(iterable, desc=desc, disable=quiet_progress, leave=False)

        # Each app that has a `demo` module seeds its part, in INSTALLED_APPS order,
        # so later apps can build on earlier ones' data.
        for app_config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.demo":
                    raise
                continue
            # Demo people are told of demo events by mail; nobody should receive those, and the
            # development console backend would print every one between the progress bars.
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
                transaction.atomic(),
            ):
                summary = module.seed(scale=chosen, progress=progress)
            parts = "，".join(f"{key} {value}" for key, value in summary.items())
            self.stdout.write(f"[{app_config.verbose_name}] {parts}")
        self.stdout.write(
            self.style.SUCCESS(_("演示数据已就绪（规模 %(scale)s）。") % {"scale": scale})
        )
        self.stdout.write(
            _("管理员登录：admin / %(password)s  （所有演示账号同一密码）")
            % {"password": DEMO_PASSWORD}
        )
