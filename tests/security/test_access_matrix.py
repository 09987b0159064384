"""Every URL and API operation against every role, table-driven (see access_matrix.py)."""

import pytest
from django.db import transaction

from core.roles import Role
from tests.accounts.factories import accounts_world
from tests.contracts.factories import make_draft, pdf_upload
from tests.factories import OrganizationFactory
from tests.ip_registry.factories import EnterpriseFactory, patent_with_history
from tests.marketplace.factories import make_listing
from tests.security.access_matrix import DOC, PLAN_TARGETS, ROLES, TARGETS, render_markdown

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    from contracts import services as contract_services
    from marketplace.services import inquiry_create

    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    users = {
        "anonymous": None,
        "member_a": make_user(Role.ENTERPRISE_MEMBER, organization=org_a, username="member-a"),
        "member_b": make_user(Role.ENTERPRISE_MEMBER, organization=org_b, username="member-b"),
        "moderator": make_user(Role.MARKET_MODERATOR, username="moderator"),
        "registry_officer": make_user(Role.REGISTRY_OFFICER, username="registrar"),
        "ip_officer": make_user(Role.IP_OFFICER, username="ipofficer"),
        "admin": make_user(Role.ADMINISTRATOR, username="admin"),
    }
    contract = make_draft(users["member_a"], org_a)
    submitted = contract_services.contract_submit(
        user=users["member_a"], contract=make_draft(users["member_a"], org_a)
    )
    registered = make_draft(users["member_a"], org_a)
    registered = contract_services.contract_submit(user=users["member_a"], contract=registered)
    registered = contract_services.contract_accept(
        user=users["registry_officer"], contract=registered
    )
    registered = contract_services.contract_register(
        user=users["registry_officer"], contract=registered
    )
    change_request = contract_services.change_request_submit(
        user=users["member_a"],
        contract=registered,
        kind="amend",
        reason="补充协议",
        changes={"name": "变更后的合同名称"},
    )
    listing = make_listing(organization=org_a)
    demand = make_listing(kind="demand", organization=org_a)
    inquiry = inquiry_create(buyer=users["member_b"], listing=listing, message="请报价")
    enterprise = EnterpriseFactory()
    patent = patent_with_history(holder=enterprise)
    accounts_values = accounts_world(users, org_a)
    values = {
        **accounts_values,
        "contract": contract.pk,
        "attachment": contract.attachments.first().pk,
        "submitted": submitted.pk,
        "submitted_attachment": submitted.attachments.first().pk,
        "registered": registered.pk,
        "change_request": change_request.pk,
        "registration_number": registered.registration_number,
        "verification_code": registered.verification_code,
        "listing": listing.pk,
        "listing_url": listing.url,
        "demand": demand.pk,
        "inquiry": inquiry.pk,
        "org_a": org_a.pk,
        "uscc": enterprise.uscc,
        "patent": patent.application_number,
    }
    return users, values


def status_for(client, user, target, values) -> int:
    path = target.path.format(**values)
    with transaction.atomic():
        client.logout()
        if user is not None:
            client.force_login(user)
        data = {k: v.format(**values) for k, v in target.data}
        if "@pdf" in data.values():  # multipart upload
            data = {k: pdf_upload() if v == "@pdf" else v for k, v in data.items()}
            response = client.post(path, data)
        elif target.method == "GET":
            response = client.get(path, data)
        elif target.method == "POST" and path.startswith("/api/"):
            response = client.post(path, data, content_type="application/json")
        elif target.method == "PATCH":
            response = client.patch(path, data, content_type="application/json")
        else:
            response = client.post(path, data)
        transaction.set_rollback(True)
    return int(response.status_code)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{t.method} {t.name}")
def test_every_role_gets_the_expected_status(client, world, target):
    users, values = world
    actual = tuple(status_for(client, users[role], target, values) for role in ROLES)
    assert dict(zip(ROLES, actual, strict=True)) == dict(zip(ROLES, target.expected, strict=True))


def test_the_document_is_current():
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "run .venv/bin/python -m tests.security.access_matrix"
    )


def test_every_url_name_and_api_operation_is_in_the_table():
    from django.urls import get_resolver

    from config.api import api

    names = {t.name for t in TARGETS + PLAN_TARGETS}
    schema = api.get_openapi_schema()
    operations = {
        f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item
    }
    assert operations - names == set()
    app_names = set()
    for namespace in ("ip_registry", "marketplace", "contracts", "search", "stats", "plan"):
        resolver = get_resolver().namespace_dict[namespace][1]
        app_names |= {
            f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)
        }
    site = {"login", "logout", "password_change", "account"}
    for namespace in ("accounts",):
        resolver = get_resolver().namespace_dict[namespace][1]
        app_names |= {
            f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)
        }
    assert (app_names | site) - names == set()
