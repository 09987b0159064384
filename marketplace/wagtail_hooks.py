from django.http import Http404
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.roles import Role, user_has_role
from marketplace.selectors import document_can_view


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


@hooks.register("before_serve_document")
def documents_private_until_listed(document, request):
    # 404 rather than 403: an unpublished listing's attachment does not exist for the public.
    if not document_can_view(user=request.user, document=document):
        raise Http404("文档不存在")
