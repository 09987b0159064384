"""Reads of the plan monitor: targets along the plan's path, actual values, statuses, the
district scoreboard, reports and who sees them, overdue reports, eligibility, bulletins.

Status against the plan's path (for indicator I, year Y, as of date D):
- 无数据 (no_data): no actual value, or no target for Y.
- 达标 (met): the actual reaches the year's target — the plan's own target for Y, or the
  final target of the path when Y lies between two targets.
- 进度正常 (on_track): Y lies between the baseline (基期值) or a plan target and the next target
  (the target is interpolated) and the actual reaches the path but not yet the final target;
  or the period is still open and the actual
  reaches the pro-rated path (annual counts from zero, levels from last year's value).
- 滞后 (behind): otherwise.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import AuditEntry, District
from core.selectors import audit_history
from core.types import AnyUser
from ip_registry.selectors import enterprise_profile
from plan.access import is_plan_office
from plan.computations import compute, definition
from plan.models import Bulletin, Department, Indicator, RDRequirement, Report, Target

STATUS_LABELS = {
    "met": gettext_lazy("达标"),
    "on_track": gettext_lazy("进度正常"),
    "behind": gettext_lazy("滞后"),
    "no_data": gettext_lazy("无数据"),
}
TARGET_KIND_LABELS = {
    "plan": gettext_lazy("计划目标"),
    "path": gettext_lazy("路径插值"),
    "carried": gettext_lazy("延续计划期末目标"),
}


def today() -> date:
    return timezone.localdate()


def quarter_end(year: int, quarter: int) -> date:
    if quarter == 4:
        return date(year, 12, 31)
    return date(year, quarter * 3 + 1, 1) - timedelta(days=1)


def report_due_date(*, year: int, quarter: int) -> date:
    """Reports are due PLAN_REPORT_DUE_DAYS (default 31) days after the period ends."""
    return quarter_end(year, quarter) + timedelta(days=settings.PLAN_REPORT_DUE_DAYS)


# Targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetInfo:
    value: Decimal
    kind: str  # plan | path | carried
    final: Decimal  # the target the path leads to (= value unless kind == "path")
    final_year: int

    @property
    def kind_label(self) -> str:
        return str(TARGET_KIND_LABELS[self.kind])


def _explicit_targets(
    indicator: Indicator, district: District | None
) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """(targets, baselines) by year for the district, or city-wide."""
    rows = list(indicator.targets.all())  # prefetched by callers
    if district is not None:
        own = [t for t in rows if t.district_id == district.pk]
        if own or not indicator.districts_share_city_target:
            rows = own
        else:
            rows = [t for t in rows if t.district_id is None]
    else:
        rows = [t for t in rows if t.district_id is None]
    targets = {t.year: t.value for t in rows if not t.is_baseline}
    baselines = {t.year: t.value for t in rows if t.is_baseline}
    return targets, baselines


def target_for(
    *, indicator: Indicator, year: int, district: District | None = None
) -> TargetInfo | None:
    explicit, baselines = _explicit_targets(indicator, district)
    if year in explicit:
        return TargetInfo(explicit[year], "plan", explicit[year], year)
    # The path starts at the baseline (the year before the plan) or an earlier target.
    points = {**baselines, **explicit}
    before = [y for y in points if y < year]
    after = [y for y in explicit if y > year]
    if before and after and indicator.interpolate:
        y0, y1 = max(before), min(after)
        v0, v1 = points[y0], explicit[y1]
        value = (v0 + (v1 - v0) * Decimal(year - y0) / Decimal(y1 - y0)).quantize(Decimal("0.01"))
        return TargetInfo(value, "path", v1, y1)
    before = [y for y in explicit if y < year]
    if before and not after and indicator.carry_forward:
        last = max(before)
        return TargetInfo(explicit[last], "carried", explicit[last], last)
    return None


# Actual values -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Actual:
    value: Decimal | None
    detail: str = ""
    complete: bool = True  # the period the value covers is the whole year
    fraction: float = 1.0  # share of the year the value covers
    report: Report | None = None


def _accepted_report(
    indicator: Indicator, year: int, district: District | None, on: date
) -> Report | None:
    reports = Report.objects.filter(
        indicator=indicator, year=year, status=Report.Status.ACCEPTED, district=district
    )
    for report in reports.order_by("-quarter"):
        if quarter_end(year, report.quarter) <= on:
            return report
    return None


def actual_for(
    *, indicator: Indicator, year: int, district: District | None = None, on: date | None = None
) -> Actual:
    on = on or today()
    if year > on.year:
        return Actual(None)
    if indicator.source == Indicator.Source.COMPUTED:
        result = compute(
            indicator=indicator, year=year, district=district.name if district else None, on=on
        )
        year_end = date(year, 12, 31)
        if on >= year_end:
            return Actual(result.value, result.detail)
        elapsed = (on - date(year, 1, 1)).days + 1
        return Actual(result.value, result.detail, complete=False, fraction=elapsed / 365)
    report = _accepted_report(indicator, year, district, on)
    if report is None:
        return Actual(None)
    return Actual(
        report.value,
        report.period_label,
        complete=report.quarter == 4,
        fraction=report.quarter / 4,
        report=report,
    )


def _reached(indicator: Indicator, actual: Decimal, target: Decimal) -> bool:
    if indicator.direction == Indicator.Direction.AT_MOST:
        return actual <= target
    return actual >= target


def status_for(
    *,
    indicator: Indicator,
    actual: Actual,
    target: TargetInfo | None,
    baseline: Decimal | None = None,
) -> str:
    if actual.value is None or target is None:
        return "no_data"
    value = actual.value
    if _reached(indicator, value, target.final):
        return "met"
    if actual.complete:
        if target.kind == "path" and _reached(indicator, value, target.value):
            return "on_track"
        return "behind"
    # The period is open: compare with the pro-rated path to this year's target.
    start = Decimal(0) if indicator.measure == Indicator.Measure.ANNUAL else baseline
    if start is None:
        start = Decimal(0) if indicator.direction == Indicator.Direction.AT_LEAST else value
    expected = start + (target.value - start) * Decimal(str(actual.fraction))
    return "on_track" if _reached(indicator, value, expected) else "behind"


# Rows --------------------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    year: int
    district: District | None
    target: TargetInfo | None
    actual: Actual
    status: str
    previous: Decimal | None = None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def trend(self) -> str:
        """↑ / ↓ / → against last year's value (better or worse depends on the direction)."""
        if self.actual.value is None or self.previous is None:
            return ""
        if self.actual.value == self.previous:
            return "→"
        return "↑" if self.actual.value > self.previous else "↓"

    @property
    def improving(self) -> bool | None:
        if not self.trend or self.trend == "→":
            return None
        up = self.trend == "↑"
        return up if self.indicator.direction == Indicator.Direction.AT_LEAST else not up

    def as_api(self) -> dict[str, Any]:
        i = self.indicator
        return {
            "code": i.code,
            "name": i.name,
            "unit": i.unit,
            "task": i.task,
            "lead_department": i.lead_department.name,
            "target": float(self.target.value) if self.target else None,
            "target_kind": self.target.kind if self.target else None,
            "actual": float(self.actual.value) if self.actual.value is not None else None,
            "source": i.source,
            "status": self.status,
            "status_label": self.status_label,
            "trend": self.trend,
        }


def indicators_all() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("lead_department").prefetch_related("targets")


def indicator_row(
    *,
    indicator: Indicator,
    year: int,
    district: District | None = None,
    on: date | None = None,
    with_previous: bool = True,
) -> IndicatorRow:
    on = on or today()
    actual = actual_for(indicator=indicator, year=year, district=district, on=on)
    target = target_for(indicator=indicator, year=year, district=district)
    previous = None
    if with_previous and actual.value is not None:
        previous = actual_for(indicator=indicator, year=year - 1, district=district, on=on).value
    status = status_for(indicator=indicator, actual=actual, target=target, baseline=previous)
    return IndicatorRow(indicator, year, district, target, actual, status, previous)


def indicator_rows(
    *, year: int, district: District | None = None, on: date | None = None
) -> list[IndicatorRow]:
    indicators = indicators_all()
    if district is not None:
        indicators = indicators.filter(district_assessed=True)
    return [indicator_row(indicator=i, year=year, district=district, on=on) for i in indicators]


def status_counts(rows: list[IndicatorRow]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def monitor_last_year() -> int:
    """The last year the plan office monitors (the plan ends in 2019; PLAN_MONITOR_LAST_YEAR)."""
    return int(settings.PLAN_MONITOR_LAST_YEAR)


def plan_years() -> list[int]:
    """The year before the first target (the baseline) through the last monitored year."""
    first = min(Target.objects.values_list("year", flat=True), default=2017)
    return list(range(min(first, 2017) - 1, monitor_last_year() + 1))


def default_year() -> int:
    return min(today().year, monitor_last_year())


@dataclass
class TrendPoint:
    year: int
    target: TargetInfo | None
    actual: Actual
    status: str


def indicator_trend(
    *, indicator: Indicator, district: District | None = None, on: date | None = None
) -> list[TrendPoint]:
    points = []
    previous = None
    for year in plan_years():
        row = indicator_row(
            indicator=indicator, year=year, district=district, on=on, with_previous=False
        )
        status = status_for(
            indicator=indicator, actual=row.actual, target=row.target, baseline=previous
        )
        points.append(TrendPoint(year, row.target, row.actual, status))
        previous = row.actual.value
    return points


def indicator_get(*, code: str) -> Indicator:
    try:
        return indicators_all().get(code=code)
    except Indicator.DoesNotExist as exc:
        raise Http404(_("没有这个指标")) from exc


def districts() -> QuerySet[District]:
    return District.objects.order_by("sort_order", "name")


def district_by_name(*, name: str) -> District | None:
    return District.objects.filter(name=name).first()


# District scoreboard -----------------------------------------------------------------------


@dataclass
class DistrictScore:
    district: District
    rows: list[IndicatorRow]
    counts: dict[str, int] = field(default_factory=dict)
    score: float | None = None
    rank: int | None = None


def score_weights() -> dict[str, float]:
    return {str(k): float(v) for k, v in settings.PLAN_SCORE_WEIGHTS.items()}


def district_scoreboard(*, year: int, on: date | None = None) -> list[DistrictScore]:
    """Each district's status on the indicators assessed by district, with a score:
    Σ weight(status) ÷ indicators with data × 100 (weights: PLAN_SCORE_WEIGHTS)."""
    weights = score_weights()
    board = []
    for district in districts():
        rows = indicator_rows(year=year, district=district, on=on)
        counts = status_counts(rows)
        assessed = sum(counts[s] for s in weights)
        score = (
            round(100 * sum(weights[s] * counts[s] for s in weights) / assessed, 1)
            if assessed
            else None
        )
        board.append(DistrictScore(district, rows, counts, score))
    ranked = sorted(
        (b for b in board if b.score is not None),
        key=lambda b: (-(b.score or 0.0), b.district.sort_order),
    )
    for position, entry in enumerate(ranked, start=1):
        entry.rank = position
    return ranked + [b for b in board if b.score is None]


# Reports -----------------------------------------------------------------------------------


def departments_of(*, user: AnyUser) -> QuerySet[Department]:
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.filter(members=user.pk)


def indicators_reportable_by(*, user: AnyUser) -> QuerySet[Indicator]:
    """Reported indicators the user may report: those led by a department the user belongs to."""
    if not user.is_authenticated:
        return Indicator.objects.none()
    return (
        indicators_all()
        .filter(source=Indicator.Source.REPORTED, lead_department__members=user.pk)
        .distinct()
    )


def reports_visible_to(*, user: AnyUser) -> QuerySet[Report]:
    """The plan office sees every report; a reporter only its departments' indicators'."""
    base = Report.objects.select_related(
        "indicator", "indicator__lead_department", "district", "created_by", "reviewed_by"
    )
    if not user.is_authenticated:
        return base.none()
    if is_plan_office(user):
        return base
    return base.filter(indicator__lead_department__members=user.pk).distinct()


def report_get_for_user(*, user: AnyUser, pk: int | str) -> Report:
    """404 (not 403) for reports of other departments."""
    try:
        return reports_visible_to(user=user).get(pk=pk)
    except (Report.DoesNotExist, ValueError) as exc:
        raise Http404(_("填报记录不存在")) from exc


def reports_to_review() -> QuerySet[Report]:
    return (
        reports_visible_to_office()
        .filter(status=Report.Status.SUBMITTED)
        .order_by("submitted_at", "id")
    )


def reports_visible_to_office() -> QuerySet[Report]:
    return Report.objects.select_related("indicator", "indicator__lead_department", "district")


ACTION_LABELS = {
    "plan.report.create": gettext_lazy("创建"),
    "plan.report.update": gettext_lazy("修改"),
    "plan.report.evidence_add": gettext_lazy("上传佐证材料"),
    "plan.report.evidence_delete": gettext_lazy("删除佐证材料"),
    "plan.report.submit": gettext_lazy("报送"),
    "plan.report.accept": gettext_lazy("采纳"),
    "plan.report.return": gettext_lazy("退回"),
}


def report_history(*, report: Report) -> list[AuditEntry]:
    return audit_history(obj=report, labels=ACTION_LABELS)


@dataclass
class MissingReport:
    indicator: Indicator
    year: int
    quarter: int
    due_date: date
    days_overdue: int


def reports_overdue(
    *, on: date | None = None, user: AnyUser | None = None, years: list[int] | None = None
) -> list[MissingReport]:
    """Annual (Q4) city-wide figures of reported indicators past their due date and not yet
    submitted or accepted; restricted to the user's departments unless the user is the office."""
    on = on or today()
    indicators = indicators_all().filter(source=Indicator.Source.REPORTED)
    if user is not None and not user.is_authenticated:
        return []
    if user is not None and not is_plan_office(user):
        indicators = indicators.filter(lead_department__members=user.pk).distinct()
    first_year = min(
        Target.objects.filter(is_baseline=False).values_list("year", flat=True), default=on.year
    )
    years = years or list(range(first_year, min(on.year, monitor_last_year()) + 1))
    done = set(
        Report.objects.filter(
            quarter=4,
            district__isnull=True,
            status__in=[Report.Status.SUBMITTED, Report.Status.ACCEPTED],
        ).values_list("indicator_id", "year")
    )
    missing = []
    for indicator in indicators:
        for year in years:
            due = report_due_date(year=year, quarter=4)
            if due < on and (indicator.pk, year) not in done:
                missing.append(MissingReport(indicator, year, 4, due, (on - due).days))
    return missing


def reports_late() -> QuerySet[Report]:
    return reports_visible_to_office().filter(late=True)


# Eligibility -------------------------------------------------------------------------------


@dataclass
class Check:
    rule: str
    passed: bool
    detail: str


@dataclass
class Eligibility:
    uscc: str
    year: int
    name: str
    eligible: bool
    reasons: list[str]
    checks: list[Check]
    designations: list[str]


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}"


def rd_requirement_for(*, year: int, designations: list[str]) -> RDRequirement | None:
    """The strictest requirement of the year that applies to an enterprise with these
    designations (rows without designations apply to every enterprise)."""
    applicable = [
        r
        for r in RDRequirement.objects.filter(year=year)
        if not r.designation_code_list() or set(r.designation_code_list()) & set(designations)
    ]
    return max(applicable, key=lambda r: r.min_share, default=None)


def enterprise_eligibility(*, uscc: str, year: int) -> Eligibility | None:
    """The plan's rule: an enterprise without an R&D institution, or whose R&D spending is
    below the year's requirement, may not take part in city awards or receive project funding."""
    profile = enterprise_profile(uscc=uscc, year=year)
    if profile is None:
        return None
    checks = []
    if profile.institutions:
        names = "；".join(str(i) for i in profile.institutions)
        checks.append(
            Check(
                _("研发机构"),
                True,
                _("%(year)s 年有在册研发机构：%(names)s") % {"year": year, "names": names},
            )
        )
    else:
        checks.append(
            Check(
                _("研发机构"),
                False,
                _("%(year)s 年没有在册的研发机构（工程技术研究中心、企业技术中心、重点实验室等）")
                % {"year": year},
            )
        )
    requirement = rd_requirement_for(year=year, designations=profile.designations)
    if requirement is None:
        checks.append(
            Check(
                _("研发投入"), True, _("%(year)s 年对该企业没有研发投入比例要求") % {"year": year}
            )
        )
    elif profile.rd_share is None:
        checks.append(
            Check(
                _("研发投入"),
                False,
                _("缺少 %(year)s 年研发投入与销售收入数据，无法核实是否达到 %(min_share)s%% 的要求")
                % {"year": year, "min_share": _pct(requirement.min_share)},
            )
        )
    elif Decimal(str(profile.rd_share)) < requirement.min_share:
        checks.append(
            Check(
                _("研发投入"),
                False,
                _("研发投入占销售收入 %(rd_share)s%%，低于 %(year)s 年要求的 %(min_share)s%%")
                % {
                    "rd_share": format(profile.rd_share, "g"),
                    "year": year,
                    "min_share": _pct(requirement.min_share),
                }
                + (f"（{requirement.note}）" if requirement.note else ""),
            )
        )
    else:
        checks.append(
            Check(
                _("研发投入"),
                True,
                _("研发投入占销售收入 %(rd_share)s%%，达到 %(year)s 年要求的 %(min_share)s%%")
                % {
                    "rd_share": format(profile.rd_share, "g"),
                    "year": year,
                    "min_share": _pct(requirement.min_share),
                },
            )
        )
    reasons = [c.detail for c in checks if not c.passed]
    return Eligibility(
        uscc=profile.uscc,
        year=year,
        name=profile.name,
        eligible=not reasons,
        reasons=reasons,
        checks=checks,
        designations=profile.designation_names,
    )


# Bulletins ---------------------------------------------------------------------------------


def bulletins_published() -> QuerySet[Bulletin]:
    return Bulletin.objects.filter(status=Bulletin.Status.PUBLISHED).order_by("-year", "-quarter")


def bulletins_visible_to(*, user: AnyUser) -> QuerySet[Bulletin]:
    if is_plan_office(user):
        return Bulletin.objects.order_by("-year", "-quarter")
    return bulletins_published()


def bulletin_get_for_user(*, user: AnyUser, pk: int | str) -> Bulletin:
    try:
        return bulletins_visible_to(user=user).get(pk=pk)
    except (Bulletin.DoesNotExist, ValueError) as exc:
        raise Http404(_("通报不存在")) from exc


def indicator_definition(*, indicator: Indicator) -> tuple[str, str]:
    return definition(indicator)


def public_reports(*, indicator: Indicator) -> QuerySet[Report]:
    return (
        Report.objects.filter(indicator=indicator, status=Report.Status.ACCEPTED)
        .select_related("district")
        .order_by("-year", "-quarter")
    )


def reports_filter(qs: QuerySet[Report], *, status: str = "", year: str = "") -> QuerySet[Report]:
    q = Q()
    if status in Report.Status.values:
        q &= Q(status=status)
    if year.isdigit():
        q &= Q(year=int(year))
    return qs.filter(q)
