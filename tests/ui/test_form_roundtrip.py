"""Every edit form, opened and saved unchanged, leaves every date, number and choice as it was."""

from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.forms.models import model_to_dict

from contracts.models import Contract
from core.models import District
from core.roles import Role
from marketplace.models import HolderType
from tests.contracts.factories import make_draft
from tests.factories import OrganizationFactory
from tests.formdata import form_values
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db

LISTING_FIELDS = [
    "title", "summary", "title_en", "summary_en", "problem", "industry_id", "trl",
    "price_wan", "holder_type_id", "district_id", "keywords", "patent_numbers",
    "contact_name", "contact_phone", "contact_email", "valid_from", "valid_until",
]  # fmt: skip
KIND_FIELDS = {
    "technology": ["advantages", "applications"],
    "demand": ["indicators", "budget_min_wan", "budget_max_wan", "deadline"],
}


def _listing_state(page) -> dict:
    draft = page.get_latest_revision_as_object()
    names = LISTING_FIELDS + KIND_FIELDS[page.kind]
    state = {name: getattr(draft, name, None) for name in names}
    state["modes"] = sorted(mode.pk for mode in draft.modes.all())
    return state


@pytest.mark.parametrize("kind", ["technology", "demand"])
def test_listing_edit_form_saved_unchanged_keeps_every_value(client, make_user, kind):
    organization = OrganizationFactory()
    owner = make_user(Role.ENTERPRISE_MEMBER, organization=organization)
    extra = {
        "technology": {"advantages": "能耗降低 30%", "applications": "炼化"},
        "demand": {
            "indicators": "回收率 ≥ 95%",
            "budget_min_wan": Decimal("12.50"),
            "budget_max_wan": Decimal("80.00"),
            "deadline": date(2027, 6, 30),
        },
    }[kind]
    listing = make_listing(
        kind=kind,
        organization=organization,
        modes=("transfer", "service"),
        problem="含油污泥难处理",
        title_en="Low-temperature pyrolysis of oily sludge",
        summary_en="Cuts sludge volume by 90%",
        valid_from=date(2026, 1, 15),
        valid_until=date(2027, 6, 30),
        price_wan=Decimal("45.50"),
        holder_type=HolderType.objects.get(code="enterprise"),
        district=District.objects.first(),
        contact_email="wang@example.com",
        **extra,
    )
    before = _listing_state(listing)
    client.force_login(owner)
    url = f"/market/mine/{listing.pk}/edit/"
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    data = form_values(page.content.decode())
    # Both dates arrive in the form the date field reads.
    assert data["valid_until"] == ["2027-06-30"]
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    listing.refresh_from_db()
    assert _listing_state(listing) == before


def test_contract_edit_form_saved_unchanged_keeps_every_value(client, make_user):
    organization = OrganizationFactory()
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization)
    contract = make_draft(
        member,
        organization,
        ip_items=[{"kind": "software", "number": "2026SR0123456", "title": "热解控制软件"}],
        costs=[
            {"kind": "equipment", "description": "热解炉", "amount": "200000.50"},
            {"kind": "materials", "description": "催化剂", "amount": "15000"},
        ],
    )

    def state():
        fresh = Contract.objects.get(pk=contract.pk)
        return (
            model_to_dict(fresh, exclude=["id", "updated_at"]),
            [model_to_dict(p, exclude=["id"]) for p in fresh.parties.order_by("pk")],
            [model_to_dict(c, exclude=["id"]) for c in fresh.costs.order_by("pk")],
            [model_to_dict(i, exclude=["id"]) for i in fresh.ip_items.order_by("pk")],
        )

    before = state()
    client.force_login(member)
    url = f"/contracts/{contract.pk}/edit/"
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    response = client.post(url, form_values(page.content.decode()))
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    assert state() == before
