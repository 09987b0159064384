"""The inquiry rate window ends at `now`: back-dated inquiries (demo data) see only their past."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.roles import Role
from marketplace import services
from marketplace.models import Inquiry
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


def test_later_inquiries_do_not_count_against_an_earlier_moment(make_user):
    seller = OrganizationFactory()
    buyer = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory(), username="b")
    listings = [make_listing(organization=seller) for _ in range(7)]
    now = timezone.now()
    # Six inquiries a day apart, newest first, as seed_demo spreads them over past months:
    # each one's hour and day hold only itself, whatever was created before it.
    for days, listing in enumerate(listings[:6]):
        services.inquiry_create(
            buyer=buyer, listing=listing, message="询价", now=now - timedelta(days=days)
        )
    assert Inquiry.objects.filter(buyer=buyer).count() == 6
    # The limit itself still holds within a window.
    for _ in range(4):
        services.inquiry_create(buyer=buyer, listing=listings[6], message="再问", now=now)
    with pytest.raises(ValidationError, match="询价过于频繁"):
        services.inquiry_create(buyer=buyer, listing=listings[6], message="再问", now=now)
