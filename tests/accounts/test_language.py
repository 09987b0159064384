"""A person's language: kept when they switch while logged in, on sign-up and on the account
page; applied when they log in; used for every mail the accounts app sends them (issue 14)."""

import json
from http import HTTPStatus

import pytest
from django.core import mail
from django.utils import translation

from accounts import services
from accounts.models import Profile
from accounts.selectors import user_language
from core.models import Membership
from core.roles import Role
from tests.factories import PASSWORD, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _switch(client, language, next_url="/market/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def test_switching_while_logged_in_keeps_the_choice_and_the_next_login_applies_it(client):
    person = UserFactory(username="reader")
    assert client.post(
        "/accounts/login/", {"login": "reader", "password": PASSWORD}
    ).status_code == (HTTPStatus.FOUND)
    response = _switch(client, "en")
    assert response.status_code == HTTPStatus.FOUND
    assert response.cookies["django_language"].value == "en"
    assert user_language(user=person) == "en"

    # Another browser: no language cookie, so the site starts in Chinese …
    other = client_class_new(client)
    assert 'lang="zh-hans"' in other.get("/").content.decode()
    # … until the person logs in there: their stored language becomes the browser's.
    response = other.post("/accounts/login/", {"login": "reader", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response.cookies["django_language"].value == "en"
    assert 'lang="en"' in other.get("/").content.decode()

    # A language picked afterwards wins for that browser, and is kept again.
    _switch(other, "zh-hans")
    assert 'lang="zh-hans"' in other.get("/").content.decode()
    assert user_language(user=person) == "zh-hans"


def client_class_new(client):
    return type(client)()


def test_anonymous_switching_keeps_todays_behaviour(client):
    response = _switch(client, "en")
    assert response.cookies["django_language"].value == "en"
    assert not Profile.objects.exists()
    assert 'lang="en"' in client.get("/").content.decode()


def test_a_login_without_a_stored_choice_keeps_the_browser_language_and_stores_it(client):
    person = UserFactory(username="browser")
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/login/", {"login": "browser", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert user_language(user=person) == "en"
    fresh = UserFactory(username="fresh")
    other = client_class_new(client)
    other.post("/accounts/login/", {"login": "fresh", "password": PASSWORD})
    assert user_language(user=fresh) == ""  # never chose: the site's language
    assert 'lang="zh-hans"' in other.get("/").content.decode()


def test_an_unsupported_language_is_not_stored(client):
    person = UserFactory()
    client.force_login(person)
    _switch(client, "fr")
    assert user_language(user=person) == ""
    with pytest.raises(Exception, match="fr"):
        services.user_language_set(user=person, language="fr")


def test_the_account_page_shows_and_edits_the_language(client):
    person = UserFactory()
    client.force_login(person)
    page = client.get("/accounts/").content.decode()
    assert "通知和邮件使用的语言" in page and "尚未选择" in page
    response = _switch(client, "en", next_url="/accounts/")
    assert response["Location"] == "/accounts/"
    page = client.get("/accounts/").content.decode()
    assert "Language for notices and e-mails" in page
    assert '<option value="en" selected>' in page


def test_the_personal_data_download_includes_the_language(client):
    person = UserFactory()
    services.user_language_set(user=person, language="en")
    client.force_login(person)
    response = client.get("/accounts/data/")
    assert response.status_code == HTTPStatus.OK
    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert data["account"]["language"] == "en"


def test_signing_up_in_english_keeps_english(client):
    client.cookies["django_language"] = "en"
    response = client.post(
        "/accounts/signup/",
        {
            "email": "newcomer@example.com",
            "username": "newcomer",
            "password1": "Panjin-strong-2026!",
            "password2": "Panjin-strong-2026!",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    newcomer = Profile.objects.get(user__username="newcomer")
    assert newcomer.language == "en"
    assert "Confirm" in mail.outbox[-1].subject or "confirm" in mail.outbox[-1].body.lower()


def test_a_password_reset_mail_is_in_the_account_language(client):
    person = UserFactory(username="forgetful", email="forgetful@example.com")
    services.user_language_set(user=person, language="en")
    client.cookies["django_language"] = "zh-hans"
    client.post("/accounts/password/reset/", {"email": "forgetful@example.com"})
    sent = mail.outbox[-1]
    assert sent.to == ["forgetful@example.com"]
    assert "Password" in sent.subject or "password" in sent.subject


@pytest.fixture
def organization_with_admins(make_user):
    organization = OrganizationFactory(name="盘锦双语科技有限公司")
    english = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="admin_en")
    chinese = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="admin_zh")
    Membership.objects.filter(organization=organization).update(role=Membership.Role.ADMINISTRATOR)
    services.user_language_set(user=english, language="en")
    services.user_language_set(user=chinese, language="zh-hans")
    return organization, english, chinese


def test_a_join_request_reaches_each_administrator_in_their_language(
    organization_with_admins, django_capture_on_commit_callbacks
):
    organization, english, chinese = organization_with_admins
    joiner = UserFactory(username="joiner")
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        services.join_request_create(user=joiner, uscc=organization.uscc)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[english.email].subject.endswith("joiner asks to join “盘锦双语科技有限公司”")
    assert "Message: None\n" in by_address[english.email].body
    assert by_address[chinese.email].subject.endswith("joiner 申请加入“盘锦双语科技有限公司”")
    assert "留言：无" in by_address[chinese.email].body


def test_an_english_administrator_declines_a_chinese_applicant_in_chinese(
    client, organization_with_admins, django_capture_on_commit_callbacks
):
    organization, english, _chinese = organization_with_admins
    joiner = UserFactory(username="joiner")
    services.user_language_set(user=joiner, language="zh-hans")
    request = services.join_request_create(user=joiner, uscc=organization.uscc)
    mail.outbox.clear()
    client.force_login(english)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/accounts/join-requests/{request.pk}/",
            {"decision": "decline", "reason": "不认识"},
            follow=True,
        )
    assert "Declined joiner&#x27;s request to join" in response.content.decode()  # the actor
    sent = mail.outbox[-1]  # the recipient
    assert sent.to == [joiner.email]
    assert sent.subject.endswith("加入“盘锦双语科技有限公司”的申请已被拒绝")
    assert "理由：不认识" in sent.body


def test_organisation_review_outcomes_reach_the_applicant_in_their_language(
    make_user, django_capture_on_commit_callbacks
):
    reviewer = make_user(Role.ADMINISTRATOR, username="reviewer")
    applicant = UserFactory(username="applicant")
    services.user_language_set(user=applicant, language="en")
    organization = OrganizationFactory(
        name="盘锦待审科技有限公司", status="pending", applicant=applicant
    )
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        services.organization_approve(reviewer=reviewer, organization=organization)
    sent = mail.outbox[-1]
    assert (
        sent.subject
        == "[Panjin Technology Market] Organisation “盘锦待审科技有限公司” has been approved"
    )


def test_an_invitation_uses_the_inviter_language_or_the_account_holder_language(
    organization_with_admins, django_capture_on_commit_callbacks
):
    organization, english, _chinese = organization_with_admins
    holder = UserFactory(username="holder", email="holder@example.com")
    services.user_language_set(user=holder, language="zh-hans")
    # The English administrator's request:
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        services.invitation_create(
            actor=english,
            organization=organization,
            email="stranger@example.com",
            accept_url="http://testserver/accounts/invitations/{key}/",
        )
        services.invitation_create(
            actor=english,
            organization=organization,
            email="HOLDER@example.com",
            accept_url="http://testserver/accounts/invitations/{key}/",
        )
    by_address = {m.to[0]: m for m in mail.outbox}
    # No account: the inviter's language.
    assert by_address["stranger@example.com"].subject.endswith(
        "You are invited to join “盘锦双语科技有限公司”"
    )
    # An account holds the address: its owner's language.
    assert by_address["holder@example.com"].subject.endswith("邀请您加入“盘锦双语科技有限公司”")


def test_closing_the_account_forgets_the_language():
    person = UserFactory()
    services.user_language_set(user=person, language="en")
    services.user_close(user=person)
    assert not Profile.objects.filter(user=person).exists()
