from decimal import Decimal
from http import HTTPStatus

import pytest

from core.models import Industry
from core.roles import Role
from marketplace.models import Inquiry
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


def test_public_listing_list_with_filters(client):
    make_listing(title="甲", trl=9, price_wan=Decimal("10"))
    make_listing(title="乙", trl=5, industry=Industry.objects.get(name="现代农业"))
    make_listing(kind="demand", title="丙")
    data = client.get("/api/v1/market/listings").json()
    assert data["count"] == 3
    data = client.get("/api/v1/market/listings?kind=technology&industry=精细化工").json()
    assert [r["title"] for r in data["results"]] == ["甲"]
    assert data["results"][0]["trl_meaning"].startswith("实际系统")
    assert data["results"][0]["url"].startswith("/market/")
    data = client.get("/api/v1/market/listings?sort=trl&limit=1&offset=1").json()
    assert data["count"] == 3 and len(data["results"]) == 1
    response = client.get("/api/v1/market/listings?trl_min=abc")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY  # django-ninja's type check
    response = client.get("/api/v1/market/listings?trl_min=9&trl_max=2")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "TRL 上限不能低于下限" in str(response.json())


def test_inquiry_through_the_api(client, make_user):
    listing = make_listing(modes=("transfer",))
    assert (
        client.post(
            f"/api/v1/market/listings/{listing.pk}/inquiries",
            {"message": "x"},
            content_type="application/json",
        ).status_code
        == HTTPStatus.UNAUTHORIZED
    )
    buyer = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory(), username="b")
    client.force_login(buyer)
    response = client.post(
        f"/api/v1/market/listings/{listing.pk}/inquiries",
        {"message": "请报价", "mode": "transfer", "budget_wan": "30"},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.CREATED, response.content
    assert response.json()["status_label"] == "新建"
    assert Inquiry.objects.get().buyer == buyer
    response = client.post(
        f"/api/v1/market/listings/{listing.pk}/inquiries",
        {"message": "请报价", "mode": "nope"},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    response = client.post(
        "/api/v1/market/listings/999999/inquiries",
        {"message": "x"},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    sent = client.get("/api/v1/market/inquiries").json()["sent"]
    assert [i["listing_id"] for i in sent] == [listing.pk]
