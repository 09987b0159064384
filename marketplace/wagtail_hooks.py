from django.template.loader import render_to_string
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.models import Organization
from core.roles import Role, user_has_role
from ip_registry.views import ENTERPRISE_SECTIONS_HOOK
from marketplace.selectors import listings_of_organization


def _market_staff(request) -> bool:
    return user_has_role(request.user, Role.MARKET_MODERATOR) or user_has_role(
        request.user, Role.ADMINISTRATOR
    )


class MarketStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return _market_staff(request)


@hooks.register("register_admin_menu_item")
def register_flagged_listings_menu_item():
    return MarketStaffMenuItem(
        "专利存疑的挂牌", reverse("marketplace:flagged"), icon_name="warning", order=250
    )


@hooks.register("register_admin_menu_item")
def register_market_stats_menu_item():
    return MarketStaffMenuItem(
        "技术市场统计", reverse("marketplace:stats"), icon_name="table", order=251
    )


@hooks.register(ENTERPRISE_SECTIONS_HOOK, order=10)
def enterprise_listings_section(*, enterprise) -> str:
    """The registry's enterprise page lists the organisation's live listings."""
    organization = Organization.objects.filter(uscc=enterprise.uscc).first()
    if organization is None:
        return ""
    listings = list(listings_of_organization(organization=organization))[:20]
    if not listings:
        return ""
    return render_to_string("marketplace/_enterprise_listings.html", {"listings": listings})
