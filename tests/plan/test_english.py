"""The English switch reaches plan monitoring's own messages: form errors, flash messages,
status labels and API errors. Chinese stays the default (the other tests); the quarterly
bulletin, an official publication, stays Chinese."""

from datetime import date
from http import HTTPStatus

import pytest
from django.utils import translation

from core.roles import Role
from plan import services
from plan.selectors import STATUS_LABELS
from tests.ip_registry.factories import EnterpriseFactory, designate
from tests.plan.test_bulletins import pdf_text
from tests.plan.test_eligibility import spending
from tests.plan.test_reports import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_report_flash_messages_and_errors_are_in_english(english, stats_reporter, rd_gdp):
    english.force_login(stats_reporter)
    response = english.post(
        "/plan/reports/new/",
        {"indicator": rd_gdp.pk, "year": 2019, "quarter": 4, "value": "2.61", "note": "report"},
        follow=True,
    )
    assert "Draft saved. Upload the evidence, then submit." in response.content.decode()
    report = rd_gdp.reports.get()
    response = english.post(f"/plan/reports/{report.pk}/evidence/", {}, follow=True)
    assert "Choose a file to upload" in response.content.decode()
    english.post(f"/plan/reports/{report.pk}/evidence/", {"file": pdf()})
    response = english.post(f"/plan/reports/{report.pk}/submit/", follow=True)
    assert "waiting for the leading group&#x27;s office" in response.content.decode()


def test_status_labels_are_in_english():
    with translation.override("en"):
        assert str(STATUS_LABELS["behind"]) != "滞后"
    with translation.override("zh-hans"):
        assert str(STATUS_LABELS["behind"]) == "滞后"


def test_api_reasons_and_errors_are_in_english(english, make_user):
    enterprise = EnterpriseFactory()
    designate(enterprise, 2019, "high_tech")
    spending(enterprise, 350, 10000)
    english.force_login(make_user(Role.FUNDING_OFFICER, username="funding"))
    url = f"/api/v1/plan/enterprises/{enterprise.uscc}/eligibility"
    body = english.get(url, {"year": 2019}).json()
    assert body["reasons"] == [
        "No registered R&D institution in 2019 (engineering research centre, enterprise "
        "technology centre, key laboratory, etc.)"
    ]
    response = english.get(url, {"year": 1800})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Invalid year" in str(response.json())


def test_the_bulletin_stays_chinese_when_an_english_officer_generates_it(office, tmp_path):
    with translation.override("en"):
        bulletin = services.bulletin_generate(
            user=office, year=2019, quarter=4, on=date(2020, 3, 1)
        )
    flat = " ".join(pdf_text(bulletin.pdf.open("rb").read(), tmp_path).split())
    assert "2019 年第 4 季度进展通报" in flat and "区县考核" in flat
    assert "Progress bulletin" not in flat
