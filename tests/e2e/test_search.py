"""Search in a browser: Chinese query, autocomplete, two facets, open a result."""

import os
import uuid

import pytest

from core.models import Industry
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def listings(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = f"panjin-test-e2e-{uuid.uuid4().hex[:8]}"
    green = Industry.objects.get(name="节能环保")
    oil = Industry.objects.get(name="石油装备")
    made = {
        "wanted": make_listing(
            title="含油污泥低温热解资源化技术", industry=green, keywords="含油污泥，热解"
        ),
        "other_industry": make_listing(
            title="含油污泥调剖剂回注技术", industry=oil, keywords="含油污泥，调剖"
        ),
        "demand": make_listing(
            kind="demand", title="炼厂含油污泥减量处理需求", industry=green, keywords="含油污泥"
        ),
        "unrelated": make_listing(title="河蟹活体运输保鲜技术", keywords="河蟹"),
    }
    if settings.ELASTICSEARCH_URL:
        from search.backends.elastic import ElasticsearchBackend

        backend = ElasticsearchBackend()
        backend.refresh()
    yield made
    if os.environ.get("ELASTICSEARCH_URL"):
        from search.backends.elastic import ElasticsearchBackend

        ElasticsearchBackend().drop()


def test_search_autocomplete_facets_and_open(live_server, page, listings):
    page.goto(live_server.url + "/search/")
    box = page.get_by_role("searchbox", name="检索词")
    box.press_sequentially("含油")
    suggestion = page.locator("#search-suggestions li", has_text="含油污泥").first
    suggestion.wait_for()
    with page.expect_navigation():
        suggestion.click()
    assert box.input_value() == "含油污泥"
    results = page.locator("article.result h2 a")
    assert results.count() == 3
    assert "河蟹" not in page.locator("section.results").inner_text()

    with page.expect_navigation():
        page.locator("input[name=kind][value=technology]").check()
    with page.expect_navigation():
        page.locator("input[name=industry][value=节能环保]").check()
    assert page.locator("input[name=kind][value=technology]").is_checked()
    assert page.locator("input[name=industry][value=节能环保]").is_checked()
    assert results.count() == 1
    assert page.locator("article.result mark").first.inner_text() == "含油污泥"

    with page.expect_navigation():
        results.first.click()
    assert "含油污泥低温热解资源化技术" in page.title()
