"""What every registry importer has: its columns, header matching, and the three steps."""

import difflib
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.tables import ImportFileError, ImportReport, header_key


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


# Columns several registers share, with the headers people write for them.
USCC_COLUMN = Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码", "credit_code"), True)
DISTRICT_COLUMN = Column("district", "所属区县", ("区县", "所在区县", "地区", "功能区"))
INDUSTRY_COLUMN = Column("industry", "行业", ("所属行业", "产业", "所属产业"))


class Importer:
    kind = ""
    label: str | Promise = ""
    columns: tuple[Column, ...] = ()

    def __init__(self, *, filename: str = "", options: dict | None = None):
        self.filename = filename
        self.options = options or {}
        self.present: set[str] = set()
        self.unknown: list[str] = []

    @classmethod
    def field_choices(cls) -> list[tuple[str, str]]:
        return [(c.key, f"{c.label}（{c.key}）") for c in cls.columns]

    def map_header(self, header: list[str], profile: dict[str, str] | None = None) -> dict:
        """Column key → index. `profile` maps a file's own header texts onto column keys.

        Headers matching nothing are kept in `self.unknown`, to be listed in the report.
        """
        lookup = {}
        for column in self.columns:
            for alias in (column.key, column.label, *column.aliases):
                lookup[header_key(alias)] = column.key
        known = {c.key for c in self.columns}
        for title, key in (profile or {}).items():
            if key in known:
                lookup[header_key(title)] = key
        mapping: dict[str, int] = {}
        self.unknown = []
        for index, title in enumerate(header):
            found = lookup.get(header_key(title))
            if found and found not in mapping:
                mapping[found] = index
            elif not found and str(title).strip():
                self.unknown.append(str(title).strip())
        missing = [
            f"{c.label}（{c.key}）" for c in self.columns if c.required and c.key not in mapping
        ]
        if missing:
            raise ImportFileError(
                _("缺少必需的列：%(columns)s。表头应在第 1 行，可用中文或英文列名。")
                % {"columns": "、".join(missing)}
                + (
                    _("未识别的列：%(unknown)s（可在上传页面映射并保存为列映射方案）")
                    % {"unknown": "、".join(self.unknown)}
                    if self.unknown
                    else ""
                )
            )
        self.present = set(mapping)
        return mapping

    def suggest(self, title: str, n: int = 3) -> list[str]:
        """Column keys an unrecognised header could be, nearest first."""
        key = header_key(title)
        spellings = {
            header_key(alias): column.key
            for column in self.columns
            for alias in (column.key, column.label, *column.aliases)
        }
        found: list[str] = []
        close = difflib.get_close_matches(key, list(spellings), n=n * 3, cutoff=0.3)
        close += [s for s in spellings if key and (s in key or key in s)]
        for spelling in close:
            if spellings[spelling] not in found:
                found.append(spellings[spelling])
        return found[:n]

    def prepare(self) -> None:
        """Load lookups once per import."""

    def clean(self, row: dict) -> object:
        raise NotImplementedError

    def key(self, cleaned: object) -> object:
        raise NotImplementedError

    def write(self, rows: list[tuple[int, Any]], report: ImportReport) -> None:
        raise NotImplementedError

    def finish(self, report: ImportReport) -> None:
        """After the last chunk: add what the officer should know about the whole file."""
