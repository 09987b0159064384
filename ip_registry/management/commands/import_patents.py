from django.utils.translation import gettext_lazy

from ip_registry.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = gettext_lazy(
        "导入专利：申请号、名称、申请日、专利权人（可选：权利人统一社会信用代码、授权公告日、"
        "法律状态、法律状态日、IPC分类号、年费缴至、权利转移日）。默认全部成功才写入；幂等。"
    )
    kind = "patents"
