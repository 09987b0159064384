"""One import engine for enterprises, designations and patents.

CSV (UTF-8, UTF-8 with BOM, GB18030 as saved by Chinese Excel) or XLSX → header aliases →
normalise and validate every row → write in bulk, chunk by chunk, inside one transaction that
is rolled back on a dry run or, unless invalid rows may be skipped, when any row is invalid.
"""

import csv
import io
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.identifiers import (
    PATENT_TYPES,
    normalize_patent_number,
    patent_check_character,
    patent_type_code,
    validate_uscc,
)
from core.models import District, Industry, Organization
from core.uploads import zip_check
from ip_registry.models import (
    PATENT_TYPE_LABELS,
    Designation,
    DesignationType,
    Enterprise,
    Holding,
    LegalStatus,
    LegalStatusEvent,
    Patent,
    PatentClassification,
    StatusPeriod,
    name_key,
    patent_expiry,
)
from ip_registry.services import status_periods_compute, status_periods_rebuild
from ip_registry.signals import registry_bulk_changed

CHUNK_SIZE = 5000
_CANONICAL_NUMBER = re.compile(r"^(?:\d{12}|\d{8})\.[\dX]$")


class ImportFileError(Exception):
    """The file as a whole cannot be read: encoding, format, missing columns."""


class RowInvalid(Exception):
    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else messages
        super().__init__("; ".join(self.messages))


class _Rollback(Exception):
    pass


@dataclass
class RowMessage:
    row: int
    message: str

    def __str__(self):
        return f"第 {self.row} 行：{self.message}"


@dataclass
class ImportReport:
    kind: str
    filename: str
    dry_run: bool = False
    skip_invalid: bool = False
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowMessage] = field(default_factory=list)
    warnings: list[RowMessage] = field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        counts = (
            f"共 {self.total} 行：新建 {self.created}，更新 {self.updated}，"
            f"未变 {self.unchanged}，拒绝 {self.rejected}"
        )
        if self.dry_run:
            outcome = "试运行，未写入数据库"
        elif self.committed:
            outcome = "已导入" + ("（无效行已跳过）" if self.rejected else "")
        else:
            outcome = "存在错误，未导入任何数据（全部回滚）"
        return f"{counts}。{outcome}。"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


def header_key(text) -> str:
    """Headers compare without width, case, spaces, asterisks or bracket style."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s*_\-]", "", text)


# Reading files ----------------------------------------------------------------------------


def _decode(data: bytes) -> str:
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
            "无法识别文件编码：请保存为 UTF-8 或 GB18030（GBK）编码的 CSV"
        ) from exc


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_error(reader) -> ImportFileError:
    return ImportFileError(
        f"CSV 文件第 {reader.line_num} 行无法读取：单元格过长（超过 128 KB）或引号不配对"
    )


def read_table(data: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, list]], int]:
    """(header, rows as (spreadsheet row number, cells), row count estimate)."""
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            zip_check(data, name=filename)
        except ValidationError as exc:
            raise ImportFileError(f"无法读取 XLSX 文件：{exc.messages[0]}") from exc
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise ImportFileError("无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿") from exc
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(rows, ())]
        estimate = max((sheet.max_row or 1) - 1, 0)

        def xlsx_rows():
            for number, values in enumerate(rows, start=2):
                yield number, [_cell(v) for v in values]
            workbook.close()

        return header, xlsx_rows(), estimate
    if filename.lower().endswith(".xls"):
        raise ImportFileError("不支持旧版 .xls 文件：请另存为 .xlsx 或 CSV")
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise _csv_error(reader) from exc
    estimate = max(text.count("\n") - 1, 0)

    def csv_rows():
        try:
            for values in reader:
                yield reader.line_num, [v.strip() for v in values]
        except csv.Error as exc:
            # e.g. a cell past the csv module's 128 KiB field limit
            raise _csv_error(reader) from exc

    return header, csv_rows(), estimate


# Value parsers ----------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


@lru_cache(maxsize=100_000)
def _date_from_text(value: str) -> date | None:
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
    return None


def parse_date(value, label: str) -> date | None:
    if value in ("", None):
        return None
    if isinstance(value, date):
        return value
    parsed = _date_from_text(str(value))
    if parsed is None:
        raise RowInvalid(f"{label}“{value}”不是有效日期（应如 2019-05-01）")
    return parsed


_IPC = re.compile(r"^([A-H])(\d{2})([A-Z])\s*(\d{1,4})\s*/\s*(\d{1,6})(?:\s*\(\d{4}\.\d{2}\))?$")


def parse_ipc(value: str) -> list[tuple[str, str, str, str, str, str]]:
    """'A61K31/495(2006.01);C10G 1/00' → [(symbol, section, class, subclass, group, subgroup)]."""
    return list(_parse_ipc(value or ""))


@lru_cache(maxsize=20_000)
def _parse_ipc(value: str) -> tuple:
    symbols = []
    for part in re.split(r"[;；,，]", unicodedata.normalize("NFKC", value or "").upper()):
        part = part.strip()
        if not part:
            continue
        match = _IPC.match(part)
        if not match:
            raise RowInvalid(f"IPC 分类号“{part}”格式不正确（应如 A61K 31/495）")
        section, cls, sub, group, subgroup = match.groups()
        symbol = f"{section}{cls}{sub} {int(group)}/{subgroup}"
        if symbol not in [s[0] for s in symbols]:
            symbols.append(
                (symbol, section, section + cls, section + cls + sub, str(int(group)), subgroup)
            )
    return tuple(symbols)


def split_list(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;；]", value or "")]


def _required(row: dict, key: str, label: str) -> str:
    value = row.get(key, "")
    if value in ("", None):
        raise RowInvalid(f"{label}不能为空")
    return value if isinstance(value, str) else str(value)


def _validate(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except ValidationError as exc:
        raise RowInvalid(exc.messages) from exc


# Importers --------------------------------------------------------------------------------


class Importer:
    kind = ""
    label = ""
    columns: tuple[Column, ...] = ()

    def __init__(self, *, filename: str = ""):
        self.filename = filename
        self.present: set[str] = set()

    def map_header(self, header: list[str]) -> dict[str, int]:
        lookup = {}
        for column in self.columns:
            for alias in (column.key, column.label, *column.aliases):
                lookup[header_key(alias)] = column.key
        mapping = {}
        for index, title in enumerate(header):
            key = lookup.get(header_key(title))
            if key and key not in mapping:
                mapping[key] = index
        missing = [
            f"{c.label}（{c.key}）" for c in self.columns if c.required and c.key not in mapping
        ]
        if missing:
            raise ImportFileError(
                "缺少必需的列：" + "、".join(missing) + "。表头应在第 1 行，可用中文或英文列名。"
            )
        self.present = set(mapping)
        return mapping

    def prepare(self) -> None:
        """Load lookups once per import."""

    def clean(self, row: dict):
        raise NotImplementedError

    def key(self, cleaned):
        raise NotImplementedError

    def write(self, rows: list[tuple[int, object]], report: ImportReport) -> None:
        raise NotImplementedError


ORG_TYPES = {header_key(label): value for value, label in Organization.Kind.choices} | {
    header_key(value): value for value in Organization.Kind.values
}


class EnterpriseImporter(Importer):
    kind = "enterprises"
    label = "企业"
    columns = (
        Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码", "credit_code"), True),
        Column("name", "企业名称", ("名称", "单位名称", "enterprise_name", "company"), True),
        Column("district", "所属区县", ("区县", "所在区县", "地区", "功能区")),
        Column("industry", "行业", ("所属行业", "产业", "所属产业")),
        Column("org_type", "机构类型", ("单位类型", "organization_type", "type")),
        Column("former_names", "曾用名", ("原名称",)),
    )

    def prepare(self):
        self.districts = {}
        for district in District.objects.all():
            self.districts[name_key(district.name)] = district.pk
            if district.division_code:
                self.districts[district.division_code] = district.pk
        self.industries = {name_key(i.name): i.pk for i in Industry.objects.all()}
        self.district_names = "、".join(District.objects.values_list("name", flat=True))

    def clean(self, row):
        errors = []
        cleaned = {}
        try:
            cleaned["uscc"] = _validate(validate_uscc, _required(row, "uscc", "统一社会信用代码"))
        except RowInvalid as exc:
            errors += exc.messages
        name = str(row.get("name", "")).strip()
        if not name:
            errors.append("企业名称不能为空")
        elif len(name) > 200:
            errors.append(f"企业名称“{name[:20]}…”超过 200 字")
        cleaned["name"] = name
        cleaned["district_id"] = None
        if row.get("district"):
            cleaned["district_id"] = self.districts.get(name_key(str(row["district"])))
            if cleaned["district_id"] is None:
                errors.append(
                    f"所属区县“{row['district']}”不在区县列表中（可选：{self.district_names}）"
                )
        cleaned["industry_id"] = None
        if row.get("industry"):
            cleaned["industry_id"] = self.industries.get(name_key(str(row["industry"])))
            if cleaned["industry_id"] is None:
                errors.append(f"行业“{row['industry']}”不在行业列表中")
        cleaned["org_type"] = Organization.Kind.ENTERPRISE
        if row.get("org_type"):
            cleaned["org_type"] = ORG_TYPES.get(header_key(row["org_type"]))
            if cleaned["org_type"] is None:
                errors.append(f"机构类型“{row['org_type']}”无效（企业、高校、科研院所或其他机构）")
        cleaned["former_names"] = [n for n in split_list(row.get("former_names", "")) if n]
        if errors:
            raise RowInvalid(errors)
        return cleaned

    def key(self, cleaned):
        return cleaned["uscc"]

    def write(self, rows, report):
        existing = {
            e.uscc: e for e in Enterprise.objects.filter(uscc__in=[c["uscc"] for _, c in rows])
        }
        new, changed = [], []
        for _, c in rows:
            enterprise = existing.get(c["uscc"])
            if enterprise is None:
                new.append(
                    Enterprise(
                        uscc=c["uscc"],
                        name=c["name"],
                        name_key=name_key(c["name"]),
                        district_id=c["district_id"],
                        industry_id=c["industry_id"],
                        org_type=c["org_type"],
                        former_names=c["former_names"],
                    )
                )
                continue
            former = list(enterprise.former_names)
            for old in [
                *c["former_names"],
                *([enterprise.name] if enterprise.name != c["name"] else []),
            ]:
                if old not in former and old != c["name"]:
                    former.append(old)
            values = {
                "name": c["name"],
                "name_key": name_key(c["name"]),
                "former_names": former,
                "org_type": c["org_type"],
            }
            # Blank optional cells keep what the register already knows.
            if c["district_id"]:
                values["district_id"] = c["district_id"]
            if c["industry_id"]:
                values["industry_id"] = c["industry_id"]
            if all(getattr(enterprise, k) == v for k, v in values.items()):
                report.unchanged += 1
                continue
            for k, v in values.items():
                setattr(enterprise, k, v)
            enterprise.updated_at = timezone.now()
            changed.append(enterprise)
        created = Enterprise.objects.bulk_create(new, batch_size=1000)
        Enterprise.objects.bulk_update(
            changed,
            ["name", "name_key", "former_names", "org_type", "district", "industry", "updated_at"],
            batch_size=500,
        )
        registry_bulk_changed.send(
            sender=Enterprise, ids=[e.pk for e in created] + [e.pk for e in changed]
        )
        report.created += len(new)
        report.updated += len(changed)


class DesignationImporter(Importer):
    kind = "designations"
    label = "企业认定"
    columns = (
        Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码", "credit_code"), True),
        Column("year", "年度", ("认定年度", "年份"), True),
        Column("designation", "认定类型", ("类型", "认定", "designation_type", "type"), True),
        Column("source", "来源", ("认定文件", "文件", "批次", "source_document")),
        Column("name", "企业名称", ("名称",)),
    )

    def prepare(self):
        self.enterprises = dict(Enterprise.objects.values_list("uscc", "pk"))
        self.types = {}
        names = []
        for t in DesignationType.objects.all():
            names.append(t.name)
            for alias in (t.code, t.name, *t.alias_list()):
                self.types[header_key(alias)] = t.pk
        self.type_names = "、".join(names)

    def clean(self, row):
        errors = []
        cleaned = {}
        try:
            uscc = _validate(validate_uscc, _required(row, "uscc", "统一社会信用代码"))
            cleaned["enterprise_id"] = self.enterprises.get(uscc)
            if cleaned["enterprise_id"] is None:
                errors.append(f"统一社会信用代码“{uscc}”对应的企业未登记，请先导入企业")
        except RowInvalid as exc:
            errors += exc.messages
        year = str(row.get("year", "")).strip().removesuffix("年")
        if not re.fullmatch(r"\d{4}", year) or not 1985 <= int(year) <= 2100:
            errors.append(f"年度“{row.get('year', '')}”无效（应为四位年份，如 2019）")
        else:
            cleaned["year"] = int(year)
        dtype = str(row.get("designation", "")).strip()
        cleaned["designation_type_id"] = self.types.get(header_key(dtype))
        if cleaned["designation_type_id"] is None:
            errors.append(f"认定类型“{dtype}”无效（可选：{self.type_names}）")
        cleaned["source"] = str(row.get("source", "")).strip()[:200]
        if errors:
            raise RowInvalid(errors)
        return cleaned

    def key(self, c):
        return (c["enterprise_id"], c["designation_type_id"], c["year"])

    def write(self, rows, report):
        enterprise_ids = {c["enterprise_id"] for _, c in rows}
        existing = {
            (d.enterprise_id, d.designation_type_id, d.year): d
            for d in Designation.objects.filter(enterprise_id__in=enterprise_ids)
        }
        new, changed = [], []
        for _, c in rows:
            designation = existing.get(self.key(c))
            if designation is None:
                new.append(Designation(**{**c, "source": c["source"] or f"导入：{self.filename}"}))
            elif c["source"] and designation.source != c["source"]:
                designation.source = c["source"]
                changed.append(designation)
            else:
                report.unchanged += 1
        Designation.objects.bulk_create(new, batch_size=1000)
        Designation.objects.bulk_update(changed, ["source"], batch_size=500)
        report.created += len(new)
        report.updated += len(changed)


STATUS_ALIASES = {
    LegalStatus.PENDING: ("审中", "在审", "审查中", "实质审查", "实审", "公开", "待审", "pending"),
    LegalStatus.GRANTED: ("授权", "有效", "专利权维持", "维持", "granted", "inforce", "valid"),
    LegalStatus.LAPSED: (
        "未缴年费",
        "未缴年费终止",
        "未缴年费专利权终止",
        "专利权终止",
        "终止",
        "lapsed",
    ),
    LegalStatus.ABANDONED: ("放弃", "放弃专利权", "主动放弃", "abandoned"),
    LegalStatus.INVALIDATED: ("无效", "宣告无效", "全部无效", "invalidated"),
    LegalStatus.EXPIRED: ("期限届满", "届满", "专利权期限届满", "expired"),
    LegalStatus.WITHDRAWN: ("撤回", "视为撤回", "主动撤回", "withdrawn"),
    LegalStatus.REJECTED: ("驳回", "rejected"),
    LegalStatus.RESTORED: ("恢复", "权利恢复", "专利权恢复", "restored"),
}
STATUS_LOOKUP = {
    header_key(alias): status
    for status, aliases in STATUS_ALIASES.items()
    for alias in (*aliases, status.value, status.label)
}
TYPE_LABEL_LOOKUP = {header_key(label): code for code, label in PATENT_TYPE_LABELS.items()} | {
    "发明专利": "1",
    "实用新型专利": "2",
    "外观设计专利": "3",
}


@dataclass
class PatentRow:
    number: str
    title: str
    filing_date: date
    fields: dict
    events: list[tuple[str, date]]
    holders: list[tuple[str, str, int | None]]  # (name, uscc, enterprise id)
    holders_since: date | None
    ipc: list[tuple] | None
    warnings: list[str]


class PatentImporter(Importer):
    kind = "patents"
    label = "专利"
    columns = (
        Column("application_number", "申请号", ("专利号", "申请号/专利号", "app_no"), True),
        Column("title", "名称", ("专利名称", "发明名称", "标题", "patent_title"), True),
        Column("filing_date", "申请日", ("申请日期", "application_date"), True),
        Column(
            "holders",
            "专利权人",
            (
                "申请(专利权)人",
                "当前权利人",
                "申请人",
                "权利人",
                "patentee",
                "applicants",
                "owners",
            ),
            True,
        ),
        Column("holder_usccs", "权利人统一社会信用代码", ("权利人信用代码", "holder_uscc")),
        Column("patent_type", "专利类型", ("类型", "type")),
        Column("publication_number", "公开(公告)号", ("公开号", "publication_no")),
        Column("publication_date", "公开(公告)日", ("公开日", "公开日期")),
        Column("grant_number", "授权公告号", ("授权号", "grant_no")),
        Column("grant_date", "授权公告日", ("授权日", "授权日期")),
        Column("status", "法律状态", ("当前法律状态", "legal_status", "状态")),
        Column("status_date", "法律状态日", ("法律状态公告日", "失效日期", "状态日期", "失效日")),
        Column("ipc", "IPC分类号", ("主分类号", "分类号", "ipc_codes", "ipc分类")),
        Column("fees_paid_until", "年费缴至", ("年费缴费截止日", "fee_paid_until")),
        Column("holders_since", "权利转移日", ("变更日期", "转让生效日", "holder_since")),
    )

    def prepare(self):
        self.by_uscc = {}
        self.by_name = defaultdict(set)
        for pk, uscc, key, former in Enterprise.objects.values_list(
            "pk", "uscc", "name_key", "former_names"
        ):
            self.by_uscc[uscc] = pk
            self.by_name[key].add(pk)
            for old in former or ():
                self.by_name[name_key(old)].add(pk)
        self.today = timezone.localdate()
        self._uscc_cache: dict = {}

    def _number(self, row) -> str:
        raw = _required(row, "application_number", "申请号")
        # Most rows of an export are already canonical: check them without the messy-input path.
        if _CANONICAL_NUMBER.match(raw):
            digits, check = raw.split(".")
            if patent_check_character(digits) == check and patent_type_code(raw) in PATENT_TYPES:
                return raw
        return _validate(normalize_patent_number, raw, field_label="申请号")

    def _holder_uscc(self, value: str) -> str:
        # The same holders recur on thousands of rows: validate each code once.
        if value not in self._uscc_cache:
            try:
                self._uscc_cache[value] = validate_uscc(value, field_label="权利人统一社会信用代码")
            except ValidationError as exc:
                self._uscc_cache[value] = RowInvalid(exc.messages)
        result = self._uscc_cache[value]
        if isinstance(result, RowInvalid):
            raise result
        return result

    def _match(self, name: str, uscc: str, warnings: list[str]) -> int | None:
        if uscc:
            pk = self.by_uscc.get(uscc)
            if pk is None:
                warnings.append(f"权利人“{name}”（{uscc}）未在企业登记中找到，按未登记权利人保存")
            return pk
        candidates = self.by_name.get(name_key(name), set())
        if len(candidates) == 1:
            return next(iter(candidates))
        if candidates:
            warnings.append(f"权利人“{name}”对应多家登记企业，未自动匹配，请填写统一社会信用代码")
        else:
            warnings.append(f"权利人“{name}”未在企业登记中找到，按未登记权利人保存")
        return None

    def clean(self, row):
        errors, warnings = [], []

        def attempt(func, *args, **kwargs):
            try:
                return func(*args, **kwargs)
            except RowInvalid as exc:
                errors.extend(exc.messages)
                return None

        number = attempt(self._number, row)
        title = str(row.get("title", "")).strip()
        if not title:
            errors.append("名称不能为空")
        filing = attempt(parse_date, row.get("filing_date"), "申请日")
        if row.get("filing_date") in ("", None):
            errors.append("申请日不能为空")
        grant = attempt(parse_date, row.get("grant_date"), "授权公告日")
        publication = attempt(parse_date, row.get("publication_date"), "公开（公告）日")
        status_date = attempt(parse_date, row.get("status_date"), "法律状态日")
        fees_paid_until = attempt(parse_date, row.get("fees_paid_until"), "年费缴至")
        holders_since = attempt(parse_date, row.get("holders_since"), "权利转移日")
        if number and row.get("patent_type"):
            declared = TYPE_LABEL_LOOKUP.get(header_key(row["patent_type"]))
            actual = patent_type_code(number)
            if declared is not None and declared != actual and {declared, actual} != {"1", "8"}:
                errors.append(
                    f"专利类型“{row['patent_type']}”与申请号 {number} 的类型位"
                    f"（{PATENT_TYPE_LABELS[actual]}）不符"
                )
        status = None
        if row.get("status"):
            status = STATUS_LOOKUP.get(header_key(row["status"]))
            if status is None:
                errors.append(
                    f"法律状态“{row['status']}”无法识别（如：审中、授权、未缴年费终止、放弃、"
                    "无效、期限届满、撤回、驳回、恢复）"
                )
        for label, day in (("授权公告日", grant), ("法律状态日", status_date)):
            if filing and day and day < filing:
                errors.append(f"{label} {day:%Y-%m-%d} 早于申请日 {filing:%Y-%m-%d}")
        if grant and grant > self.today:
            errors.append(f"授权公告日 {grant:%Y-%m-%d} 晚于今天")
        events = []
        if filing:
            events.append((LegalStatus.PENDING, filing))
        if grant:
            events.append((LegalStatus.GRANTED, grant))
        if status and status not in (LegalStatus.PENDING,):
            day = status_date or (grant if status == LegalStatus.GRANTED else None)
            if day is None:
                errors.append(f"法律状态为“{status.label}”时须填写法律状态日")
            else:
                events.append((status, day))
        names = [n for n in split_list(str(row.get("holders", ""))) if n]
        if not names:
            errors.append("专利权人不能为空")
        usccs_raw = split_list(str(row.get("holder_usccs", ""))) if row.get("holder_usccs") else []
        if usccs_raw and len(usccs_raw) != len(names):
            errors.append(
                f"权利人统一社会信用代码有 {len(usccs_raw)} 个，与专利权人数量 {len(names)} 不一致"
                "（用“;”分隔，顺序相同，未知的留空）"
            )
        holders = []
        if not errors:
            for i, name in enumerate(names):
                uscc = ""
                if usccs_raw and usccs_raw[i]:
                    uscc = attempt(self._holder_uscc, usccs_raw[i]) or ""
                holders.append((name[:200], uscc, self._match(name, uscc, warnings)))
        ipc = attempt(parse_ipc, str(row.get("ipc", ""))) if row.get("ipc") else None
        if errors:
            raise RowInvalid(errors)
        fields = {
            "title": title[:300],
            "publication_number": str(row.get("publication_number", "")).strip()[:20],
            "publication_date": publication,
            "grant_number": str(row.get("grant_number", "")).strip()[:20],
            "grant_date": grant,
            "fees_paid_until": fees_paid_until,
            "ipc": "; ".join(s[0] for s in ipc) if ipc else "",
            "filing_date": filing,
        }
        return PatentRow(
            number, title, filing, fields, events, holders, holders_since, ipc, warnings
        )

    def key(self, cleaned):
        return cleaned.number

    def write(self, rows, report):
        for number, cleaned in rows:
            report.warnings.extend(RowMessage(number, w) for w in cleaned.warnings)
        numbers = [c.number for _, c in rows]
        existing = _patents_by_number(numbers)
        now = timezone.now()
        new_rows, changed = [], []
        for _, c in rows:
            patent = existing.get(c.number)
            if patent is None:
                type_code = patent_type_code(c.number)
                f = c.fields
                new_rows.append(
                    (
                        c.number,
                        type_code,
                        f["title"],
                        f["filing_date"],
                        f["publication_number"],
                        f["publication_date"],
                        f["grant_number"],
                        f["grant_date"],
                        patent_expiry(type_code, f["filing_date"]),
                        f["fees_paid_until"],
                        f["ipc"],
                        now,
                        now,
                    )
                )
                continue
            # Blank cells keep what the register already knows.
            values = {k: v for k, v in c.fields.items() if v not in ("", None)}
            if any(getattr(patent, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(patent, k, v)
                patent.fill_derived()
                patent.updated_at = now
                changed.append(patent)
        last_pk = Patent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        raw_insert(Patent, PATENT_COLUMNS, new_rows)
        Patent.objects.bulk_update(
            changed,
            [
                "title",
                "publication_number",
                "publication_date",
                "grant_number",
                "grant_date",
                "fees_paid_until",
                "ipc",
                "filing_date",
                "expiry_date",
                "updated_at",
            ],
            batch_size=500,
        )
        ids = {n: p.pk for n, p in existing.items()}
        expiries = {n: p.expiry_date for n, p in existing.items()}
        if new_rows:
            # Rows inserted after `last_pk` in this transaction; another writer's rows, if any,
            # are not among our numbers.
            new_numbers = {r[0] for r in new_rows}
            ids.update(
                (number, pk)
                for number, pk in Patent.objects.filter(pk__gt=last_pk).values_list(
                    "application_number", "pk"
                )
                if number in new_numbers
            )
            expiries.update((r[0], r[8]) for r in new_rows)
        new_ids = {ids[r[0]] for r in new_rows}
        changed_ids = {p.pk for p in changed}
        old_ids = [p.pk for p in existing.values()]
        touched = set()

        # Legal-status events: add what is not yet known; history is never erased by an import.
        known_events = set(
            LegalStatusEvent.objects.filter(patent_id__in=old_ids).values_list(
                "patent_id", "status", "date"
            )
        )
        new_events, rebuild, periods = [], set(changed_ids), []
        source = f"导入：{self.filename}"[:200]
        for _, c in rows:
            pk = ids[c.number]
            added = False
            for status, day in c.events:
                if (pk, status, day) not in known_events:
                    known_events.add((pk, status, day))
                    new_events.append((pk, status, day, source, now))
                    added = True
            if pk in new_ids:
                periods += [
                    (pk, status, start, end)
                    for status, start, end in status_periods_compute(
                        c.events, expiry=expiries[c.number]
                    )
                ]
            elif added:
                rebuild.add(pk)
                touched.add(pk)
        raw_insert(
            LegalStatusEvent, ("patent", "status", "date", "source", "recorded_at"), new_events
        )
        raw_insert(StatusPeriod, ("patent", "status", "start_date", "end_date"), periods)
        status_periods_rebuild(patent_ids=sorted(rebuild))

        # Holders: a different set of current holders is a transfer from `holders_since`.
        open_holdings = defaultdict(list)
        for holding in Holding.objects.filter(patent_id__in=old_ids, end_date__isnull=True):
            open_holdings[holding.patent_id].append(holding)
        new_holdings, closed = [], []
        for _, c in rows:
            pk = ids[c.number]
            if pk in new_ids:
                start = c.holders_since or c.filing_date
            else:
                wanted = [(e or None, None if e else name_key(n)) for n, _, e in c.holders]
                current = [
                    (h.enterprise_id, None if h.enterprise_id else name_key(h.holder_name))
                    for h in open_holdings.get(pk, [])
                ]
                if sorted(wanted, key=str) == sorted(current, key=str):
                    continue
                if current:
                    # A transfer: the previous holders' rights end the day the new ones begin.
                    start = c.holders_since or self.today
                    for holding in open_holdings[pk]:
                        holding.end_date = start
                        closed.append(holding)
                else:
                    start = c.holders_since or c.filing_date
                touched.add(pk)
            new_holdings += [
                (pk, ent, name, uscc, i, start, None)
                for i, (name, uscc, ent) in enumerate(c.holders)
            ]
        Holding.objects.bulk_update(closed, ["end_date"], batch_size=500)
        raw_insert(
            Holding,
            (
                "patent",
                "enterprise",
                "holder_name",
                "holder_uscc",
                "position",
                "start_date",
                "end_date",
            ),
            new_holdings,
        )

        # IPC symbols, split for grouping.
        ipc_patents = [
            (ids[c.number], c.ipc)
            for _, c in rows
            if c.ipc is not None and (ids[c.number] in new_ids or ids[c.number] in changed_ids)
        ]
        PatentClassification.objects.filter(
            patent_id__in=[pk for pk, _ in ipc_patents if pk not in new_ids]
        ).delete()
        raw_insert(
            PatentClassification,
            (
                "patent",
                "position",
                "symbol",
                "section",
                "ipc_class",
                "subclass",
                "main_group",
                "subgroup",
            ),
            [(pk, i, *s) for pk, symbols in ipc_patents for i, s in enumerate(symbols)],
        )
        registry_bulk_changed.send(
            sender=Patent, ids=sorted(new_ids | changed_ids | touched | rebuild)
        )
        report.created += len(new_rows)
        updated = changed_ids | (touched - new_ids)
        report.updated += len(updated)
        report.unchanged += len(rows) - len(new_rows) - len(updated)


def _patents_by_number(numbers: list[str]) -> dict[str, Patent]:
    """Existing patents by number; raw() skips the ORM's per-value work on 5,000-item IN lists."""
    table = connection.ops.quote_name(Patent._meta.db_table)
    placeholders = ", ".join(["%s"] * len(numbers))
    query = Patent.objects.raw(
        f"SELECT * FROM {table} WHERE application_number IN ({placeholders})",  # noqa: S608
        numbers,
    )
    return {p.application_number: p for p in query}


PATENT_COLUMNS = (
    "application_number",
    "patent_type",
    "title",
    "filing_date",
    "publication_number",
    "publication_date",
    "grant_number",
    "grant_date",
    "expiry_date",
    "fees_paid_until",
    "ipc",
    "created_at",
    "updated_at",
)


def raw_insert(model, fields: tuple[str, ...], rows: list[tuple], batch_size: int = 2000):
    """Plain multi-row INSERTs: the ORM's per-value compilation was most of an import's time.

    Values go through the backend's own adapters, so dates and datetimes are stored exactly as
    the ORM would store them.
    """
    if not rows:
        return
    ops = connection.ops
    model_fields = [model._meta.get_field(name) for name in fields]
    columns = ", ".join(ops.quote_name(f.column) for f in model_fields)
    table = ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path; psycopg converts dates and datetimes itself.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    adapted_columns = [
        (i, ops.adapt_datetimefield_value if kind == "DateTimeField" else ops.adapt_datefield_value)
        for i, kind in enumerate(f.get_internal_type() for f in model_fields)
        if kind in ("DateTimeField", "DateField")
    ]
    cache: dict = {}  # the same dates recur: adapt each once

    def adapt(row):
        if not adapted_columns:
            return row
        row = list(row)
        for i, adapter in adapted_columns:
            value = row[i]
            if value is not None:
                result = cache.get(value)
                if result is None:
                    result = cache[value] = adapter(value)
                row[i] = result
        return row

    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # SQLite allows at most 32,766 parameters per statement (999 before 3.32).
    per_statement = max(1, min(batch_size, 30_000 // len(fields)))
    if connection.vendor == "sqlite":
        import sqlite3

        if sqlite3.sqlite_version_info < (3, 32):
            per_statement = max(1, 999 // len(fields))
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), per_statement):
            chunk = rows[offset : offset + per_statement]
            params = [value for row in chunk for value in adapt(row)]
            # Table and column names come from the model, values are parameters.
            values_sql = ", ".join([row_sql] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values_sql}"  # noqa: S608
            cursor.execute(sql, params)


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
