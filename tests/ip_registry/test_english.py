"""The registry in English: status words, API errors, exports, choice labels and import errors
follow the chosen language; Chinese stays the default."""

from datetime import date
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.roles import Role
from ip_registry.models import LegalStatus as S
from ip_registry.models import RDInstitution
from ip_registry.selectors import patent_status_on
from tests.factories import PASSWORD
from tests.ip_registry.factories import EnterpriseFactory, designate, patent_with_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, make_user):
    user = make_user(Role.IP_OFFICER, username="ipo")
    client.login(username=user.username, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def test_patent_status_words_in_english():
    patent = patent_with_history(
        holder=EnterpriseFactory(),
        events=[
            (S.PENDING, date(2015, 3, 1)),
            (S.GRANTED, date(2016, 6, 1)),
            (S.LAPSED, date(2021, 4, 12)),
        ],
    )
    number = patent.application_number
    with translation.override("en"):
        assert patent_status_on(number=number, on=date(2015, 6, 1)).status_words == (
            "Under examination"
        )
        assert patent_status_on(number=number, on=date(2019, 1, 1)).status_words == "In force"
        assert patent_status_on(number=number, on=date(2022, 1, 1)).status_words == (
            "Lapsed (Terminated for unpaid annual fees, 2021-04-12)"
        )
        assert patent_status_on(number=number, on=date(2014, 1, 1)).status_words == "Unknown"
        assert RDInstitution.Level.NATIONAL.label == "National"
    assert RDInstitution.Level.NATIONAL.label == "国家级"


def test_api_refusal_in_english(client):
    client.cookies["django_language"] = "en"
    response = client.get("/api/v1/ip/coverage", {"year": 2019, "group_by": "city"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "group_by must be district or industry" in response.content.decode()
    response = client.get("/api/v1/ip/coverage/holders", {"year": 2019})
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["detail"].startswith("Sign-in required")


def test_exports_have_english_headers(officer_client):
    designate(EnterpriseFactory(), 2019)
    csv = officer_client.get(
        reverse("ip_registry:export", kwargs={"table": "coverage", "fmt": "csv"}), {"year": 2019}
    )
    header = csv.content.decode("utf-8-sig").splitlines()[0]
    assert header == (
        "Year,As of,Designated enterprises,Enterprises holding a patent in force,"
        "Coverage (%),Target (%)"
    )


def test_import_errors_in_english(officer_client):
    data = "申请号,名称,申请日,专利权人\n201710601862.4,坏,2017-08-01,某公司\n"
    response = officer_client.post(
        "/admin/registry/import/",
        {"kind": "patents", "file": SimpleUploadedFile("p.csv", data.encode("utf-8"))},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    text = response.content.decode()
    assert "has a wrong check character (it should be 3)" in text
