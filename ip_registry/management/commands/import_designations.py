from django.utils.translation import gettext_lazy

from ip_registry.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = gettext_lazy(
        "导入企业年度认定：统一社会信用代码、年度、认定类型（可选：来源）。"
        "默认全部成功才写入；幂等。"
    )
    kind = "designations"
