"""The market in the site frame: a member's pages and a moderator's queues in the header,
figures and the latest listings on the home page."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import WorkflowState
from wagtail.query import PageQuerySet

from core.home import Entry, EntryList, Figure, HomeContent
from core.navigation import NavLink
from core.roles import Role, user_has_role
from core.selectors import organizations_for_user
from marketplace.models import Inquiry, ListingPatentCheck, Notice
from marketplace.selectors import listings_live

HOME_LATEST = 6


def market_links(request: HttpRequest) -> list[NavLink]:
    user = request.user
    if not user.is_authenticated:  # core.navigation asks only for signed-in users
        return []
    links = []
    if organizations_for_user(user=user).exists():
        new_inquiries = Inquiry.objects.filter(
            seller_organization__in=organizations_for_user(user=user),
            status=Inquiry.Status.NEW,
        ).count()
        links += [
            NavLink(_("我的挂牌"), reverse("marketplace:mine")),
            NavLink(_("询价"), reverse("marketplace:inquiries"), new_inquiries, _("条待回复")),
        ]
    unread = Notice.objects.filter(user=user, read_at__isnull=True).count()
    links.append(NavLink(_("通知"), reverse("marketplace:notices"), unread, _("条未读")))
    if user_has_role(user, Role.MARKET_MODERATOR):
        awaiting = (
            WorkflowState.objects.active()
            .filter(
                base_content_type__app_label="wagtailcore",
                content_type__app_label="marketplace",
            )
            .count()
        )
        flagged = ListingPatentCheck.objects.filter(flagged=True).count()
        links += [
            NavLink(
                _("挂牌审核"), reverse("wagtailadmin_home"), awaiting, _("件待审核"), staff=True
            ),
            NavLink(
                _("专利存疑"), reverse("marketplace:flagged"), flagged, _("个挂牌存疑"), staff=True
            ),
        ]
    return links


def market_home(request: HttpRequest) -> HomeContent:
    """Figures of the market and its latest results and demands, for the home page."""
    results = listings_live(kind="technology")
    demands = listings_live(kind="demand")
    deals = Inquiry.objects.filter(status=Inquiry.Status.DEAL).count()

    def entries(listings: PageQuerySet) -> list[Entry]:
        latest = listings.order_by("-first_published_at", "-id")[:HOME_LATEST]
        return [
            Entry(
                page.display_title,
                page.url,
                " · ".join(
                    part
                    for part in (
                        page.industry.name if page.industry_id else "",
                        page.organization.name if page.organization_id else "",
                    )
                    if part
                ),
            )
            for page in latest
        ]

    return HomeContent(
        figures=[
            Figure(
                _("在架科技成果"), f"{results.count():,}", _("项"), reverse("marketplace:results")
            ),
            Figure(
                _("在架技术需求"), f"{demands.count():,}", _("项"), reverse("marketplace:demands")
            ),
            Figure(_("询价成交"), f"{deals:,}", _("笔"), reverse("marketplace:stats")),
        ],
        lists=[
            EntryList(_("最新科技成果"), entries(results), reverse("marketplace:results")),
            EntryList(_("最新技术需求"), entries(demands), reverse("marketplace:demands")),
        ],
    )
