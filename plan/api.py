"""The plan's indicators (public) and the eligibility check (funding officers)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from core.api_docs import gettext_lazy
from core.auth import api_auth
from core.identifiers import normalize_uscc
from plan.access import may_check_eligibility
from plan.selectors import default_year, district_by_name, enterprise_eligibility, indicator_rows

router = Router(tags=["plan"])


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    task: int | None
    lead_department: str
    target: float | None
    target_kind: str | None
    actual: float | None
    source: str
    status: str
    status_label: str
    trend: str


class IndicatorsOut(Schema):
    year: int
    district: str | None
    indicators: list[IndicatorOut]


def _year(value: int | None) -> int:
    year = value if value is not None else default_year()
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("年度“%(year)s”无效") % {"year": year}]})
    return year


@router.get(
    "/indicators",
    auth=None,
    response=IndicatorsOut,
    summary=gettext_lazy(
        "规划指标：目标、实际、状态（met 达标 / on_track 进度正常 / behind 滞后 / no_data）"
    ),
)
def indicators(request, year: int | None = None, district: str | None = None):
    year = _year(year)
    found = None
    if district:
        found = district_by_name(name=district.strip())
        if found is None:
            raise ValidationError(
                {"district": [_("没有名为“%(district)s”的区县或功能区") % {"district": district}]}
            )
    rows = indicator_rows(year=year, district=found)
    return {
        "year": year,
        "district": found.name if found else None,
        "indicators": [row.as_api() for row in rows],
    }


class CheckOut(Schema):
    rule: str
    passed: bool
    detail: str


class EligibilityOut(Schema):
    uscc: str
    year: int
    name: str
    eligible: bool
    reasons: list[str]
    checks: list[CheckOut]
    designations: list[str]


@router.get(
    "/enterprises/{uscc}/eligibility",
    auth=api_auth,
    response={200: EligibilityOut},
    summary=gettext_lazy("企业参加市级评奖、获得项目资金的资格（研发机构、研发投入要求）"),
)
def eligibility(request, uscc: str, year: int | None = None):
    if not may_check_eligibility(request.user):
        raise PermissionDenied(_("仅资金审核人员和领导小组办公室可以查询"))
    result = enterprise_eligibility(uscc=normalize_uscc(uscc), year=_year(year))
    if result is None:
        raise Http404(_("登记库中没有该企业"))
    return result
