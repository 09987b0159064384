from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import WorkflowState

from core.models import Industry
from core.roles import Role
from marketplace.models import CooperationMode, Notice, TechnologyResultPage
from marketplace.selectors import listings_live
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "稠油降粘剂",
        "summary": "降粘率≥95%",
        "industry": Industry.objects.get(name="精细化工").pk,
        "trl": "7",
        "modes": [CooperationMode.objects.get(code="transfer").pk],
        "price_wan": "30",
        "keywords": "稠油 降粘",
        "patents": "ZL 2020 1 0574318.6",
        "body_text": "第一段\n第二段",
    }
    data.update(overrides)
    return data


@pytest.fixture
def owner(make_user, organization):
    return make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="owner")


@pytest.fixture
def moderator(make_user):
    return make_user(Role.MARKET_MODERATOR, username="mod", email="mod@example.com")


def create_via_form(client, **overrides):
    response = client.post("/market/new/technology/", {**form_data(**overrides), "submit": "1"})
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    return TechnologyResultPage.objects.latest("pk")


def test_owner_submits_but_cannot_publish_without_approval(client, owner, moderator):
    client.force_login(owner)
    page = create_via_form(client)
    assert not page.live
    assert page.organization == owner.memberships.get().organization
    assert page.patent_numbers == ["202010574318.6"]
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert page.pk not in {p.pk for p in listings_live()}
    assert client.get("/market/results/").content.decode().count("稠油降粘剂") == 0
    # The moderators hear about it.
    assert Notice.objects.filter(user=moderator, subject__contains="待审核").exists()
    assert "mod@example.com" in [m.to[0] for m in mail.outbox]
    # The owner cannot reach the Wagtail admin to publish it.
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code in (
        HTTPStatus.FOUND,
        HTTPStatus.FORBIDDEN,
    )
    mine = client.get("/market/mine/").content.decode()
    assert "审核中" in mine

    page.current_workflow_task_state.approve(user=moderator, comment="资料齐全")
    page.refresh_from_db()
    assert page.live
    assert page.pk in {p.pk for p in listings_live()}
    assert Notice.objects.filter(user=owner, subject__contains="已通过审核").exists()
    assert "稠油降粘剂" in client.get("/market/results/").content.decode()


def test_rejection_reason_is_shown_to_the_owner_and_resubmission_works(client, owner, moderator):
    client.force_login(owner)
    page = create_via_form(client)
    page.current_workflow_task_state.reject(user=moderator, comment="缺少量化指标")
    page.refresh_from_db()
    assert not page.live
    mine = client.get("/market/mine/").content.decode()
    assert "审核未通过" in mine and "缺少量化指标" in mine
    notice = Notice.objects.get(user=owner, subject__contains="未通过")
    assert "缺少量化指标" in notice.body

    response = client.post(
        f"/market/mine/{page.pk}/edit/",
        {**form_data(summary="降粘率 97%，用量 0.3%"), "submit": "1"},
    )
    assert response.status_code == HTTPStatus.FOUND
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    page.current_workflow_task_state.approve(user=moderator)
    page.refresh_from_db()
    assert page.live and page.summary == "降粘率 97%，用量 0.3%"


def test_edit_of_live_listing_stays_a_draft_until_approved(client, owner, moderator):
    page = make_listing(organization=owner.memberships.get().organization, title="原标题")
    client.force_login(owner)
    response = client.post(
        f"/market/mine/{page.pk}/edit/", {**form_data(title="改后标题"), "submit": "1"}
    )
    assert response.status_code == HTTPStatus.FOUND
    page.refresh_from_db()
    assert page.title == "原标题" and page.has_unpublished_changes
    assert "原标题" in client.get(page.url).content.decode()


def test_owner_cannot_edit_or_withdraw_another_organisations_listing(client, owner):
    other = make_listing(organization=OrganizationFactory())
    client.force_login(owner)
    assert client.get(f"/market/mine/{other.pk}/edit/").status_code == HTTPStatus.FORBIDDEN
    response = client.post(f"/market/mine/{other.pk}/edit/", form_data())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert client.post(f"/market/mine/{other.pk}/withdraw/").status_code == HTTPStatus.FORBIDDEN
    assert client.post(f"/market/mine/{other.pk}/submit/").status_code == HTTPStatus.FORBIDDEN
    other.refresh_from_db()
    assert other.live and not other.has_unpublished_changes


def test_non_member_cannot_create_listings(client, make_user):
    client.force_login(make_user(username="buyer"))
    assert client.get("/market/new/technology/").status_code == HTTPStatus.FORBIDDEN
    client.logout()
    assert client.get("/market/new/technology/").status_code == HTTPStatus.FOUND


def test_form_errors_are_in_chinese(client, owner):
    client.force_login(owner)
    response = client.post("/market/new/technology/", form_data(patents="12345", trl=""))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "格式不正确" in html and "必需字段" in html
    assert not TechnologyResultPage.objects.exists()


def test_owner_withdraws_from_moderation_and_from_the_market(client, owner):
    client.force_login(owner)
    page = create_via_form(client)
    assert client.post(f"/market/mine/{page.pk}/withdraw/").status_code == HTTPStatus.FOUND
    page.refresh_from_db()
    assert page.current_workflow_state is None or (
        page.current_workflow_state.status != WorkflowState.STATUS_IN_PROGRESS
    )
    live = make_listing(organization=page.organization)
    client.post(f"/market/mine/{live.pk}/withdraw/")
    live.refresh_from_db()
    assert not live.live
    assert "已撤回" in client.get("/market/mine/").content.decode()


def test_expired_listing_leaves_the_market_and_owner_is_told_to_renew(
    client, owner, make_user, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    organization = owner.memberships.get().organization
    expired = make_listing(organization=organization, valid_until=today - timedelta(days=1))
    soon = make_listing(organization=organization, valid_until=today + timedelta(days=5))
    later = make_listing(organization=organization, valid_until=date(2099, 1, 1))
    ids = {p.pk for p in listings_live()}
    assert expired.pk not in ids and soon.pk in ids
    assert expired.title not in client.get("/market/results/").content.decode()
    assert client.get(expired.url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(make_user(username="stranger"))
    assert client.get(expired.url).status_code == HTTPStatus.NOT_FOUND

    with django_capture_on_commit_callbacks(execute=True):
        call_command("notify_expiring_listings")
    subjects = list(Notice.objects.filter(user=owner).values_list("subject", flat=True))
    assert f"挂牌已过期：{expired.title}" in subjects
    assert f"挂牌即将过期：{soon.title}" in subjects
    assert not any(later.title in s for s in subjects)
    assert len(mail.outbox) == 2
    call_command("notify_expiring_listings")  # once per validity date
    assert Notice.objects.filter(user=owner).count() == 2

    client.force_login(owner)
    mine = client.get("/market/mine/").content.decode()
    assert "已过期，请续期" in mine and "即将过期，请续期" in mine
    assert client.get(expired.url).status_code == HTTPStatus.OK


def test_moderator_rejects_in_the_wagtail_admin_with_a_comment(client, owner, moderator):
    client.force_login(owner)
    page = create_via_form(client)
    task_state = page.current_workflow_task_state
    client.force_login(moderator)
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == HTTPStatus.OK
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/reject/{task_state.pk}/",
        {"comment": "请补充中试数据"},
    )
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    client.force_login(owner)
    assert "请补充中试数据" in client.get("/market/mine/").content.decode()


def test_form_uploads_cover_image_and_attachment(client, owner):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PILImage

    from tests.contracts.factories import pdf_bytes

    buffer = BytesIO()
    PILImage.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    client.force_login(owner)
    response = client.post(
        "/market/new/technology/",
        {
            **form_data(),
            "cover_image_file": SimpleUploadedFile("cover.png", buffer.getvalue(), "image/png"),
            "attachment_file": SimpleUploadedFile("spec.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    page = TechnologyResultPage.objects.latest("pk").get_latest_revision_as_object()
    assert page.cover_image.width == 40
    assert page.attachment.file.name.endswith(".pdf")

    response = client.post(
        "/market/new/technology/",
        {
            **form_data(),
            "attachment_file": SimpleUploadedFile("x.exe", b"MZ", "application/x-msdownload"),
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "附件“x.exe”的类型不支持" in response.content.decode()
