"""One lookup for every editable vocabulary: imports, forms, the API and search filters.

A vocabulary is a model whose rows have a canonical name, a code, an English name and aliases
(`VocabularyEntryMixin`). Values compare without width, case, spaces or dashes, so 高新区,
"高 新 区" and ＨＩＧＨ－ＴＥＣＨ ＺＯＮＥ all resolve. Core's vocabularies are declared here;
a higher app offers its own through the `register_vocabulary` Wagtail hook (the registry's
designation types), so core never imports it.
"""

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from core.models import District, Industry, VocabularyTerm
from core.tables import header_key


@dataclass(frozen=True)
class VocabularySource:
    key: str
    label: str | Promise
    queryset: Callable[[], QuerySet]
    # Where in the Wagtail admin an officer adds an alias.
    admin_path: str | Promise


def _terms(vocabulary: str) -> Callable[[], QuerySet]:
    return lambda: VocabularyTerm.objects.filter(vocabulary=vocabulary)


CORE_SOURCES = (
    VocabularySource(
        "district",
        gettext_lazy("区县/功能区"),
        District.objects.all,
        gettext_lazy("词表 › 区县/功能区"),
    ),
    VocabularySource(
        "industry", gettext_lazy("行业"), Industry.objects.all, gettext_lazy("词表 › 行业")
    ),
    *(
        VocabularySource(value, label, _terms(value), gettext_lazy("词表 › 词表取值"))
        for value, label in VocabularyTerm.Vocabulary.choices
    ),
)


def vocabulary_sources() -> dict[str, VocabularySource]:
    sources = {source.key: source for source in CORE_SOURCES}
    for hook in hooks.get_hooks("register_vocabulary"):
        source = hook()
        sources[source.key] = source
    return sources


# A vocabulary's rows are instances of different models (District, Industry, VocabularyTerm,
# DesignationType …) sharing VocabularyEntryMixin; callers know which one they asked for.
Entry = Any


class Lookup:
    """Every spelling of every entry of one vocabulary, read once."""

    def __init__(self, source: VocabularySource, entries: Iterable[Entry]) -> None:
        self.source = source
        self.entries = list(entries)
        self.by_key: dict[str, Entry] = {}
        self._seen: dict[object, Entry | None] = {}  # imports repeat the same values
        for entry in self.entries:
            for name in entry.vocabulary_names():
                # The canonical name and code of an entry win over another entry's alias.
                self.by_key.setdefault(header_key(name), entry)

    def get(self, value: object) -> Entry | None:
        if value in (None, ""):
            return None
        try:
            return self._seen[value]
        except KeyError:
            entry = self._seen[value] = self.by_key.get(header_key(value))
            return entry

    def closest(self, value: object, n: int = 3) -> list[str]:
        """Canonical names of the entries whose spellings are nearest to `value`."""
        key = header_key(value)
        names: list[str] = []
        candidates = difflib.get_close_matches(key, list(self.by_key), n=n * 3, cutoff=0.3)
        candidates += [k for k in self.by_key if key and (key in k or k in key)]
        for candidate in candidates:
            name = self.by_key[candidate].name
            if name not in names:
                names.append(name)
        return names[:n]

    def unknown_message(self, value: object, label: str) -> str:
        closest = self.closest(value)
        nearest = (
            _("最接近的是：%(names)s。") % {"names": "、".join(closest)}
            if closest
            else _("可选：%(names)s。") % {"names": "、".join(e.name for e in self.entries[:12])}
        )
        return _(
            "%(label)s“%(value)s”不在%(vocabulary)s词表中。%(nearest)s"
            "如果它是某一项的另一种写法，请知识产权专员或管理员在后台“%(path)s”中"
            "为该项添加别名“%(value)s”，然后重新导入。"
        ) % {
            "label": label,
            "value": value,
            "vocabulary": self.source.label,
            "nearest": nearest,
            "path": self.source.admin_path,
        }


def vocabulary_lookup(key: str) -> Lookup:
    source = vocabulary_sources()[key]
    return Lookup(source, source.queryset())


def vocabulary_resolve(
    key: str, value: object, *, label: str, lookup: Lookup | None = None
) -> Entry:
    """The entry `value` names, or a ValidationError that offers the closest names."""
    lookup = lookup or vocabulary_lookup(key)
    entry = lookup.get(value)
    if entry is None:
        raise ValidationError(lookup.unknown_message(value, label), code="unknown_value")
    return entry


def vocabulary_canonical(key: str, values: Iterable[str]) -> list[str]:
    """Canonical names for filter values written any known way; unknown values pass unchanged."""
    lookup = vocabulary_lookup(key)
    names = []
    for value in values:
        entry = lookup.get(value)
        name = entry.name if entry is not None else value
        if name not in names:
            names.append(name)
    return names
