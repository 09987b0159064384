"""The header takes every signed-in user to their own pages and queues, with counts."""

import pytest
from bs4 import BeautifulSoup

from contracts import services as contract_services
from core.roles import Role
from marketplace import services as market_services
from marketplace.models import Notice
from tests.contracts.factories import make_draft
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


def _links(client) -> dict[str, str]:
    html = client.get("/market/results/").content.decode()
    nav = BeautifulSoup(html, "html.parser").select_one(".personal-nav")
    return (
        {
            a.find(string=True, recursive=False).strip(): a.get_text(" ", strip=True)
            for a in nav.select("a")
        }
        if nav
        else {}
    )


def test_member_header_links_with_unread_and_waiting_counts(client, make_user):
    seller_org = OrganizationFactory()
    seller = make_user(Role.ENTERPRISE_MEMBER, organization=seller_org)
    buyer = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory())
    listing = make_listing(organization=seller_org)
    market_services.inquiry_create(buyer=buyer, listing=listing, message="想了解")
    client.force_login(seller)
    links = _links(client)
    assert set(links) >= {"我的挂牌", "询价", "通知", "我的合同"}
    assert links["询价"] == "询价 1 条待回复"
    assert links["通知"] == f"通知 {Notice.objects.filter(user=seller).count()} 条未读"
    client.get("/market/notices/")  # reading the notices clears the badge
    assert _links(client)["通知"] == "通知"


def test_officer_header_shows_the_review_queue_with_its_count(client, make_user):
    organization = OrganizationFactory()
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization)
    contract_services.contract_submit(user=member, contract=make_draft(member, organization))
    client.force_login(make_user(Role.REGISTRY_OFFICER, username="reg"))
    links = _links(client)
    assert links["登记审查"] == "登记审查 1 件待办"
    assert "我的挂牌" not in links


def test_moderator_header_shows_moderation_and_flagged_queues(client, make_user):
    client.force_login(make_user(Role.MARKET_MODERATOR, username="mod"))
    links = _links(client)
    assert "挂牌审核" in links and "专利存疑" in links


def test_anonymous_header_has_no_personal_links(client):
    assert _links(client) == {}
