from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.roles import Role
from marketplace import services
from marketplace.models import CooperationMode, Inquiry, Notice
from marketplace.selectors import market_statistics
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(seller_org, seller):
    return make_listing(organization=seller_org, modes=("transfer", "service"))


def transfer():
    return CooperationMode.objects.get(code="transfer")


def test_buyer_sends_inquiry_and_owner_is_notified(
    client, buyer, seller, listing, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    # The e-mail copy is a task enqueued once the inquiry is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/market/inquiries/new/{listing.pk}/",
            {"message": "想了解中试数据", "mode": transfer().pk, "budget_wan": "40"},
        )
    inquiry = Inquiry.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/market/inquiries/{inquiry.pk}/"
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.seller_organization == listing.organization
    assert inquiry.budget_wan == Decimal("40") and inquiry.mode == transfer()
    assert Notice.objects.filter(user=seller, subject__contains="新询价").exists()
    assert mail.outbox[-1].to == [seller.email]
    client.force_login(seller)
    inbox = client.get("/market/inquiries/").content.decode()
    assert listing.title in inbox and f"#{inquiry.pk}" in inbox


def test_anonymous_cannot_inquire(client, listing):
    response = client.post(f"/market/inquiries/new/{listing.pk}/", {"message": "x"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")
    assert not Inquiry.objects.exists()


def test_owner_cannot_inquire_own_listing_and_mode_must_be_offered(seller, buyer, listing):
    with pytest.raises(ValidationError, match="本机构"):
        services.inquiry_create(buyer=seller, listing=listing, message="自问自答")
    with pytest.raises(ValidationError):
        services.inquiry_create(
            buyer=buyer,
            listing=listing,
            message="x",
            mode=CooperationMode.objects.get(code="equity"),
        )


def test_state_machine_reply_deal_and_statistics(client, buyer, seller, listing):
    inquiry = services.inquiry_create(buyer=buyer, listing=listing, message="询价")
    services.inquiry_reply(user=seller, inquiry=inquiry, body="欢迎来厂考察")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEGOTIATING  # the seller's answer opens talks
    assert Notice.objects.filter(user=buyer, subject__contains="新回复").exists()

    with pytest.raises(PermissionDenied):
        services.inquiry_transition(
            user=buyer,
            inquiry=inquiry,
            status=Inquiry.Status.DEAL,
            deal_price_wan=Decimal(1),
            deal_mode=transfer(),
        )
    with pytest.raises(ValidationError) as exc:
        services.inquiry_transition(user=seller, inquiry=inquiry, status=Inquiry.Status.DEAL)
    assert {"deal_price_wan", "deal_mode"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError, match="不能从"):
        services.inquiry_transition(user=seller, inquiry=inquiry, status=Inquiry.Status.NEW)

    client.force_login(seller)
    response = client.post(
        f"/market/inquiries/{inquiry.pk}/status/",
        {"status": "deal", "deal_price_wan": "38.5", "deal_mode": transfer().pk, "note": "签约"},
    )
    assert response.status_code == HTTPStatus.FOUND
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.DEAL
    assert inquiry.deal_price_wan == Decimal("38.5") and inquiry.deal_mode == transfer()
    assert inquiry.closed_at is not None
    html = client.get(f"/market/inquiries/{inquiry.pk}/").content.decode()
    assert "已成交" in html and "38.5" in html
    try:
        contract_url = reverse("contracts:from_inquiry", kwargs={"inquiry_id": inquiry.pk})
    except NoReverseMatch:
        contract_url = None
    if contract_url:
        assert f'href="{contract_url}"' in html and "发起技术合同登记" in html
    with pytest.raises(ValidationError, match="已结束"):
        services.inquiry_reply(user=buyer, inquiry=inquiry, body="还在吗")
    with pytest.raises(ValidationError):
        services.inquiry_transition(user=seller, inquiry=inquiry, status=Inquiry.Status.CLOSED)

    stats = market_statistics()
    assert stats["totals"]["deals"] == 1
    assert stats["totals"]["deal_value"] == Decimal("38.5")
    month = stats["months"][-1]
    assert month["deals"] == 1 and month["inquiries"] == 1
    assert stats["deal_modes"][0]["deal_mode__name"] == "转让"


def test_buyer_may_close_but_not_advance(buyer, seller, listing):
    inquiry = services.inquiry_create(buyer=buyer, listing=listing, message="询价")
    with pytest.raises(PermissionDenied):
        services.inquiry_transition(user=buyer, inquiry=inquiry, status=Inquiry.Status.NEGOTIATING)
    services.inquiry_transition(user=buyer, inquiry=inquiry, status=Inquiry.Status.CLOSED)
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CLOSED
    assert Notice.objects.filter(user=seller, subject__contains="已关闭").exists()


def test_third_party_can_never_read_a_thread(client, buyer, seller, listing, make_user):
    inquiry = services.inquiry_create(buyer=buyer, listing=listing, message="机密报价")
    stranger = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory(), username="x")
    moderator = make_user(Role.MARKET_MODERATOR, username="m")
    for user in (stranger, moderator):
        client.force_login(user)
        assert client.get(f"/market/inquiries/{inquiry.pk}/").status_code == HTTPStatus.NOT_FOUND
        response = client.post(f"/market/inquiries/{inquiry.pk}/reply/", {"body": "偷看"})
        assert response.status_code == HTTPStatus.NOT_FOUND
        response = client.post(f"/market/inquiries/{inquiry.pk}/status/", {"status": "closed"})
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "机密报价" not in client.get("/market/inquiries/").content.decode()
        with pytest.raises(PermissionDenied):
            services.inquiry_reply(user=user, inquiry=inquiry, body="x")
    client.logout()
    assert client.get(f"/market/inquiries/{inquiry.pk}/").status_code == HTTPStatus.FOUND
    for user in (buyer, seller):
        client.force_login(user)
        assert "机密报价" in client.get(f"/market/inquiries/{inquiry.pk}/").content.decode()
    inquiry.refresh_from_db()
    assert inquiry.messages.count() == 1 and inquiry.status == Inquiry.Status.NEW


def test_rate_limit_per_user_is_database_backed(client, buyer, make_user, seller_org):
    listings = [make_listing(organization=seller_org) for _ in range(6)]
    now = timezone.now()
    for listing in listings[:5]:
        services.inquiry_create(buyer=buyer, listing=listing, message="询价", now=now)
    with pytest.raises(ValidationError, match="询价过于频繁"):
        services.inquiry_create(buyer=buyer, listing=listings[5], message="询价", now=now)
    client.force_login(buyer)
    response = client.post(
        f"/market/inquiries/new/{listings[5].pk}/", {"message": "再来"}, follow=True
    )
    assert "询价过于频繁" in response.content.decode()
    assert Inquiry.objects.filter(buyer=buyer).count() == 5
    # Another buyer is not affected, and the window moves on.
    other = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory(), username="other")
    services.inquiry_create(buyer=other, listing=listings[5], message="询价", now=now)
    later = now + timedelta(hours=1, minutes=1)
    services.inquiry_create(buyer=buyer, listing=listings[5], message="询价", now=later)


@pytest.mark.parametrize("role", [Role.MARKET_MODERATOR, Role.REGISTRY_OFFICER, None])
def test_only_members_of_an_organisation_send_inquiries(client, make_user, listing, role):
    lone = make_user(role, username="lone")
    with pytest.raises(PermissionDenied, match="所属机构"):
        services.inquiry_create(buyer=lone, listing=listing, message="询价")
    client.force_login(lone)
    page = client.get(listing.url).content.decode()
    assert "发送询价" not in page and "尚未加入机构" in page
    response = client.post(f"/market/inquiries/new/{listing.pk}/", {"message": "询价"}, follow=True)
    assert "所属机构" in response.content.decode()
    api = client.post(
        f"/api/v1/market/listings/{listing.pk}/inquiries",
        {"message": "询价"},
        content_type="application/json",
    )
    assert api.status_code == HTTPStatus.FORBIDDEN
    assert not Inquiry.objects.filter(buyer=lone).exists()


def test_daily_limit(buyer, seller_org):
    listing = make_listing(organization=seller_org)
    start = timezone.now() - timedelta(hours=20)
    for i in range(20):
        services.inquiry_create(
            buyer=buyer,
            listing=listing,
            message="询价",
            now=start + timedelta(hours=i // 4, minutes=i),
        )
    with pytest.raises(ValidationError, match="每 1 天最多 20 条"):
        services.inquiry_create(buyer=buyer, listing=listing, message="询价")


def test_expired_or_draft_listing_cannot_be_inquired(buyer, seller_org):
    expired = make_listing(organization=seller_org, valid_until=timezone.localdate() - timedelta(1))
    draft = make_listing(organization=seller_org, publish=False)
    for listing in (expired, draft):
        with pytest.raises(ValidationError, match="已下架或已过期"):
            services.inquiry_create(buyer=buyer, listing=listing, message="询价")


def test_notices_page_lists_and_marks_read(client, buyer, seller, listing):
    services.inquiry_create(buyer=buyer, listing=listing, message="询价")
    client.force_login(seller)
    html = client.get("/market/notices/").content.decode()
    assert "新询价" in html
    assert not Notice.objects.filter(user=seller, read_at__isnull=True).exists()


def test_statistics_page_is_for_market_staff(client, make_user, buyer):
    client.force_login(buyer)
    assert client.get("/market/stats/").status_code == HTTPStatus.FORBIDDEN
    client.force_login(make_user(Role.MARKET_MODERATOR, username="mm"))
    response = client.get("/market/stats/")
    assert response.status_code == HTTPStatus.OK
    assert "按行业和状态" in response.content.decode()


def test_a_failing_mail_server_keeps_the_inquiry_and_the_notice(
    buyer, seller, listing, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.marketplace.test_inquiries.BrokenMailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = services.inquiry_create(buyer=buyer, listing=listing, message="请报价")
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()
    assert Notice.objects.filter(user=seller, subject__contains="新询价").exists()


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")
