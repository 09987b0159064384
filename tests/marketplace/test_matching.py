from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from core.models import Industry
from core.roles import Role
from marketplace.matching import match_score, matches_for_demand, matches_for_result
from marketplace.models import MatchSubscription, Notice
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def demand():
    return make_listing(
        kind="demand",
        title="胺液发泡治理需求",
        keywords="消泡剂，脱硫，胺液",
        trl=6,
        budget_min_wan=Decimal("20"),
        budget_max_wan=Decimal("60"),
    )


def test_score_reasons_cover_keywords_industry_trl_and_budget(demand):
    result = make_listing(keywords="消泡剂，有机硅，脱硫", trl=8, price_wan=Decimal("45"))
    match = match_score(demand=demand, result=result)
    text = "；".join(match.reasons)
    assert "共同关键词：消泡剂、脱硫" in text
    assert "同属精细化工行业" in text
    assert "成果 TRL 8 ≥ 需求 TRL 6" in text
    assert "在预算" in text
    weak = make_listing(keywords="消泡剂", trl=3, price_wan=Decimal("500"))
    assert match_score(demand=demand, result=weak).score < match.score
    assert "成熟度不足" in "；".join(match_score(demand=demand, result=weak).reasons)


def test_unrelated_listings_do_not_match(demand):
    other = make_listing(
        keywords="水稻，育种", industry=Industry.objects.get(name="现代农业"), title="水稻新品种"
    )
    assert match_score(demand=demand, result=other) is None


def test_best_matches_first_on_both_sides(client, demand):
    best = make_listing(title="聚醚改性有机硅消泡剂", keywords="消泡剂，脱硫，胺液", trl=8)
    fair = make_listing(title="普通消泡剂", keywords="消泡剂", trl=7, price_wan=Decimal("100"))
    make_listing(title="不相关", keywords="水稻", industry=Industry.objects.get(name="现代农业"))
    found = matches_for_demand(demand=demand)
    assert [m.listing.pk for m in found][:2] == [best.pk, fair.pk]
    assert [m.listing.pk for m in matches_for_result(result=best)] == [demand.pk]
    # A demand past its deadline is no longer open.
    make_listing(kind="demand", keywords="消泡剂，脱硫，胺液", deadline=date(2020, 1, 1))
    assert [m.listing.pk for m in matches_for_result(result=best)] == [demand.pk]
    html = client.get(demand.url).content.decode()
    assert best.title in html and "共同关键词" in html
    assert demand.title in client.get(best.url).content.decode()


def test_demand_owner_subscribes_and_hears_about_new_matching_results(
    client, make_user, django_capture_on_commit_callbacks
):
    org = OrganizationFactory()
    owner = make_user(Role.ENTERPRISE_MEMBER, organization=org, username="d-owner")
    demand = make_listing(kind="demand", organization=org, keywords="消泡剂，脱硫")
    client.force_login(owner)
    assert "有新的匹配成果时通知我" in client.get(demand.url).content.decode()
    client.post(f"/market/mine/{demand.pk}/subscribe/", {"subscribe": "1"})
    assert MatchSubscription.objects.filter(demand=demand, user=owner).exists()
    # A stranger may not subscribe to someone else's demand.
    client.force_login(make_user(username="stranger"))
    assert client.post(f"/market/mine/{demand.pk}/subscribe/").status_code == 403

    make_listing(
        title="水稻新品种", keywords="水稻", industry=Industry.objects.get(name="现代农业")
    )
    assert not Notice.objects.filter(user=owner).exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = make_listing(title="新型消泡剂", keywords="消泡剂")
    notice = Notice.objects.get(user=owner)
    assert result.title in notice.body and "共同关键词" in notice.body
    assert mail.outbox[-1].to == [owner.email]
