"""Chinese messages for the API's 4xx answers, django-ninja's own included.

django-ninja answers bad parameters with pydantic's English (422, `{"detail": [...]}`); here
each error keeps its `loc` and `type` for programs and gets a Chinese `msg` for people.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

# pydantic v2 error types → Chinese; {ctx keys} are filled from the error's ctx.
MESSAGES = {
    "missing": gettext_lazy("缺少必填项"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_type": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数，不能带小数"),
    "float_parsing": gettext_lazy("应为数字"),
    "float_type": gettext_lazy("应为数字"),
    "decimal_parsing": gettext_lazy("应为数字"),
    "decimal_type": gettext_lazy("应为数字"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
    "bool_type": gettext_lazy("应为 true 或 false"),
    "string_type": gettext_lazy("应为文本"),
    "string_too_short": gettext_lazy("至少 {min_length} 个字符"),
    "string_too_long": gettext_lazy("最多 {max_length} 个字符"),
    "string_pattern_mismatch": gettext_lazy("格式不正确"),
    "date_parsing": gettext_lazy("应为日期，格式 YYYY-MM-DD"),
    "date_from_datetime_parsing": gettext_lazy("应为日期，格式 YYYY-MM-DD"),
    "date_type": gettext_lazy("应为日期，格式 YYYY-MM-DD"),
    "datetime_parsing": gettext_lazy("应为时间，格式 YYYY-MM-DDTHH:MM:SS"),
    "datetime_from_date_parsing": gettext_lazy("应为时间，格式 YYYY-MM-DDTHH:MM:SS"),
    "datetime_type": gettext_lazy("应为时间，格式 YYYY-MM-DDTHH:MM:SS"),
    "greater_than": gettext_lazy("应大于 {gt}"),
    "greater_than_equal": gettext_lazy("应不小于 {ge}"),
    "less_than": gettext_lazy("应小于 {lt}"),
    "less_than_equal": gettext_lazy("应不大于 {le}"),
    "literal_error": gettext_lazy("只能是 {expected} 之一"),
    "enum": gettext_lazy("只能是 {expected} 之一"),
    "list_type": gettext_lazy("应为列表"),
    "dict_type": gettext_lazy("应为对象"),
    "model_attributes_type": gettext_lazy("应为 JSON 对象"),
    "json_invalid": gettext_lazy("不是有效的 JSON"),
    "too_short": gettext_lazy("至少 {min_length} 项"),
    "too_long": gettext_lazy("最多 {max_length} 项"),
    "value_error": gettext_lazy("取值无效"),
    "uuid_parsing": gettext_lazy("应为 UUID"),
    "extra_forbidden": gettext_lazy("不允许的字段"),
}
LOGIN_REQUIRED = gettext_lazy(
    "需要登录：请使用有效的个人 API 令牌（Authorization: Bearer <令牌>）或先登录"
)
LOCATIONS = {
    "query": gettext_lazy("查询参数"),
    "path": gettext_lazy("路径参数"),
    "body": gettext_lazy("请求体"),
    "header": gettext_lazy("请求头"),
}


def chinese_message(error: dict) -> str:
    template = MESSAGES.get(error.get("type", ""), _("取值无效"))
    try:
        message = template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        message = str(template)
    loc = [str(part) for part in error.get("loc", ())]
    where = LOCATIONS.get(loc[0], "") if loc else ""
    field = ".".join(loc[1:]) if len(loc) > 1 else ""
    if field:
        return f"{where}“{field}”{message}"
    return f"{where}{message}" if where else message


def register_chinese_errors(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def validation_errors(request, exc: NinjaValidationError):
        errors = [
            {"loc": list(e.get("loc", ())), "type": e.get("type", ""), "msg": chinese_message(e)}
            for e in exc.errors
        ]
        return api.create_response(request, {"detail": errors}, status=422)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc: AuthenticationError):
        return api.create_response(
            request,
            {"detail": LOGIN_REQUIRED},
            status=401,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        message = str(exc)
        if not message or message.isascii():
            message = _("对象不存在")
        return api.create_response(request, {"detail": message}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        message = str(exc)
        if message == "CSRF check Failed":  # django-ninja's session-auth CSRF refusal
            message = _(
                "CSRF 校验失败：浏览器会话调用写接口须带 X-CSRFToken 请求头，请刷新页面后重试"
            )
        elif message.isascii():
            message = {
                400: _("请求无效"),
                403: _("无权执行此操作"),
                404: _("对象不存在"),
                405: _("不支持此请求方法"),
                429: _("请求过于频繁，请稍后再试"),
            }.get(exc.status_code, _("请求无效"))
        return api.create_response(request, {"detail": message}, status=exc.status_code)
