"""Read listing rows from JSONL, CSV or XLSX and load them all-or-nothing."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from core.tables import XLSX_SUFFIXES, ImportFileError, ImportReport, RowMessage, read_records
from marketplace.services import listing_import_row

LIST_KEYS = ("modes", "keywords", "patents")
KEYS = (
    "external_id",
    "kind",
    "title",
    "summary",
    "title_en",
    "summary_en",
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
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        try:
            return _read_jsonl(path)
        except UnicodeDecodeError as exc:
            raise ValidationError(
                _("文件不是 UTF-8 编码（第 %(start)s 字节处）：请另存为 UTF-8 后再导入")
                % {"start": exc.start}
            ) from exc
    if suffix not in (".csv", *XLSX_SUFFIXES):
        raise ValidationError(
            _("不支持的文件类型“%(suffix)s”：请使用 .jsonl、.csv 或 .xlsx") % {"suffix": suffix}
        )
    try:
        # Spreadsheets go through the shared reader: UTF-8, UTF-8 with BOM, GB18030 and XLSX.
        return [(n, _normalise(row)) for n, row in read_records(path.read_bytes(), path.name)]
    except ImportFileError as exc:
        raise ValidationError(str(exc)) from exc


def _read_jsonl(path: Path) -> list[tuple[int, dict | str]]:
    rows: list[tuple[int, dict | str]] = []
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                rows.append(
                    (
                        number,
                        _("不是有效的 JSON（%(msg)s，第 %(colno)s 列）")
                        % {"msg": exc.msg, "colno": exc.colno},
                    )
                )
                continue
            if not isinstance(data, dict):
                rows.append((number, _("每行应为一个 JSON 对象")))
                continue
            rows.append((number, _normalise(data)))
    return rows


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{key}：{msg}" for key, msgs in exc.message_dict.items() for msg in msgs]
    return exc.messages


def listings_import(*, path: Path, user=None, progress=None) -> ImportReport:
    """Load every row or none: any error rolls the whole file back and is reported by row."""
    result = ImportReport(kind="listings", filename=path.name)
    rows = read_rows(path)
    if not rows:
        result.error(None, gettext("文件中没有数据行"))
        return result
    missing = [
        key
        for key in ("external_id", "kind", "title")
        if not any(isinstance(r, dict) and key in r for _, r in rows)
    ]
    if missing:
        result.error(None, gettext("缺少必需的列：") + "、".join(missing))
        return result
    seen: dict[str, int] = {}
    iterable = progress(rows, desc=gettext("导入挂牌")) if progress else rows
    with transaction.atomic():
        for number, row in iterable:
            if isinstance(row, str):
                result.error(number, row)
                continue
            external_id = str(row.get("external_id") or "")
            if external_id and external_id in seen:
                result.error(
                    number,
                    gettext("external_id“%(external_id)s”与第 %(seen)s 行重复")
                    % {"external_id": external_id, "seen": seen[external_id]},
                )
                continue
            seen[external_id] = number
            try:
                with transaction.atomic():
                    outcome = listing_import_row(row=row, user=user)
            except ValidationError as exc:
                result.errors.extend(RowMessage(number, m) for m in _messages(exc))
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
            result.total += 1
        result.committed = not result.errors
        if result.errors:
            result.created = result.updated = result.unchanged = 0
            transaction.set_rollback(True)
    return result
