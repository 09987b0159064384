"""GET /api/v1/search and /api/v1/search/suggest (public: only public content is indexed)."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from core.api_docs import gettext_lazy
from core.schemas import schema_from_dataclass
from search.backends.base import VALUE_FILTERS
from search.selectors import (
    ResultItem,
    SearchPage,
    Suggestions,
    search_params,
    search_query,
    search_suggest,
)

router = Router(tags=["search"])


class SearchQuery(Schema):
    q: str = Field("", description=gettext_lazy("检索词（简体或繁体，可为自然语言）"))
    kind: list[str] = Field(
        [], description="technology / demand / patent / enterprise / organization"
    )
    industry: list[str] = []
    trl: list[str] = Field([], description=gettext_lazy("技术成熟度（1–9），可多选"))
    mode: list[str] = Field([], description=gettext_lazy("合作方式"))
    district: list[str] = []
    holder_type: list[str] = []
    patent_type: list[str] = []
    patent_status: list[str] = []
    price: list[str] = Field(
        [], description=gettext_lazy("价格区间：lt10、10-50、50-100、100-500、ge500、negotiable")
    )
    trl_min: str | None = None
    trl_max: str | None = None
    price_min: str | None = None
    price_max: str | None = Field(None, description=gettext_lazy("最高价格（万元）"))
    sort: str = Field("relevance", description="relevance / newest / price / price_desc")
    page: str | None = None
    page_size: str | None = None


class FacetBucket(Schema):
    value: str
    count: int


# A result as the page shows it, less the kind's label (the API's reader has the code).
SearchHit = schema_from_dataclass(
    ResultItem,
    "SearchHit",
    fields=("kind", "id", "external_id", "title", "url", "summary", "highlight", "score"),
)


class SearchOut(Schema):
    total: int
    took_ms: float
    backend: str
    results: list[SearchHit]  # type: ignore[valid-type]
    facets: dict[str, list[FacetBucket]]


class Suggestion(Schema):
    text: str


class SuggestOut(Schema):
    query: str
    backend: str
    suggestions: list[Suggestion]


@router.get("", response=SearchOut, auth=None, summary=gettext_lazy("全文检索"), url_name="search")
def search(request: HttpRequest, params: Query[SearchQuery]) -> SearchPage:
    """Filters repeat for several values (`industry=新能源&industry=新材料`)."""
    parsed = search_params(
        q=params.q,
        filters={name: getattr(params, name) for name in VALUE_FILTERS},
        trl_min=params.trl_min,
        trl_max=params.trl_max,
        price_min=params.price_min,
        price_max=params.price_max,
        sort=params.sort,
        page=params.page or 1,
        page_size=params.page_size or 10,
    )
    return search_query(params=parsed)


@router.get(
    "/suggest",
    response=SuggestOut,
    auth=None,
    summary=gettext_lazy("检索词自动补全（含拼音、首字母）"),
    url_name="search_suggest",
)
def suggest(request: HttpRequest, q: str = "", size: int = 8) -> Suggestions:
    return search_suggest(q=q, size=size)
