from http import HTTPStatus

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_page_works_without_javascript(client, backend_name):
    url = reverse("search:index")
    response = client.get(url, {"q": "防腐涂料", "kind": "technology"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<form method="get"' in html
    assert "<mark>" in html
    assert 'name="kind" value="technology" checked' in html
    assert 'name="industry" value="精细化工"' in html
    assert backend_name in html


def test_pagination_links_keep_the_query(client, backend_name):
    params = {"q": "", "industry": "新能源", "page_size": 3}
    response = client.get(reverse("search:index"), params)
    html = response.content.decode()
    assert 'aria-label="分页"' in html
    assert "industry=%E6%96%B0%E8%83%BD%E6%BA%90" in html
    assert "page=2" in html
    second = client.get(reverse("search:index"), {**params, "page": 2})
    assert second.status_code == HTTPStatus.OK


def test_did_you_mean_link(client, backend_name):
    html = client.get(reverse("search:index"), {"q": "hanyouwuli"}).content.decode()
    assert "您是不是要找" in html
    assert "含油污泥" in html


def test_bad_input_is_shown_not_500(client):
    response = client.get(reverse("search:index"), {"q": "泵", "sort": "bogus", "trl_min": "x"})
    assert response.status_code == HTTPStatus.OK
    assert (
        "不支持的排序方式" in response.content.decode() or "不是整数" in response.content.decode()
    )
