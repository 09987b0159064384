"""Read listing rows from JSONL, CSV or XLSX and load them all-or-nothing."""

import csv
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl.utils.exceptions import InvalidFileException

from core.uploads import zip_check

LIST_KEYS = ("modes", "keywords", "patents")
KEYS = (
    "external_id",
    "kind",
    "title",
    "summary",
    "body",
    "industry",
    "trl",
    "modes",
    "price_wan",
    "owner_name",
    "district",
    "keywords",
    "patents",
)


@dataclass
class ImportResult:
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _split(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return [str(v).strip() for v in json.loads(text) if str(v).strip()]
        except json.JSONDecodeError:
            pass
    for sep in ("；", ";", "，", "、", "|", "\n"):
        text = text.replace(sep, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def _normalise(row: dict) -> dict:
    row = {str(k).strip(): v for k, v in row.items() if k is not None}
    for key in LIST_KEYS:
        if key in row:
            row[key] = _split(row[key])
    for key, value in list(row.items()):
        if isinstance(value, str):
            row[key] = value.strip()
    return row


def read_rows(path: Path) -> list[tuple[int, dict | str]]:
    """(row number, row dict) pairs; an unreadable row gives its error text instead of a dict.

    A file that cannot be read at all (wrong encoding, broken CSV or XLSX) is one Chinese
    ValidationError, never a traceback.
    """
    try:
        return _read_rows(path)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"文件不是 UTF-8 编码（第 {exc.start} 字节处）：请另存为 UTF-8 后再导入"
        ) from exc
    except csv.Error as exc:
        raise ValidationError(f"CSV 文件无法解析：{exc}") from exc
    except (zipfile.BadZipFile, InvalidFileException, KeyError, StopIteration) as exc:
        raise ValidationError("不是有效的 XLSX 文件：请用 Excel 另存为 .xlsx") from exc


def _read_rows(path: Path) -> list[tuple[int, dict | str]]:
    suffix = path.suffix.lower()
    rows: list[tuple[int, dict | str]] = []
    if suffix in (".jsonl", ".json", ".ndjson"):
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    rows.append((number, f"不是有效的 JSON（{exc.msg}，第 {exc.colno} 列）"))
                    continue
                if not isinstance(data, dict):
                    rows.append((number, "每行应为一个 JSON 对象"))
                    continue
                rows.append((number, _normalise(data)))
    elif suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            # Row 1 is the header.
            for number, data in enumerate(reader, start=2):
                rows.append((number, _normalise(data)))
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        zip_check(path.read_bytes(), name=path.name)  # expansion bounded before openpyxl reads it
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(lines, [])]
        for number, values in enumerate(lines, start=2):
            if all(v is None or v == "" for v in values):
                continue
            rows.append((number, _normalise(dict(zip(header, values, strict=False)))))
        workbook.close()
    else:
        raise ValidationError(f"不支持的文件类型“{suffix}”：请使用 .jsonl、.csv 或 .xlsx")
    return rows


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{key}：{msg}" for key, msgs in exc.message_dict.items() for msg in msgs]
    return exc.messages


def listings_import(*, path: Path, user=None, progress=None) -> ImportResult:
    """Load every row or none: any error rolls the whole file back and is reported by row."""
    from marketplace.services import listing_import_row

    result = ImportResult()
    rows = read_rows(path)
    if not rows:
        result.errors.append("文件中没有数据行")
        return result
    missing = [
        key
        for key in ("external_id", "kind", "title")
        if not any(isinstance(r, dict) and key in r for _, r in rows)
    ]
    if missing:
        result.errors.append("缺少必需的列：" + "、".join(missing))
        return result
    seen: dict[str, int] = {}
    iterable = progress(rows, desc="导入挂牌") if progress else rows
    with transaction.atomic():
        for number, row in iterable:
            if isinstance(row, str):
                result.errors.append(f"第 {number} 行：{row}")
                continue
            external_id = str(row.get("external_id") or "")
            if external_id and external_id in seen:
                result.errors.append(
                    f"第 {number} 行：external_id“{external_id}”与第 {seen[external_id]} 行重复"
                )
                continue
            seen[external_id] = number
            try:
                with transaction.atomic():
                    outcome = listing_import_row(row=row, user=user)
            except ValidationError as exc:
                result.errors.extend(f"第 {number} 行：{m}" for m in _messages(exc))
                continue
            result.counts[outcome] += 1
        if result.errors:
            result.counts.clear()
            transaction.set_rollback(True)
    return result
