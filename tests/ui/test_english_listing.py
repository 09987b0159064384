"""A listing may carry an English title and summary: shown to English readers, found by
English queries."""

import uuid

import pytest
from django.urls import reverse

from search.backends.elastic import ElasticsearchBackend
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(settings, django_capture_on_commit_callbacks):
    settings.ELASTICSEARCH_INDEX_PREFIX = f"panjin-test-en-{uuid.uuid4().hex[:8]}"
    with django_capture_on_commit_callbacks(execute=True):  # indexed after commit
        made = make_listing(
            title="含油污泥低温热解技术",
            summary="油泥减量 90%",
            title_en="Low-temperature pyrolysis of oily sludge",
            summary_en="Cuts oily sludge volume by 90 percent",
        )
    if settings.ELASTICSEARCH_URL:
        ElasticsearchBackend().refresh()
    yield made
    if settings.ELASTICSEARCH_URL:
        ElasticsearchBackend().drop()


def test_english_readers_see_the_english_wording(client, listing):
    chinese = client.get(listing.url).content.decode()
    assert "<h1>含油污泥低温热解技术</h1>" in chinese
    client.cookies["django_language"] = "en"
    english = client.get(listing.url).content.decode()
    assert "<h1>Low-temperature pyrolysis of oily sludge</h1>" in english
    assert "Cuts oily sludge volume by 90 percent" in english
    assert "含油污泥低温热解技术" in english  # the original stays, marked as Chinese
    cards = client.get(reverse("marketplace:results")).content.decode()
    assert "Low-temperature pyrolysis of oily sludge" in cards


def test_english_queries_find_the_listing(client, listing):
    response = client.get(reverse("search:index"), {"q": "pyrolysis sludge"})
    assert listing.url in response.content.decode()
