"""Patents with holders, legal-status events and IPC symbols."""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.bulk import bulk_insert
from core.identifiers import (
    PATENT_TYPES,
    normalize_patent_number,
    patent_check_character,
    patent_type_code,
    validate_uscc,
)
from core.tables import ImportReport, RowMessage
from core.vocabularies import vocabulary_lookup
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
    IN_FORCE_STATUSES,
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

# Statuses that end a patent's life: CNIPA's file gives their date, or the export's date stands in.
ENDING_STATUSES = frozenset(
    {
        LegalStatus.LAPSED,
        LegalStatus.ABANDONED,
        LegalStatus.INVALIDATED,
        LegalStatus.WITHDRAWN,
        LegalStatus.REJECTED,
        LegalStatus.CEASED,
    }
)


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
    dated_by_export: bool = False


class PatentImporter(Importer):
    kind = "patents"
    label = gettext_lazy("专利")
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
        self.statuses = vocabulary_lookup("legal_status")
        self.patent_types = vocabulary_lookup("patent_type")
        # The export's date, for statuses the file gives without one (`--status-date`).
        self.export_date = self.options.get("status_date")
        self.dated_by_export = 0

    def _number(self, row) -> str:
        raw = required(row, "application_number", _("申请号"))
        # Most rows of an export are already canonical: check them without the messy-input path.
        if _CANONICAL_NUMBER.match(raw):
            digits, check = raw.split(".")
            if patent_check_character(digits) == check and patent_type_code(raw) in PATENT_TYPES:
                return raw
        return validated(normalize_patent_number, raw, field_label=_("申请号"))

    def _holder_uscc(self, value: str) -> str:
        # The same holders recur on thousands of rows: validate each code once.
        if value not in self._uscc_cache:
            try:
                self._uscc_cache[value] = validate_uscc(
                    value, field_label=_("权利人统一社会信用代码")
                )
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
                warnings.append(
                    _("权利人“%(name)s”（%(uscc)s）未在企业登记中找到，按未登记权利人保存")
                    % {"name": name, "uscc": uscc}
                )
            return pk
        candidates = self.by_name.get(name_key(name), set())
        if len(candidates) == 1:
            return next(iter(candidates))
        if candidates:
            warnings.append(
                _("权利人“%(name)s”对应多家登记企业，未自动匹配，请填写统一社会信用代码")
                % {"name": name}
            )
        else:
            warnings.append(
                _("权利人“%(name)s”未在企业登记中找到，按未登记权利人保存") % {"name": name}
            )
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
            errors.append(_("名称不能为空"))
        filing = attempt(parse_date, row.get("filing_date"), _("申请日"))
        if row.get("filing_date") in ("", None):
            errors.append(_("申请日不能为空"))
        grant = attempt(parse_date, row.get("grant_date"), _("授权公告日"))
        publication = attempt(parse_date, row.get("publication_date"), _("公开（公告）日"))
        status_date = attempt(parse_date, row.get("status_date"), _("法律状态日"))
        fees_paid_until = attempt(parse_date, row.get("fees_paid_until"), _("年费缴至"))
        holders_since = attempt(parse_date, row.get("holders_since"), _("权利转移日"))
        if number and row.get("patent_type"):
            declared = self.patent_types.get(row["patent_type"])
            actual = patent_type_code(number)
            if declared is None:
                errors.append(self.patent_types.unknown_message(row["patent_type"], _("专利类型")))
            elif declared.code != actual and {declared.code, actual} != {"1", "8"}:
                errors.append(
                    _("专利类型“%(declared)s”与申请号 %(number)s 的类型位（%(actual)s）不符")
                    % {
                        "declared": row["patent_type"],
                        "number": number,
                        "actual": PATENT_TYPE_LABELS[actual],
                    }
                )
        status = None
        if row.get("status"):
            term = self.statuses.get(row["status"])
            if term is None:
                errors.append(self.statuses.unknown_message(row["status"], _("法律状态")))
            else:
                status = LegalStatus(term.code)
        for label, day in ((_("授权公告日"), grant), (_("法律状态日"), status_date)):
            if filing and day and day < filing:
                errors.append(
                    _("%(label)s %(day)s 早于申请日 %(filing)s")
                    % {"label": label, "day": f"{day:%Y-%m-%d}", "filing": f"{filing:%Y-%m-%d}"}
                )
        if grant and grant > self.today:
            errors.append(_("授权公告日 %(day)s 晚于今天") % {"day": f"{grant:%Y-%m-%d}"})
        events = []
        if filing:
            events.append((LegalStatus.PENDING, filing))
        if grant:
            events.append((LegalStatus.GRANTED, grant))
        dated_by_export = False
        if status is not None and status != LegalStatus.PENDING:
            day, dated_by_export = self._status_day(status, status_date, grant, filing, number)
            if day is None:
                errors.append(self._undated_message(row["status"], status))
            else:
                events.append((status, day))
        names = [n for n in split_list(str(row.get("holders", ""))) if n]
        if not names:
            errors.append(_("专利权人不能为空"))
        usccs_raw = split_list(str(row.get("holder_usccs", ""))) if row.get("holder_usccs") else []
        if usccs_raw and len(usccs_raw) != len(names):
            errors.append(
                _(
                    "权利人统一社会信用代码有 %(codes)d 个，与专利权人数量 %(names)d 不一致"
                    "（用“;”分隔，顺序相同，未知的留空）"
                )
                % {"codes": len(usccs_raw), "names": len(names)}
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
        if dated_by_export:
            warnings.append(
                _("法律状态“%(status)s”没有日期，按导出日期 %(day)s 记为截至该日已知")
                % {"status": row["status"], "day": f"{self.export_date:%Y-%m-%d}"}
            )
        return PatentRow(
            number,
            title,
            filing,
            fields,
            events,
            holders,
            holders_since,
            ipc,
            warnings,
            dated_by_export,
        )

    def _status_day(
        self,
        status: LegalStatus,
        status_date: date | None,
        grant: date | None,
        filing: date | None,
        number: str | None,
    ) -> tuple[date | None, bool]:
        """The date a status took effect, and whether the export's date stands in for it.

        A status in force dates from the grant; an expiry from the end of the term; an ending
        without a date is only known to have happened by the day the file was exported.
        """
        if status_date:
            return status_date, False
        if status in IN_FORCE_STATUSES:
            return grant, False
        if status == LegalStatus.EXPIRED and filing and number:
            return patent_expiry(patent_type_code(number), filing), False
        if status in ENDING_STATUSES and self.export_date:
            return self.export_date, True
        return None, False

    def _undated_message(self, written: str, status: LegalStatus) -> str:
        if status in IN_FORCE_STATUSES:
            return _("法律状态为“%(status)s”时须填写授权公告日或法律状态日") % {"status": written}
        return _(
            "法律状态为“%(status)s”但没有日期：请在文件中给出失效日期（或法律状态日），"
            "或在导入时填写导出日期（命令行 --status-date，上传页“导出日期”），"
            "失效将记为截至导出日已知"
        ) % {"status": written}

    def key(self, cleaned):
        return cleaned.number

    def write(self, rows: list[tuple[int, PatentRow]], report: ImportReport) -> None:
        """One chunk, in named steps; each step writes with plain bulk inserts."""
        for number, cleaned in rows:
            report.warnings.extend(RowMessage(number, w) for w in cleaned.warnings)
            report.dated_by_export += cleaned.dated_by_export
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
        existing = _patents_by_number([c.number for _number, c in rows])
        now = self.now
        new_rows, changed = [], []
        for _number, c in rows:
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
        for _number, c in rows:
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
        for _number, c in rows:
            pk = batch.ids[c.number]
            if pk in batch.new_ids:
                start = c.holders_since or c.filing_date
            else:
                wanted = [(e or None, None if e else name_key(n)) for n, _uscc, e in c.holders]
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
            for _number, c in rows
            if c.ipc is not None
            and (batch.ids[c.number] in batch.new_ids or batch.ids[c.number] in batch.changed_ids)
        ]
        PatentClassification.objects.filter(
            patent_id__in=[pk for pk, _ in ipc_patents if pk not in batch.new_ids]
        ).delete()
        classifications_insert(ipc_patents)


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


def classifications_insert(symbols: Iterable[tuple[int, Sequence[tuple[str, ...]]]]) -> None:
    """Store each patent's IPC symbols (parse_ipc's tuples), split for grouping, in their order."""
    bulk_insert(
        PatentClassification,
        CLASSIFICATION_COLUMNS,
        [(pk, i, *s) for pk, patent_symbols in symbols for i, s in enumerate(patent_symbols)],
    )
