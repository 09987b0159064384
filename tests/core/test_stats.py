from http import HTTPStatus

import pytest

from core.roles import Role

pytestmark = pytest.mark.django_db


def test_public_statistics_links(client):
    response = client.get("/stats/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "技术合同登记统计" in html
    assert "专利覆盖率" in html
    assert "知识产权工作台" not in html  # officers only


def test_ip_officer_sees_the_dashboard_link(client, make_user):
    client.force_login(make_user(Role.IP_OFFICER))
    assert "知识产权工作台" in client.get("/stats/").content.decode()


def test_nav_lists_every_section(client):
    html = client.get("/").content.decode()
    for label in ["科技成果", "技术需求", "专利与企业", "合同登记", "数据统计"]:
        assert f">{label}</a>" in html


def test_header_search_box_goes_to_the_search_page(client):
    html = client.get("/").content.decode()
    assert 'role="search"' in html
    assert 'action="/search/"' in html
