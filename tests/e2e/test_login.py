import pytest

from core.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_logs_in_and_sees_the_home_page(live_server, page, make_user, organization):
    make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="hua")

    page.goto(live_server.url + "/")
    assert "盘锦科技成果交易与知识产权登记平台" in page.title()
    page.get_by_role("link", name="登录").click()

    page.get_by_label("用户名").fill("hua")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "盘锦科技成果交易与知识产权登记平台"
    page.get_by_role("link", name="hua").click()
    assert organization.name in page.locator("main").inner_text()


def test_wrong_password_shows_a_chinese_error(live_server, page, make_user):
    make_user(username="lin")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("lin")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert "不正确" in page.get_by_role("alert").first.inner_text()
