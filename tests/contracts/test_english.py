"""The English switch reaches the contract registry's own messages: form errors, flash
messages, choice labels and API errors. Chinese stays the default (the other tests)."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from contracts import services
from contracts.certificates import certificate_html
from contracts.cleaning import choice_code
from contracts.models import ContractType, Status

pytestmark = pytest.mark.django_db

EMPTY_FORMSETS = {
    f"{prefix}-{field}": "0"
    for prefix in ("seller", "buyer", "cost", "ip")
    for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_a_form_error_is_in_english(english, member):
    english.force_login(member)
    response = english.post(
        reverse("contracts:new"),
        {"total_amount": "100", "declared_technical_amount": "200", **EMPTY_FORMSETS},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "The technology transaction amount cannot exceed the contract amount" in html
    assert "技术交易额不能大于合同成交额" not in html


def test_flash_messages_are_in_english(english, draft, member, officer):
    services.contract_submit(user=member, contract=draft)
    english.force_login(officer)
    english.post(reverse("contracts:act", args=[draft.pk, "accept"]))
    response = english.post(
        reverse("contracts:act", args=[draft.pk, "return"]), {"reason": ""}, follow=True
    )
    assert "Say what needs correcting when returning a contract" in response.content.decode()
    response = english.post(
        reverse("contracts:act", args=[draft.pk, "refuse"]),
        {"grounds": ["unclear_price"], "note": "价款不明", "confirmed": "1"},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.status == Status.REFUSED
    assert "Done. Current status: Refused." in response.content.decode()


def test_choice_labels_and_the_type_guide_are_in_english(english):
    with translation.override("en"):
        assert str(ContractType.DEVELOPMENT.label) == "Technology development"
        assert str(Status.REVIEWING.label) == "Under review"
    with translation.override("zh-hans"):
        assert str(ContractType.DEVELOPMENT.label) == "技术开发"
    body = english.get(
        reverse("contracts:guide"), {"goal": "license", "ip_kind": "patent"}
    ).content.decode()
    assert "Technology licensing" in body and "Patent licence" in body


def test_chinese_names_are_still_accepted_in_english():
    with translation.override("en"):
        assert choice_code(ContractType, "技术开发") == "development"
        assert choice_code(ContractType, "technology development") == "development"


def test_api_errors_are_in_english(english):
    response = english.get("/api/v1/contracts/verify", {"number": "nope", "code": "nope"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["detail"] == (
        "No registration matches this registration number and verification code"
    )


def test_the_registration_certificate_stays_chinese_for_an_english_officer(registered):
    with translation.override("en"):
        html = certificate_html(contract=registered, base_url="https://tech.panjin.example")
    assert "技术合同登记证明" in html
    assert "Technology contract registration certificate" not in html
