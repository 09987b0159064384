"""Contract links in the header: a member's contracts, an officer's review queue."""

from django.http import HttpRequest
from django.urls import reverse

from contracts.models import ChangeRequest, Contract
from contracts.selectors import OPEN_STATUSES
from contracts.services import user_is_officer
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
