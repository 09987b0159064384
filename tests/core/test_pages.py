from http import HTTPStatus

import pytest

from core.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_home_page_in_chinese(client):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "盘锦科技成果交易与知识产权登记平台" in html
    assert "登录" in html


def test_browser_language_does_not_switch_the_site(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en"})
    assert '<html lang="zh-hans">' in response.content.decode()


def test_english_is_available_through_the_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == HTTPStatus.FOUND
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Technology market (task 23)" in html


def test_login_logout_and_account(client, make_user, organization):
    make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="fay")
    response = client.post(
        "/accounts/login/", {"login": "fay", "username": "fay", "password": PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND
    account = client.get("/accounts/")
    assert account.status_code == HTTPStatus.OK
    assert organization.name in account.content.decode()
    assert "企业/机构成员" in account.content.decode()
    client.post("/accounts/logout/")
    assert client.get("/accounts/").status_code == HTTPStatus.FOUND


def test_login_error_is_in_chinese(client):
    response = client.post(
        "/accounts/login/", {"login": "nobody", "username": "nobody", "password": "wrong"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "不正确" in response.content.decode()
    assert "correct" not in response.content.decode()


def test_password_change(client, make_user):
    user = make_user(username="gus")
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "Panjin-new-2026!",
            "password2": "Panjin-new-2026!",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.check_password("Panjin-new-2026!")


@pytest.mark.parametrize(
    "role", [Role.MARKET_MODERATOR, Role.REGISTRY_OFFICER, Role.IP_OFFICER, Role.ADMINISTRATOR]
)
def test_staff_roles_reach_the_wagtail_admin(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get("/admin/").status_code == HTTPStatus.OK
