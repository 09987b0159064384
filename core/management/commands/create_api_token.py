from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_lazy

from core.management.base import BaseCommand
from core.models import TokenGrant
from core.services import api_token_create

MAX_DAYS = 365


class Command(BaseCommand):
    help = gettext_lazy("为用户创建个人 API 令牌，打印一次（用作 Authorization: Bearer <令牌>）。")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help=gettext("令牌用途说明"))
        parser.add_argument(
            "--expires",
            type=int,
            default=90,
            metavar="DAYS",
            help=gettext("有效天数，默认 90，最长 365"),
        )
        parser.add_argument(
            "--scope",
            choices=TokenGrant.Scope.values,
            default=TokenGrant.Scope.READ_WRITE,
            help=gettext("read（只读）或 read-write（读写，默认）"),
        )

    def handle(self, *args, username, name, expires, scope, **options):
        if not 1 <= expires <= MAX_DAYS:
            raise CommandError(gettext("--expires 应为 1 到 %(max)d 天") % {"max": MAX_DAYS})
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(
                gettext("用户 %(username)s 不存在") % {"username": username}
            ) from exc
        if not user.is_active:
            raise CommandError(gettext("用户 %(username)s 已停用") % {"username": username})
        _, key = api_token_create(user=user, name=name, days=expires, scope=scope)
        self.stdout.write(key)
