"""Accounts in English: form labels and errors, flash messages, e-mails and choice labels
follow the chosen language; Chinese stays the default."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.utils import translation

from accounts import services
from accounts.models import JoinRequest
from core.models import Membership
from core.roles import Role
from tests.accounts.factories import licence_upload
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_application_form_speaks_english(client):
    client.force_login(UserFactory())
    client.cookies["django_language"] = "en"
    response = client.post(
        "/accounts/organizations/apply/",
        {
            "uscc": "91211100MA0XXXXXXX",
            "name": "盘锦新申请科技有限公司",
            "kind": "enterprise",
            "address": "盘锦市兴隆台区石油大街 1 号",
            "contact_name": "王经理",
            "contact_phone": "0427-1234567",
            "licence": licence_upload(),
        },
    )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Unified social credit code “91211100MA0XXXXXXX” is not valid" in page
    assert "As written on the licence." in page
    assert "— Please choose —" in page
    assert "与执照上的名称一致" not in page


def test_flash_message_and_e_mail_in_english(client, make_user, django_capture_on_commit_callbacks):
    organization = OrganizationFactory(name="盘锦英文科技有限公司")
    boss = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="boss")
    Membership.objects.filter(user=boss).update(role=Membership.Role.ADMINISTRATOR)
    joiner = UserFactory(username="joiner")
    services.user_language_set(user=joiner, language="en")  # the mail follows its recipient
    request = services.join_request_create(user=joiner, uscc=organization.uscc)
    client.force_login(boss)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/accounts/join-requests/{request.pk}/", {"decision": "decline"}, follow=True
        )
    assert "Declined joiner&#x27;s request to join" in response.content.decode()
    sent = mail.outbox[-1]
    assert sent.subject.endswith("Your request to join “盘锦英文科技有限公司” was declined")
    assert "An organisation administrator declined your request" in sent.body


def test_invitation_e_mail_and_choice_labels_in_english(
    make_user, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory(name="盘锦邀请科技有限公司")
    boss = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="boss")
    Membership.objects.filter(user=boss).update(role=Membership.Role.ADMINISTRATOR)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor=boss,
            organization=organization,
            email="colleague@example.com",
            accept_url="http://testserver/accounts/invitations/{key}/",
        )
        assert JoinRequest.Status.DECLINED.label == "Declined"
    sent = mail.outbox[-1]
    assert (
        sent.subject == "[Panjin Technology Market] You are invited to join “盘锦邀请科技有限公司”"
    )
    assert "boss invites you to join “盘锦邀请科技有限公司” as a member." in sent.body
    assert JoinRequest.Status.DECLINED.label == "已拒绝"
