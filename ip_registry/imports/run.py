"""The import run: read, map headers, clean every row, write in chunks, all or nothing.

Everything happens inside one transaction that is rolled back on a dry run or, unless invalid
rows may be skipped, when any row is invalid.
"""

import time
from collections.abc import Callable, Iterable

from django.db import transaction

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


def registry_import(
    *,
    kind: str,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[Iterable, int], Iterable] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportReport:
    """Import one file. Raises ImportFileError when the file as a whole is unusable."""
    started = time.perf_counter()
    importer = IMPORTERS[kind](filename=filename)
    header, rows, estimate = read_table(data, filename)
    if not any(header):
        raise ImportFileError("文件为空或第 1 行没有表头")
    mapping = importer.map_header(header)
    report = ImportReport(kind=kind, filename=filename, dry_run=dry_run, skip_invalid=skip_invalid)
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
                        raise RowInvalid(f"与第 {seen[key]} 行重复")
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
                raise ImportFileError("文件中没有数据行")
            if dry_run or (report.errors and not skip_invalid):
                raise _Rollback
            report.committed = True
    except _Rollback:
        pass
    report.seconds = time.perf_counter() - started
    return report
