"""What the site answers when a backing service fails: database → 503, Elasticsearch → notice."""

from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db


def _database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def _bug(request):
    raise ZeroDivisionError


# A URLconf with the site's handler500 and views that fail the way an outage or a bug does.
handler500 = "core.views.server_error"
urlpatterns = [
    path("boom/db/", _database_down),
    path("api/v1/boom/db", _database_down),
    path("boom/bug/", _bug),
    *site_urlpatterns,
]


@pytest.fixture
def failing_client(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}


def test_a_database_outage_is_a_friendly_503_page(failing_client):
    response = failing_client.get("/boom/db/")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "10"
    body = response.content.decode()
    assert "服务暂时不可用" in body and "Traceback" not in body and "OperationalError" not in body


def test_a_database_outage_in_the_api_is_json(failing_client):
    response = failing_client.get("/api/v1/boom/db")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"detail": "服务暂时不可用，请稍后重试"}


def test_other_errors_stay_500_without_a_traceback(failing_client):
    response = failing_client.get("/boom/bug/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    body = response.content.decode()
    assert "服务器内部错误" in body and "ZeroDivisionError" not in body
    assert "Retry-After" not in response


def test_search_page_says_so_when_elasticsearch_is_down(client, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens: connection refused
    settings.ELASTICSEARCH_TIMEOUT = 1.0
    response = client.get("/search/", {"q": "稠油"})
    assert response.status_code == HTTPStatus.OK
    assert 'id="search-degraded"' in response.content.decode()


def test_search_page_has_no_notice_on_the_database_backend(client, settings):
    settings.ELASTICSEARCH_URL = ""
    response = client.get("/search/", {"q": "稠油"})
    assert response.status_code == HTTPStatus.OK
    assert "search-degraded" not in response.content.decode()
