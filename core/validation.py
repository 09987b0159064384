"""One rule for every write: a row is checked against its fields' own bounds before it is saved.

Forms validate their fields, but the API, the importers and the services also write, and a
value no form would take (a budget of 1e23, a negative price, a 200,000-character message, a
lone UTF-16 surrogate) once stored breaks every page and API operation that reads it back. The
check runs on `pre_save` for the project's apps (core.apps), so the page, the API and the
importers share it; services raise the same ValidationError the API turns into a Chinese 400.

Bounds come from the model fields themselves (max_digits/decimal_places, integer ranges,
max_length, validators), plus two platform rules: amounts, prices and budgets are never
negative, and free text is at most MAX_TEXT_CHARS characters.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

# Longest free text (TextField) any write may store: a long technical description fits; a
# message the size of a book does not.
MAX_TEXT_CHARS = 20_000

# Apps whose rows are checked on every save (the project's own; Django's and Wagtail's tables
# are written only through their own validated forms).
CHECKED_APPS = frozenset({"core", "ip_registry", "accounts", "marketplace", "contracts", "plan"})


def text_is_encodable(value: str) -> bool:
    """False for text holding a lone UTF-16 surrogate (e.g. JSON "\\ud800"), which no database
    or page can encode."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _decimal_errors(field: "models.DecimalField[Any, Any]", value: object) -> list[str]:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return [_("不是有效的数字")]
    if not number.is_finite():
        return [_("不是有效的数字")]
    if number < 0:
        return [_("不能为负数")]
    _sign, digits, exponent = number.normalize().as_tuple()
    assert isinstance(exponent, int)  # a finite number (checked above) has a whole exponent
    places = max(-exponent, 0)
    whole = max(len(digits) + exponent, 0)
    limit = field.max_digits - field.decimal_places
    if whole > limit:
        return [_("数值过大：整数部分最多 %(n)s 位") % {"n": limit}]
    if places > field.decimal_places:
        return [_("最多 %(n)s 位小数") % {"n": field.decimal_places}]
    return []


def _field_errors(field: "models.Field[Any, Any]", value: object) -> list[str]:
    if isinstance(field, models.DecimalField):
        errors = _decimal_errors(field, value)
        if errors:
            return errors
    elif isinstance(field, (models.CharField, models.TextField)) and isinstance(value, str):
        if not text_is_encodable(value):
            return [_("含有无法编码的字符（孤立的代理项）")]
        limit = field.max_length or MAX_TEXT_CHARS
        if len(value) > limit:
            return [
                _("内容过长：最多 %(limit)s 字，现有 %(n)s 字") % {"limit": limit, "n": len(value)}
            ]
        return []
    elif not isinstance(field, models.IntegerField) or field.primary_key:
        return []
    # The field's DecimalValidator reads a Decimal; an int or float assigned in code is one.
    if isinstance(field, models.DecimalField) and type(value) in (int, float):
        value = Decimal(str(value))
    try:
        for validator in field.validators:
            validator(value)
    except ValidationError as exc:
        return exc.messages
    except (TypeError, ValueError):
        return [_("不是有效的数字")]
    return []


def write_bounds_check(instance: models.Model) -> None:
    """Raise ValidationError({field: [Chinese message]}) when a field holds a value outside its
    bounds (see the module docstring); foreign keys, dates and JSON are left to their own checks."""
    errors = {}
    for field in instance._meta.concrete_fields:
        if field.is_relation:
            continue
        value = getattr(instance, field.attname, None)
        if value is None or value == "":
            continue
        messages = _field_errors(field, value)
        if messages:
            errors[field.name] = [f"{field.verbose_name}：{m}" for m in messages]
    if errors:
        raise ValidationError(errors)


def check_write_bounds(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: object
) -> None:
    """pre_save receiver (connected in core.apps); fixtures (raw) are trusted."""
    if raw or sender._meta.app_label not in CHECKED_APPS:
        return
    write_bounds_check(instance)


def text_required(value: str | None, message: str, *, field: str = "") -> str:
    """The text without surrounding spaces; empty raises `message`, under `field` if named."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: [message]} if field else message)
    return text
