from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.management.base import BaseCommand
from marketplace.services import listings_patents_recheck


class Command(BaseCommand):
    help = gettext_lazy(
        "按专利登记库重新检查所有在线挂牌的关联专利，新出现的存疑挂牌通知市场审核员；建议每日运行。"
    )

    def handle(self, *args, **options):
        counts = listings_patents_recheck()
        self.stdout.write(
            self.style.SUCCESS(
                _("已检查 %(checked)s 条挂牌：存疑 %(flagged)s 条，新增存疑 %(newly_flagged)s 条。")
                % {
                    "checked": counts["checked"],
                    "flagged": counts["flagged"],
                    "newly_flagged": counts["newly_flagged"],
                }
            )
        )
