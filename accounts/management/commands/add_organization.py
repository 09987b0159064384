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
        district_obj = industry_obj = None
        if district:
            district_obj = District.objects.filter(name=district).first()
            if district_obj is None:
                names = "、".join(District.objects.values_list("name", flat=True))
                raise CommandError(
                    _("所属区县“%(district)s”不存在（可选：%(names)s）")
                    % {"district": district, "names": names}
                )
        if industry:
            industry_obj = Industry.objects.filter(name=industry).first()
            if industry_obj is None:
                names = "、".join(Industry.objects.values_list("name", flat=True))
                raise CommandError(
                    _("行业“%(industry)s”不存在（可选：%(names)s）")
                    % {"industry": industry, "names": names}
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
