import sys
from http import HTTPStatus

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def _reason(exception) -> str:
    """The message a view gave its exception, when it is one meant for people to read.

    Django's own resolver messages (a dict, or English text about URL patterns) are not.
    """
    if exception is None or not exception.args:
        return ""
    reason = exception.args[0]
    if not isinstance(reason, str) or reason.isascii():
        return ""
    return reason


def _back_url(request) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return ""


def _error_page(request, status: HTTPStatus, template: str, exception=None, default: str = ""):
    reason = _reason(exception) or default
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": reason or status.phrase}, status=status)
    context = {"reason": reason, "status": status, "back_url": _back_url(request)}
    return render(request, template, context, status=status)


def bad_request(request, exception=None):
    return _error_page(
        request,
        HTTPStatus.BAD_REQUEST,
        "400.html",
        exception,
        _("请求无法处理：内容不完整或格式不对"),
    )


def permission_denied(request, exception=None):
    return _error_page(
        request, HTTPStatus.FORBIDDEN, "403.html", exception, _("您没有权限执行此操作")
    )


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("接口不存在")}, status=404)
    return _error_page(request, HTTPStatus.NOT_FOUND, "404.html", exception)


def api_not_found(request, *args, **kwargs):
    """Unknown API paths answer JSON, not the site's HTML 404 page."""
    return JsonResponse({"detail": _("接口不存在")}, status=404)


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
        detail = _("服务暂时不可用，请稍后重试") if unavailable else _("服务器内部错误")
        response = JsonResponse({"detail": detail}, status=status)
    else:
        name = "503.html" if unavailable else template_name
        context = {
            "site_name": settings.SITE_NAME,
            "site_name_en": settings.SITE_NAME_EN,
            "support_email": settings.SITE_SUPPORT_EMAIL,
        }
        response = HttpResponse(loader.render_to_string(name, context), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
