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

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font

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


CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"


def xlsx_bytes(
    headers: Sequence,
    rows: Iterable[Sequence],
    *,
    sheet_title: str,
    number_formats: dict[str, str] | None = None,
    fit_columns: bool = False,
) -> bytes:
    """One-sheet workbook: bold headers, every cell neutralised; `number_formats` maps a column
    letter to an Excel format ("#,##0.00"); `fit_columns` widens columns to their text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31].replace("/", "-")  # Excel's limits on sheet names
    xlsx_append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, row)
    for letter, number_format in (number_formats or {}).items():
        for cell in sheet[letter][1:]:
            cell.number_format = number_format
    if fit_columns:
        for column in sheet.columns:
            longest = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, 4 + longest * 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download_response(
    body: bytes, *, filename: str, content_type: str, attachment: bool = True
) -> HttpResponse:
    """The body as a file: saved under `filename` (any script, RFC 6266), or shown inline."""
    response = HttpResponse(body, content_type=content_type)
    if header := content_disposition_header(attachment, filename):
        response["Content-Disposition"] = header
    return response


def spreadsheet_response(
    headers: Sequence,
    rows: Iterable[Sequence],
    *,
    fmt: str,
    filename: str,
    sheet_title: str,
    number_formats: dict[str, str] | None = None,
    fit_columns: bool = False,
) -> HttpResponse:
    """A table as a CSV or XLSX download; `filename` without the extension."""
    if fmt == "csv":
        body, content_type = csv_bytes(headers, rows), CSV_CONTENT_TYPE
    elif fmt == "xlsx":
        body = xlsx_bytes(
            headers,
            rows,
            sheet_title=sheet_title,
            number_formats=number_formats,
            fit_columns=fit_columns,
        )
        content_type = XLSX_CONTENT_TYPE
    else:
        raise ValueError(f"unknown spreadsheet format {fmt!r}")
    return download_response(body, filename=f"{filename}.{fmt}", content_type=content_type)
