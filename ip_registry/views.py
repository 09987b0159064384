from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header

from core.identifiers import normalize_patent_number, normalize_uscc
from core.models import Organization
from ip_registry import charts
from ip_registry.access import is_ip_officer
from ip_registry.models import Designation, Enterprise, Holding, Patent
from ip_registry.reports import dashboard_data, table_csv, table_xlsx, yearly_report_pdf
from ip_registry.selectors import (
    coverage_for_year,
    coverage_trend,
    coverage_years,
    patents_status_on,
    today,
)


def _officer_only(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_ip_officer(request.user):
        raise PermissionDenied("仅知识产权专员可以查看")
    return None


def _year_param(request, default: int) -> int:
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        return default
    return year if 1985 <= year <= 2100 else default


def _default_year() -> int:
    years = coverage_years()
    return years[-1] if years else today().year


def index(request):
    query = (request.GET.get("q") or "").strip()
    enterprises = Enterprise.objects.select_related("district", "industry")
    if query:
        enterprises = enterprises.filter(
            Q(name__icontains=query)
            | Q(uscc=normalize_uscc(query))
            | Q(former_names__icontains=query)
        )
    page = Paginator(enterprises.order_by("name"), 20).get_page(request.GET.get("page"))
    year = _default_year()
    return render(
        request,
        "ip_registry/index.html",
        {
            "query": query,
            "page": page,
            "coverage": coverage_for_year(year=year),
            "is_officer": is_ip_officer(request.user),
            "patent_count": Patent.objects.count(),
            "enterprise_count": Enterprise.objects.count(),
        },
    )


def _listings_for(uscc: str) -> list:
    """The marketplace's live listings of the organisation with this USCC, if it has any."""
    try:
        from marketplace.selectors import listings_of_organization
    except ImportError:
        return []
    organization = Organization.objects.filter(uscc=uscc).first()
    if organization is None:
        return []
    return list(listings_of_organization(organization=organization))[:20]


def _registered_contracts_for(uscc: str) -> list:
    """Registered technology contracts this enterprise is a party to (public register facts)."""
    try:
        from contracts.models import Contract, Status
    except ImportError:
        return []
    return list(
        Contract.objects.filter(status=Status.REGISTERED, parties__uscc=uscc)
        .distinct()
        .order_by("-registered_on")[:20]
    )


def enterprise_detail(request, uscc: str):
    normalised = normalize_uscc(uscc)
    if normalised != uscc:
        return redirect("ip_registry:enterprise_detail", uscc=normalised)
    enterprise = get_object_or_404(
        Enterprise.objects.select_related("district", "industry"), uscc=uscc
    )
    context = {
        "enterprise": enterprise,
        "listings": _listings_for(enterprise.uscc),
        "contracts": _registered_contracts_for(enterprise.uscc),
        "portfolio_visible": is_ip_officer(request.user),
    }
    if context["portfolio_visible"]:
        # Designations and the patent portfolio are the coverage KPI's inputs per enterprise:
        # together they are the officers' gap list, which the API keeps for IP officers too
        # (/api/v1/ip/enterprises/{uscc}/patents, /coverage/non-holders). One rule, both places.
        context.update(_enterprise_portfolio(enterprise))
    return render(request, "ip_registry/enterprise_detail.html", context)


def _enterprise_portfolio(enterprise: Enterprise) -> dict:
    on = today()
    holdings = Holding.objects.filter(enterprise=enterprise).select_related("patent")
    current_numbers = {
        h.patent.application_number
        for h in holdings
        if h.start_date <= on and (h.end_date is None or h.end_date > on)
    }
    past_numbers = {h.patent.application_number for h in holdings} - current_numbers
    snapshots = patents_status_on(numbers=current_numbers | past_numbers, on=on)
    current = sorted((snapshots[n] for n in current_numbers), key=lambda s: s.number, reverse=True)
    past = sorted((snapshots[n] for n in past_numbers), key=lambda s: s.number, reverse=True)
    return {
        "designations": Designation.objects.filter(enterprise=enterprise).select_related(
            "designation_type"
        ),
        "current": current,
        "past": past,
        "in_force_count": sum(1 for s in current if s.in_force),
        "on": on,
    }


def patent_detail(request, number: str):
    try:
        normalised = normalize_patent_number(number)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    if normalised != number:
        return redirect("ip_registry:patent_detail", number=normalised)
    patent = get_object_or_404(Patent, application_number=normalised)
    snapshot = patents_status_on(numbers=[normalised])[normalised]
    return render(
        request,
        "ip_registry/patent_detail.html",
        {
            "patent": patent,
            "snapshot": snapshot,
            "events": patent.status_events.all(),
            "holdings": patent.holdings.select_related("enterprise").order_by(
                "start_date", "position"
            ),
            "classifications": patent.classifications.all(),
        },
    )


def dashboard(request):
    denied = _officer_only(request)
    if denied:
        return denied
    year = _year_param(request, _default_year())
    context = dashboard_data(year=year)
    context["years"] = coverage_years() or [year]
    return render(request, "ip_registry/dashboard.html", context)


EXPORT_TABLES = ("coverage", "district", "industry", "inventions", "designations", "gaps")


def dashboard_export(request, table: str, fmt: str):
    denied = _officer_only(request)
    if denied:
        return denied
    if table not in EXPORT_TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("没有这个导出表")
    year = _year_param(request, _default_year())
    data = dashboard_data(year=year)["tables"][table]
    if fmt == "csv":
        body, content_type = table_csv(data), "text/csv; charset=utf-8"
    else:
        body = table_xlsx(data)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{data.title}-{year}.{fmt}")
    return response


def report_pdf(request, year: int):
    denied = _officer_only(request)
    if denied:
        return denied
    if not 1985 <= year <= 2100:
        raise Http404("年度无效")
    body = yearly_report_pdf(year=year, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"盘锦市企业知识产权年度评估报告-{year}.pdf"
    )
    return response


def coverage_chart_svg(request):
    """The public trend chart as an image, for pages and documents without inline SVG."""
    trend = coverage_trend()
    svg = charts.line_chart(
        title="规上科技型企业专利覆盖率与目标",
        labels=[str(c.year) for c in trend],
        values=[c.rate for c in trend],
        targets=[c.target for c in trend],
        y_max=100,
    )
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
