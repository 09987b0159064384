"""The home page serves each visitor: live figures, the latest listings, the next step."""

from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from ip_registry.models import LegalStatus as S
from tests.factories import OrganizationFactory
from tests.ip_registry.factories import EnterpriseFactory, designate, patent_with_history
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


def test_home_shows_figures_latest_listings_and_next_steps(client):
    cache.clear()
    organization = OrganizationFactory()
    result = make_listing(organization=organization, title="含油污泥热解技术")
    demand = make_listing(kind="demand", organization=organization, title="求购污水处理工艺")
    holder = EnterpriseFactory()
    designate(holder, 2019)
    designate(EnterpriseFactory(), 2019)
    patent_with_history(
        holder=holder, events=[(S.PENDING, date(2015, 3, 1)), (S.GRANTED, date(2016, 6, 1))]
    )
    html = client.get("/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    figures = {
        li.select_one(".figure-label").text: li.select_one(".figure-value").contents[0].strip()
        for li in soup.select(".figure")
    }
    assert figures["在架科技成果"] == "1" and figures["在架技术需求"] == "1"
    assert figures["询价成交"] == "0"
    assert any(label.endswith("年登记技术合同") for label in figures)
    assert figures["2019 年规上科技型企业专利覆盖率"] == "50"
    assert "目标 60%，未达标" in html
    links = {a["href"] for a in soup.select(".latest a")}
    assert result.url in links and demand.url in links
    steps = soup.select(".next-steps a")
    assert {a.text for a in steps} >= {"浏览科技成果", "发布科技成果", "合同类型引导"}
