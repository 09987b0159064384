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


def test_site_wide_search_ranks_listings_and_groups_other_kinds(client, backend_name):
    from search.backends import sync_targets
    from search.documents import SearchDocument

    same_title = [
        SearchDocument(kind="patent", id=str(9100 + i), title="一种含油污泥热解处理方法")
        for i in range(9)
    ]
    other = SearchDocument(kind="patent", id="9200", title="含油污泥调质离心分离装置")
    org = SearchDocument(kind="organization", id="9300", title="盘锦含油污泥处置中心")
    for target in sync_targets():
        target.bulk_upsert([*same_title, other, org])
        target.refresh()
    try:
        html = client.get(reverse("search:index"), {"q": "含油污泥"}).content.decode()
        listings, _, blocks = html.partition('class="kind-block"')
        assert "S-T-A15" in listings or "含油污泥" in listings  # listings come first
        assert "一种含油污泥热解处理方法" not in listings
        assert '专利 <span class="count">（10）</span>' in blocks
        assert blocks.count("一种含油污泥热解处理方法") == 1  # nine of one title: one line
        assert "等 9 件同名" in blocks
        assert "kind=patent" in blocks and "kind=organization" in blocks
        assert "盘锦含油污泥处置中心" in blocks
    finally:
        for target in sync_targets():
            target.delete([d.doc_id for d in [*same_title, other, org]])
            target.refresh()
