from django.utils.translation import gettext_lazy

from ip_registry.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = gettext_lazy(
        "导入企业：统一社会信用代码、企业名称、所属区县、行业（可选：机构类型、曾用名）。"
        "默认全部成功才写入；幂等。"
    )
    kind = "enterprises"
