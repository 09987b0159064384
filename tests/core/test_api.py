from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import APIToken

from core.roles import Role

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_a_working_bearer_token(client, make_user, organization):
    make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="erin")
    out = StringIO()
    call_command("create_api_token", "erin", stdout=out)
    key = out.getvalue().strip()

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["username"] == "erin"
    assert body["roles"] == ["enterprise_member"]
    assert body["organizations"][0]["uscc"] == organization.uscc
    # Only a digest is stored.
    assert not APIToken.objects.filter(key_hash=key).exists()


def test_wrong_or_revoked_token_is_401(client, make_user):
    user = make_user(Role.IP_OFFICER)
    token, key = APIToken.create_token(user=user, name="t")
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    token.revoke()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_session_auth_works_for_the_browser(client, make_user):
    client.force_login(make_user(Role.MARKET_MODERATOR, username="mona"))
    assert client.get("/api/v1/me").json()["username"] == "mona"


def test_anonymous_is_401_as_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["Content-Type"].startswith("application/json")


def test_create_api_token_unknown_user():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="不存在"):
        call_command("create_api_token", "ghost")


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == HTTPStatus.OK
    paths = response.json()["paths"]
    assert "/api/v1/health" in paths
    assert "/api/v1/me" in paths


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_health_reports_database_and_search(client, settings):
    settings.ELASTICSEARCH_URL = ""
    response = client.get("/api/v1/health")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["search"] == {
        "ok": True,
        "backend": "database",
        "error": None,
        "cluster_status": None,
    }


def test_health_degrades_when_elasticsearch_is_unreachable(client, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    body = client.get("/api/v1/health").json()
    assert body["status"] == "degraded"
    assert body["search"]["backend"] == "elasticsearch"
    assert body["search"]["ok"] is False


@pytest.mark.elasticsearch
def test_health_with_real_elasticsearch(client):
    body = client.get("/api/v1/health").json()
    assert body["search"]["backend"] == "elasticsearch"
    assert body["search"]["ok"] is True
    assert body["status"] == "ok"
