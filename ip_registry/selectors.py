"""Reads of the register: status on a date, coverage KPI, applications, designations, gap list.

KPIs are single SQL aggregates over the derived status periods and holdings; nothing here loops
over enterprises in Python except the gap list, which explains each listed enterprise.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from wagtail import hooks

from core.identifiers import normalize_patent_number
from ip_registry.models import (
    IN_FORCE_STATUSES,
    PATENT_TYPE_LABELS,
    ColumnProfile,
    Designation,
    DesignationType,
    Enterprise,
    Holding,
    LegalStatus,
    Patent,
    RDExpenditure,
    RDInstitution,
    StatusPeriod,
    add_years,
)


def today() -> date:
    return timezone.localdate()


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


# Patent status on a date ------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    name: str
    uscc: str = ""


@dataclass(frozen=True)
class PatentSnapshot:
    number: str
    title: str
    patent_type: str
    patent_type_label: str
    status: str
    status_label: str
    in_force: bool
    holders: tuple[Holder, ...]
    expiry_date: date | None
    url: str
    on: date | None = None
    filing_date: date | None = None
    grant_date: date | None = None
    status_since: date | None = None

    @property
    def pending(self) -> bool:
        return self.status == LegalStatus.PENDING

    @property
    def lapsed(self) -> bool:
        return bool(self.status) and not self.in_force and not self.pending

    @property
    def state_label(self) -> str:
        """The one word a reader needs: 审查中, 有效, 已失效 or 未知."""
        if self.pending:
            return pgettext("patent status", "审查中")
        if self.in_force:
            return pgettext("patent status", "有效")
        return _("已失效") if self.lapsed else _("未知")

    @property
    def status_words(self) -> str:
        """The state with, for a lapsed patent, why and since when."""
        if self.lapsed:
            if self.status_since is None:
                return _("已失效（%(status)s）") % {"status": self.status_label}
            return _("已失效（%(status)s，%(since)s）") % {
                "status": self.status_label,
                "since": f"{self.status_since:%Y-%m-%d}",
            }
        return self.state_label


def _current_on(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": on})
    )


def _normalise_numbers(numbers: Iterable[str]) -> dict[str, str]:
    """Normalised number → the caller's spelling; unparseable numbers cannot be registered."""
    result = {}
    for raw in numbers:
        try:
            result[normalize_patent_number(raw)] = raw
        except Exception:  # noqa: S112 - an invalid number is simply not in the registry
            continue
    return result


def patents_status_on(
    *, numbers: Iterable[str], on: date | None = None
) -> dict[str, PatentSnapshot]:
    """Status and holders of many patents on a date in three queries per 500 numbers.

    Keys are the normalised numbers of those found; numbers not in the registry are absent.
    """
    on = on or today()
    wanted = list(_normalise_numbers(numbers))
    result: dict[str, PatentSnapshot] = {}
    for offset in range(0, len(wanted), 500):
        chunk = wanted[offset : offset + 500]
        patents = list(
            Patent.objects.filter(application_number__in=chunk).only(
                "id",
                "application_number",
                "title",
                "patent_type",
                "expiry_date",
                "filing_date",
                "grant_date",
            )
        )
        ids = [p.pk for p in patents]
        statuses = {
            patent_id: (status, since)
            for patent_id, status, since in StatusPeriod.objects.filter(
                _current_on(on), patent_id__in=ids
            ).values_list("patent_id", "status", "start_date")
        }
        holders = defaultdict(list)
        for patent_id, name, uscc, ent_name, ent_uscc in (
            Holding.objects.filter(_current_on(on), patent_id__in=ids)
            .order_by("patent_id", "position")
            .values_list(
                "patent_id", "holder_name", "holder_uscc", "enterprise__name", "enterprise__uscc"
            )
        ):
            holders[patent_id].append(Holder(name=ent_name or name, uscc=ent_uscc or uscc or ""))
        for patent in patents:
            status, since = statuses.get(patent.pk, ("", None))
            label = LegalStatus(status).label if status else _("尚未申请")
            result[patent.application_number] = PatentSnapshot(
                number=patent.application_number,
                title=patent.title,
                patent_type=patent.patent_type,
                patent_type_label=str(PATENT_TYPE_LABELS.get(patent.patent_type, "")),
                status=status,
                status_label=str(label),
                in_force=status in IN_FORCE_STATUSES,
                holders=tuple(holders.get(patent.pk, ())),
                expiry_date=patent.expiry_date,
                url=reverse(
                    "ip_registry:patent_detail", kwargs={"number": patent.application_number}
                ),
                on=on,
                filing_date=patent.filing_date,
                grant_date=patent.grant_date,
                status_since=since,
            )
    return result


def patent_status_on(*, number: str, on: date | None = None) -> PatentSnapshot | None:
    found = patents_status_on(numbers=[number], on=on)
    return next(iter(found.values()), None)


def patents_in_force_on(*, on: date, enterprise: Enterprise | None = None) -> QuerySet[Holding]:
    """Holdings of patents in force on `on` — "which patents were in force, held by whom"."""
    holdings = Holding.objects.filter(_current_on(on)).filter(
        Exists(
            StatusPeriod.objects.filter(
                _current_on(on), patent_id=OuterRef("patent_id"), status__in=IN_FORCE_STATUSES
            )
        )
    )
    if enterprise is not None:
        holdings = holdings.filter(enterprise=enterprise)
    return holdings.select_related("patent", "enterprise").order_by(
        "patent__application_number", "position"
    )


# Coverage KPI ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoveragePolicy:
    """Which patents make an enterprise a holder. Defaults from settings.IP_REGISTRY_COVERAGE."""

    patent_types: tuple[str, ...] | None = None  # None: all types
    include_pending: bool = False

    @classmethod
    def default(cls) -> "CoveragePolicy":
        conf: dict[str, Any] = settings.IP_REGISTRY_COVERAGE
        types = conf.get("patent_types")
        return cls(
            patent_types=tuple(str(t) for t in types) if types else None,
            include_pending=bool(conf.get("include_pending", False)),
        )


@dataclass
class CoverageGroup:
    key: str
    designated: int
    holding: int
    rate: float | None


@dataclass
class Coverage:
    year: int
    as_of: date
    designated: int
    holding: int
    rate: float | None
    target: float | None
    groups: list[CoverageGroup] = field(default_factory=list)


def _rate(holding: int, designated: int) -> float | None:
    return round(100 * holding / designated, 2) if designated else None


def _holding_exists(
    on: date, policy: CoveragePolicy, enterprise_ref: str = "enterprise_id"
) -> Exists:
    statuses = set(IN_FORCE_STATUSES)
    if policy.include_pending:
        statuses.add(LegalStatus.PENDING)
    periods = StatusPeriod.objects.filter(
        _current_on(on), patent_id=OuterRef("patent_id"), status__in=statuses
    )
    holdings = Holding.objects.filter(_current_on(on), enterprise_id=OuterRef(enterprise_ref))
    if policy.patent_types:
        holdings = holdings.filter(patent__patent_type__in=policy.patent_types)
    return Exists(holdings.filter(Exists(periods)))


def coverage_base_designations(*, year: int) -> QuerySet[Designation]:
    # Resolve the base types first so the (designation_type, year) index is searched, not scanned.
    base_types = list(
        DesignationType.objects.filter(is_coverage_base=True).values_list("pk", flat=True)
    )
    return Designation.objects.filter(year=year, designation_type_id__in=base_types)


PLAN_TARGET_HOOK = "ip_registry_plan_target"


def indicator_target(*, code: str, year: int) -> float | None:
    """The plan's target for a register KPI, from whichever app keeps the plan (a hook, so the
    register never imports the plan monitor that sits above it)."""
    for provider in hooks.get_hooks(PLAN_TARGET_HOOK):
        value = provider(code=code, year=year)
        if value is not None:
            return float(value)
    return None


GROUP_FIELDS = {"district": "enterprise__district__name", "industry": "enterprise__industry__name"}


def coverage_for_year(
    *,
    year: int,
    as_of: date | None = None,
    group_by: str | None = None,
    policy: CoveragePolicy | None = None,
) -> Coverage:
    """Share of enterprises designated for `year` that hold a patent in force on `as_of`."""
    as_of = as_of or date(year, 12, 31)
    policy = policy or CoveragePolicy.default()
    base = coverage_base_designations(year=year)
    has = _holding_exists(as_of, policy)
    # One designation per enterprise, type and year: with a single base type (the default)
    # rows are enterprises and need no DISTINCT, which costs a sort per group.
    distinct = DesignationType.objects.filter(is_coverage_base=True).count() > 1
    totals = base.aggregate(
        designated=Count("enterprise_id", distinct=distinct),
        holding=Count("enterprise_id", distinct=distinct, filter=has),
    )
    groups = []
    if group_by:
        if group_by not in GROUP_FIELDS:
            raise ValueError(group_by)
        rows = (
            base.values(key=F(GROUP_FIELDS[group_by]))
            .annotate(
                designated=Count("enterprise_id", distinct=distinct),
                holding=Count("enterprise_id", distinct=distinct, filter=has),
            )
            .order_by("key")
        )
        groups = [
            CoverageGroup(
                key=row["key"] or _("未填写"),
                designated=row["designated"],
                holding=row["holding"],
                rate=_rate(row["holding"], row["designated"]),
            )
            for row in rows
        ]
    return Coverage(
        year=year,
        as_of=as_of,
        designated=totals["designated"],
        holding=totals["holding"],
        rate=_rate(totals["holding"], totals["designated"]),
        target=indicator_target(code="patent_coverage", year=year),
        groups=groups,
    )


def coverage_years() -> list[int]:
    return sorted(
        Designation.objects.filter(designation_type__is_coverage_base=True)
        .values_list("year", flat=True)
        .distinct()
    )


def coverage_trend(*, policy: CoveragePolicy | None = None) -> list[Coverage]:
    return [coverage_for_year(year=y, policy=policy) for y in coverage_years()]


def coverage_enterprises(
    *, year: int, as_of: date | None = None, holding: bool, policy: CoveragePolicy | None = None
) -> QuerySet[Enterprise]:
    """Designated enterprises that do (or do not) hold a patent in force — officers only."""
    as_of = as_of or date(year, 12, 31)
    has = _holding_exists(as_of, policy or CoveragePolicy.default(), enterprise_ref="pk")
    ids = coverage_base_designations(year=year).values("enterprise_id")
    return (
        Enterprise.objects.filter(pk__in=ids)
        .filter(has if holding else ~has)
        .select_related("district", "industry")
        .order_by("name")
    )


# Invention applications and designations ----------------------------------------------------


@dataclass
class InventionApplications:
    year: int
    count: int
    target: float | None
    provisional: bool


def invention_types() -> tuple[str, ...]:
    return tuple(settings.IP_REGISTRY_INVENTION_TYPES)


def invention_applications(*, year: int, on: date | None = None) -> InventionApplications:
    """Distinct invention applications filed in `year` with an applicant in the registry."""
    on = on or today()
    count = (
        Patent.objects.filter(
            patent_type__in=invention_types(),
            filing_date__gte=date(year, 1, 1),
            filing_date__lte=date(year, 12, 31),
        )
        .filter(Exists(Holding.objects.filter(patent_id=OuterRef("pk"), enterprise__isnull=False)))
        .count()
    )
    # Applications are published about 18 months after filing, so recent counts still grow.
    provisional = date(year, 12, 31) > add_months(on, -18)
    return InventionApplications(
        year=year,
        count=count,
        target=indicator_target(code="invention_applications", year=year),
        provisional=provisional,
    )


def invention_applications_by_year(*, on: date | None = None) -> list[InventionApplications]:
    years = (
        Patent.objects.filter(patent_type__in=invention_types(), filing_date__isnull=False)
        .dates("filing_date", "year")
        .distinct()
    )
    return [invention_applications(year=d.year, on=on) for d in years]


def designation_counts() -> dict[str, Any]:
    """{"years": [...], "rows": [{"code", "name", "counts": {year: n}, "targets": {year: t}}]}"""
    counts = (
        Designation.objects.values("year", "designation_type_id").annotate(n=Count("id")).order_by()
    )
    table: defaultdict[int, dict[int, int]] = defaultdict(dict)
    years = set()
    for row in counts:
        table[row["designation_type_id"]][row["year"]] = row["n"]
        years.add(row["year"])
    rows = [
        {
            "code": t.code,
            "name": t.name,
            "counts": table.get(t.pk, {}),
            "targets": {
                y: t_
                for y in sorted(years)
                if (t_ := indicator_target(code=t.code, year=y)) is not None
            },
        }
        for t in DesignationType.objects.all()
    ]
    return {"years": sorted(years), "rows": rows}


PLAN_DASHBOARD_HOOK = "ip_registry_plan_indicators"


def plan_indicators(*, year: int) -> list[dict[str, Any]]:
    """The plan's indicators for a year, as the plan monitor reports them (through a hook).

    Each row: code, name, unit, target, actual, status, status_label, source, url."""
    rows: list[dict[str, Any]] = []
    for provider in hooks.get_hooks(PLAN_DASHBOARD_HOOK):
        rows.extend(provider(year=year))
    return rows


# Figures the plan monitor reads -------------------------------------------------------------


def _district_filter(district: str | None, prefix: str = "enterprise__") -> Q:
    return Q(**{f"{prefix}district__name": district}) if district else Q()


def designation_count(
    *, code: str, year: int, district: str | None = None, new_only: bool = False
) -> int:
    """Enterprises designated `code` for `year`; `new_only`: not designated so the year before."""
    qs = Designation.objects.filter(designation_type__code=code, year=year).filter(
        _district_filter(district)
    )
    if new_only:
        qs = qs.exclude(
            enterprise_id__in=Designation.objects.filter(
                designation_type__code=code, year=year - 1
            ).values("enterprise_id")
        )
    return qs.count()


def invention_applications_count(*, year: int, district: str | None = None) -> int:
    """invention_applications' count, optionally only those with an applicant in `district`."""
    if district is None:
        return invention_applications(year=year).count
    return (
        Patent.objects.filter(
            patent_type__in=invention_types(),
            filing_date__gte=date(year, 1, 1),
            filing_date__lte=date(year, 12, 31),
        )
        .filter(
            Exists(
                Holding.objects.filter(
                    patent_id=OuterRef("pk"), enterprise__district__name=district
                )
            )
        )
        .count()
    )


def coverage_for_district(*, year: int, district: str, as_of: date | None = None) -> CoverageGroup:
    groups = coverage_for_year(year=year, as_of=as_of, group_by="district").groups
    found = next((g for g in groups if g.key == district), None)
    return found or CoverageGroup(key=district, designated=0, holding=0, rate=None)


def _institution_in_year(year: int, prefix: str = "") -> Q:
    return Q(**{f"{prefix}year__lte": year}) & (
        Q(**{f"{prefix}until_year__isnull": True}) | Q(**{f"{prefix}until_year__gt": year})
    )


@dataclass
class Share:
    base: int
    count: int
    rate: float | None


def rd_institution_share(*, year: int, district: str | None = None) -> Share:
    """规上科技型 enterprises designated for `year` with an R&D institution in force that year."""
    has = Exists(
        RDInstitution.objects.filter(_institution_in_year(year), enterprise_id=OuterRef("pk"))
    )
    base = Enterprise.objects.filter(
        pk__in=coverage_base_designations(year=year).values("enterprise_id")
    ).filter(_district_filter(district, prefix=""))
    totals = base.aggregate(base=Count("pk"), count=Count("pk", filter=has))
    return Share(totals["base"], totals["count"], _rate(totals["count"], totals["base"]))


def rd_sales_ratio(*, year: int, codes: Iterable[str], district: str | None = None) -> float | None:
    """Σ R&D spending ÷ Σ sales revenue (%) of enterprises designated any of `codes` in `year`."""
    designated = Designation.objects.filter(year=year, designation_type__code__in=list(codes))
    totals = (
        RDExpenditure.objects.filter(
            year=year, enterprise_id__in=designated.values("enterprise_id")
        )
        .filter(_district_filter(district))
        .aggregate(rd=Sum("rd_expense"), revenue=Sum("revenue"))
    )
    if not totals["revenue"]:
        return None
    return round(float(totals["rd"]) * 100 / float(totals["revenue"]), 2)


@dataclass
class EnterpriseProfile:
    """What the plan's eligibility rule needs to know about one enterprise in one year."""

    uscc: str
    name: str
    district: str
    designations: list[str]  # designation type codes for the year
    designation_names: list[str]
    institutions: list[RDInstitution]
    rd_expense: float | None
    revenue: float | None
    rd_share: float | None


def enterprise_profile(*, uscc: str, year: int) -> EnterpriseProfile | None:
    enterprise = Enterprise.objects.filter(uscc=uscc).select_related("district").first()
    if enterprise is None:
        return None
    designations = list(
        Designation.objects.filter(enterprise=enterprise, year=year)
        .select_related("designation_type")
        .order_by("designation_type__sort_order")
    )
    spending = RDExpenditure.objects.filter(enterprise=enterprise, year=year).first()
    return EnterpriseProfile(
        uscc=enterprise.uscc,
        name=enterprise.name,
        district=enterprise.district.name if enterprise.district else "",
        designations=[d.designation_type.code for d in designations],
        designation_names=[d.designation_type.name for d in designations],
        institutions=list(
            RDInstitution.objects.filter(_institution_in_year(year), enterprise=enterprise)
        ),
        rd_expense=float(spending.rd_expense) if spending else None,
        revenue=float(spending.revenue) if spending else None,
        rd_share=spending.share if spending else None,
    )


def enterprise_rd_institutions(*, enterprise: Enterprise) -> QuerySet[RDInstitution]:
    return enterprise.rd_institutions.all()


def enterprise_rd_expenditures(*, enterprise: Enterprise) -> QuerySet[RDExpenditure]:
    return enterprise.rd_expenditures.all()


# Gap list -----------------------------------------------------------------------------------


@dataclass
class GapEntry:
    enterprise: Enterprise
    category: int  # 0 no patent in force, 1 fee overdue (in grace), 2 due or expiring
    category_label: str
    reason: str
    due_date: date | None
    patents_in_force: int


GAP_LABELS = {
    0: gettext_lazy("无有效专利"),
    1: gettext_lazy("年费逾期（宽限期内）"),
    2: gettext_lazy("即将失效或届满"),
}


def fee_status(
    *, filing_date: date | None, fees_paid_until: date | None, on: date, notice_days: int
) -> tuple[int, date, str] | None:
    """(category, date, reason) if an annual fee is overdue or due soon, else None.

    Fees are due by patent year, counted from the filing date; after the due date there are
    six months of grace (with surcharge) before the patent terminates.
    """
    if filing_date is None:
        return None
    if fees_paid_until is not None:
        due = fees_paid_until
    else:
        # Without payment records assume the fees are paid up to the next anniversary.
        years = on.year - filing_date.year
        due = add_years(filing_date, years)
        if due < on:
            due = add_years(filing_date, years + 1)
    grace_end = add_months(due, 6)
    if due < on <= grace_end:
        return (
            1,
            grace_end,
            _("年费 %(due)s 到期未缴，宽限期至 %(grace_end)s")
            % {"due": f"{due:%Y-%m-%d}", "grace_end": f"{grace_end:%Y-%m-%d}"},
        )
    if on <= due <= on + timedelta(days=notice_days):
        return (
            2,
            due,
            _("年费 %(due)s 到期（宽限期至 %(grace_end)s）")
            % {"due": f"{due:%Y-%m-%d}", "grace_end": f"{grace_end:%Y-%m-%d}"},
        )
    return None


def gap_list(*, year: int, on: date | None = None) -> list[GapEntry]:
    """Designated enterprises to call: no patent in force, or all their patents at risk."""
    on = on or today()
    notice_days = settings.IP_REGISTRY_FEE_NOTICE_DAYS
    horizon = add_years(on, 1)
    designated = {
        e.pk: e
        for e in Enterprise.objects.filter(
            pk__in=coverage_base_designations(year=year).values("enterprise_id")
        ).select_related("district", "industry")
    }
    patents = defaultdict(list)
    for holding in (
        patents_in_force_on(on=on)
        .filter(enterprise_id__in=list(designated))
        .values(
            "enterprise_id",
            "patent__application_number",
            "patent__filing_date",
            "patent__expiry_date",
            "patent__fees_paid_until",
        )
    ):
        patents[holding["enterprise_id"]].append(holding)
    entries = []
    for pk, enterprise in designated.items():
        held = patents.get(pk, [])
        if not held:
            entries.append(GapEntry(enterprise, 0, str(GAP_LABELS[0]), _("无有效专利"), None, 0))
            continue
        risks = []
        for row in held:
            risk = None
            expiry = row["patent__expiry_date"]
            if expiry and expiry <= horizon:
                risk = (
                    2,
                    expiry,
                    _("%(number)s 于 %(day)s 届满")
                    % {"number": row["patent__application_number"], "day": f"{expiry:%Y-%m-%d}"},
                )
            fee = fee_status(
                filing_date=row["patent__filing_date"],
                fees_paid_until=row["patent__fees_paid_until"],
                on=on,
                notice_days=notice_days,
            )
            if fee and (risk is None or fee[:2] < risk[:2]):
                risk = (fee[0], fee[1], f"{row['patent__application_number']} {fee[2]}")
            if risk is None:
                break  # one safe patent keeps the enterprise off the list
            risks.append(risk)
        else:
            category, due, reason = min(risks)
            entries.append(
                GapEntry(enterprise, category, str(GAP_LABELS[category]), reason, due, len(held))
            )
    entries.sort(key=lambda e: (e.category, e.due_date or date.min, e.enterprise.name))
    return entries


def column_profile_get(*, kind: str, name: str) -> ColumnProfile | None:
    return ColumnProfile.objects.filter(kind=kind, name=name.strip()).first()


def column_profile_names(*, kind: str) -> list[str]:
    return list(ColumnProfile.objects.filter(kind=kind).values_list("name", flat=True))
