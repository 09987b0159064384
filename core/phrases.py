"""Text written now and read later, in the reader's language: a message id plus parameters.

A notice or an e-mail is composed when someone acts, but read by someone else, who may use
another language. So what is stored is the untranslated message id (marked with
`gettext_noop`, so `makemessages` collects it) and its parameters, and the text is made only
when it is shown: `str(phrase)` translates in the language active at that moment.

A parameter is plain data (text typed by people, numbers, dates), a nested `Phrase`, a lazy
gettext string (a choice label, say: kept as its message id), or a list of those, joined with
the reader's list separator. `Phrase.to_json()` / `Phrase.from_json()` store it in a JSONField.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeAlias

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

Param: TypeAlias = "str | int | float | Phrase | list[Param]"
JSONParam: TypeAlias = "str | int | float | dict[str, Any] | list[JSONParam]"


def _param(value: object) -> Param:
    """Normalise a parameter to what can be stored and rendered again later."""
    if isinstance(value, Phrase | str | int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, Promise):
        return Phrase.from_lazy(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_param(item) for item in value]
    if value is None:
        return ""
    # Model instances and other objects: their text as it reads now (names are data).
    return str(value)


@dataclass(frozen=True)
class Phrase:
    msgid: str
    params: Mapping[str, Param] = field(default_factory=dict)
    context: str = ""

    @classmethod
    def of(cls, msgid: str, /, *, context: str = "", **params: object) -> Phrase:
        """`Phrase.of(gettext_noop("…%(title)s…"), title=…)`."""
        return cls(msgid=msgid, params={k: _param(v) for k, v in params.items()}, context=context)

    @classmethod
    def verbatim(cls, text: str) -> Phrase:
        """Text people typed (a reply, say): shown as it is in every language."""
        return cls(msgid="%(text)s", params={"text": text})

    @classmethod
    def from_lazy(cls, text: Promise) -> Phrase:
        """A `gettext_lazy` / `pgettext_lazy` string (choice labels, kind labels) as a phrase.

        The lazy object's pickling protocol names the function and its arguments, which is how
        Django itself stores lazy strings; any other lazy object is kept as its current text."""
        _unpickle, (func, args, kwargs, *_classes) = text.__reduce__()  # type: ignore[misc]
        name = getattr(func, "__name__", "")
        if name == "gettext" and len(args) == 1 and not kwargs:
            return cls(msgid=args[0])
        if name == "pgettext" and len(args) == 2 and not kwargs:
            return cls(msgid=args[1], context=args[0])
        return cls(msgid=str(text))

    def __str__(self) -> str:
        if not self.msgid:
            return ""  # gettext("") would answer the catalogue's header
        text = pgettext(self.context, self.msgid) if self.context else gettext(self.msgid)
        if not self.params:
            return text
        values = {name: _render(value) for name, value in self.params.items()}
        try:
            return text % values
        except (KeyError, ValueError, TypeError):
            # A translation whose placeholders do not match: the source text still reads right.
            return self.msgid % values

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"msgid": self.msgid}
        if self.context:
            data["context"] = self.context
        if self.params:
            data["params"] = {name: _to_json(value) for name, value in self.params.items()}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Phrase:
        params = data.get("params") or {}
        return cls(
            msgid=str(data["msgid"]),
            params={name: _from_json(value) for name, value in params.items()},
            context=str(data.get("context", "")),
        )


def _render(value: Param) -> str | int | float:
    if isinstance(value, Phrase):
        return str(value)
    if isinstance(value, list):
        return pgettext("list separator", "；").join(str(_render(item)) for item in value)
    return value


def _to_json(value: Param) -> JSONParam:
    if isinstance(value, Phrase):
        return value.to_json()
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    return value


def _from_json(value: JSONParam) -> Param:
    if isinstance(value, dict):
        return Phrase.from_json(value)
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    return value


def phrase_join(parts: Sequence[Phrase | str]) -> Phrase:
    """Several pieces one after another (a sentence plus an optional note), still translatable."""
    names = [f"p{i}" for i in range(len(parts))]
    return Phrase(
        msgid="".join(f"%({name})s" for name in names),
        params={name: _param(part) for name, part in zip(names, parts, strict=True)},
    )
