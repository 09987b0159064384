from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import organization_create
from core.models import District, Industry, Organization

KIND_WORDS = {label: value for value, label in Organization.Kind.choices} | {
    "其他": Organization.Kind.OTHER
}


class Command(BaseCommand):
    help = (
        "创建（或更新）一个已审核通过的机构，例如："
        "add_organization --uscc 91211100MA0PJ0011L --name 盘锦示例科技有限公司 --type 企业"
    )

    def add_arguments(self, parser):
        parser.add_argument("--uscc", required=True, help="统一社会信用代码（18 位）")
        parser.add_argument("--name", required=True, help="机构名称")
        parser.add_argument(
            "--type",
            default="企业",
            help="企业、高校、科研院所、其他（或 enterprise/university/institute/other）",
        )
        parser.add_argument("--district", help="所属区县，如 兴隆台区")
        parser.add_argument("--industry", help="行业，如 精细化工")

    def handle(self, *args, uscc, name, type, district, industry, **options):
        kind = KIND_WORDS.get(type, type)
        if kind not in Organization.Kind.values:
            raise CommandError(f"机构类型“{type}”无效：可选 企业、高校、科研院所、其他")
        district_obj = industry_obj = None
        if district:
            district_obj = District.objects.filter(name=district).first()
            if district_obj is None:
                names = "、".join(District.objects.values_list("name", flat=True))
                raise CommandError(f"所属区县“{district}”不存在（可选：{names}）")
        if industry:
            industry_obj = Industry.objects.filter(name=industry).first()
            if industry_obj is None:
                names = "、".join(Industry.objects.values_list("name", flat=True))
                raise CommandError(f"行业“{industry}”不存在（可选：{names}）")
        try:
            organization, created = organization_create(
                uscc=uscc, name=name, kind=kind, district=district_obj, industry=industry_obj
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        verb = "已创建" if created else "已更新"
        self.stdout.write(
            self.style.SUCCESS(f"{verb}机构 {organization.name}（{organization.uscc}）")
        )
