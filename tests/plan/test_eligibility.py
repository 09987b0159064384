"""The plan's rule: no R&D institution, or R&D spending below the year's requirement → no city
awards and no project funding."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from wagtail.models import APIToken

from core.roles import Role
from ip_registry.models import RDExpenditure, RDInstitution
from plan.models import RDRequirement
from plan.selectors import enterprise_eligibility
from tests.ip_registry.factories import EnterpriseFactory, designate

pytestmark = pytest.mark.django_db


def institution(enterprise, year=2018, until=None):
    return RDInstitution.objects.create(
        enterprise=enterprise,
        name="省级企业技术中心",
        kind="enterprise_center",
        level="provincial",
        year=year,
        until_year=until,
    )


def spending(enterprise, rd, revenue, year=2019):
    RDExpenditure.objects.create(
        enterprise=enterprise, year=year, rd_expense=Decimal(rd), revenue=Decimal(revenue)
    )


def test_high_tech_enterprise_with_institution_and_enough_spending_is_eligible():
    enterprise = EnterpriseFactory()
    designate(enterprise, 2019, "high_tech")
    institution(enterprise)
    spending(enterprise, 350, 10000)  # 3.5 % ≥ 3 %
    result = enterprise_eligibility(uscc=enterprise.uscc, year=2019)
    assert result.eligible and result.reasons == []
    assert [c.passed for c in result.checks] == [True, True]


def test_each_failing_rule_is_a_reason():
    enterprise = EnterpriseFactory()
    designate(enterprise, 2019, "little_giant")
    institution(enterprise, year=2015, until=2019)  # revoked in 2019
    spending(enterprise, 250, 10000)  # 2.5 % < 3 %
    result = enterprise_eligibility(uscc=enterprise.uscc, year=2019)
    assert not result.eligible
    assert len(result.reasons) == 2
    assert "没有在册的研发机构" in result.reasons[0]
    assert "研发投入占销售收入 2.5%，低于 2019 年要求的 3%" in result.reasons[1]
    # The same enterprise in 2018: the institution still stood, and no requirement data missing.
    spending(enterprise, 400, 10000, year=2018)
    designate(enterprise, 2018, "little_giant")
    assert enterprise_eligibility(uscc=enterprise.uscc, year=2018).eligible


def test_missing_spending_data_cannot_prove_the_requirement():
    enterprise = EnterpriseFactory()
    designate(enterprise, 2019, "high_tech")
    institution(enterprise)
    result = enterprise_eligibility(uscc=enterprise.uscc, year=2019)
    assert not result.eligible and "缺少 2019 年研发投入" in result.reasons[0]


def test_requirements_are_editable_data_and_may_apply_to_every_enterprise():
    enterprise = EnterpriseFactory()  # no designation: the 3 % rule does not apply
    institution(enterprise)
    assert enterprise_eligibility(uscc=enterprise.uscc, year=2019).eligible
    RDRequirement.objects.create(year=2019, designation_codes="", min_share=Decimal("1.5"))
    spending(enterprise, 100, 10000)  # 1 %
    result = enterprise_eligibility(uscc=enterprise.uscc, year=2019)
    assert not result.eligible and "1.5%" in result.reasons[0]


def test_page_and_api_for_funding_officers_only(client, make_user):
    enterprise = EnterpriseFactory()
    designate(enterprise, 2019, "high_tech")
    spending(enterprise, 350, 10000)
    funding = make_user(Role.FUNDING_OFFICER, username="funding")
    url = f"/api/v1/plan/enterprises/{enterprise.uscc}/eligibility"
    assert client.get(url, {"year": 2019}).status_code == HTTPStatus.UNAUTHORIZED
    client.force_login(make_user(Role.ENTERPRISE_MEMBER))
    assert client.get(url, {"year": 2019}).status_code == HTTPStatus.FORBIDDEN
    assert client.get("/plan/eligibility/").status_code == HTTPStatus.FORBIDDEN
    client.logout()
    _, token = APIToken.create_token(user=funding, name="t")
    response = client.get(url, {"year": 2019}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["uscc"] == enterprise.uscc and body["year"] == 2019
    assert body["eligible"] is False
    assert body["reasons"] == [
        "2019 年没有在册的研发机构（工程技术研究中心、企业技术中心、重点实验室等）"
    ]
    client.force_login(funding)
    page = client.get("/plan/eligibility/", {"uscc": enterprise.uscc.lower(), "year": 2019})
    assert page.status_code == HTTPStatus.OK
    assert "不符合资格" in page.content.decode() and "没有在册的研发机构" in page.content.decode()
    missing = client.get("/api/v1/plan/enterprises/91110108551385082Q/eligibility")
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert client.get(url, {"year": 1800}).status_code == HTTPStatus.BAD_REQUEST
