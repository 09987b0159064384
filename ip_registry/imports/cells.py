"""Cell parsers: dates in every form Chinese spreadsheets hold them, IPC symbols, lists."""

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RowInvalid(Exception):
    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else messages
        super().__init__("; ".join(self.messages))


_DATE_PATTERNS = (
    # 2019-01-02, 2019/1/2, 2019.01.02, 2019年1月2日
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    # 20190102
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# Excel stores a date as days since 1899-12-30 (its 1900 leap-year bug included); a cell read
# as a plain number (a CSV saved from such a cell, or a date cell without a date format)
# holds that serial. 20000–80000 covers 1954–2119 and no yyyymmdd value.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")


@lru_cache(maxsize=100_000)
def date_from_text(value: str) -> date | None:
    """Cached: a patent file repeats the same dates many times over."""
    text = unicodedata.normalize("NFKC", value).strip()
    text = text.split(" ")[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    serial = _EXCEL_SERIAL.match(text)
    if serial and 20_000 <= int(serial.group(1)) <= 80_000:
        return _EXCEL_EPOCH + timedelta(days=int(serial.group(1)))
    return None


def parse_date(value: object, label: str) -> date | None:
    if value in ("", None):
        return None
    if isinstance(value, date):
        return value
    parsed = date_from_text(str(value))
    if parsed is None:
        raise RowInvalid(
            _("%(label)s“%(value)s”不是有效日期（应如 2019-05-01、2019/5/1、2019年5月1日）")
            % {"label": label, "value": value}
        )
    return parsed


_IPC = re.compile(r"^([A-H])(\d{2})([A-Z])\s*(\d{1,4})\s*/\s*(\d{1,6})(?:\s*\(\d{4}\.\d{2}\))?$")


def parse_ipc(value: str) -> list[tuple[str, str, str, str, str, str]]:
    """'A61K31/495(2006.01);C10G 1/00' → [(symbol, section, class, subclass, group, subgroup)]."""
    return list(_parse_ipc(value or ""))


@lru_cache(maxsize=20_000)
def _parse_ipc(value: str) -> tuple:
    symbols: list[tuple] = []
    for part in re.split(r"[;；,，]", unicodedata.normalize("NFKC", value or "").upper()):
        part = part.strip()
        if not part:
            continue
        match = _IPC.match(part)
        if not match:
            raise RowInvalid(
                _("IPC 分类号“%(part)s”格式不正确（应如 A61K 31/495）") % {"part": part}
            )
        section, cls, sub, group, subgroup = match.groups()
        symbol = f"{section}{cls}{sub} {int(group)}/{subgroup}"
        if symbol not in [s[0] for s in symbols]:
            symbols.append(
                (symbol, section, section + cls, section + cls + sub, str(int(group)), subgroup)
            )
    return tuple(symbols)


def split_list(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;；]", value or "")]


def required(row: dict, key: str, label: str) -> str:
    value = row.get(key, "")
    if value in ("", None):
        raise RowInvalid(_("%(label)s不能为空") % {"label": label})
    return value if isinstance(value, str) else str(value)


def validated(func, *args, **kwargs):
    """Run a validator, turning its ValidationError into this row's error."""
    try:
        return func(*args, **kwargs)
    except ValidationError as exc:
        raise RowInvalid(exc.messages) from exc
