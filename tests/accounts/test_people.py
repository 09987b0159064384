"""People: sign-up with verification, login by username or e-mail, reset without account
enumeration, TOTP required for staff roles, personal-data export and closing an account."""

import json
import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail

from accounts import services
from contracts.models import Contract
from core.models import AuditEntry, Membership
from core.roles import Role
from tests.contracts.factories import make_draft
from tests.factories import PASSWORD, OrganizationFactory, UserFactory, activate_totp, totp_code

pytestmark = pytest.mark.django_db
User = get_user_model()
STRONG = "Panjin-strong-2026!"


def _sign_up(client, **overrides):
    data = {
        "email": "li@example.com",
        "username": "li",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def test_sign_up_needs_the_emailed_link_before_login(client):
    response = _sign_up(client)
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(username="li")
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body)[1]
    assert "确认" in mail.outbox[-1].subject or "确认" in mail.outbox[-1].body
    client.post(link)
    assert EmailAddress.objects.get(user=user).verified
    client.logout()
    for login in ("li", "li@example.com"):
        response = client.post("/accounts/login/", {"login": login, "password": STRONG})
        assert response.status_code == HTTPStatus.FOUND, login
        client.logout()


def test_sign_up_applies_djangos_password_validators_in_chinese(client):
    response = _sign_up(client, password1="12345678", password2="12345678")
    assert response.status_code == HTTPStatus.OK
    assert "密码" in response.content.decode() and "常见" in response.content.decode()
    assert not User.objects.filter(username="li").exists()


def test_reset_answers_alike_for_known_and_unknown_addresses(client):
    UserFactory(username="known", email="known@example.com")
    known = client.post("/accounts/password/reset/", {"email": "known@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == HTTPStatus.FOUND
    assert known["Location"] == unknown["Location"]
    done_known = client.get(known["Location"]).content.decode()
    assert "known@example.com" not in done_known
    # The unknown address is told nothing either way (allauth mails it a "no account" note).
    assert {m.to[0] for m in mail.outbox} == {"known@example.com", "nobody@example.com"}


def test_reset_is_rate_limited_per_address(client, settings):
    limits = dict(settings.ACCOUNT_RATE_LIMITS)
    limits["reset_password"] = "1/h/key"
    settings.ACCOUNT_RATE_LIMITS = limits
    UserFactory(username="known", email="known@example.com")
    client.post("/accounts/password/reset/", {"email": "known@example.com"})
    response = client.post("/accounts/password/reset/", {"email": "known@example.com"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert len(mail.outbox) == 1


def test_signup_is_rate_limited_per_address_whatever_the_ip(client, settings):
    limits = dict(settings.ACCOUNT_RATE_LIMITS)
    limits["signup_email"] = "1/h/key"
    settings.ACCOUNT_RATE_LIMITS = limits
    for n, ip in enumerate(("10.0.0.1", "10.0.0.2")):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "same@example.com",
                "username": f"person{n}",
                "password1": STRONG,
                "password2": STRONG,
            },
            REMOTE_ADDR=ip,
        )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert User.objects.filter(email="same@example.com").count() == 1


def test_pages_are_chinese_in_the_site_frame_without_javascript(client):
    for path in ("/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"):
        html = client.get(path).content.decode()
        assert 'class="site-header"' in html, path
        assert "<script" not in html.split('class="site-footer"')[0].split("<main")[1], path
        assert "Sign" not in html and "Password" not in html, path


@pytest.mark.parametrize(
    "role", [Role.REGISTRY_OFFICER, Role.IP_OFFICER, Role.MARKET_MODERATOR, Role.ADMINISTRATOR]
)
def test_staff_without_totp_are_sent_to_set_it_up(client, role):
    user = UserFactory(is_staff=True, is_superuser=role == Role.ADMINISTRATOR)
    user.groups.add(Group.objects.get(name=role.value))
    client.force_login(user)
    response = client.get("/contracts/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    api = client.get("/api/v1/me")
    assert api.status_code == HTTPStatus.FORBIDDEN and "两步验证" in api.json()["detail"]
    # The setup page itself (behind allauth's "confirm your password" step) is reachable.
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup["Location"].startswith("/accounts/reauthenticate/")
    assert client.get(setup["Location"]).status_code == HTTPStatus.OK
    activate_totp(user)
    assert client.get("/contracts/").status_code == HTTPStatus.OK


def test_members_may_but_need_not_use_totp(client, make_user, organization):
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization)
    client.force_login(member)
    assert client.get("/contracts/").status_code == HTTPStatus.OK
    assert "设置两步验证" in client.get("/accounts/").content.decode()


def test_staff_login_asks_for_the_code(client, make_user):
    make_user(Role.REGISTRY_OFFICER, username="registrar")
    response = client.post("/accounts/login/", {"login": "registrar", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert "_auth_user_id" in client.session


def test_personal_data_download_is_json_of_the_person(client, make_user, organization):
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="fang")
    services.api_token_issue(user=member, name="脚本")
    client.force_login(member)
    response = client.get("/accounts/data/")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["username"] == "fang"
    assert data["memberships"][0]["uscc"] == organization.uscc
    assert data["api_tokens"][0]["name"] == "脚本"


def test_closing_keeps_contracts_and_audit_under_a_pseudonym(client, make_user, organization):
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="wu")
    contract = make_draft(member, organization)
    client.force_login(member)
    response = client.post("/accounts/close/", {"confirm": "wu"})
    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.username == f"closed-{member.pk}" and member.email == ""
    assert not member.is_active and not member.has_usable_password()
    assert not Membership.objects.filter(user=member).exists()
    assert not EmailAddress.objects.filter(user=member).exists()
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.organization == organization and contract.created_by_id == member.pk
    assert AuditEntry.objects.filter(actor=member).exists()
    dump = json.dumps(list(AuditEntry.objects.filter(actor=member).values()), default=str)
    assert "wu@example.com" not in dump
    assert client.get("/accounts/").status_code == HTTPStatus.FOUND  # logged out


def test_the_last_administrator_with_colleagues_cannot_close(client, make_user):
    organization = OrganizationFactory()
    boss = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="boss")
    Membership.objects.filter(user=boss).update(role=Membership.Role.ADMINISTRATOR)
    make_user(Role.ENTERPRISE_MEMBER, organization=organization)
    client.force_login(boss)
    response = client.post("/accounts/close/", {"confirm": "boss"})
    assert response.status_code == HTTPStatus.OK
    assert "至少保留一名机构管理员" in response.content.decode()
    boss.refresh_from_db()
    assert boss.is_active and boss.username == "boss"


def test_staff_made_accounts_without_an_address_can_log_in(client):
    """README: `add_user li --role registry_officer` makes an account with no e-mail."""
    UserFactory(username="noemail", email="")
    response = client.post("/accounts/login/", {"login": "noemail", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" in client.session


def test_a_signed_up_but_unconfirmed_address_still_blocks_login(client):
    _sign_up(client)
    client.logout()
    response = client.post("/accounts/login/", {"login": "li", "password": STRONG})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_admin_logins_go_through_allauth_so_the_second_factor_cannot_be_skipped(
    client, make_user, path
):
    make_user(Role.ADMINISTRATOR, username="boss")
    response = client.get(path, {"next": "/admin/pages/"})
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"
    client.post(path, {"username": "boss", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/accounts/login/")
