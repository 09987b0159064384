from django.core.management.base import BaseCommand

from marketplace.services import listings_patents_recheck


class Command(BaseCommand):
    help = (
        "按专利登记库重新检查所有在线挂牌的关联专利，新出现的存疑挂牌通知市场审核员；建议每日运行。"
    )

    def handle(self, *args, **options):
        counts = listings_patents_recheck()
        self.stdout.write(
            self.style.SUCCESS(
                f"已检查 {counts['checked']} 条挂牌：存疑 {counts['flagged']} 条，"
                f"新增存疑 {counts['newly_flagged']} 条。"
            )
        )
