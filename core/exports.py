"""Spreadsheet exports that cannot smuggle formulas (CSV/formula injection, OWASP).

A cell whose text starts with =, +, -, @, a tab or a carriage return is read as a formula by
Excel, WPS and LibreOffice (`=cmd|' /C calc'!A0`, `@SUM(...)`). Every CSV/XLSX export passes
its cells through `spreadsheet_cell`, which prefixes such text with an apostrophe so it shows
as the literal text. Numbers stay numbers, and text that is just a number ("-12.50") is left
alone because a spreadsheet reads it as that number, not as a formula.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?$", re.ASCII)


def spreadsheet_cell(value):
    """The value as a spreadsheet may safely show it."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def spreadsheet_row(row: Iterable) -> list:
    return [spreadsheet_cell(v) for v in row]


def csv_bytes(headers: Sequence, rows: Iterable[Sequence]) -> bytes:
    """UTF-8 CSV with a BOM (so that Chinese Excel opens it correctly), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spreadsheet_row(headers))
    writer.writerows(spreadsheet_row(row) for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_append(sheet, row: Iterable) -> None:
    """Append a row to an openpyxl sheet with every text cell kept as text.

    openpyxl stores any string starting with "=" as a formula; such cells are turned back into
    text and marked with Excel's quote prefix, so the sheet shows the exact text and a user
    editing the cell does not turn it into a formula either.
    """
    # Control characters (from imported CSV files) would make openpyxl refuse the whole export.
    sheet.append([_XLSX_ILLEGAL.sub("", v) if isinstance(v, str) else v for v in row])
    for cell in sheet[sheet.max_row]:
        value = cell.value
        if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
            if _PLAIN_NUMBER.match(value):
                continue
            cell.data_type = "s"
            cell.quotePrefix = True
