from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from core.roles import Role, user_has_role
from core.selectors import organizations_for_user


@login_required
def account(request):
    user = request.user
    return render(
        request,
        "core/account.html",
        {
            "roles": [role for role in Role if user_has_role(user, role)],
            "organizations": organizations_for_user(user=user),
        },
    )


def api_not_found(request, *args, **kwargs):
    """Unknown API paths answer JSON, not the site's HTML 404 page."""
    return JsonResponse({"detail": "接口不存在"}, status=404)
