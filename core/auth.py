from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import django_auth
from wagtail.api.v3.auth import BearerTokenAuth

from core.models import TokenGrant

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class GrantedBearerTokenAuth(BearerTokenAuth):
    """Wagtail's bearer token, plus the token's grant (core.models.TokenGrant): an expired
    token is refused like an unknown one, a read-only token gets 403 on every write.

    A deactivated user's tokens are refused by Wagtail's class; what a user no longer may do
    (a role removed, a membership ended) is refused by the permission checks themselves,
    which read the user's roles and memberships on every request.
    """

    def authenticate(self, request, token: str):
        api_token = super().authenticate(request, token)
        if api_token is None:
            return None
        grant = TokenGrant.objects.filter(token=api_token).first()
        if grant is not None and grant.expires_at <= timezone.now():
            request.user = AnonymousUser()
            return None
        if request.method not in SAFE_METHODS and (
            grant is not None and grant.scope == TokenGrant.Scope.READ
        ):
            raise HttpError(403, _("只读令牌不能用于写操作，请使用读写令牌"))
        return api_token


# Scripts send `Authorization: Bearer <token>` (Wagtail's hashed personal API tokens);
# the browser uses its session, with CSRF on unsafe methods.
api_auth: list[Callable[..., Any]] = [GrantedBearerTokenAuth(), django_auth]


class LockoutBackend(AxesStandaloneBackend):
    """django-axes lockout check for every login that comes with a request.

    axes refuses `authenticate()` without a request; only the login views are reachable over
    HTTP and they always pass one, so calls without a request (shell, test client) are left to
    the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
