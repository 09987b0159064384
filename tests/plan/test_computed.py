"""Each computed indicator against data counted by hand."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts import services as contract_services
from core.models import District
from core.roles import Role
from ip_registry.models import LegalStatus, RDExpenditure, RDInstitution
from marketplace.models import CooperationMode, Inquiry
from plan.models import Indicator
from plan.selectors import actual_for, indicator_row
from tests.contracts.factories import make_draft
from tests.factories import OrganizationFactory
from tests.ip_registry.factories import EnterpriseFactory, designate, patent_with_history
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db

END_2019 = date(2020, 6, 30)  # "today" for these tests: 2019 is complete


def value(code: str, year: int = 2019, district: str | None = None) -> Decimal | None:
    indicator = Indicator.objects.get(code=code)
    where = District.objects.get(name=district) if district else None
    return actual_for(indicator=indicator, year=year, district=where, on=END_2019).value


@pytest.fixture
def register():
    """Two districts: 兴隆台区 (a, b, c) and 大洼区 (d, e)."""
    xlt, dw = District.objects.get(name="兴隆台区"), District.objects.get(name="大洼区")
    a, b, c = (EnterpriseFactory(district=xlt) for _ in range(3))
    d, e = (EnterpriseFactory(district=dw) for _ in range(2))
    for enterprise in (a, b, c, d, e):
        designate(enterprise, 2019)  # 规上科技型, 5 in all
    granted = [(LegalStatus.PENDING, date(2015, 3, 1)), (LegalStatus.GRANTED, date(2016, 5, 1))]
    patent_with_history(holder=a, events=granted)
    patent_with_history(holder=d, events=granted)
    # b's patent lapsed before the end of 2019: not a holder.
    patent_with_history(holder=b, events=[*granted, (LegalStatus.LAPSED, date(2019, 6, 1))])
    # Invention applications filed in 2019: a (兴隆台区) two, e (大洼区) one; one in 2018.
    for holder, filed in ((a, date(2019, 2, 1)), (a, date(2019, 8, 1)), (e, date(2019, 3, 1))):
        patent_with_history(holder=holder, filing_date=filed)
    patent_with_history(holder=c, filing_date=date(2018, 12, 31))
    # Designations: little giants a, b (2018: a), high-tech a, d, leader e.
    designate(a, 2018, "little_giant")
    designate(a, 2019, "little_giant")
    designate(b, 2019, "little_giant")
    designate(a, 2019, "high_tech")
    designate(d, 2019, "high_tech")
    designate(e, 2019, "leader")
    # R&D institutions: a (2017), d (2019), c (revoked in 2019), e (from 2020).
    for enterprise, year, until in (
        (a, 2017, None),
        (d, 2019, None),
        (c, 2015, 2019),
        (e, 2020, None),
    ):
        RDInstitution.objects.create(
            enterprise=enterprise,
            name="技术中心",
            kind="enterprise_center",
            level="municipal",
            year=year,
            until_year=until,
        )
    # R&D spending of the little giants and high-tech enterprises: a 400/10000, b 100/5000,
    # d 90/3000 → (400 + 100 + 90) / (10000 + 5000 + 3000) = 3.28 %; c is not designated.
    for enterprise, rd, revenue in ((a, 400, 10000), (b, 100, 5000), (d, 90, 3000), (c, 1, 10)):
        RDExpenditure.objects.create(
            enterprise=enterprise, year=2019, rd_expense=Decimal(rd), revenue=Decimal(revenue)
        )
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_patent_coverage_counts_holders_of_patents_in_force(register):
    assert value("patent_coverage") == Decimal("40.00")  # a, d of 5
    assert value("patent_coverage", district="兴隆台区") == Decimal("33.33")  # a of a, b, c
    assert value("patent_coverage", district="大洼区") == Decimal("50.00")  # d of d, e


def test_invention_applications_by_filing_year_and_applicant_district(register):
    assert value("invention_applications") == 3
    assert value("invention_applications", year=2018) == 1
    assert value("invention_applications", district="兴隆台区") == 2
    assert value("invention_applications", district="大洼区") == 1


def test_little_giants_total_and_new(register):
    assert value("little_giant_total") == 2
    assert value("little_giant_new") == 1  # b; a was one in 2018 already
    assert value("little_giant_total", district="大洼区") == 0


def test_high_tech_and_leaders(register):
    assert value("high_tech") == 2
    assert value("high_tech", district="大洼区") == 1
    assert value("leader") == 1


def test_share_with_rd_institution_counts_institutions_in_force_that_year(register):
    assert value("rd_institution_share") == Decimal("40.00")  # a, d of 5 (c revoked, e later)
    assert value("rd_institution_share", year=2020) is None  # nobody designated in 2020
    assert value("rd_institution_share", district="大洼区") == Decimal("50.00")


def test_rd_spending_share_of_sales_of_high_tech_and_little_giants(register):
    assert value("rd_sales") == Decimal("3.28")
    assert value("rd_sales", district="大洼区") == Decimal("3.00")


@pytest.fixture
def contracts(make_user):
    seller_xlt = OrganizationFactory(district=District.objects.get(name="兴隆台区"))
    seller_dw = OrganizationFactory(district=District.objects.get(name="大洼区"))
    officer = make_user(Role.REGISTRY_OFFICER, username="registrar")
    made = []
    for org, day in (
        (seller_xlt, date(2019, 3, 1)),
        (seller_xlt, date(2019, 9, 1)),
        (seller_dw, date(2019, 5, 1)),
        (seller_dw, date(2018, 5, 1)),
    ):
        member = make_user(Role.ENTERPRISE_MEMBER, organization=org)
        contract = contract_services.contract_submit(user=member, contract=make_draft(member, org))
        contract = contract_services.contract_accept(user=officer, contract=contract)
        contract = contract_services.contract_register(user=officer, contract=contract, on=day)
        made.append(contract)
    return made


def test_contracts_registered_and_their_amounts(contracts):
    # Each: 合同成交额 ¥1,200,000, 技术交易额 ¥1,000,000 (¥200,000 equipment).
    assert value("contracts_count") == 3
    assert value("contracts_total") == Decimal("360.00")  # 万元
    assert value("contracts_technical") == Decimal("300.00")
    assert value("contracts_count", district="兴隆台区") == 2
    assert value("contracts_technical", district="大洼区") == Decimal("100.00")
    assert value("contracts_count", year=2018) == 1


def test_market_deals(make_user):
    seller = OrganizationFactory(district=District.objects.get(name="大洼区"))
    listing = make_listing(organization=seller)
    buyer = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory())
    mode = CooperationMode.objects.first()
    for status, price, closed in (
        (Inquiry.Status.DEAL, "50", datetime(2019, 4, 2, 10)),
        (Inquiry.Status.DEAL, "30.5", datetime(2019, 11, 20, 10)),
        (Inquiry.Status.DEAL, "99", datetime(2018, 11, 20, 10)),
        (Inquiry.Status.CLOSED, None, datetime(2019, 5, 1, 10)),
    ):
        Inquiry.objects.create(
            listing=listing,
            seller_organization=seller,
            buyer=buyer,
            message="询价",
            status=status,
            deal_price_wan=Decimal(price) if price else None,
            deal_mode=mode if price else None,
            closed_at=timezone.make_aware(closed),
        )
    assert value("market_deals") == 2
    assert value("market_deal_value") == Decimal("80.50")
    assert value("market_deals", district="大洼区") == 2
    assert value("market_deals", district="兴隆台区") == 0


def test_the_row_explains_the_figure_and_the_query(register, client):
    indicator = Indicator.objects.get(code="patent_coverage")
    row = indicator_row(indicator=indicator, year=2019, on=END_2019)
    assert row.actual.detail == "2 / 5 家"
    assert row.status == "behind"  # 40 % < the plan's 60 %
    page = client.get("/plan/indicators/patent_coverage/").content.decode()
    assert "当年认定为规模以上科技型企业的企业中" in page
