"""How a view tells the user that a service refused: the service's ValidationError becomes the
form's errors or flash messages, written once for every app's views."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

T = TypeVar("T")


def form_add_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """The service's field errors on the form's fields where it has them, the rest on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def flash_form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """A form posted from another page (a detail page's upload box) reports back as messages."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))  # ErrorList yields the messages


def flash_validation_error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def service_run(request: HttpRequest, action: Callable[[], T], success: str = "") -> T | None:
    """Run a view's service call: its result (and the success message, if any), or None once
    its refusal has been flashed."""
    try:
        result = action()
    except ValidationError as exc:
        flash_validation_error(request, exc)
        return None
    if success:
        messages.success(request, success)
    return result
