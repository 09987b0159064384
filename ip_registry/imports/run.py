"""The import run: read, map headers, clean every row, write in chunks, all or nothing.

Everything happens inside one transaction that is rolled back on a dry run or, unless invalid
rows may be skipped, when any row is invalid.
"""

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Required, TypedDict, Unpack

from django.db import transaction
from django.utils.translation import gettext as _

from core.tables import ImportFileError, ImportReport, RowMessage, read_table
from ip_registry.imports.base import Importer
from ip_registry.imports.cells import RowInvalid
from ip_registry.imports.designations import DesignationImporter
from ip_registry.imports.enterprises import EnterpriseImporter
from ip_registry.imports.patents import PatentImporter

CHUNK_SIZE = 5000


class _Rollback(Exception):
    pass


IMPORTERS: dict[str, type[Importer]] = {
    cls.kind: cls for cls in (EnterpriseImporter, DesignationImporter, PatentImporter)
}


@dataclass(frozen=True)
class UnknownColumn:
    title: str
    suggestions: list[str]


def registry_columns_unknown(
    *, kind: str, data: bytes, filename: str, profile: dict[str, str] | None = None
) -> list[UnknownColumn]:
    """The file's headers no column or profile entry matches, with the columns they could be."""
    importer = IMPORTERS[kind](filename=filename)
    header, _rows, _estimate = read_table(data, filename)
    # Missing required columns raise, but `unknown` is filled all the same.
    with contextlib.suppress(ImportFileError):
        importer.map_header(header, profile)
    return [UnknownColumn(title, importer.suggest(title)) for title in importer.unknown]


class ImportRun(TypedDict, total=False):
    """How to run an import (importer_run's arguments after the importer)."""

    data: Required[bytes]
    filename: Required[str]
    dry_run: bool
    skip_invalid: bool
    progress: Callable[[Iterator, int], Iterator] | None
    chunk_size: int
    profile: dict[str, str] | None


def registry_import(
    *, kind: str, status_date: date | None = None, **run: Unpack[ImportRun]
) -> ImportReport:
    """Import one file of the register. Raises ImportFileError when the file as a whole is
    unusable.

    `profile` maps this file's own headers onto the importer's columns (a saved column-mapping
    profile); `status_date` is the export's date, standing in for undated 失效 statuses.
    """
    importer = IMPORTERS[kind](filename=run["filename"], options={"status_date": status_date})
    report = importer_run(importer, **run)
    _add_notes(report, status_date)
    return report


def importer_run(
    importer: Importer,
    *,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[Iterator, int], Iterator] | None = None,
    chunk_size: int = CHUNK_SIZE,
    profile: dict[str, str] | None = None,
) -> ImportReport:
    """Any importer's run (the register's, the accounts' organisations): read, map the headers,
    clean every row, write in chunks, in one transaction rolled back on a dry run or, unless
    invalid rows may be skipped, when any row is invalid."""
    started = time.perf_counter()
    header, rows, estimate = read_table(data, filename)
    if not any(header):
        raise ImportFileError(_("文件为空或第 1 行没有表头"))
    mapping = importer.map_header(header, profile)
    report = ImportReport(
        kind=importer.kind, filename=filename, dry_run=dry_run, skip_invalid=skip_invalid
    )
    report.unknown_columns = list(importer.unknown)
    if progress is not None:
        rows = progress(rows, estimate)
    try:
        with transaction.atomic():
            importer.prepare()
            seen: dict = {}
            chunk: list = []
            for number, values in rows:
                if not any(v not in ("", None) for v in values):
                    continue  # blank lines at the end of spreadsheets
                report.total += 1
                row = {key: (values[i] if i < len(values) else "") for key, i in mapping.items()}
                try:
                    cleaned = importer.clean(row)
                    key = importer.key(cleaned)
                    if key in seen:
                        raise RowInvalid(_("与第 %(row)s 行重复") % {"row": seen[key]})
                    seen[key] = number
                except RowInvalid as exc:
                    report.rejected += 1
                    report.errors.extend(RowMessage(number, m) for m in exc.messages)
                    continue
                chunk.append((number, cleaned))
                if len(chunk) >= chunk_size:
                    importer.write(chunk, report)
                    chunk = []
            if chunk:
                importer.write(chunk, report)
            if report.total == 0:
                raise ImportFileError(_("文件中没有数据行"))
            if dry_run or (report.errors and not skip_invalid):
                raise _Rollback
            report.committed = True
    except _Rollback:
        pass
    report.seconds = time.perf_counter() - started
    return report


def _add_notes(report: ImportReport, status_date: date | None) -> None:
    if report.unknown_columns:
        report.notes.append(
            _(
                "未识别、未导入的列：%(columns)s。如需导入，请在上传页把它们映射到字段并保存为"
                "列映射方案，命令行导入时用 --profile 方案名。"
            )
            % {"columns": "、".join(report.unknown_columns)}
        )
    if report.dated_by_export:
        report.notes.append(
            _(
                "%(count)s 行的法律状态（失效等）文件中没有日期，已按导出日期 %(day)s 记录："
                "视为截至该日已知，此前各日期的有效状态不受影响。"
            )
            % {"count": report.dated_by_export, "day": f"{status_date:%Y-%m-%d}"}
        )
