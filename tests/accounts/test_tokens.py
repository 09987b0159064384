"""Personal API tokens: expiry, scope, and what stops them; the API's Chinese 4xx."""

import io
import json
import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import APIToken

from accounts import services
from core.models import Membership, TokenGrant
from core.roles import Role
from tests.contracts.factories import make_draft
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def member(make_user, organization):
    return make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="tokenuser")


def test_self_service_creates_shows_once_lists_and_revokes(client, member):
    client.force_login(member)
    response = client.post("/accounts/tokens/", {"name": "ERP 同步", "days": 90, "scope": "read"})
    key = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode())[1]
    assert response["Cache-Control"] == "no-store"
    token = APIToken.objects.get(user=member)
    assert token.grant.scope == TokenGrant.Scope.READ
    assert abs(token.grant.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(
        minutes=1
    )
    listing_page = client.get("/accounts/tokens/").content.decode()
    assert "ERP 同步" in listing_page and key not in listing_page
    assert client.get("/api/v1/me", **_bearer(key)).status_code == HTTPStatus.OK
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert client.get("/api/v1/me", **_bearer(key)).status_code == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize(("days", "message"), [(366, "365"), (0, "1")])
def test_expiry_is_bounded(client, member, days, message):
    client.force_login(member)
    response = client.post("/accounts/tokens/", {"name": "x", "days": days, "scope": "read"})
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not APIToken.objects.filter(user=member).exists()


def test_a_read_token_gets_403_on_every_write(client, member):
    listing = make_listing(organization=OrganizationFactory())
    _, key = services.api_token_issue(user=member, name="只读", scope="read")
    response = client.post(
        f"/api/v1/market/listings/{listing.pk}/inquiries",
        {"message": "请报价"},
        content_type="application/json",
        **_bearer(key),
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "只读令牌" in response.json()["detail"]
    assert client.get("/api/v1/market/inquiries", **_bearer(key)).status_code == HTTPStatus.OK
    _, rw = services.api_token_issue(user=member, name="读写", scope="read-write")
    response = client.post(
        f"/api/v1/market/listings/{listing.pk}/inquiries",
        {"message": "请报价"},
        content_type="application/json",
        **_bearer(rw),
    )
    assert response.status_code == HTTPStatus.CREATED


def test_an_expired_token_is_refused(client, member):
    token, key = services.api_token_issue(user=member, name="旧")
    TokenGrant.objects.filter(token=token).update(expires_at=timezone.now())
    response = client.get("/api/v1/me", **_bearer(key))
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "令牌" in response.json()["detail"]


def test_a_deactivated_users_token_stops_at_once(client, member):
    _, key = services.api_token_issue(user=member, name="t")
    member.is_active = False
    member.save()
    assert client.get("/api/v1/me", **_bearer(key)).status_code == HTTPStatus.UNAUTHORIZED


def test_role_removed_or_membership_ended_stops_reading_contracts(client, member, organization):
    contract = make_draft(member, organization)
    _, key = services.api_token_issue(user=member, name="t")
    url = f"/api/v1/contracts/{contract.pk}"
    assert client.get(url, **_bearer(key)).status_code == HTTPStatus.OK
    member.groups.remove(Group.objects.get(name=Role.ENTERPRISE_MEMBER.value))
    assert client.get(url, **_bearer(key)).status_code == HTTPStatus.NOT_FOUND
    member.groups.add(Group.objects.get(name=Role.ENTERPRISE_MEMBER.value))
    assert client.get(url, **_bearer(key)).status_code == HTTPStatus.OK
    Membership.objects.filter(user=member).delete()
    assert client.get(url, **_bearer(key)).status_code == HTTPStatus.NOT_FOUND


def test_create_api_token_expires_and_scope(client, member):
    out = io.StringIO()
    call_command(
        "create_api_token", member.username, "--expires", "7", "--scope", "read", stdout=out
    )
    token = APIToken.objects.get(user=member)
    assert token.grant.scope == "read"
    assert token.grant.expires_at < timezone.now() + timedelta(days=8)
    key = out.getvalue().strip()
    assert client.get("/api/v1/me", **_bearer(key)).status_code == HTTPStatus.OK


def test_ninja_validation_errors_are_chinese(client):
    response = client.get("/api/v1/ip/coverage", {"year": "abc"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = response.json()
    assert body["detail"][0]["msg"] == "查询参数“year”应为整数"
    assert body["detail"][0]["loc"] == ["query", "year"]
    assert json.dumps(body, ensure_ascii=False).isascii() is False


def test_api_login_required_is_chinese(client):
    response = client.get("/api/v1/me")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "需要登录" in response.json()["detail"]
