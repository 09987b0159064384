"""The database entries as the analysis cache of a rebuild: same index, re-analysed when stale."""

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.core.management import call_command

from search import analysis
from search.backends import database as database_module
from search.backends.database import DatabaseBackend
from search.backends.elastic import entry_sources, to_source
from search.documents import SearchDocument
from search.models import SearchEntry, SearchFacetValue

pytestmark = pytest.mark.django_db

SHANGHAI = timezone(timedelta(hours=8))


def edge_documents() -> list[SearchDocument]:
    """Shapes the stored columns could lose: traditional and full-width text, a keyword with a
    space, repeated modes, a time zone other than UTC, no price, a patent without a price band."""
    return [
        SearchDocument(
            kind="technology",
            id="9001",
            external_id="E-1",
            title="鑽井液處理劑　ＰＬＣ控制",
            summary="稠油 降粘",
            body="含油污泥熱解處理。VOCs 監測！",
            url="/t/9001/",
            keywords=["PLC 控制", "含油污泥", "含油污泥"],
            industry="石油化工",
            trl=6,
            modes=["技术转让", "技术许可", "技术转让"],
            price_wan=Decimal("12.50"),
            district="兴隆台区",
            holder_type="企业",
            published_at=datetime(2024, 3, 1, 9, 30, tzinfo=SHANGHAI),
        ),
        SearchDocument(
            kind="patent",
            id="9002",
            external_id="CN202410000001.X",
            title="一种河蟹养殖水体净化装置",
            summary="申请号 CN202410000001.X，权利人：盘锦某公司",
            body="A01K 61/59\n盘锦某公司",
            keywords=["盘锦某公司", "A01K"],
            patent_type="发明",
            patent_status="有效",
            published_at=datetime(2024, 1, 2, tzinfo=UTC),
        ),
        SearchDocument(kind="organization", id="9003", title="盘锦市某研究院", summary=""),
    ]


def sources_by_id(batches) -> dict[str, dict]:
    return {f"{s['kind']}:{s['object_id']}": s for batch in batches for s in batch}


def test_entries_give_the_same_sources_as_analysing_again(sample_documents):
    docs = [*sample_documents, *edge_documents()]
    DatabaseBackend().rebuild(docs)
    cached = sources_by_id(entry_sources(chunk_size=7))  # several chunks
    expected = {d.doc_id: to_source(d) for d in docs}
    assert cached.keys() == expected.keys()
    for doc_id, source in expected.items():
        assert cached[doc_id] == source, doc_id


def test_truncated_entry_is_taken_from_its_source(monkeypatch):
    long_title = "含油污泥" * 130  # longer than the 500 characters the entry keeps
    doc = SearchDocument(kind="organization", id="77", title=long_title)
    DatabaseBackend().rebuild([doc])

    class FakeSource:
        def documents_for(self, ids):
            return {"77": doc} if "77" in ids else {}

    from search import sources

    monkeypatch.setitem(sources.SOURCES, "organization", FakeSource())
    (source,) = sources_by_id(entry_sources()).values()
    assert source == to_source(doc)


def count_analysed(monkeypatch) -> list:
    analysed = []
    original = database_module.prepare

    def counting(doc):
        analysed.append(doc.doc_id)
        return original(doc)

    monkeypatch.setattr(database_module, "prepare", counting)
    return analysed


def test_rebuild_reuses_unchanged_analyses_and_reanalyses_changes(monkeypatch, sample_documents):
    docs = list(sample_documents[:30])
    backend = DatabaseBackend()
    backend.rebuild(docs, reanalyse=True)
    before = {
        (e.kind, e.object_id): (e.body_words, e.fingerprint) for e in SearchEntry.objects.all()
    }
    analysed = count_analysed(monkeypatch)

    assert backend.rebuild(docs, reanalyse=False) == 30
    assert analysed == []

    edited = dataclasses.replace(docs[0], body=docs[0].body + "新增含油污泥热解工艺。")
    gone = docs[1]
    assert backend.rebuild([edited, *docs[2:]], reanalyse=False) == 29
    assert analysed == [edited.doc_id]
    assert not SearchEntry.objects.filter(kind=gone.kind, object_id=gone.id).exists()
    changed = SearchEntry.objects.get(kind=edited.kind, object_id=edited.id)
    assert "热解" in changed.body_words.split()
    assert changed.facet_values.count() == len(
        [v for vals in edited.facet_values().values() for v in vals]
    )
    for e in SearchEntry.objects.exclude(pk=changed.pk):
        assert before[(e.kind, e.object_id)] == (e.body_words, e.fingerprint)


def test_analyser_change_forces_reanalysis(monkeypatch, sample_documents):
    docs = list(sample_documents[:20])
    backend = DatabaseBackend()
    backend.rebuild(docs, reanalyse=True)
    analysed = count_analysed(monkeypatch)
    monkeypatch.setattr(analysis, "analyser_version", lambda: "a-new-dictionary")
    # The stored fingerprints no longer match: `check` sees stale copies, a rebuild redoes them.
    stale = {d.doc_id for d in docs if d.fingerprint() != backend.fingerprints()[d.doc_id]}
    assert stale == {d.doc_id for d in docs}
    backend.rebuild(docs, reanalyse=False)
    assert sorted(analysed) == sorted(d.doc_id for d in docs)
    assert backend.fingerprints() == {d.doc_id: d.fingerprint() for d in docs}


def test_analyser_version_follows_the_dictionary(monkeypatch, tmp_path):
    current = analysis.analyser_version()
    (tmp_path / "panjin.txt").write_text(
        (analysis.DICTIONARY_DIR / "panjin.txt").read_text(encoding="utf-8") + "\n新词条 100\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(analysis, "DICTIONARY_DIR", tmp_path)
    analysis.analyser_version.cache_clear()
    try:
        assert analysis.analyser_version() != current
    finally:
        monkeypatch.undo()
        analysis.analyser_version.cache_clear()
    assert analysis.analyser_version() == current
    monkeypatch.setattr(analysis, "ANALYSER_REVISION", analysis.ANALYSER_REVISION + 1)
    analysis.analyser_version.cache_clear()
    try:
        assert analysis.analyser_version() != current
    finally:
        monkeypatch.undo()
        analysis.analyser_version.cache_clear()


def test_reanalyse_option_of_the_command(settings, monkeypatch):
    from tests.factories import OrganizationFactory

    settings.ELASTICSEARCH_URL = ""
    OrganizationFactory.create_batch(2)
    call_command("search_index", "rebuild", "--workers", "1")
    analysed = count_analysed(monkeypatch)
    call_command("search_index", "rebuild", "--workers", "1")
    assert analysed == []
    call_command("search_index", "rebuild", "--workers", "1", "--reanalyse")
    assert len(analysed) == SearchEntry.objects.count() >= 2
    assert SearchFacetValue.objects.filter(name="kind", value="organization").count() >= 2


@pytest.mark.elasticsearch
def test_elasticsearch_from_entries_equals_from_source(settings, es_prefix, sample_documents):
    from elasticsearch import helpers

    from search.backends.elastic import ElasticsearchBackend

    docs = [*sample_documents, *edge_documents()]
    DatabaseBackend().rebuild(docs)
    es = ElasticsearchBackend()

    def stored() -> dict[str, dict]:
        return {h["_id"]: h["_source"] for h in helpers.scan(es.client, index=es.alias, size=500)}

    assert es.rebuild(docs) == len(docs)
    from_source = stored()
    assert es.rebuild_from_entries() == len(docs)
    assert len(es.indices()) == 1
    assert stored() == from_source
    # Serving settings are back after the bulk load.
    (index,) = es.indices()
    live = es.client.indices.get_settings(index=index)[index]["settings"]["index"]
    assert live["refresh_interval"] == "1s"
    assert live["translog"]["durability"] == "request"
    segments = es.client.indices.stats(index=index, metric="segments")
    assert segments["_all"]["primaries"]["segments"]["count"] == 1


def test_facet_counts_from_keys_equal_counting_facet_rows(sample_documents, settings):
    from django.db.models import Count

    from search.selectors import search_params, search_query

    settings.ELASTICSEARCH_URL = ""
    DatabaseBackend().rebuild([*sample_documents, *edge_documents()])
    assert not SearchEntry.objects.filter(facet_key__isnull=True).exists()
    for q, filters in [
        ("", {}),
        ("含油污泥", {}),
        ("改造", {"kind": ["demand"]}),
        ("", {"mode": ["技术转让"]}),
    ]:
        result = search_query(params=search_params(q=q, filters=filters, page_size=100))
        found = {(r.kind, r.id) for r in result.results}
        ids = [e.pk for e in SearchEntry.objects.all() if (e.kind, e.object_id) in found]
        assert len(ids) == result.total
        expected: dict[str, list[dict]] = {}
        rows = (
            SearchFacetValue.objects.filter(entry_id__in=ids)
            .values_list("name", "value")
            .annotate(n=Count("id"))
            .order_by("name", "-n", "value")
        )
        for name, value, n in rows:
            expected.setdefault(name, []).append({"value": value, "count": n})
        got = {
            name: [{"value": b.value, "count": b.count} for b in buckets]
            for name, buckets in result.facets.items()
            if buckets
        }
        assert got == expected, q
