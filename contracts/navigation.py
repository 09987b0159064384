"""Contract links in the header: a member's contracts, an officer's review queue."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from contracts.models import ChangeRequest, Contract
from contracts.selectors import OPEN_STATUSES, contract_stats_totals
from contracts.services import user_is_officer
from core.home import Figure, HomeContent
from core.navigation import NavLink
from core.selectors import organizations_for_user


def contract_links(request: HttpRequest) -> list[NavLink]:
    user = request.user
    links = []
    if organizations_for_user(user=user).exists():
        links.append(NavLink("我的合同", reverse("contracts:index")))
    if user_is_officer(user):
        waiting = Contract.objects.filter(status__in=OPEN_STATUSES).count()
        waiting += ChangeRequest.objects.filter(status=ChangeRequest.Decision.PENDING).count()
        links.append(NavLink("登记审查", reverse("contracts:queue"), waiting, "件待办", staff=True))
    return links


def contracts_home(request: HttpRequest) -> HomeContent:
    year = timezone.localdate().year
    totals = contract_stats_totals(year=year, full=False)
    technical = totals.get("technical")
    note = f"技术交易额 {technical / 10000:,.2f} 万元" if technical is not None else ""
    return HomeContent(
        figures=[
            Figure(
                f"{year} 年登记技术合同",
                f"{totals['count']:,}",
                "项",
                reverse("contracts:stats"),
                note,
            )
        ]
    )
