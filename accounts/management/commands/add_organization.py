from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import organization_create
from core.management.base import BaseCommand
from core.models import District, Industry, Organization

# Parsing words: the kinds' Chinese names, whatever language is active.
with translation.override("zh-hans"):
    KIND_WORDS = {str(label): value for value, label in Organization.Kind.choices} | {
        "其他": Organization.Kind.OTHER
    }


def _named(model: type[District | Industry], name: str | None, message: str, key: str):
    """The entry named exactly `name`, None without a name; an unknown name lists the choices."""
    if not name:
        return None
    entry = model.objects.filter(name=name).first()
    if entry is None:
        names = "、".join(model.objects.values_list("name", flat=True))
        raise CommandError(message % {key: name, "names": names})
    return entry


class Command(BaseCommand):
    help = gettext_lazy(
        "创建（或更新）一个已审核通过的机构，例如："
        "add_organization --uscc 91211100MA0PJ0011L --name 盘锦示例科技有限公司 --type 企业"
    )

    def add_arguments(self, parser):
        parser.add_argument("--uscc", required=True, help=_("统一社会信用代码（18 位）"))
        parser.add_argument("--name", required=True, help=_("机构名称"))
        parser.add_argument(
            "--type",
            default="企业",
            help=_("企业、高校、科研院所、其他（或 enterprise/university/institute/other）"),
        )
        parser.add_argument("--district", help=_("所属区县，如 兴隆台区"))
        parser.add_argument("--industry", help=_("行业，如 精细化工"))

    def handle(self, *args, uscc, name, type, district, industry, **options):
        kind = KIND_WORDS.get(type, type)
        if kind not in Organization.Kind.values:
            raise CommandError(
                _("机构类型“%(kind)s”无效：可选 企业、高校、科研院所、其他") % {"kind": type}
            )
        district_obj = _named(
            District, district, _("所属区县“%(district)s”不存在（可选：%(names)s）"), "district"
        )
        industry_obj = _named(
            Industry, industry, _("行业“%(industry)s”不存在（可选：%(names)s）"), "industry"
        )
        try:
            organization, created = organization_create(
                uscc=uscc, name=name, kind=kind, district=district_obj, industry=industry_obj
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        message = (
            _("已创建机构 %(name)s（%(uscc)s）")
            if created
            else _("已更新机构 %(name)s（%(uscc)s）")
        )
        self.stdout.write(
            self.style.SUCCESS(message % {"name": organization.name, "uscc": organization.uscc})
        )
