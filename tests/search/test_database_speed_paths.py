"""The database backend's shortcuts change its cost, not its answers."""

import pytest

from search import analysis
from search.backends.database import RERANK_DEPTH, DatabaseBackend, rank_fields
from search.documents import SearchDocument
from search.models import SearchEntry, SearchEntryText
from search.selectors import search_params, search_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_only(settings):
    settings.ELASTICSEARCH_URL = ""


def _doc(i: int, title: str, industry: str = "先进装备制造") -> SearchDocument:
    return SearchDocument(kind="technology", id=str(i), title=title, industry=industry)


def test_whole_words_pick_the_candidates_and_every_match_is_counted(database_only):
    whole = [_doc(i, f"自动控制系统第{i}号") for i in range(RERANK_DEPTH + 5)]
    parts_only = [_doc(1000 + i, f"控制阀门第{i}号", "电子信息") for i in range(7)]
    DatabaseBackend().bulk_upsert([*whole, *parts_only])
    page = search_query(params=search_params(q="自动控制", page_size=20))
    assert page.total == len(whole) + len(parts_only)
    industries = {b.value: b.count for b in page.facets["industry"]}
    assert industries == {"先进装备制造": len(whole), "电子信息": len(parts_only)}
    assert all("自动控制" in r.title for r in page.results)
    # Filtered to the part-only documents, they are found and ranked.
    page = search_query(params=search_params(q="自动控制", filters={"industry": ["电子信息"]}))
    assert page.total == len(parts_only)
    assert {r.id for r in page.results} == {d.id for d in parts_only}


def test_normalised_text_is_stored_and_rows_without_it_still_rank_alike(database_only):
    docs = [
        SearchDocument(
            kind="technology",
            id=str(i),
            title=title,
            summary="ＣＯＤ降至50mg/L，適用於鑽井液處理。",
            keywords=["鑽井液", "ＣＯＤ"],
        )
        for i, title in enumerate(["鑽井液處理劑", "钻井液回收装置", "含油污泥热解"], start=1)
    ]
    DatabaseBackend().bulk_upsert(docs)
    entry = SearchEntry.objects.get(object_id="1")
    stored = entry.rank_text.fields
    assert stored == rank_fields(entry.title, entry.keywords, entry.summary, entry.body)
    assert stored["title"] == analysis.normalize("鑽井液處理劑")
    before = search_query(params=search_params(q="钻井液"))
    SearchEntryText.objects.all().delete()  # entries whose text row is missing
    after = search_query(params=search_params(q="钻井液"))
    assert [(r.id, r.score) for r in after.results] == [(r.id, r.score) for r in before.results]
    assert before.total == 3
