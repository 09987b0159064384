from datetime import date

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from wagtail import hooks

from core.exports import PDF_CONTENT_TYPE, download_response
from core.identifiers import normalize_patent_number, normalize_uscc
from ip_registry import charts
from ip_registry.access import is_ip_officer
from ip_registry.models import Designation, Enterprise, Holding, Patent
from ip_registry.reports import dashboard_data, table_response, yearly_report_pdf
from ip_registry.selectors import (
    coverage_for_year,
    coverage_trend,
    coverage_years,
    enterprise_rd_institutions,
    patents_status_on,
    today,
)


def _officer_only(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_ip_officer(request.user):
        raise PermissionDenied(_("仅知识产权专员可以查看"))
    return None


def _year_param(request, default: int) -> int:
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        return default
    return year if 1985 <= year <= 2100 else default


def _date_param(request, name: str = "on") -> date | None:
    """An optional ISO date from the query string; anything unreadable is ignored."""
    try:
        value = date.fromisoformat(request.GET.get(name) or "")
    except ValueError:
        return None
    return value if date(1985, 1, 1) <= value <= date(2100, 12, 31) else None


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


# Apps above the registry (the market's listings, the registered contracts) add their own
# sections to the public enterprise page through this hook: each function takes the enterprise
# and returns HTML, or "" when it has nothing to show.
ENTERPRISE_SECTIONS_HOOK = "enterprise_page_sections"


def _sections_for(enterprise: Enterprise) -> list[str]:
    sections = (hook(enterprise=enterprise) for hook in hooks.get_hooks(ENTERPRISE_SECTIONS_HOOK))
    return [html for html in sections if html]


def enterprise_detail(request, uscc: str):
    normalised = normalize_uscc(uscc)
    if normalised != uscc:
        return redirect("ip_registry:enterprise_detail", uscc=normalised)
    enterprise = get_object_or_404(
        Enterprise.objects.select_related("district", "industry"), uscc=uscc
    )
    context = {
        "enterprise": enterprise,
        "sections": _sections_for(enterprise),
        "rd_institutions": enterprise_rd_institutions(enterprise=enterprise),
        "portfolio_visible": is_ip_officer(request.user),
    }
    if context["portfolio_visible"]:
        # Designations and the patent portfolio are the coverage KPI's inputs per enterprise:
        # together they are the officers' gap list, which the API keeps for IP officers too
        # (/api/v1/ip/enterprises/{uscc}/patents, /coverage/non-holders). One rule, both places.
        context.update(_enterprise_portfolio(enterprise, on=_date_param(request) or today()))
    return render(request, "ip_registry/enterprise_detail.html", context)


def _enterprise_portfolio(enterprise: Enterprise, *, on) -> dict:
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
    on = _date_param(request) or today()
    snapshot = patents_status_on(numbers=[normalised], on=on)[normalised]
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
            "on": on,
            "is_today": on == today(),
        },
    )


def dashboard(request):
    denied = _officer_only(request)
    if denied:
        return denied
    as_of = _date_param(request)
    year = _year_param(request, as_of.year if as_of else _default_year())
    context = dashboard_data(year=year, as_of=as_of)
    context["years"] = coverage_years() or [year]
    context["as_of"] = as_of
    return render(request, "ip_registry/dashboard.html", context)


EXPORT_TABLES = ("coverage", "district", "industry", "inventions", "designations", "gaps")


def dashboard_export(request, table: str, fmt: str):
    denied = _officer_only(request)
    if denied:
        return denied
    if table not in EXPORT_TABLES or fmt not in ("csv", "xlsx"):
        raise Http404(_("没有这个导出表"))
    year = _year_param(request, _default_year())
    data = dashboard_data(year=year)["tables"][table]
    return table_response(data, fmt=fmt, filename=f"{data.title}-{year}")


def report_pdf(request, year: int):
    denied = _officer_only(request)
    if denied:
        return denied
    if not 1985 <= year <= 2100:
        raise Http404(_("年度无效"))
    return download_response(
        yearly_report_pdf(year=year, base_url=settings.SITE_URL),
        filename=_("盘锦市企业知识产权年度评估报告-%(year)s.pdf") % {"year": year},
        content_type=PDF_CONTENT_TYPE,
        attachment=False,
    )


def coverage_chart_svg(request):
    """The public trend chart as an image, for pages and documents without inline SVG."""
    trend = coverage_trend()
    svg = charts.coverage_trend_chart(trend)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
