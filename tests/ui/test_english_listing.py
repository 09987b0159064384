"""A listing may carry an English title and summary: shown to English readers, found by
English queries."""

import json
import uuid

import pytest
from django.urls import reverse

from marketplace.importers import listings_import
from marketplace.models import TechnologyResultPage
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


def test_search_results_read_in_the_visitors_language(client, listing):
    chinese = client.get(reverse("search:index"), {"q": "热解"}).content.decode()
    assert "含油污泥低温热解技术" in chinese
    assert "Low-temperature pyrolysis of oily sludge" not in chinese
    client.cookies["django_language"] = "en"
    english = client.get(reverse("search:index"), {"q": "pyrolysis"}).content.decode()
    assert "Low-temperature pyrolysis of oily sludge" in english
    assert "Cuts oily sludge volume by 90 percent" in english
    api = client.get("/api/v1/search", {"q": "热解"}).json()
    assert api["results"][0]["title"] == "Low-temperature pyrolysis of oily sludge"


def test_the_listing_api_carries_the_english_wording(client, listing):
    results = client.get("/api/v1/market/listings").json()["results"]
    assert [(r["title_en"], r["summary_en"]) for r in results] == [
        ("Low-temperature pyrolysis of oily sludge", "Cuts oily sludge volume by 90 percent")
    ]


def test_imports_read_and_update_the_english_wording(tmp_path):
    row = {
        "external_id": "T-EN-1",
        "kind": "technology",
        "title": "高效消泡剂",
        "summary": "低加量快速消泡",
        "title_en": "Fast defoamer",
        "industry": "精细化工",
        "trl": 8,
        "owner_name": "盘锦导入测试化工有限公司",
    }
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    assert listings_import(path=path).ok
    page = TechnologyResultPage.objects.get(external_id="T-EN-1")
    assert (page.title_en, page.summary_en) == ("Fast defoamer", "")
    path.write_text(
        json.dumps({**row, "summary_en": "Defoams at low dosage"}, ensure_ascii=False),
        encoding="utf-8",
    )
    report = listings_import(path=path)
    assert report.ok and report.counts["updated"] == 1
    page.refresh_from_db()
    assert page.summary_en == "Defoams at low dosage"
    path.write_text(json.dumps({**row, "title_en": "x" * 300}), encoding="utf-8")
    assert not listings_import(path=path).ok  # too long: a row error, nothing saved
