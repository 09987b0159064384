"""Reading tables people export from spreadsheets, and the report every import gives back.

CSV in UTF-8, UTF-8 with BOM or GB18030 (what Chinese Excel saves), tab- or comma-separated, and
XLSX through openpyxl. Used by the registry's imports, the listing import and the organisation
import, so they read the same files the same way and report in the same words.
"""

import _csv
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.uploads import zip_check

XLSX_SUFFIXES = (".xlsx", ".xlsm")


class ImportFileError(Exception):
    """The file as a whole cannot be read: encoding, format, missing columns."""


def header_key(text: object) -> str:
    """Headers and vocabulary values compare without width, case, spaces, asterisks or dashes."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s*_\-·]", "", text)


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("无法识别文件编码：请保存为 UTF-8 或 GB18030（GBK）编码的 CSV")
        ) from exc


def _cell(value: object) -> object:
    """Spreadsheet cells as text, except date cells, which stay dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_error(reader: "_csv.Reader") -> ImportFileError:
    return ImportFileError(
        _("CSV 文件第 %(line)s 行无法读取：单元格过长（超过 128 KB）或引号不配对")
        % {"line": reader.line_num}
    )


Rows = Iterator[tuple[int, list]]


def read_table(data: bytes, filename: str) -> tuple[list[str], Rows, int]:
    """(header, rows as (spreadsheet row number, cells), row count estimate).

    Rows are produced lazily so a million-row export is never held twice in memory.
    """
    if filename.lower().endswith(XLSX_SUFFIXES) or data[:2] == b"PK":
        return _read_xlsx(data)
    if filename.lower().endswith(".xls"):
        raise ImportFileError(_("不支持旧版 .xls 文件：请另存为 .xlsx 或 CSV"))
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise _csv_error(reader) from exc
    estimate = max(text.count("\n") - 1, 0)

    def csv_rows() -> Rows:
        try:
            for values in reader:
                yield reader.line_num, [v.strip() for v in values]
        except csv.Error as exc:
            # e.g. a cell past the csv module's 128 KiB field limit
            raise _csv_error(reader) from exc

    return header, csv_rows(), estimate


def _read_xlsx(data: bytes) -> tuple[list[str], Rows, int]:
    try:
        # Expansion is bounded before openpyxl reads the shared strings whole (a zip bomb).
        zip_check(data, name="XLSX")
    except ValidationError as exc:
        raise ImportFileError(
            _("无法读取 XLSX 文件：%(reason)s") % {"reason": exc.messages[0]}
        ) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_("无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿")) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(_cell(v)) for v in next(rows, ())]
    estimate = max((sheet.max_row or 1) - 1, 0)

    def xlsx_rows() -> Rows:
        for number, values in enumerate(rows, start=2):
            yield number, [_cell(v) for v in values]
        workbook.close()

    return header, xlsx_rows(), estimate


def read_records(data: bytes, filename: str) -> Iterator[tuple[int, dict]]:
    """Rows as {header: cell} dicts, blank rows skipped: for imports keyed by column name."""
    header, rows, _estimate = read_table(data, filename)
    for number, values in rows:
        if all(v in ("", None) for v in values):
            continue
        yield number, {h: v for h, v in zip(header, values, strict=False) if h}


class RowMessage(str):
    """'第 N 行：message' that still knows its row and bare message."""

    row: int | None
    message: str

    def __new__(cls, row: int | None, message: str) -> "RowMessage":
        text = (
            _("第 %(row)s 行：%(message)s") % {"row": row, "message": message} if row else message
        )
        obj = super().__new__(cls, text)
        obj.row = row
        obj.message = message
        return obj


@dataclass
class ImportReport:
    """What an import did: counts, row-numbered errors and warnings, and whether it committed."""

    kind: str = ""
    filename: str = ""
    dry_run: bool = False
    skip_invalid: bool = False
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowMessage] = field(default_factory=list)
    warnings: list[RowMessage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    # Rows whose undated status (失效 …) was dated by the export's date given at import.
    dated_by_export: int = 0
    committed: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    @property
    def rows_per_second(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0

    def error(self, row: int | None, message: str) -> None:
        self.errors.append(RowMessage(row, message))

    def warn(self, row: int | None, message: str) -> None:
        self.warnings.append(RowMessage(row, message))

    def listed(self, messages: list[RowMessage], *, label: str, unit: str, limit: int) -> list[str]:
        """At most `limit` messages for a terminal, each after its label, then how many more."""
        lines = [f"{label} {message}" for message in messages[:limit]]
        if len(messages) > limit:
            lines.append(
                _("……另有 %(count)d 条%(unit)s未列出")
                % {"count": len(messages) - limit, "unit": unit}
            )
        return lines

    def summary(self) -> str:
        counts = _(
            "共 %(total)s 行：新建 %(created)s，更新 %(updated)s，未变 %(unchanged)s，"
            "拒绝 %(rejected)s"
        ) % {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }
        if self.dry_run:
            outcome = _("试运行，未写入数据库")
        elif self.committed:
            outcome = _("已导入") + (_("（无效行已跳过）") if self.rejected else "")
        else:
            outcome = _("存在错误，未导入任何数据（全部回滚）")
        return f"{counts}。{outcome}。"
