"""django-allauth's hooks for the person's language: kept at sign-up, applied at log-in, and
used for allauth's own e-mails (confirmation, password reset)."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from accounts.selectors import active_language, user_language
from accounts.services import user_language_set
from core.types import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """A new account keeps the language its owner signed up in, so what the platform
        writes to them later (by e-mail, from the worker) is in that language too."""
        user = super().save_user(request, user, form, commit=commit)
        if commit and isinstance(user, User):
            user_language_set(user=user, language=active_language() or settings.LANGUAGE_CODE)
        return user

    def login(self, request: HttpRequest, user: Any) -> None:
        """The person's stored language becomes this browser's; a language picked with the
        switch afterwards still wins (it is the cookie, and it is stored again)."""
        super().login(request, user)
        if not isinstance(user, User):
            return
        chosen = user_language(user=user)
        if not chosen:
            # Never chose: an explicit pick in this browser (the cookie; the site ignores the
            # browser's Accept-Language) becomes the person's choice.
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if cookie in dict(settings.LANGUAGES):
                user_language_set(user=user, language=cookie)
            return
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen
        # core.middleware.ChosenLanguageMiddleware writes it into the language cookie.
        request.language_to_remember = chosen  # type: ignore[attr-defined]

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails go to the person at the keyboard (confirm, reset): their stored
        language, else the language they are using now."""
        user = context.get("user")
        chosen = user_language(user=user) if isinstance(user, User) else ""
        with translation.override(chosen or active_language() or settings.LANGUAGE_CODE):
            super().send_mail(template_prefix, email, context)
