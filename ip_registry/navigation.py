"""The registry in the site frame: the IP officer's link, the coverage figure on the home page."""

from typing import cast

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.home import Figure, HomeContent
from core.navigation import NavLink
from ip_registry.access import is_ip_officer
from ip_registry.selectors import Coverage, coverage_for_year, coverage_years

HOME_CACHE_SECONDS = 300


def registry_links(request: HttpRequest) -> list[NavLink]:
    if not is_ip_officer(request.user):
        return []
    return [NavLink(_("知识产权工作台"), reverse("ip_registry:dashboard"), staff=True)]


def registry_home(request: HttpRequest) -> HomeContent:
    """The latest designation year's patent coverage against its target."""
    years = coverage_years()
    if not years:
        return HomeContent()
    year = years[-1]
    # One aggregate over the whole register: a few minutes' staleness is fine on the home page.
    coverage = cast(
        Coverage,
        cache.get_or_set(
            f"home:coverage:{year}", lambda: coverage_for_year(year=year), HOME_CACHE_SECONDS
        ),
    )
    if coverage.rate is None:
        return HomeContent()
    note = (
        _("目标 %(target)s%%") % {"target": f"{coverage.target:g}"}
        if coverage.target is not None
        else ""
    )
    if coverage.target is not None:
        note += _("，已达标") if coverage.rate >= coverage.target else _("，未达标")
    return HomeContent(
        figures=[
            Figure(
                _("%(year)s 年规上科技型企业专利覆盖率") % {"year": year},
                f"{coverage.rate:g}",
                "%",
                reverse("ip_registry:index"),
                note,
            )
        ]
    )
