from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db

RESULT_KEYS = {"kind", "id", "external_id", "title", "url", "summary", "highlight", "score"}


def test_search_response_shape(client, backend_name):
    response = client.get(
        "/api/v1/search",
        {"q": "含油污泥", "industry": "节能环保", "sort": "relevance", "page": 1, "page_size": 5},
    )
    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert set(data) == {"total", "took_ms", "backend", "results", "facets"}
    assert data["backend"] == backend_name
    assert data["total"] >= 1
    assert set(data["results"][0]) == RESULT_KEYS
    assert data["results"][0]["external_id"] in {"S-T-A15", "S-D-A05"}
    assert data["facets"]["industry"] == [{"value": "节能环保", "count": data["total"]}]
    assert all(set(b) == {"value", "count"} for v in data["facets"].values() for b in v)


def test_repeated_filters_and_ranges(client, backend_name):
    response = client.get(
        "/api/v1/search?kind=technology&kind=demand&mode=技术转让&trl_min=6&price_max=100"
    )
    assert response.status_code == HTTPStatus.OK
    assert {r["kind"] for r in response.json()["results"]} <= {"technology", "demand"}


@pytest.mark.parametrize(
    "query",
    ["sort=bogus", "page=x", "trl_min=abc", "price_max=-3", "price_max=NaN", "page_size=zz"],
)
def test_bad_parameters_are_400(client, query):
    response = client.get(f"/api/v1/search?q=泵&{query}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "detail" in response.json()


def test_suggest(client, backend_name):
    response = client.get("/api/v1/search/suggest", {"q": "hywn"})
    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert data["backend"] == backend_name
    assert {"text": "含油污泥"} in data["suggestions"]
    assert client.get("/api/v1/search/suggest").json()["suggestions"] == []


def test_trl_filter_is_in_the_api_as_on_the_page(client, backend_name):
    everything = client.get("/api/v1/search", {"kind": "technology", "page_size": 100}).json()
    only_seven = client.get(
        "/api/v1/search", {"kind": "technology", "trl": 7, "page_size": 100}
    ).json()
    assert 0 < only_seven["total"] < everything["total"]
    assert only_seven["facets"]["trl"] == [{"value": "7", "count": only_seven["total"]}]
