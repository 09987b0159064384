"""Form fields that several apps' forms declare alike: the services do the real validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # django-stubs is a development dependency
    from django_stubs_ext import StrOrPromise

CHOOSE = _("——请选择——")


class USCCField(forms.CharField):
    """A 统一社会信用代码 as typed: room for the spaces and dashes people copy from a licence;
    the services normalise and check it (core.identifiers.validate_uscc)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=30, **kwargs)


def optional_choice(
    model: type[models.Model],
    label: StrOrPromise,
    *,
    empty_label: StrOrPromise = CHOOSE,
    **kwargs: Any,
) -> forms.ModelChoiceField:
    """An optional pick among a model's rows (a district, an industry, a saved profile);
    `empty_label` says what no choice means (全市, 盘锦市外 …)."""
    return forms.ModelChoiceField(
        label=label,
        queryset=model._default_manager.all(),
        required=False,
        empty_label=empty_label,
        **kwargs,
    )


def amount_field(
    label: StrOrPromise, *, max_digits: int = 14, required: bool = False, **kwargs: Any
) -> forms.DecimalField:
    """An amount of money as the columns hold it: two decimals, never negative."""
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=max_digits,
        decimal_places=2,
        required=required,
        **kwargs,
    )
