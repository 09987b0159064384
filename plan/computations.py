"""Indicators the platform computes from its own data, each read through the owning app's
selectors, with the definition shown to users next to the figure.

A computation takes (indicator, year, district name or None, as-of date) and returns the value
and the figures it came from ("36 / 60 家"), or None when there is nothing to count.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.selectors import contracts_registered_summary
from ip_registry.selectors import (
    coverage_for_district,
    coverage_for_year,
    designation_count,
    invention_applications_count,
    rd_institution_share,
    rd_sales_ratio,
)
from marketplace.selectors import market_deals_summary
from plan.models import Computation, Indicator


@dataclass(frozen=True)
class Computed:
    value: Decimal | None
    detail: str = ""


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _coverage(indicator: Indicator, year: int, district: str | None, on: date) -> Computed:
    as_of = min(on, date(year, 12, 31))
    if district:
        group = coverage_for_district(year=year, district=district, as_of=as_of)
        return Computed(
            _dec(group.rate),
            gettext("%(holding)s / %(designated)s 家")
            % {"holding": group.holding, "designated": group.designated},
        )
    coverage = coverage_for_year(year=year, as_of=as_of)
    return Computed(
        _dec(coverage.rate),
        gettext("%(holding)s / %(designated)s 家")
        % {"holding": coverage.holding, "designated": coverage.designated},
    )


def _inventions(indicator: Indicator, year: int, district: str | None, on: date) -> Computed:
    return Computed(Decimal(invention_applications_count(year=year, district=district)))


def _designations(new_only: bool) -> "Compute":
    def compute(indicator: Indicator, year: int, district: str | None, on: date) -> Computed:
        codes = indicator.designation_code_list()
        count = sum(
            designation_count(code=c, year=year, district=district, new_only=new_only)
            for c in codes
        )
        return Computed(Decimal(count))

    return compute


def _rd_institutions(indicator: Indicator, year: int, district: str | None, on: date) -> Computed:
    share = rd_institution_share(year=year, district=district)
    return Computed(
        _dec(share.rate),
        gettext("%(count)s / %(base)s 家") % {"count": share.count, "base": share.base},
    )


def _rd_sales(indicator: Indicator, year: int, district: str | None, on: date) -> Computed:
    ratio = rd_sales_ratio(year=year, codes=indicator.designation_code_list(), district=district)
    return Computed(_dec(ratio))


def _contracts(key: Literal["count", "total", "technical"]) -> "Compute":
    def compute(indicator: Indicator, year: int, district: str | None, on: date) -> Computed:
        summary = contracts_registered_summary(year=year, district=district, on=on)
        if key == "count":
            return Computed(Decimal(summary["count"]))
        # Contracts keep amounts in yuan; the plan reports 万元.
        amount = summary[key]
        wan = amount / 10000 if amount is not None else None
        return Computed(_dec(wan), gettext("%(count)s 项合同") % {"count": summary["count"]})

    return compute


def _deals(key: Literal["count", "value"]) -> "Compute":
    def compute(indicator: Indicator, year: int, district: str | None, on: date) -> Computed:
        summary = market_deals_summary(year=year, district=district, on=on)
        if key == "count":
            return Computed(Decimal(summary["count"]))
        return Computed(
            _dec(summary["value"]), gettext("%(count)s 项成交") % {"count": summary["count"]}
        )

    return compute


Compute = Callable[[Indicator, int, str | None, date], Computed]

# (function, the definition shown to users, the query it runs)
COMPUTATIONS: dict[str, tuple[Compute, str | Promise, str | Promise]] = {
    Computation.PATENT_COVERAGE: (
        _coverage,
        _(
            "当年认定为规模以上科技型企业的企业中，于年末（本年度未结束时为查询日）为有效专利"
            "（已授权且未失效）专利权人的企业数 ÷ 当年认定企业数 × 100%。"
            "数据：知识产权登记（认定、专利、权利人、法律状态）。"
        ),
        (
            _(
                "ip_registry.selectors.coverage_for_year("
                "year=Y, as_of=Y-12-31[, group_by=district])："
                "COUNT(认定企业 WHERE EXISTS(有效持有 ∧ 法律状态区间为授权/恢复))"
            )
        ),
    ),
    Computation.INVENTION_APPLICATIONS: (
        _inventions,
        _(
            "申请日在当年、至少一名申请人为登记企业的发明专利申请（去重申请号）。"
            "近 18 个月的数字为暂定数（公开滞后）。按区县统计时以申请人所在区县计。"
        ),
        (
            _(
                "ip_registry.selectors.invention_applications_count(year=Y[, district])："
                "COUNT(专利 WHERE 类型=发明 ∧ 申请日∈Y ∧ EXISTS(登记企业为申请人))"
            )
        ),
    ),
    Computation.DESIGNATION_TOTAL: (
        _designations(False),
        _("当年持有所列认定类型的企业数（知识产权登记的年度认定记录），按企业所在区县分组。"),
        (
            _(
                "ip_registry.selectors.designation_count(code, year=Y[, district])："
                "COUNT(认定 WHERE 类型=code ∧ 年度=Y)"
            )
        ),
    ),
    Computation.DESIGNATION_NEW: (
        _designations(True),
        _("当年认定、上一年度未认定的企业数（新增）。"),
        (
            _(
                "ip_registry.selectors.designation_count(code, year=Y, new_only=True)："
                "COUNT(Y 年认定) − 其中 Y−1 年已认定者"
            )
        ),
    ),
    Computation.RD_INSTITUTION_SHARE: (
        _rd_institutions,
        _(
            "当年认定的规模以上科技型企业中，当年有在册研发机构（工程技术研究中心、企业技术中心、"
            "重点实验室等，认定年度不晚于当年且未撤销）的企业数 ÷ 认定企业数 × 100%。"
        ),
        (
            _(
                "ip_registry.selectors.rd_institution_share(year=Y[, district])："
                "COUNT(规上科技型企业 WHERE EXISTS(研发机构 年度≤Y ∧ (未撤销 ∨ 撤销年度>Y)))"
                " ÷ COUNT(规上科技型企业)"
            )
        ),
    ),
    Computation.RD_SALES_RATIO: (
        _rd_sales,
        _(
            "当年持有所列认定类型的企业研发经费支出合计 ÷ 销售收入合计 × 100%"
            "（登记的企业研发投入数据）。"
        ),
        _("ip_registry.selectors.rd_sales_ratio(year=Y, codes)：SUM(研发经费) ÷ SUM(销售收入)"),
    ),
    Computation.CONTRACTS_COUNT: (
        _contracts("count"),
        _("当年（截至查询日）认定登记的技术合同数；按区县统计时以第一卖方所在区县计。"),
        (
            _(
                "contracts.selectors.contracts_registered_summary(year=Y[, district])："
                "COUNT(合同 WHERE 状态=已登记 ∧ 登记日∈Y)"
            )
        ),
    ),
    Computation.CONTRACTS_TOTAL: (
        _contracts("total"),
        _("当年认定登记的技术合同成交额合计（万元）。"),
        _("contracts.selectors.contracts_registered_summary(year=Y)：SUM(合同成交额) ÷ 10000"),
    ),
    Computation.CONTRACTS_TECHNICAL: (
        _contracts("technical"),
        _("当年认定登记的技术合同技术交易额合计（万元，合同成交额扣除非技术性费用）。"),
        _("contracts.selectors.contracts_registered_summary(year=Y)：SUM(技术交易额) ÷ 10000"),
    ),
    Computation.MARKET_DEALS: (
        _deals("count"),
        _("技术市场中当年达成交易（询价状态为已成交）的项目数；按区县统计时以挂牌机构所在区县计。"),
        (
            _(
                "marketplace.selectors.market_deals_summary(year=Y[, district])："
                "COUNT(询价 WHERE 状态=已成交 ∧ 成交时间∈Y)"
            )
        ),
    ),
    Computation.MARKET_DEAL_VALUE: (
        _deals("value"),
        _("技术市场当年已成交项目的成交价合计（万元）。"),
        _("marketplace.selectors.market_deals_summary(year=Y)：SUM(成交价)"),
    ),
}


def compute(*, indicator: Indicator, year: int, district: str | None, on: date) -> Computed:
    function = COMPUTATIONS[indicator.computation][0]
    return function(indicator, year, district, on)


def definition(indicator: Indicator) -> tuple[str, str]:
    """(the definition in words, the query) for a computed indicator; ("", "") otherwise."""
    if indicator.source != Indicator.Source.COMPUTED or indicator.computation not in COMPUTATIONS:
        return "", ""
    _function, words, query = COMPUTATIONS[indicator.computation]
    return str(words), str(query)
