from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from core.models import Organization
from marketplace.models import (
    TRL_LEVELS,
    CooperationMode,
    HolderType,
    MarketIndexPage,
    TechnologyDemandPage,
    TechnologyResultPage,
)
from marketplace.selectors import listings_live
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


def test_taxonomies_are_seeded_as_editable_data():
    assert list(CooperationMode.objects.values_list("name", flat=True)) == [
        "转让",
        "独占许可",
        "排他许可",
        "普通许可",
        "作价入股",
        "合作开发",
        "技术服务",
    ]
    assert list(HolderType.objects.values_list("name", flat=True)) == [
        "高校",
        "科研院所",
        "企业",
        "个人",
    ]
    # Listings and organisations say the same word, so facets do not list 院所 beside 科研院所.
    assert HolderType.objects.get(code="institute").name == Organization.Kind.INSTITUTE.label
    CooperationMode.objects.create(name="技术咨询包", code="consulting")
    assert CooperationMode.objects.filter(code="consulting").exists()


def test_market_index_lives_at_market_with_the_moderation_workflow(client):
    index = MarketIndexPage.objects.get()
    assert index.url == "/market/"
    assert index.get_parent().specific_class.__name__ == "HomePage"
    workflow = index.get_workflow()
    assert workflow is not None
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["market_moderator"]
    assert client.get("/market/").status_code == HTTPStatus.OK


def test_listing_fields_and_properties():
    page = make_listing(
        keywords="消泡剂, 有机硅 消泡剂", patents="ZL 2020 1 0574318.6", price_wan=None
    )
    assert page.kind == "technology"
    assert page.keyword_list == ["消泡剂", "有机硅"]
    assert page.patent_numbers == ["202010574318.6"]
    assert page.price_display == "面议"
    assert page.trl_meaning == TRL_LEVELS[7]
    demand = make_listing(kind="demand", budget_min_wan=Decimal("10"), budget_max_wan=Decimal("80"))
    assert demand.kind == "demand"
    assert demand.budget_display == "10–80 万元"


def test_invalid_patent_number_is_rejected_in_chinese():
    page = TechnologyResultPage(title="x", slug="x", summary="s", trl=5, patents="202010574318.5")
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "校验位不正确" in str(exc.value.message_dict["patents"])


def test_result_needs_trl_and_demand_budget_must_be_ordered():
    with pytest.raises(ValidationError) as exc:
        TechnologyResultPage(title="x", slug="x", summary="s").full_clean()
    assert "trl" in exc.value.message_dict
    demand = TechnologyDemandPage(
        title="y", slug="y", summary="s", budget_min_wan=Decimal("9"), budget_max_wan=Decimal("5")
    )
    with pytest.raises(ValidationError) as exc:
        demand.full_clean()
    assert "budget_max_wan" in exc.value.message_dict


def test_reserved_slug_and_validity_order_are_rejected():
    page = TechnologyResultPage(
        title="x",
        slug="results",
        summary="s",
        trl=5,
        valid_from=date(2026, 5, 1),
        valid_until=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert {"slug", "valid_until"} <= set(exc.value.message_dict)


def test_external_id_is_unique_across_kinds():
    make_listing(external_id="X-1")
    page = TechnologyDemandPage(title="y", slug="y-1", summary="s", external_id="X-1")
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "external_id" in exc.value.message_dict


def test_listings_live_excludes_drafts_and_expired():
    live = make_listing()
    make_listing(publish=False)
    make_listing(valid_until=date(2020, 1, 1))
    demand = make_listing(kind="demand")
    ids = {p.pk for p in listings_live()}
    assert ids == {live.pk, demand.pk}
    assert all(type(p) in (TechnologyResultPage, TechnologyDemandPage) for p in listings_live())
    assert {p.pk for p in listings_live(kind="demand")} == {demand.pk}


def test_detail_page_shows_trl_meaning_and_contact_only_to_logged_in(client, make_user):
    page = make_listing(contact_phone="0427-7654321")
    html = client.get(page.url).content.decode()
    assert str(TRL_LEVELS[7]) in html
    assert "0427-7654321" not in html
    assert "登录后查看联系方式" in html
    client.force_login(make_user())
    assert "0427-7654321" in client.get(page.url).content.decode()


def test_demand_page_shows_budget_indicators_and_deadline(client):
    page = make_listing(
        kind="demand",
        indicators="耐温≥80℃",
        deadline=date(2027, 6, 30),
        modes=("joint-development",),
    )
    html = client.get(page.url).content.decode()
    assert "10–80 万元" in html and "耐温≥80℃" in html and "2027-06-30" in html
    assert "合作开发" in html


def test_listing_pages_are_searchable_fields():
    names = {f.field_name for f in TechnologyResultPage.search_fields}
    assert {"title", "summary", "keywords", "advantages"} <= names
    assert Page.objects.type(TechnologyResultPage).count() == 0


def test_wagtail_admin_edits_listings_and_taxonomies(client, make_user):
    from core.roles import Role

    client.force_login(make_user(Role.ADMINISTRATOR, username="root"))
    index = MarketIndexPage.objects.get()
    for kind in ("technology", "demand"):
        page = make_listing(kind=kind)
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == HTTPStatus.OK
    for model in ("technologyresultpage", "technologydemandpage"):
        url = f"/admin/pages/add/marketplace/{model}/{index.pk}/"
        assert client.get(url).status_code == HTTPStatus.OK
    for snippet in ("cooperationmode", "holdertype"):
        url = f"/admin/snippets/marketplace/{snippet}/"
        assert client.get(url).status_code == HTTPStatus.OK
    menu = client.get("/admin/").content.decode()
    assert "/market/stats/flagged/" in menu and "/market/stats/" in menu
