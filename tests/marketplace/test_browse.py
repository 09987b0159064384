from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone

from core.models import District, Industry
from marketplace.models import HolderType
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [p.title for p in response.context["listings"]]


@pytest.fixture
def market():
    chem = Industry.objects.get(name="精细化工")
    agri = Industry.objects.get(name="现代农业")
    uni = HolderType.objects.get(code="university")
    return {
        "a": make_listing(
            title="甲",
            industry=chem,
            trl=9,
            price_wan=Decimal("10"),
            district=District.objects.get(name="大洼区"),
            modes=("transfer",),
        ),
        "b": make_listing(
            title="乙",
            industry=chem,
            trl=5,
            price_wan=Decimal("80"),
            holder_type=uni,
            modes=("service",),
        ),
        "c": make_listing(
            title="丙",
            industry=agri,
            trl=7,
            price_wan=None,
            modes=("transfer", "joint-development"),
        ),
        "d": make_listing(kind="demand", title="丁", industry=chem, trl=6),
    }


def test_results_filters(client, market):
    assert sorted(titles(client.get("/market/results/"))) == ["丙", "乙", "甲"]
    assert sorted(titles(client.get("/market/results/?industry=精细化工"))) == ["乙", "甲"]
    assert titles(client.get("/market/results/?trl_min=6&trl_max=8")) == ["丙"]
    assert sorted(titles(client.get("/market/results/?mode=transfer"))) == ["丙", "甲"]
    assert sorted(titles(client.get("/market/results/?mode=transfer&mode=service"))) == [
        "丙",
        "乙",
        "甲",
    ]
    assert titles(client.get("/market/results/?price_min=50")) == ["乙"]
    assert titles(client.get("/market/results/?price_max=50")) == ["甲"]
    assert titles(client.get("/market/results/?district=大洼区")) == ["甲"]
    assert titles(client.get("/market/results/?holder=university")) == ["乙"]
    assert titles(client.get("/market/demands/")) == ["丁"]


def test_market_index_mixes_kinds_and_filters_by_kind(client, market):
    assert sorted(titles(client.get("/market/"))) == ["丁", "丙", "乙", "甲"]
    assert titles(client.get("/market/?kind=demand")) == ["丁"]
    assert sorted(titles(client.get("/market/?kind=technology&industry=精细化工&sort=trl"))) == [
        "乙",
        "甲",
    ]
    assert titles(client.get("/market/?sort=-trl"))[:2] == ["甲", "丙"]


def test_sorts(client, market):
    assert titles(client.get("/market/results/?sort=price")) == ["甲", "乙", "丙"]  # 面议 last
    assert titles(client.get("/market/results/?sort=-price")) == ["乙", "甲", "丙"]
    assert titles(client.get("/market/results/?sort=-trl")) == ["甲", "丙", "乙"]
    assert titles(client.get("/market/results/?sort=trl")) == ["乙", "丙", "甲"]
    assert titles(client.get("/market/results/"))[0] == "丙"  # newest first


def test_clean_shareable_urls_and_bad_input(client, market):
    response = client.get("/market/results/?industry=&trl_min=&sort=price&mode=")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/market/results/?sort=price"
    response = client.get("/market/?kind=&industry=")
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/market/"
    for query in (
        "trl_min=abc",
        "price_min=-1",
        "industry=不存在",
        "page=999",
        "sort=evil",
        "mode=x",
    ):
        response = client.get(f"/market/results/?{query}")
        assert response.status_code == HTTPStatus.OK, query
    html = client.get("/market/results/?trl_min=9&trl_max=3").content.decode()
    assert "TRL 上限不能低于下限" in html


def test_pagination_keeps_filters(client):
    org = OrganizationFactory()
    for i in range(23):
        make_listing(title=f"成果{i:02d}", organization=org)
    response = client.get("/market/results/?industry=精细化工")
    assert len(response.context["listings"]) == 20
    html = response.content.decode()
    assert "industry=%E7%B2%BE%E7%BB%86%E5%8C%96%E5%B7%A5&amp;page=2" in html
    page2 = client.get("/market/results/?industry=精细化工&page=2")
    assert len(page2.context["listings"]) == 3


def test_detail_related_and_organisation_page(client):
    org = OrganizationFactory(name="盘锦展示机构有限公司")
    one = make_listing(title="成果一", organization=org)
    two = make_listing(title="成果二", organization=org)
    demand = make_listing(kind="demand", title="需求一", organization=org)
    expired = make_listing(
        title="过期成果", organization=org, valid_until=timezone.localdate() - timedelta(days=1)
    )
    html = client.get(one.url).content.decode()
    assert "相关挂牌" in html and two.title in html and expired.title not in html
    response = client.get(f"/market/org/{org.pk}/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert all(t in html for t in ("成果一", "成果二", "需求一")) and "过期成果" not in html
    assert demand.title in html
    assert client.get("/market/org/999999/").status_code == HTTPStatus.NOT_FOUND
