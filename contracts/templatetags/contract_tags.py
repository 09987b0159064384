from decimal import Decimal, InvalidOperation

from django import template

from contracts.models import Contract

register = template.Library()


@register.filter
def yuan(value) -> str:
    """1200000 → "1,200,000.00": grouping by thousands whatever the active locale says."""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.filter
def change_label(field: str) -> str:
    """A Contract field name as its Chinese label (for requested amendments)."""
    from django.core.exceptions import FieldDoesNotExist

    try:
        return str(Contract._meta.get_field(field).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return field
