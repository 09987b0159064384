"""Sources map models to SearchDocuments in bulk (a fixed number of queries, no N+1)."""

from datetime import date

import pytest
from django.utils import translation

from ip_registry.models import LegalStatus
from search.outbox import search_outbox_drain_all
from search.selectors import search_params, search_query
from search.sources import SOURCES
from tests.factories import OrganizationFactory
from tests.ip_registry.factories import EnterpriseFactory, patent_with_history
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


def test_patents_carry_holders_status_and_type(settings):
    settings.ELASTICSEARCH_URL = ""
    holder = EnterpriseFactory(name="盘锦辽河稠油技术有限公司")
    patent = patent_with_history(
        holder=holder,
        title="一种超稠油降黏剂及其制备方法",
        events=[(LegalStatus.PENDING, date(2015, 3, 1)), (LegalStatus.GRANTED, date(2017, 6, 1))],
    )
    doc = SOURCES["patent"].documents_for([patent.pk])[str(patent.pk)]
    assert doc.patent_type == "发明"
    assert doc.patent_status == "有效"
    assert "盘锦辽河稠油技术有限公司" in doc.summary
    assert doc.url.endswith(f"/{patent.application_number}/")
    search_outbox_drain_all()
    result = search_query(
        params=search_params(q="重油降黏", filters={"kind": ["patent"], "patent_status": ["有效"]})
    )
    assert [r.external_id for r in result.results] == [patent.application_number]
    assert {b.value for b in result.facets["patent_type"]} == {"发明"}
    ent = search_query(params=search_params(q="辽河稠油", filters={"kind": ["enterprise"]}))
    assert ent.results[0].title == holder.name


def test_documents_for_many_objects_take_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    listings = [make_listing(title=f"含油污泥处理技术{i}") for i in range(6)]
    orgs = OrganizationFactory.create_batch(6)
    with django_assert_max_num_queries(12):
        docs = SOURCES["technology"].documents_for([p.pk for p in listings])
    assert len(docs) == 6
    assert all(d.modes and d.industry and d.url for d in docs.values())
    with django_assert_max_num_queries(3):
        assert len(SOURCES["organization"].documents_for([o.pk for o in orgs])) == 6


def test_unpublished_and_expired_listings_are_not_documents():
    draft = make_listing(publish=False)
    expired = make_listing(valid_until=date(2000, 1, 1))
    assert SOURCES["technology"].documents_for([draft.pk, expired.pk]) == {}


def test_documents_are_built_in_chinese_whatever_the_language(settings):
    """Facet values and summaries are stored: a member saving in English must not index
    'In force' beside 有效."""
    settings.ELASTICSEARCH_URL = ""
    patent = patent_with_history(
        holder=EnterpriseFactory(),
        events=[(LegalStatus.PENDING, date(2015, 3, 1)), (LegalStatus.GRANTED, date(2017, 6, 1))],
    )
    organization = OrganizationFactory()
    with translation.override("en"):
        doc = SOURCES["patent"].documents_for([patent.pk])[str(patent.pk)]
        org = SOURCES["organization"].documents_for([organization.pk])[str(organization.pk)]
        rebuilt = [d for d in SOURCES["patent"].iter_documents() if d.id == str(patent.pk)]
        assert translation.get_language() == "en"
    assert (doc.patent_type, doc.patent_status) == ("发明", "有效")
    assert "法律状态：有效" in doc.summary
    assert org.holder_type == "企业"
    assert rebuilt[0].patent_status == "有效"
