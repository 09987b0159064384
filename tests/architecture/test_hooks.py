"""Lower apps show what higher ones add through hooks, not imports (docs/architecture.md)."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from contracts import services
from core.roles import Role
from tests.contracts.factories import make_draft
from tests.ip_registry.factories import EnterpriseFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


def test_enterprise_page_shows_the_market_and_contract_sections(client, make_user, organization):
    enterprise = EnterpriseFactory(uscc=organization.uscc, name=organization.name)
    url = reverse("ip_registry:enterprise_detail", kwargs={"uscc": enterprise.uscc})
    bare = client.get(url).content.decode()
    assert "发布的科技成果与需求" not in bare and "已登记的技术合同" not in bare

    listing = make_listing(organization=organization, title="稠油降黏剂成果")
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="seller1")
    officer = make_user(Role.REGISTRY_OFFICER, username="registrar1")
    contract = services.contract_submit(user=member, contract=make_draft(member, organization))
    contract = services.contract_accept(user=officer, contract=contract)
    contract = services.contract_register(user=officer, contract=contract)

    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    text = page.content.decode()
    assert "发布的科技成果与需求" in text and listing.title in text
    assert "已登记的技术合同" in text and contract.registration_number in text
    assert text.index("发布的科技成果与需求") < text.index("已登记的技术合同")
    title = text[text.index("<title>") : text.index("</title>")]
    assert "<section" not in title


def test_health_reports_search_through_the_hook(client, settings):
    settings.ELASTICSEARCH_URL = ""
    body = client.get("/api/v1/health").json()
    assert body["search"] == {
        "ok": True,
        "backend": "database",
        "error": None,
        "cluster_status": None,
    }
