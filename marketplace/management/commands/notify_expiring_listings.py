from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.management.base import BaseCommand
from marketplace.services import listings_expiry_notify


class Command(BaseCommand):
    help = gettext_lazy(
        "提醒挂牌机构续期：已过期或在指定天数内到期的挂牌（每个有效期只提醒一次），建议每日运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14, help=_("提前提醒的天数（默认 14）"))

    def handle(self, *args, days: int, **options):
        sent = listings_expiry_notify(days_ahead=days)
        self.stdout.write(self.style.SUCCESS(_("已发送 %(sent)s 条续期提醒。") % {"sent": sent}))
