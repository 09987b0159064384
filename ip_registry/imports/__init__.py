"""One import engine for enterprises, designations and patents.

CSV (UTF-8, UTF-8 with BOM, GB18030 as saved by Chinese Excel) or XLSX → header aliases and
column-mapping profiles → normalise and validate every row through the shared vocabularies →
write in bulk, chunk by chunk, inside one transaction (`run`).
"""

from core.tables import ImportFileError, ImportReport, RowMessage, read_table
from ip_registry.imports.cells import RowInvalid, parse_date, parse_ipc
from ip_registry.imports.run import (
    IMPORTERS,
    UnknownColumn,
    registry_columns_unknown,
    registry_import,
)

__all__ = [
    "IMPORTERS",
    "ImportFileError",
    "ImportReport",
    "RowInvalid",
    "RowMessage",
    "UnknownColumn",
    "parse_date",
    "parse_ipc",
    "read_table",
    "registry_columns_unknown",
    "registry_import",
]
