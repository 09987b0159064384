"""OpenAPI text (summaries, field descriptions) in the reader's language.

django-ninja and pydantic declare these arguments as `str`; a lazy translation works there because
config/api.py forces the schema to text on each request, in the request's language. This alias
keeps the name `gettext_lazy` (so makemessages collects the strings) and the `str` type the
libraries ask for.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:

    def gettext_lazy(message: str) -> str: ...

else:
    from django.utils.translation import gettext_lazy

__all__ = ["gettext_lazy"]
