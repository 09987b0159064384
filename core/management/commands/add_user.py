import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.management.base import BaseCommand
from core.models import Organization
from core.roles import Role
from core.services import user_create_with_role


class Command(BaseCommand):
    help = gettext_lazy(
        "创建或更新用户并赋予角色。企业/机构成员需 --organization（统一社会信用代码）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--organization", metavar="USCC", help=_("所属机构的统一社会信用代码"))
        parser.add_argument("--password", help=_("不提供时交互输入；非交互环境下必须提供"))
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, organization, password, email, **options):
        if password is None:
            password = getpass.getpass(_("%(username)s 的密码：") % {"username": username})
        try:
            user = user_create_with_role(
                username=username,
                role=Role(role),
                password=password,
                organization_uscc=organization,
                email=email,
            )
        except Organization.DoesNotExist as exc:
            raise CommandError(
                _("找不到统一社会信用代码为 %(uscc)s 的机构") % {"uscc": organization}
            ) from exc
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("用户 %(username)s 已设为 %(role)s")
                % {"username": user.username, "role": Role(role).label}
            )
        )
