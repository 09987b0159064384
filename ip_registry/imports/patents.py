"""Patents with holders, legal-status events and IPC symbols."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from core.bulk import bulk_insert
from core.identifiers import (
    PATENT_TYPES,
    normalize_patent_number,
    patent_check_character,
    patent_type_code,
    validate_uscc,
)
from core.tables import ImportReport, RowMessage, header_key
from ip_registry.imports.base import Column, Importer
from ip_registry.imports.cells import (
    RowInvalid,
    parse_date,
    parse_ipc,
    required,
    split_list,
    validated,
)
from ip_registry.models import (
    PATENT_TYPE_LABELS,
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

_CANONICAL_NUMBER = re.compile(r"^(?:\d{12}|\d{8})\.[\dX]$")

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
        self.now = timezone.now()
        self._uscc_cache: dict = {}

    def _number(self, row) -> str:
        raw = required(row, "application_number", "申请号")
        # Most rows of an export are already canonical: check them without the messy-input path.
        if _CANONICAL_NUMBER.match(raw):
            digits, check = raw.split(".")
            if patent_check_character(digits) == check and patent_type_code(raw) in PATENT_TYPES:
                return raw
        return validated(normalize_patent_number, raw, field_label="申请号")

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

    def write(self, rows: list[tuple[int, PatentRow]], report: ImportReport) -> None:
        """One chunk, in named steps; each step writes with plain bulk inserts."""
        for number, cleaned in rows:
            report.warnings.extend(RowMessage(number, w) for w in cleaned.warnings)
        batch = self._write_patents(rows)
        rebuilt = self._write_status_events(rows, batch)
        transferred = self._write_holdings(rows, batch)
        self._write_classifications(rows, batch)
        touched = rebuilt | transferred
        registry_bulk_changed.send(
            sender=Patent, ids=sorted(batch.new_ids | batch.changed_ids | touched)
        )
        report.created += len(batch.new_ids)
        updated = batch.changed_ids | (touched - batch.new_ids)
        report.updated += len(updated)
        report.unchanged += len(rows) - len(batch.new_ids) - len(updated)

    def _write_patents(self, rows: list[tuple[int, PatentRow]]) -> "_Batch":
        """Insert new patents, update changed ones; blank cells keep what the register knows."""
        existing = _patents_by_number([c.number for _, c in rows])
        now = self.now
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
            values = {k: v for k, v in c.fields.items() if v not in ("", None)}
            if any(getattr(patent, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(patent, k, v)
                patent.fill_derived()
                patent.updated_at = now
                changed.append(patent)
        last_pk = Patent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        bulk_insert(Patent, PATENT_COLUMNS, new_rows)
        Patent.objects.bulk_update(changed, PATENT_UPDATE_FIELDS, batch_size=500)
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
        return _Batch(
            ids=ids,
            expiries=expiries,
            new_ids={ids[r[0]] for r in new_rows},
            changed_ids={p.pk for p in changed},
            old_ids=[p.pk for p in existing.values()],
        )

    def _write_status_events(self, rows: list[tuple[int, PatentRow]], batch: "_Batch") -> set:
        """Add the events not yet known (history is never erased by an import); derive periods.

        Returns the existing patents whose periods were rebuilt.
        """
        known_events = set(
            LegalStatusEvent.objects.filter(patent_id__in=batch.old_ids).values_list(
                "patent_id", "status", "date"
            )
        )
        new_events, periods = [], []
        rebuild = set(batch.changed_ids)
        source = f"导入：{self.filename}"[:200]
        for _, c in rows:
            pk = batch.ids[c.number]
            added = False
            for status, day in c.events:
                if (pk, status, day) not in known_events:
                    known_events.add((pk, status, day))
                    new_events.append((pk, status, day, source, self.now))
                    added = True
            if pk in batch.new_ids:
                periods += [
                    (pk, status, start, end)
                    for status, start, end in status_periods_compute(
                        c.events, expiry=batch.expiries[c.number]
                    )
                ]
            elif added:
                rebuild.add(pk)
        bulk_insert(
            LegalStatusEvent, ("patent", "status", "date", "source", "recorded_at"), new_events
        )
        bulk_insert(StatusPeriod, ("patent", "status", "start_date", "end_date"), periods)
        status_periods_rebuild(patent_ids=sorted(rebuild))
        return rebuild

    def _write_holdings(self, rows: list[tuple[int, PatentRow]], batch: "_Batch") -> set:
        """A different set of current holders is a transfer from `holders_since`.

        Returns the existing patents whose holders changed.
        """
        open_holdings = defaultdict(list)
        for holding in Holding.objects.filter(patent_id__in=batch.old_ids, end_date__isnull=True):
            open_holdings[holding.patent_id].append(holding)
        new_holdings, closed, transferred = [], [], set()
        for _, c in rows:
            pk = batch.ids[c.number]
            if pk in batch.new_ids:
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
                transferred.add(pk)
            new_holdings += [
                (pk, ent, name, uscc, i, start, None)
                for i, (name, uscc, ent) in enumerate(c.holders)
            ]
        Holding.objects.bulk_update(closed, ["end_date"], batch_size=500)
        bulk_insert(Holding, HOLDING_COLUMNS, new_holdings)
        return transferred

    def _write_classifications(self, rows: list[tuple[int, PatentRow]], batch: "_Batch") -> None:
        """IPC symbols, split for grouping; replaced when the patent's row changed."""
        ipc_patents = [
            (batch.ids[c.number], c.ipc)
            for _, c in rows
            if c.ipc is not None
            and (batch.ids[c.number] in batch.new_ids or batch.ids[c.number] in batch.changed_ids)
        ]
        PatentClassification.objects.filter(
            patent_id__in=[pk for pk, _ in ipc_patents if pk not in batch.new_ids]
        ).delete()
        bulk_insert(
            PatentClassification,
            CLASSIFICATION_COLUMNS,
            [(pk, i, *s) for pk, symbols in ipc_patents for i, s in enumerate(symbols)],
        )


@dataclass
class _Batch:
    """What `_write_patents` left for the later steps of the same chunk."""

    ids: dict[str, int]
    expiries: dict[str, date | None]
    new_ids: set[int]
    changed_ids: set[int]
    old_ids: list[int]


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

PATENT_UPDATE_FIELDS = [
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
]
HOLDING_COLUMNS = (
    "patent",
    "enterprise",
    "holder_name",
    "holder_uscc",
    "position",
    "start_date",
    "end_date",
)
CLASSIFICATION_COLUMNS = (
    "patent",
    "position",
    "symbol",
    "section",
    "ipc_class",
    "subclass",
    "main_group",
    "subgroup",
)
