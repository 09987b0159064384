"""Chinese error pages in the site frame, with the reason and a way on."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from core.roles import Role
from marketplace.models import CooperationMode
from marketplace.services import inquiry_create, inquiry_transition
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


def test_404_is_chinese_in_the_site_frame(client):
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "页面不存在" in html and 'class="site-header"' in html
    assert "返回首页" in html and "/accounts/signup/" in html


def test_403_gives_the_reason_and_a_way_on(client, make_user):
    client.force_login(make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory()))
    response = client.get("/accounts/review/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    html = response.content.decode()
    assert "只有平台管理员可以审核机构申请" in html
    assert 'class="site-header"' in html and "support@" in html


def test_400_is_chinese(client):
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "请求有误" in response.content.decode()


def test_429_after_too_many_sign_ups_from_one_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    for n in range(2):
        response = client.post(
            "/accounts/signup/",
            {
                "email": f"p{n}@example.com",
                "username": f"person{n}",
                "password1": "Panjin-strong-2026!",
                "password2": "Panjin-strong-2026!",
            },
        )
        assert response.status_code == HTTPStatus.FOUND
        client.logout()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "p9@example.com",
            "username": "person9",
            "password1": "Panjin-strong-2026!",
            "password2": "Panjin-strong-2026!",
        },
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "操作过于频繁" in response.content.decode()
    assert not get_user_model().objects.filter(username="person9").exists()


def test_buyer_of_a_deal_is_told_who_registers_instead_of_a_button(client, make_user):
    seller_org, buyer_org = OrganizationFactory(name="盘锦卖方有限公司"), OrganizationFactory()
    seller = make_user(Role.ENTERPRISE_MEMBER, organization=seller_org)
    buyer = make_user(Role.ENTERPRISE_MEMBER, organization=buyer_org)
    listing = make_listing(organization=seller_org)
    inquiry = inquiry_create(buyer=buyer, listing=listing, message="请报价")
    inquiry = inquiry_transition(user=seller, inquiry=inquiry, status="negotiating")
    inquiry_transition(
        user=seller,
        inquiry=inquiry,
        status="deal",
        deal_price_wan=Decimal("5"),
        deal_mode=CooperationMode.objects.get(code="transfer"),
    )
    client.force_login(buyer)
    html = client.get(f"/market/inquiries/{inquiry.pk}/").content.decode()
    assert "发起技术合同登记" not in html
    assert "技术合同由卖方“盘锦卖方有限公司”办理认定登记" in html
    client.force_login(seller)
    assert "发起技术合同登记" in client.get(f"/market/inquiries/{inquiry.pk}/").content.decode()
