import sys
from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

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


def healthz(request):
    """Liveness probe: the process answers. Touches neither the database nor Elasticsearch
    (readiness, with both, is GET /api/v1/health)."""
    return JsonResponse({"status": "ok"})


# Transient database failures (server restarting, connection lost, serialization conflict):
# the request may simply be retried, so they are a 503 with Retry-After, not a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def server_error(request, template_name="500.html"):
    """handler500. Django calls it inside the `except` block, so the exception is at hand.

    Renders without a RequestContext: the context processors and the session may need the
    very database that just failed.
    """
    unavailable = isinstance(sys.exception(), DATABASE_UNAVAILABLE)
    status = HTTPStatus.SERVICE_UNAVAILABLE if unavailable else HTTPStatus.INTERNAL_SERVER_ERROR
    if request.path.startswith("/api/"):
        detail = "服务暂时不可用，请稍后重试" if unavailable else "服务器内部错误"
        response = JsonResponse({"detail": detail}, status=status)
    else:
        name = "503.html" if unavailable else template_name
        response = HttpResponse(loader.render_to_string(name), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
