"""The market's links in the header: a member's own pages, a moderator's queues."""

from django.http import HttpRequest
from django.urls import reverse
from wagtail.models import WorkflowState

from core.navigation import NavLink
from core.roles import Role, user_has_role
from core.selectors import organizations_for_user
from marketplace.models import Inquiry, ListingPatentCheck, Notice


def market_links(request: HttpRequest) -> list[NavLink]:
    user = request.user
    links = []
    if organizations_for_user(user=user).exists():
        new_inquiries = Inquiry.objects.filter(
            seller_organization__in=organizations_for_user(user=user),
            status=Inquiry.Status.NEW,
        ).count()
        links += [
            NavLink("我的挂牌", reverse("marketplace:mine")),
            NavLink("询价", reverse("marketplace:inquiries"), new_inquiries, "条待回复"),
        ]
    unread = Notice.objects.filter(user=user, read_at__isnull=True).count()
    links.append(NavLink("通知", reverse("marketplace:notices"), unread, "条未读"))
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
            NavLink("挂牌审核", reverse("wagtailadmin_home"), awaiting, "件待审核", staff=True),
            NavLink("专利存疑", reverse("marketplace:flagged"), flagged, "个挂牌存疑", staff=True),
        ]
    return links
