"""The English switch reaches search's own messages: facet and sort labels and API errors.
Chinese stays the default (the other tests)."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from search.backends.base import SORTS
from search.documents import FACETS

pytestmark = pytest.mark.django_db


def test_facet_and_sort_labels_are_in_english():
    with translation.override("en"):
        assert str(FACETS["district"]) == "District"
        assert str(SORTS["relevance"]) == "Relevance"
    with translation.override("zh-hans"):
        assert str(SORTS["relevance"]) == "相关度"


def test_the_search_page_and_api_errors_are_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("search:index"), {"q": "sludge"}).content.decode()
    assert "Relevance" in html and "相关度" not in html
    response = client.get("/api/v1/search", {"q": "x", "sort": "nope"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Unsupported sort “nope”" in str(response.json())
