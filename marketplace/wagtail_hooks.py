from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.roles import Role, user_has_role


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
