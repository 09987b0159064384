from urllib.parse import urlencode

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import user_has_totp
from core.roles import STAFF_ROLES, user_has_role

# Where a staff member without a second factor may still go: the way to set one up, and out.
EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/confirm-email/",
    "/static/",
    "/healthz",
    "/i18n/",
)


def needs_second_factor(user) -> bool:
    """Staff roles (and superusers) must sign in with TOTP; members may."""
    if not user.is_authenticated:
        return False
    if not (user.is_superuser or any(user_has_role(user, role) for role in STAFF_ROLES)):
        return False
    return not user_has_totp(user=user)


class StaffTwoFactorMiddleware:
    """Sends staff who have no authenticator app to set one up before anything else.

    API calls with a token are not affected here (a token is made on a two-factor session);
    session calls to the API from such an account get a 403 with the reason.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(EXEMPT_PREFIXES) or not needs_second_factor(request.user):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": _("您的角色须启用两步验证：请先在网站上设置身份验证器应用")}, status=403
            )
        messages.warning(
            request,
            _("您的角色（审核、登记、专员或管理员）必须启用两步验证，请先绑定身份验证器应用。"),
        )
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('mfa_activate_totp')}?{query}")
