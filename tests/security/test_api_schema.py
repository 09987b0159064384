"""schemathesis against /api/v1/openapi.json: every operation, anonymous and with bearer tokens.

Runs in-process through the Django WSGI application; the bar is no 5xx for any generated
request. Example counts are bounded (SCHEMATHESIS_EXAMPLES) to keep CI fast.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from wagtail.models import APIToken

from core.roles import Role
from tests.contracts.factories import make_draft
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: a real WSGI request would close the database connection at
    its start and end (close_old_connections), which inside the test's transaction loses it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, make_user):
    """Anonymous, an enterprise member with a draft contract and a listing, and an admin."""
    organization = OrganizationFactory()
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="api-member")
    admin = make_user(Role.ADMINISTRATOR, username="api-admin")
    make_draft(member, organization)
    make_listing(organization=organization)
    return {
        "anonymous": None,
        "member": APIToken.create_token(user=member, name="fuzz")[1],
        "admin": APIToken.create_token(user=admin, name="fuzz")[1],
    }


def _load_schema():
    # The schema django-ninja serves at /api/v1/openapi.json, loaded without a request at
    # collection time (no database yet); the calls then go through the WSGI application.
    from config.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_answers_with_a_server_error(case, tokens):
    for who, token in tokens.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = case.call(headers=headers)
        assert response.status_code < 500, (
            f"{who}: {case.method} {case.formatted_path} → {response.status_code}\n"
            f"{case.as_curl_command(headers=headers)}\n{response.text[:500]}"
        )


@pytest.mark.django_db
def test_the_fuzzed_schema_is_the_one_served(client):
    served = client.get("/api/v1/openapi.json").json()
    operations = {(method, path) for path, item in served["paths"].items() for method in item}
    fuzzed = {(r.ok().method.lower(), r.ok().path) for r in schema.get_all_operations()}
    assert fuzzed == operations
