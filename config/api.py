from http import HTTPStatus
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http.multipartparser import MultiPartParserError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI

from core.api import router as core_router
from core.api_errors import register_chinese_errors
from core.auth import api_auth
from ip_registry.api import router as ip_registry_router


def _forced(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):  # in place: ninja's OpenAPISchema is a dict with its own __init__
        for key, item in value.items():
            value[key] = _forced(item)
    elif isinstance(value, list):
        value[:] = [_forced(item) for item in value]
    elif isinstance(value, tuple):
        return tuple(_forced(item) for item in value)
    return value


class TranslatedNinjaAPI(NinjaAPI):
    """Summaries, descriptions and titles are lazy translations: the schema is handed out as plain
    text in the reader's language, so every consumer (the JSON view, schemathesis) can encode it."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return _forced(super().get_openapi_schema(*args, **kwargs))


api = TranslatedNinjaAPI(
    title=gettext_lazy("盘锦科技成果交易与知识产权登记平台 API"),  # type: ignore[arg-type]  # forced to text in the schema
    version="1",
    urls_namespace="api-v1",
    auth=api_auth,
    docs_url="/docs",
)


register_chinese_errors(api)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or _("无权执行此操作")}, status=403)


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(MultiPartParserError)
def bad_request_body(request, exc: Exception):
    # Django raises these while parsing a multipart body (too many fields or files, a body past
    # DATA_UPLOAD_MAX_MEMORY_SIZE, a broken boundary); its own answer is an HTML page.
    if isinstance(exc, RequestDataTooBig):
        status, detail = HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _("请求过大")
    else:
        status, detail = (
            HTTPStatus.BAD_REQUEST,
            _("请求格式无效（表单字段或文件过多、文件名无效或格式损坏）"),
        )
    return api.create_response(request, {"detail": detail}, status=status)


api.add_router("/", core_router)
api.add_router("/ip/", ip_registry_router)
api.add_router("/contracts", "contracts.api.router")
api.add_router("/search", "search.api.router")
api.add_router("/market", "marketplace.api.router")
api.add_router("/plan", "plan.api.router")
