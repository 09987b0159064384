from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from contracts.models import Contract
from core.identifiers import make_patent_number
from core.roles import Role
from marketplace.models import CooperationMode, Inquiry
from marketplace.services import inquiry_create
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(member, organization, make_user):
    number = make_patent_number(2021, "1", 123456)
    listing = make_listing(
        organization=organization,
        modes=("license-general",),
        patents=number.replace(".", ""),
        title="有机硅消泡剂制备技术",
    )
    buyer = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory())
    inquiry = inquiry_create(buyer=buyer, listing=listing, message="想获得许可")
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=Inquiry.Status.DEAL,
        deal_price_wan=Decimal("85.5"),
        deal_mode=CooperationMode.objects.get(code="license-general"),
    )
    return inquiry, number, buyer


def test_closed_deal_starts_a_prefilled_draft(client, member, organization, deal):
    inquiry, number, _ = deal
    client.force_login(member)
    url = reverse("contracts:from_inquiry", kwargs={"inquiry_id": inquiry.pk})
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    contract = Contract.objects.get()
    assert (contract.contract_type, contract.subtype) == ("license", "patent_license")
    assert contract.total_amount == Decimal("855000.00")
    assert contract.technology_field == "materials"
    assert [p.name for p in contract.sellers()] == [organization.name]
    assert [p.name for p in contract.buyers()] == [inquiry.buyer_organization.name]
    assert [i.number for i in contract.ip_items.all()] == [number]
    assert contract.name.startswith("有机硅消泡剂制备技术")
    client.get(url)  # a second click opens the same draft
    assert Contract.objects.count() == 1


def test_only_the_parties_of_a_closed_deal_may_start_it(client, member, deal, make_user):
    inquiry, _, buyer = deal
    client.force_login(make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory()))
    url = reverse("contracts:from_inquiry", kwargs={"inquiry_id": inquiry.pk})
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(buyer)  # the buyer of a licence does not register it
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    Inquiry.objects.filter(pk=inquiry.pk).update(status=Inquiry.Status.NEGOTIATING)
    client.force_login(member)
    response = client.get(url, follow=True)
    assert "只有已成交的洽谈" in response.content.decode()
    assert Contract.objects.count() == 0
