import json
import re
from http import HTTPStatus
from typing import Any

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.urls import get_resolver
from django.utils import translation
from django.utils.translation import gettext as _

from core.private_files import without_body_length
from core.validation import text_is_encodable

API_PREFIX = "/api/"


class ProxiedClientAddressMiddleware:
    """Behind the TLS proxy, REMOTE_ADDR is the proxy's; the client is the address that proxy
    put last in X-Forwarded-For. Trusted only when SECURE_PROXY_SSL_HEADER says a proxy is in
    front (production's DJANGO_BEHIND_TLS_PROXY, with gunicorn on loopback): the proxy that
    vouches for the scheme vouches for the address. Throttles and django-axes read it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if settings.SECURE_PROXY_SSL_HEADER and forwarded.strip():
            request.META["REMOTE_ADDR"] = forwarded.rsplit(",", 1)[-1].strip()
        return self.get_response(request)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the visitor picked another language with the footer switch.

    The browser's Accept-Language is deliberately ignored: the platform serves Panjin, and an
    English-configured browser should not turn the site's language on by itself.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # A step may make a language this browser's own (accounts: a person's stored language
        # at log-in); the cookie is written as Django's set_language writes it.
        remembered = getattr(request, "language_to_remember", "")
        if remembered in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                remembered,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        # The choice belongs to this request: work the thread does next (a task run after
        # commit, the next test) must not go on in the visitor's language.
        translation.deactivate()
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site's strict policy everywhere; the Wagtail and Django admins are relaxed.

    Wagtail 8's admin is not CSP-clean: its date/time widgets and inline panels write inline
    <script> blocks, many templates set inline styles, and image uploads preview from blob:
    URLs. Only staff reach the admins; they still load nothing from other origins.
    """

    ADMIN_PREFIXES = ("/admin/", "/django-admin/")

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(self.ADMIN_PREFIXES):
            parts.update = {
                **(parts.update or {}),
                "script-src": ["'unsafe-inline'"],
                "style-src": ["'unsafe-inline'"],
                "img-src": ["blob:"],
            }
            # Wagtail's page preview frames the admin's own preview view.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        return parts

    def process_response(self, request, response):
        # The site's frame rule is stated twice (CSP frame-ancestors for browsers that read it,
        # X-Frame-Options for older ones); both must say the same thing: nowhere on the site,
        # same origin in the admins.
        if request.path_info.startswith(self.ADMIN_PREFIXES):
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return super().process_response(request, response)


# Largest integer every database the platform runs on can compare with (signed 64 bits).
MAX_DB_INTEGER = 2**63 - 1
_INTEGER = re.compile(r"[+-]?\d+")
_JSON_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def edge_error(request, status: HTTPStatus, message: str) -> HttpResponse:
    """A 4xx answered at the edge, before any view: JSON `{"detail": …}` on the API (as its own
    handlers answer), the site's error page elsewhere."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    exception: Exception = (
        Http404(message) if status == HTTPStatus.NOT_FOUND else BadRequest(message)
    )
    handler: Any = get_resolver().resolve_error_handler(
        404 if status == HTTPStatus.NOT_FOUND else 400
    )
    response = handler(request, exception)
    response.status_code = status
    return response


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        return not text_is_encodable(value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _json_body_problem(request, body: bytes) -> str | None:
    """Why a JSON body is refused, or None. Every API write takes one JSON object; `null`, a
    list or a bare string would otherwise reach a PATCH as "no changes" and answer 200."""
    is_api_write = request.path_info.startswith(API_PREFIX) and request.method in (
        "POST",
        "PUT",
        "PATCH",
    )
    if not is_api_write and not _JSON_ESCAPED_SURROGATE.search(body):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return _("请求体不是有效的 JSON") if is_api_write else None
    if _has_lone_surrogate(data):
        return _("请求含有无法编码的字符（孤立的代理项）")
    if is_api_write and _has_nul(data):
        # No PostgreSQL text column takes it (the live fuzz found a 500 on inquiries).
        return _("请求含有无效字符（NUL）")
    if is_api_write and not isinstance(data, dict):
        return _("请求体应为 JSON 对象（{…}）")
    return None


class RequestBoundsMiddleware:
    """Hostile input that no view should see: answered here with a Chinese 4xx instead of
    reaching the database or a parser and ending as a 500.

    - a body larger than REQUEST_MAX_BYTES (uploads included) is a 413 before it is read;
    - an integer in the path or the query string past 64 bits is a 404 / 400 (SQLite cannot
      even bind it; PostgreSQL compares it as numeric and the view then slices with it);
    - a JSON body holding a lone UTF-16 surrogate ("\\ud800") is a 400: Python decodes it, but
      no database, page or log can encode it; an API write whose body is not a JSON object
      (`null`, `[]`, `"x"`) is a 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            limit = settings.REQUEST_MAX_BYTES / 1048576
            return edge_error(
                request,
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                _("请求过大：上限为 %(limit).0f MB") % {"limit": limit},
            )
        for key, values in request.GET.lists():
            for value in values:
                # NUL is text no PostgreSQL column or query takes (the search's database
                # fallback answered 500 for it).
                if "\x00" in value or "\x00" in key:
                    return edge_error(
                        request,
                        HTTPStatus.BAD_REQUEST,
                        _("参数 %(key)s 含有无效字符") % {"key": key.replace("\x00", "")},
                    )
                if _INTEGER.fullmatch(value.strip()) and abs(int(value)) > MAX_DB_INTEGER:
                    return edge_error(
                        request,
                        HTTPStatus.BAD_REQUEST,
                        _("参数 %(key)s 的数值超出范围") % {"key": key},
                    )
        if request.content_type == "application/json" and length:
            try:
                body = request.body
            except RequestDataTooBig:
                return edge_error(request, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _("请求过大"))
            problem = _json_body_problem(request, body)
            if problem:
                return edge_error(request, HTTPStatus.BAD_REQUEST, problem)
        response = self.get_response(request)
        # Wagtail's document view copies mimetypes' "no encoding" as the text "None" and its
        # empty file hash as an empty ETag; neither may reach a client or a cache.
        if response.get("Content-Encoding") == "None":
            del response["Content-Encoding"]
        if response.get("ETag") in ('""', 'W/""', ""):
            del response["ETag"]
        return without_body_length(response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and abs(value) > MAX_DB_INTEGER:
                return edge_error(request, HTTPStatus.NOT_FOUND, _("页面不存在"))
        return None
