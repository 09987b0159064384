"""Public KPI aggregates; enterprise-level lists for IP officers only."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema

from core.auth import api_auth
from core.identifiers import normalize_uscc
from core.schemas import schema_from_dataclass
from ip_registry.access import is_ip_officer
from ip_registry.models import Enterprise, Holding
from ip_registry.selectors import (
    GROUP_FIELDS,
    Coverage,
    CoverageGroup,
    Holder,
    PatentSnapshot,
    coverage_enterprises,
    coverage_for_year,
    invention_applications,
    patents_status_on,
    today,
)

router = Router(tags=["ip_registry"])


def _year(value: int) -> int:
    if not 1985 <= value <= 2100:
        raise ValidationError({"year": [_("年度“%(value)s”无效") % {"value": value}]})
    return value


CoverageGroupOut = schema_from_dataclass(CoverageGroup, "CoverageGroupOut")
CoverageOut = schema_from_dataclass(Coverage, "CoverageOut", nested={"groups": CoverageGroupOut})


class CoverageQuery(Schema):
    year: int
    as_of: date | None = None
    group_by: str | None = None


@router.get(
    "/coverage",
    auth=None,
    response=CoverageOut,
    summary=gettext_lazy("规上科技型企业专利覆盖率（rate、target 为百分数）"),  # type: ignore[arg-type]
)
def coverage(request, params: Query[CoverageQuery]):
    year = _year(params.year)
    if params.group_by and params.group_by not in GROUP_FIELDS:
        raise ValidationError({"group_by": [_("分组只能是 district 或 industry")]})
    return coverage_for_year(year=year, as_of=params.as_of, group_by=params.group_by)


class InventionOut(Schema):
    year: int
    count: int
    target: float | None
    provisional: bool


@router.get(
    "/invention-applications",
    auth=None,
    response=InventionOut,
    summary=gettext_lazy("发明专利申请量"),  # type: ignore[arg-type]
)
def inventions(request, year: int):
    return invention_applications(year=_year(year))


def _officer(request):
    if not is_ip_officer(request.user):
        raise PermissionDenied(_("仅知识产权专员可以查看企业名单"))


class EnterpriseOut(Schema):
    uscc: str
    name: str
    district: str | None
    industry: str | None

    @staticmethod
    def resolve_district(obj):
        return obj.district.name if obj.district else None

    @staticmethod
    def resolve_industry(obj):
        return obj.industry.name if obj.industry else None


@router.get(
    "/coverage/holders",
    auth=api_auth,
    response=list[EnterpriseOut],
    summary=gettext_lazy("当年认定且持有有效专利的企业（知识产权专员）"),  # type: ignore[arg-type]
)
def holders(request, year: int, as_of: date | None = None):
    _officer(request)
    return list(coverage_enterprises(year=_year(year), as_of=as_of, holding=True))


@router.get(
    "/coverage/non-holders",
    auth=api_auth,
    response=list[EnterpriseOut],
    summary=gettext_lazy("当年认定但无有效专利的企业（知识产权专员）"),  # type: ignore[arg-type]
)
def non_holders(request, year: int, as_of: date | None = None):
    _officer(request)
    return list(coverage_enterprises(year=_year(year), as_of=as_of, holding=False))


HolderOut = schema_from_dataclass(Holder, "HolderOut")
# What an officer reads; the snapshot's other dates stay inside the registry.
PatentOut = schema_from_dataclass(
    PatentSnapshot,
    "PatentOut",
    fields=(
        "number",
        "title",
        "patent_type",
        "patent_type_label",
        "status",
        "status_label",
        "in_force",
        "holders",
        "expiry_date",
        "url",
    ),
    nested={"holders": HolderOut},
)


@router.get(
    "/enterprises/{uscc}/patents",
    auth=api_auth,
    response=list[PatentOut],  # type: ignore[valid-type]
    summary=gettext_lazy("企业现持有的专利及其法律状态（知识产权专员）"),  # type: ignore[arg-type]
)
def enterprise_patents(request, uscc: str, on: date | None = None):
    _officer(request)
    enterprise = get_object_or_404(Enterprise, uscc=normalize_uscc(uscc))
    on = on or today()
    numbers = (
        Holding.objects.filter(enterprise=enterprise, start_date__lte=on)
        .exclude(end_date__lte=on)
        .values_list("patent__application_number", flat=True)
    )
    snapshots = patents_status_on(numbers=list(numbers), on=on)
    return [snapshots[n] for n in sorted(snapshots)]
