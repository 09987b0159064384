"""Typed input survives every refusal: the form comes back filled in, with the reason."""

from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from core.roles import Role
from marketplace import services
from marketplace.models import Inquiry
from tests.factories import OrganizationFactory
from tests.formdata import form_values
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_org():
    return OrganizationFactory()


@pytest.fixture
def buyer(make_user):
    return make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory())


def _inquiry_form(response) -> dict:
    return form_values(response.content.decode(), selector="#inquiry form")


def test_rate_limited_inquiry_keeps_message_and_budget(client, buyer, seller_org):
    listings = [make_listing(organization=seller_org) for _ in range(6)]
    now = timezone.now()
    for listing in listings[:5]:
        services.inquiry_create(buyer=buyer, listing=listing, message="询价", now=now)
    client.force_login(buyer)
    response = client.post(
        f"/market/inquiries/new/{listings[5].pk}/",
        {"message": "想了解中试数据和能耗", "budget_wan": "38.5"},
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "询价过于频繁" in response.content.decode()
    values = _inquiry_form(response)
    assert values["message"] == ["想了解中试数据和能耗"]
    assert values["budget_wan"] == ["38.5"]
    assert Inquiry.objects.filter(buyer=buyer).count() == 5


def test_invalid_inquiry_keeps_what_was_typed(client, buyer, seller_org):
    listing = make_listing(organization=seller_org)
    client.force_login(buyer)
    response = client.post(
        f"/market/inquiries/new/{listing.pk}/", {"message": "   ", "budget_wan": "-3"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = [
        p.text for p in BeautifulSoup(response.content, "html.parser").select("#inquiry .error")
    ]
    assert len(errors) == 2, errors
    assert _inquiry_form(response)["budget_wan"] == ["-3"]
    assert not Inquiry.objects.exists()


def test_inquiry_typed_before_the_session_ran_out_comes_back_after_login(client, buyer, seller_org):
    listing = make_listing(organization=seller_org)
    # Logged out meanwhile: the post is refused with a login, not lost.
    response = client.post(
        f"/market/inquiries/new/{listing.pk}/",
        {"message": "请报价 100 吨/年规模", "budget_wan": "60"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/?next=")
    client.force_login(buyer)
    page = client.get(listing.url)
    values = _inquiry_form(page)
    assert values["message"] == ["请报价 100 吨/年规模"]
    assert values["budget_wan"] == ["60"]
    # Never sent on the user's behalf, and shown once only.
    assert not Inquiry.objects.exists()
    assert _inquiry_form(client.get(listing.url))["message"] == [""]


def test_listing_form_typed_before_the_session_ran_out_comes_back_after_login(client, make_user):
    organization = OrganizationFactory()
    owner = make_user(Role.ENTERPRISE_MEMBER, organization=organization)
    listing = make_listing(organization=organization)
    client.force_login(owner)
    url = f"/market/mine/{listing.pk}/edit/"
    data = form_values(client.get(url).content.decode())
    data["title"] = ["改过的标题"]
    client.logout()
    response = client.post(url, data)
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(owner)
    restored = form_values(client.get(url).content.decode())
    assert restored["title"] == ["改过的标题"]
    assert restored["valid_until"] == data["valid_until"]
    listing.refresh_from_db()
    assert listing.get_latest_revision_as_object().title != "改过的标题"


def test_contract_form_typed_before_the_session_ran_out_comes_back_after_login(client, make_user):
    organization = OrganizationFactory()
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization)
    client.force_login(member)
    data = form_values(client.get("/contracts/new/").content.decode())
    data["name"] = ["催化剂技术转让合同"]
    data["total_amount"] = ["880000"]
    client.logout()
    client.post("/contracts/new/", data)
    client.force_login(member)
    restored = form_values(client.get("/contracts/new/").content.decode())
    assert restored["name"] == ["催化剂技术转让合同"]
    assert restored["total_amount"] == ["880000"]
