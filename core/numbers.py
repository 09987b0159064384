"""Numbers people type into forms, files and query strings."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def decimal_parse(value, *, label: str) -> Decimal | None:
    """A finite, non-negative decimal, or None for an empty value.

    NaN and Infinity parse as Decimals but are no amount or price (and NaN cannot even be
    compared), so they are refused like any other text.
    """
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError(_("{label}“{value}”不是数字").format(label=label, value=value))
    if number < 0:
        raise ValidationError(_("{label}不能为负数").format(label=label))
    return number
