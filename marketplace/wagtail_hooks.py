from django.http import Http404
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core.admin_menu import admin_menu_item_register
from core.home import HOME_CONTENT_HOOK
from core.models import Organization
from core.navigation import NAV_LINKS_HOOK
from ip_registry.views import ENTERPRISE_SECTIONS_HOOK
from marketplace.access import is_market_staff
from marketplace.models import LISTING_DETAIL_CONTEXT_HOOK, LISTING_INDEX_CONTEXT_HOOK
from marketplace.navigation import market_home, market_links
from marketplace.pages import listing_browse_context, listing_detail_context
from marketplace.selectors import document_can_view, listings_of_organization

hooks.register(NAV_LINKS_HOOK, market_links)
hooks.register(HOME_CONTENT_HOOK, market_home, order=10)

admin_menu_item_register(
    _("专利存疑的挂牌"),
    "marketplace:flagged",
    icon_name="warning",
    order=250,
    shown_to=is_market_staff,
)
admin_menu_item_register(
    _("技术市场统计"), "marketplace:stats", icon_name="table", order=251, shown_to=is_market_staff
)

hooks.register(LISTING_INDEX_CONTEXT_HOOK, listing_browse_context)
hooks.register(LISTING_DETAIL_CONTEXT_HOOK, listing_detail_context)


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


@hooks.register("before_serve_document")
def documents_private_until_listed(document, request):
    # 404 rather than 403: an unpublished listing's attachment does not exist for the public.
    if not document_can_view(user=request.user, document=document):
        raise Http404(gettext("文档不存在"))
