"""Patent status in words that say what is true, on any date, on every page that shows it."""

from datetime import date
from http import HTTPStatus

import pytest
from django.urls import reverse

from core.roles import Role
from ip_registry.models import LegalStatus as S
from ip_registry.selectors import patent_status_on
from marketplace.services import listing_patents_check
from tests.factories import PASSWORD, OrganizationFactory
from tests.ip_registry.factories import EnterpriseFactory, designate, patent_with_history
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db

FILED, GRANTED, LAPSED = date(2015, 3, 1), date(2016, 6, 1), date(2021, 4, 12)


@pytest.fixture
def holder():
    organization = OrganizationFactory(name="盘锦状态化工有限公司")
    return organization, EnterpriseFactory(name=organization.name, uscc=organization.uscc)


def test_words_for_each_state_and_date(holder):
    _, enterprise = holder
    patent = patent_with_history(
        holder=enterprise, events=[(S.PENDING, FILED), (S.GRANTED, GRANTED), (S.LAPSED, LAPSED)]
    )
    number = patent.application_number
    assert patent_status_on(number=number, on=date(2015, 6, 1)).status_words == "审查中"
    assert patent_status_on(number=number, on=date(2019, 1, 1)).status_words == "有效"
    lapsed = patent_status_on(number=number, on=date(2022, 1, 1))
    assert lapsed.state_label == "已失效"
    assert lapsed.status_words == "已失效（未缴年费终止，2021-04-12）"
    assert patent_status_on(number=number, on=date(2014, 1, 1)).status_words == "未知"


def test_a_patent_under_examination_is_not_doubtful(client, holder):
    organization, enterprise = holder
    patent = patent_with_history(holder=enterprise, events=[(S.PENDING, FILED)])
    listing = make_listing(organization=organization, patents=patent.application_number)
    check = listing_patents_check(listing=listing)
    assert not check.flagged
    html = client.get(listing.url).content.decode()
    assert "审查中" in html
    assert "已失效" not in html and "专利状态存疑" not in html


def test_a_lapsed_patent_says_why_and_since_when_on_the_listing(client, holder):
    organization, enterprise = holder
    patent = patent_with_history(
        holder=enterprise, events=[(S.PENDING, FILED), (S.GRANTED, GRANTED), (S.LAPSED, LAPSED)]
    )
    listing = make_listing(organization=organization, patents=patent.application_number)
    check = listing_patents_check(listing=listing)
    assert check.flagged and "已失效（未缴年费终止，2021-04-12）" in check.reason
    assert "已失效（未缴年费终止，2021-04-12）" in client.get(listing.url).content.decode()


def test_patent_and_enterprise_pages_take_an_as_of_date(client, make_user, holder):
    _, enterprise = holder
    patent = patent_with_history(
        holder=enterprise, events=[(S.PENDING, FILED), (S.GRANTED, GRANTED), (S.LAPSED, LAPSED)]
    )
    url = reverse("ip_registry:patent_detail", args=[patent.application_number])
    today_page = client.get(url).content.decode()
    assert "已失效（未缴年费终止，2021-04-12）" in today_page
    then = client.get(url, {"on": "2019-01-01"})
    assert then.status_code == HTTPStatus.OK
    text = then.content.decode()
    assert "2019-01-01 的法律状态" in text and ">有效<" in text
    # A date that cannot be read falls back to today rather than failing.
    assert client.get(url, {"on": "yesterday"}).status_code == HTTPStatus.OK
    ent_url = reverse("ip_registry:enterprise_detail", args=[enterprise.uscc])
    # The enterprise's portfolio is the IP officers' (as on the API).
    client.force_login(make_user(Role.IP_OFFICER, username="ipo-as-of"))
    assert "1 件（截至 2019-01-01）" in client.get(ent_url, {"on": "2019-01-01"}).content.decode()
    assert "0 件（截至 2022-01-01）" in client.get(ent_url, {"on": "2022-01-01"}).content.decode()


def test_dashboard_coverage_on_a_chosen_date(client, make_user, holder):
    _, enterprise = holder
    designate(enterprise, 2019)
    designate(EnterpriseFactory(), 2019)
    patent_with_history(holder=enterprise, events=[(S.PENDING, FILED), (S.GRANTED, GRANTED)])
    make_user(Role.IP_OFFICER, username="ipo")
    client.login(username="ipo", password=PASSWORD)
    url = reverse("ip_registry:dashboard")
    year_end = client.get(url, {"year": 2019}).content.decode()
    assert 'id="coverage-rate">50.0%' in year_end
    early = client.get(url, {"year": 2019, "on": "2016-05-31"}).content.decode()
    assert "截至 2016-05-31" in early and 'id="coverage-rate">0.0%' in early
