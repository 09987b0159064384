"""Chinese messages for the API's 4xx answers, django-ninja's own included.

django-ninja answers bad parameters with pydantic's English (422, `{"detail": [...]}`); here
each error keeps its `loc` and `type` for programs and gets a Chinese `msg` for people.
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

# pydantic v2 error types → Chinese; {ctx keys} are filled from the error's ctx.
MESSAGES = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数，不能带小数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_type": "应为日期，格式 YYYY-MM-DD",
    "datetime_parsing": "应为时间，格式 YYYY-MM-DDTHH:MM:SS",
    "datetime_from_date_parsing": "应为时间，格式 YYYY-MM-DDTHH:MM:SS",
    "datetime_type": "应为时间，格式 YYYY-MM-DDTHH:MM:SS",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "literal_error": "只能是 {expected} 之一",
    "enum": "只能是 {expected} 之一",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_attributes_type": "应为 JSON 对象",
    "json_invalid": "不是有效的 JSON",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "value_error": "取值无效",
    "uuid_parsing": "应为 UUID",
    "extra_forbidden": "不允许的字段",
}
LOGIN_REQUIRED = "需要登录：请使用有效的个人 API 令牌（Authorization: Bearer <令牌>）或先登录"
LOCATIONS = {"query": "查询参数", "path": "路径参数", "body": "请求体", "header": "请求头"}


def chinese_message(error: dict) -> str:
    template = MESSAGES.get(error.get("type", ""), "取值无效")
    try:
        message = template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        message = template
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
            message = "对象不存在"
        return api.create_response(request, {"detail": message}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        message = str(exc)
        if message == "CSRF check Failed":  # django-ninja's session-auth CSRF refusal
            message = "CSRF 校验失败：浏览器会话调用写接口须带 X-CSRFToken 请求头，请刷新页面后重试"
        elif message.isascii():
            message = {
                400: "请求无效",
                403: "无权执行此操作",
                404: "对象不存在",
                405: "不支持此请求方法",
                429: "请求过于频繁，请稍后再试",
            }.get(exc.status_code, "请求无效")
        return api.create_response(request, {"detail": message}, status=exc.status_code)
