from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.services import api_token_create


class Command(BaseCommand):
    help = "为用户创建个人 API 令牌，打印一次（用作 Authorization: Bearer <令牌>）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="令牌用途说明")

    def handle(self, *args, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"用户 {username} 不存在") from exc
        _, key = api_token_create(user=user, name=name)
        self.stdout.write(key)
