"""The source-neutral SearchDocument and what each backend derives from it."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy

from search import analysis

KINDS = {
    "technology": gettext_lazy("科技成果"),
    "demand": gettext_lazy("技术需求"),
    "patent": gettext_lazy("专利"),
    "enterprise": gettext_lazy("企业"),
    "organization": gettext_lazy("机构"),
}

# Facets in display order with their Chinese labels; each is a keyword in both backends.
FACETS = {
    "kind": gettext_lazy("类型"),
    "industry": gettext_lazy("行业"),
    "trl": gettext_lazy("技术成熟度"),
    "mode": gettext_lazy("合作方式"),
    "price": gettext_lazy("价格"),
    "district": gettext_lazy("区县"),
    "holder_type": gettext_lazy("持有人类型"),
    "patent_type": gettext_lazy("专利类型"),
    "patent_status": gettext_lazy("法律状态"),
}

# Price bands in 万元: (key, label, min inclusive, max exclusive); None price is 面议.
PRICE_BANDS = [
    ("lt10", gettext_lazy("10万元以下"), None, Decimal(10)),
    ("10-50", gettext_lazy("10–50万元"), Decimal(10), Decimal(50)),
    ("50-100", gettext_lazy("50–100万元"), Decimal(50), Decimal(100)),
    ("100-500", gettext_lazy("100–500万元"), Decimal(100), Decimal(500)),
    ("ge500", gettext_lazy("500万元以上"), Decimal(500), None),
    ("negotiable", gettext_lazy("面议"), None, None),
]
PRICE_BAND_LABELS = {key: label for key, label, _, _ in PRICE_BANDS}


def price_band(price: Decimal | float | None) -> str:
    if price is None:
        return "negotiable"
    price = Decimal(str(price))
    for key, _label, low, high in PRICE_BANDS[:-1]:
        if (low is None or price >= low) and (high is None or price < high):
            return key
    return "negotiable"


@dataclass
class SearchDocument:
    """Anything searchable, in one shape: listings, patents, enterprises, organisations."""

    kind: str
    id: str
    title: str
    url: str = ""
    external_id: str = ""
    summary: str = ""
    body: str = ""
    keywords: list[str] = field(default_factory=list)
    industry: str = ""
    trl: int | None = None
    modes: list[str] = field(default_factory=list)
    price_wan: Decimal | None = None
    district: str = ""
    holder_type: str = ""
    patent_type: str = ""
    patent_status: str = ""
    published_at: datetime | None = None

    @property
    def doc_id(self) -> str:
        return f"{self.kind}:{self.id}"

    def facet_values(self) -> dict[str, list[str]]:
        values = {
            "kind": [self.kind],
            "industry": [self.industry],
            "trl": [str(self.trl)] if self.trl else [],
            "mode": list(dict.fromkeys(self.modes)),
            "price": [price_band(self.price_wan)] if self.kind in ("technology", "demand") else [],
            "district": [self.district],
            "holder_type": [self.holder_type],
            "patent_type": [self.patent_type],
            "patent_status": [self.patent_status],
        }
        return {name: [v for v in vals if v] for name, vals in values.items()}

    def analysed(self) -> dict:
        """Normalised text and jieba words, computed once per document: a sync hands the same
        objects to the database table and to Elasticsearch, and jieba is most of its time."""
        cached = self.__dict__.get("_analysed")
        if cached is None:
            cached = self.__dict__["_analysed"] = self._analyse()
        return cached

    def _analyse(self) -> dict:
        title = analysis.normalize(self.title)
        summary = analysis.normalize(self.summary)
        body = analysis.normalize(self.body)
        keywords = [k for k in (analysis.normalize(k) for k in self.keywords) if k]
        keyword_words = list(
            dict.fromkeys(
                keywords + [w for k in keywords for w in analysis.index_words(k, normalized=True)]
            )
        )
        return {
            "title": title,
            "summary": summary,
            "body": body,
            "keywords": keywords,
            "title_words": analysis.index_words(title, normalized=True),
            "summary_words": analysis.index_words(summary, normalized=True),
            "body_words": analysis.index_words(body, normalized=True),
            "keyword_words": keyword_words,
            "abbreviations": analysis.defined_abbreviations(f"{title}\n{summary}\n{body}"),
        }

    def suggestion_terms(self) -> list[str]:
        terms = [analysis.normalize(k) for k in self.keywords]
        terms.append(analysis.normalize(self.title)[:100])
        return [t for t in dict.fromkeys(terms) if t]

    def fingerprint(self) -> str:
        """A digest of the content and of the analyser that derives the index words from it, so
        `search_index check` sees stale copies and a rebuild can keep the analyses that are
        still valid (a dictionary change alters every fingerprint)."""
        data = asdict(self)
        data["analyser"] = analysis.analyser_version()
        payload = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:32]
