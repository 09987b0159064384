"""The English switch reaches the market's own messages: form errors, flash messages, choice
labels, API errors and the e-mail a seller gets. Chinese stays the default (the other tests)."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.utils import translation

from accounts.services import user_language_set
from marketplace.models import Inquiry
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def listing(seller_org, seller):
    return make_listing(organization=seller_org, modes=("transfer",))


def test_a_filter_form_error_is_in_english(english):
    response = english.get("/market/results/", {"trl_min": "7", "trl_max": "3"})
    html = response.content.decode()
    assert "The highest TRL cannot be below the lowest" in html
    assert "TRL 上限不能低于下限" not in html


def test_an_inquiry_in_english_flashes_and_mails_in_english(
    english, buyer, seller, listing, django_capture_on_commit_callbacks
):
    # The mail follows its recipient's language (tests/marketplace/test_recipient_language.py).
    user_language_set(user=seller, language="en")
    english.force_login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            f"/market/inquiries/new/{listing.pk}/", {"message": "Pilot data, please"}, follow=True
        )
    assert "Inquiry sent. You will be notified when the seller replies." in (
        response.content.decode()
    )
    assert Inquiry.objects.count() == 1
    assert mail.outbox[-1].subject.endswith(f"New inquiry: {listing.title}")


def test_choice_labels_are_in_english():
    with translation.override("en"):
        assert str(Inquiry.Status.NEGOTIATING.label) == "Negotiating"
        assert listing_price_on_request() == "Price on request"
    with translation.override("zh-hans"):
        assert str(Inquiry.Status.NEGOTIATING.label) == "洽谈中"


def listing_price_on_request() -> str:
    return make_listing(price_wan=None).specific.price_display


def test_api_errors_are_in_english(english, buyer, listing):
    english.force_login(buyer)
    response = english.post(
        f"/api/v1/market/listings/{listing.pk}/inquiries",
        {"message": "Price?", "mode": "nope"},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "There is no cooperation mode “nope”" in str(response.json())
