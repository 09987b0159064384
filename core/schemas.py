"""API schemas made from the dataclasses the selectors return, so the fields are written once.

mypy cannot see a class made at run time: where one stands in a type (`list[PatentOut]`), the line
carries `# type: ignore[valid-type]`.
"""

import dataclasses
import typing
from collections.abc import Iterable, Mapping
from types import GenericAlias
from typing import Any

from ninja import Schema
from pydantic import create_model


def schema_from_dataclass(
    source: type,
    name: str,
    *,
    fields: Iterable[str] | None = None,
    nested: Mapping[str, type[Schema]] | None = None,
) -> type[Schema]:
    """A response schema called `name` with `source`'s fields (or the `fields` named), in order.

    Every field is required, defaults included: an answer always carries it. A field in `nested`
    holds a list of that schema (the dataclass's list or tuple of its own dataclass).
    """
    hints = typing.get_type_hints(source)
    names = list(fields) if fields is not None else [f.name for f in dataclasses.fields(source)]
    nested = nested or {}
    definitions: dict[str, Any] = {
        n: (GenericAlias(list, (nested[n],)) if n in nested else hints[n], ...) for n in names
    }
    return create_model(name, __base__=Schema, **definitions)
