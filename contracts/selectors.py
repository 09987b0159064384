"""Reads: who sees which contract, the officers' queue, verification and statistics."""

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NotRequired, TypedDict, TypeVar, cast

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.charts import bar_chart
from contracts.deadlines import working_days_left
from contracts.disclosure import Cell, group_cell, public_cells, total_cell
from contracts.models import (
    SUBTYPE_LABELS,
    ChangeRequest,
    Contract,
    ContractType,
    IPType,
    Party,
    Status,
    TechnologyField,
)
from contracts.services import user_is_officer
from core.models import AuditEntry
from core.selectors import audit_history, organizations_for_user
from core.types import AnyUser

# Statistics count registered contracts; cancelled ones are out of the figures.
COUNTED = [Status.REGISTERED]
OPEN_STATUSES = [Status.SUBMITTED, Status.ACCEPTED, Status.REVIEWING]


class Totals(TypedDict):
    """Registered contracts' count and sums (yuan); `withheld` once disclosure has been applied:
    then total and technical are None where the public may not see them."""

    count: int
    total: Decimal | None
    technical: Decimal | None
    withheld: NotRequired[bool]


class StatsRow(Totals):
    """One group of the statistics: its key (a code, a month number) and its label."""

    key: str
    label: str


TotalsT = TypeVar("TotalsT", Totals, StatsRow)


class MonthReport(TypedDict):
    totals: Totals
    sections: list[tuple[str | Promise, list[StatsRow], SafeString]]
    min_public_count: int
    full: bool


def contracts_visible_to(*, user: AnyUser) -> QuerySet[Contract]:
    base = Contract.objects.select_related("organization", "office").prefetch_related(
        Prefetch("parties", queryset=Party.objects.select_related("district"))
    )
    if not user.is_authenticated:
        return base.none()
    # Through organizations_for_user: a removed role or ended membership ends access at once.
    own = Q(organization__in=organizations_for_user(user=user))
    if user_is_officer(user):
        # A draft is the applicant's working copy: the registry sees a contract from submission on.
        return base.filter(own | ~Q(status=Status.DRAFT)).distinct()
    return base.filter(own).distinct()


def contract_get_for_user(*, user: AnyUser, pk: int | str) -> Contract:
    """404 (not 403) for contracts of other organisations: their existence is not disclosed."""
    try:
        return contracts_visible_to(user=user).get(pk=pk)
    except (Contract.DoesNotExist, ValueError) as exc:
        raise Http404(gettext("合同不存在")) from exc


ACTION_LABELS = {
    "contracts.contract.create": _("创建草稿"),
    "contracts.contract.update": _("修改"),
    "contracts.contract.attachment_add": _("上传附件"),
    "contracts.contract.attachment_delete": _("删除附件"),
    "contracts.contract.submit": _("提交"),
    "contracts.contract.resubmit": _("补正后重新提交"),
    "contracts.contract.withdraw": _("撤回"),
    "contracts.contract.accept": _("受理"),
    "contracts.contract.start_review": _("开始审查"),
    "contracts.contract.register": _("准予登记"),
    "contracts.contract.return": _("退回补正"),
    "contracts.contract.refuse": _("不予登记"),
    "contracts.contract.adjust_amount": _("核定技术交易额"),
    "contracts.contract.amend": _("变更登记"),
    "contracts.contract.cancel": _("注销登记"),
    "contracts.contract.national_number": _("记录全国系统登记号"),
    "contracts.contract.request_amend": _("申请变更登记"),
    "contracts.contract.request_cancel": _("申请注销登记"),
    "contracts.contract.request_rejected": _("变更/注销申请不予办理"),
}


def contract_history(*, contract: Contract) -> list[AuditEntry]:
    return audit_history(obj=contract, labels=ACTION_LABELS)


def contracts_registered_with_party(*, uscc: str, limit: int = 20) -> list[Contract]:
    """Registered contracts an organisation is a party to, newest first (public register facts)."""
    return list(
        Contract.objects.filter(status=Status.REGISTERED, parties__uscc=uscc)
        .distinct()
        .order_by("-registered_on")[:limit]
    )


def officer_queue(*, status: str | None = None, today: date | None = None) -> list[Contract]:
    today = today or timezone.localdate()
    qs = contracts_visible_to_officer().filter(status__in=[status] if status else OPEN_STATUSES)
    rows = list(qs.order_by("deadline", "submitted_at", "id"))
    for contract in rows:
        # Shown by the queue template beside the model's own fields.
        contract.days_left = (  # type: ignore[attr-defined]
            working_days_left(contract.deadline, today) if contract.deadline else None
        )
        contract.is_overdue = bool(contract.deadline and contract.deadline < today)  # type: ignore[attr-defined]
    return rows


def change_requests_pending() -> QuerySet[ChangeRequest]:
    return (
        ChangeRequest.objects.filter(status=ChangeRequest.Decision.PENDING)
        .select_related("contract", "contract__organization", "requested_by")
        .order_by("requested_at", "id")
    )


def contracts_visible_to_officer() -> QuerySet[Contract]:
    return (
        Contract.objects.exclude(status=Status.DRAFT)
        .select_related("organization", "office")
        .prefetch_related("parties")
    )


def contract_verify(*, number: str, code: str) -> Contract | None:
    number = (number or "").strip()
    code = (code or "").strip().upper()
    if not number or not code:
        return None
    contract = (
        Contract.objects.select_related("office")
        .prefetch_related("parties")
        .filter(
            registration_number=number,
            status__in=[Status.REGISTERED, Status.CANCELLED],
        )
        .first()
    )
    if contract is None or contract.verification_code != code:
        return None
    return contract


# Statistics ----------------------------------------------------------------------------------

OUTSIDE = _("盘锦市外/未填")
PARTY_TYPE_LABELS = dict(Party.PartyType.choices)
GROUPS = OrderedDict(
    [
        ("type", _("合同类型")),
        ("subtype", _("合同子类")),
        ("field", _("技术领域")),
        ("ip_type", _("知识产权类型")),
        ("party_type", _("卖方主体类型")),
        ("district", _("卖方所在区县")),
        ("month", _("登记月份")),
        ("output", _("技术输出（按卖方区县）")),
        ("absorb", _("技术吸纳（按买方区县）")),
    ]
)


def _counted(year: int | None) -> QuerySet[Contract]:
    qs = Contract.objects.filter(status__in=COUNTED)
    if year:
        qs = qs.filter(registered_on__year=year)
    return qs


def _sums(prefix: str = "") -> dict[str, Count | Coalesce]:
    zero = Value(Decimal("0"))
    return {
        "count": Count(f"{prefix}id", distinct=True) if prefix else Count("id"),
        "total": Coalesce(Sum(f"{prefix}total_amount"), zero),
        "technical": Coalesce(Sum(f"{prefix}technical_amount"), zero),
    }


def contract_stats(*, year: int | None, group_by: str, full: bool = True) -> list[StatsRow]:
    """Aggregates only: [{key, label, count, total, technical, withheld}], computed in SQL.
    `full=False` is the public view (see contract_stats_disclosed)."""
    rows = contract_stats_for(contracts=_counted(year), group_by=group_by)
    # Months keep the calendar's order: a month's place says nothing about its amount.
    return contract_stats_disclosed(
        rows, full=full, group_by=group_by, year=year, keep_order=group_by == "month"
    )


def contract_stats_for(*, contracts: QuerySet[Contract], group_by: str) -> list[StatsRow]:
    if group_by not in GROUPS:
        raise ValueError(group_by)
    if group_by in ("party_type", "district", "output", "absorb"):
        role = Party.Role.BUYER if group_by == "absorb" else Party.Role.SELLER
        key = "party_type" if group_by == "party_type" else "district__name"
        # Each contract counts once, under its lead party of that side.
        rows = (
            Party.objects.filter(contract__in=contracts, role=role, is_lead=True)
            .values(key)
            .annotate(**_sums("contract__"))
            .order_by(key)
        )
        labels: Mapping[str, str | Promise] = PARTY_TYPE_LABELS if key == "party_type" else {}
        result: list[StatsRow] = [
            {
                "key": row[key] or "",
                "label": str(labels.get(row[key], row[key]) if row[key] else OUTSIDE),
                "count": row["count"],
                "total": row["total"],
                "technical": row["technical"],
            }
            for row in rows
        ]
    elif group_by == "month":
        # The stubs type .values("m") rows as {"m"} only; the sums are annotated after it.
        month_rows = cast(
            Iterable[dict[str, Any]],
            contracts.annotate(m=ExtractMonth("registered_on"))
            .values("m")
            .annotate(**_sums())
            .order_by("m"),
        )
        result = [
            {
                "key": str(r["m"]),
                "label": gettext("%(m)s月") % {"m": r["m"]},
                "count": r["count"],
                "total": r["total"],
                "technical": r["technical"],
            }
            for r in month_rows
        ]
    else:
        grouping: dict[str, tuple[str, Mapping[str, str | Promise]]] = {
            "type": ("contract_type", dict(ContractType.choices)),
            "subtype": ("subtype", SUBTYPE_LABELS),
            "field": ("technology_field", dict(TechnologyField.choices)),
            "ip_type": ("ip_type", dict(IPType.choices)),
        }
        field, labels = grouping[group_by]
        rows = contracts.values(field).annotate(**_sums()).order_by(field)
        result = [
            {
                "key": r[field],
                "label": str(labels.get(r[field], r[field] or gettext("未填"))),
                "count": r["count"],
                "total": r["total"],
                "technical": r["technical"],
            }
            for r in rows
        ]
    for row in result:
        row["total"], row["technical"] = _money(row["total"]), _money(row["technical"])
    if group_by not in ("month",):
        result.sort(key=lambda r: (-(r["technical"] or 0), r["label"]))
    return result


def _money(value: object) -> Decimal:
    # SQLite sums decimals as floats or integers; present both databases' results alike.
    return Decimal(str(value)).quantize(Decimal("0.01"))


def contract_stats_totals(*, year: int | None, full: bool = True) -> Totals:
    sums = _counted(year).aggregate(**_sums())
    totals: Totals = {
        "count": sums["count"],
        "total": _money(sums["total"]),
        "technical": _money(sums["technical"]),
    }
    return totals if full else _disclosed(totals, total_cell(year))


def stats_min_public_count() -> int:
    minimum: int = settings.CONTRACT_STATS_MIN_PUBLIC_COUNT
    return minimum


def _disclosed(row: TotalsT, cell: Cell) -> TotalsT:
    """Withhold a group's amounts from the public when it has only a few contracts, or when
    they would let such a group's be derived (contracts.disclosure: complementary suppression).

    With one or two contracts in a group (a district, a month, a rare IP type) the sums are
    those contracts' prices, which are the parties' business secrets; counts stay public.
    """
    if 0 < row["count"] < stats_min_public_count() or (row["count"] and cell not in public_cells()):
        return {**row, "total": None, "technical": None, "withheld": True}
    return {**row, "withheld": False}


def contract_stats_disclosed(
    rows: list[StatsRow],
    *,
    full: bool,
    group_by: str,
    year: int | None,
    month: int | None = None,
    keep_order: bool = False,
) -> list[StatsRow]:
    """The rows as a viewer may see them: registry officers everything, others see amounts only
    where contracts.disclosure allows; withheld rows go last so their rank does not hint at
    their amounts."""
    if full:
        return [{**row, "withheld": False} for row in rows]
    shown = [_disclosed(row, group_cell(group_by, row["key"], year, month)) for row in rows]
    if keep_order:
        return shown
    return [r for r in shown if not r["withheld"]] + [r for r in shown if r["withheld"]]


def contract_stats_years() -> list[int]:
    years = Contract.objects.filter(status__in=COUNTED, registered_on__isnull=False).dates(
        "registered_on", "year", order="DESC"
    )
    return [d.year for d in years]


def contract_stats_month(*, year: int, month: int) -> QuerySet[Contract]:
    return _counted(year).filter(registered_on__month=month)


def contract_stats_month_report(*, year: int, month: int, full: bool = True) -> MonthReport:
    contracts = contract_stats_month(year=year, month=month)
    sums = contracts.aggregate(**_sums())
    totals: Totals = {
        "count": sums["count"],
        "total": _money(sums["total"]),
        "technical": _money(sums["technical"]),
    }
    sections: list[tuple[str | Promise, list[StatsRow], SafeString]] = []
    for key in ("type", "field", "ip_type", "party_type", "output", "absorb"):
        rows = contract_stats_disclosed(
            contract_stats_for(contracts=contracts, group_by=key),
            full=full,
            group_by=key,
            year=year,
            month=month,
        )
        chart = bar_chart(rows, value="technical", title=gettext("技术交易额（万元）"))
        sections.append((GROUPS[key], rows, chart))
    return {
        "totals": totals if full else _disclosed(totals, total_cell(year, month)),
        "sections": sections,
        "min_public_count": stats_min_public_count(),
        "full": full,
    }


def contracts_registered_summary(
    *, year: int, district: str | None = None, on: date | None = None
) -> Totals:
    """Registered contracts of `year` (up to `on`), optionally those whose lead seller is in
    `district`: {"count", "total", "technical"} (万元). For the plan monitor."""
    contracts = _counted(year)
    if on is not None:
        contracts = contracts.filter(registered_on__lte=on)
    if district:
        contracts = contracts.filter(
            parties__role=Party.Role.SELLER, parties__is_lead=True, parties__district__name=district
        )
    totals = contracts.aggregate(**_sums())
    return {
        "count": totals["count"],
        "total": _money(totals["total"]),
        "technical": _money(totals["technical"]),
    }
