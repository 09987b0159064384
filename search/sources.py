"""Registry of searchable sources: the one place search reads the other apps.

A source answers two questions without N+1 queries: which objects are searchable now
(`iter_documents`), and what the documents of given ids are (`documents_for`; an id missing
from the answer is no longer searchable and leaves the index). It also says which changes
alter its documents (its model, child rows naming its objects, other sources' objects it
quotes), so search.signals watches exactly what the registry lists and nothing else.
"""

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Model, QuerySet
from django.dispatch import Signal
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from ip_registry.selectors import patents_status_on
from ip_registry.signals import registry_bulk_changed
from marketplace.selectors import listings_live
from search.documents import SearchDocument

CHUNK = 500


def _aware(d: date | datetime | None) -> datetime | None:
    if d is None:
        return None
    if isinstance(d, datetime):
        return d
    return timezone.make_aware(datetime.combine(d, time.min))


def model_for(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _chunks(ids: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _stream_text(value: object) -> str:
    """Plain text of a StreamField's raw data (paragraph HTML and nested strings)."""
    parts: list[str] = []

    def walk(v: object) -> None:
        if isinstance(v, str):
            parts.append(strip_tags(v))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x)

    raw: Any = getattr(value, "raw_data", value)  # StreamField data: JSON-like blocks
    for block in raw or []:
        if isinstance(block, dict) and block.get("type") in ("image", "document"):
            continue
        walk(block.get("value") if isinstance(block, dict) else block)
    return "\n".join(p.strip() for p in parts if p and p.strip())


class Source:
    kind = ""
    label: str | Promise = ""
    model_label = ""
    # Wagtail pages: only publishing makes them searchable (a draft save changes nothing the
    # public sees); other models count from their save.
    is_page = False
    # Child rows whose change alters this source's documents: (model label, attribute naming
    # this source's object id).
    children: tuple[tuple[str, str], ...] = ()
    # Signals other apps send for writes that bypass post_save (bulk imports): the sender is
    # the model class, `ids` its primary keys.
    bulk_signals: tuple[Signal, ...] = ()

    @property
    def model(self) -> type[Model] | None:
        return model_for(self.model_label)

    @property
    def available(self) -> bool:
        return self.model is not None

    def all_objects(self) -> QuerySet[Any]:
        """Every row of the source model (LookupError when its app is not installed)."""
        model = self.model
        if model is None:
            raise LookupError(self.model_label)
        return model._default_manager.all()

    def queryset(self) -> QuerySet:
        """Everything of this kind that should be searchable, with its relations loaded."""
        raise NotImplementedError

    def to_documents(self, objects: list) -> list[SearchDocument]:
        raise NotImplementedError

    def ids_quoting(self, kind: str, ids: list[int | str]) -> list[int | str]:
        """Ids of this source's objects whose documents quote the given objects of another
        source (a patent names its holders): they are re-indexed when those change."""
        return []

    def documents_for(self, ids: Iterable[int | str]) -> dict[str, SearchDocument]:
        if not self.available:
            return {}
        out = {}
        for chunk in _chunks([str(i) for i in ids]):
            objects = list(self.queryset().filter(pk__in=chunk))
            out.update({doc.id: doc for doc in self.documents(objects)})
        return out

    def wording_in(self, language: str, ids: list[str]) -> dict[str, tuple[str, str]]:
        """(title, summary) the owners wrote in `language` for these objects, where they did;
        the index holds the Chinese wording only."""
        return {}

    def documents(self, objects: list) -> list[SearchDocument]:
        """Documents hold facet values and stored summaries (法律状态 有效, 持有人类型 企业):
        built in the site's language, whatever language the request that saved them uses."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.to_documents(objects)

    def count(self) -> int:
        return self.queryset().count() if self.available else 0

    def iter_documents(self) -> Iterator[SearchDocument]:
        if not self.available:
            return
        ids = list(self.queryset().order_by("pk").values_list("pk", flat=True))
        for chunk in _chunks(ids):
            objects = list(self.queryset().filter(pk__in=chunk).order_by("pk"))
            yield from self.documents(objects)


class ListingSource(Source):
    label = _("挂牌")

    is_page = True

    def queryset(self) -> QuerySet:
        live_ids = listings_live(kind=self.kind).values("pk")
        return (
            self.all_objects()
            .filter(pk__in=live_ids)
            .select_related("industry", "district", "holder_type", "organization")
            .prefetch_related("modes")
        )

    def extra_text(self, page: Model) -> list[str]:
        return []

    def wording_in(self, language: str, ids: list[str]) -> dict[str, tuple[str, str]]:
        model = self.model
        if model is None or not (language.startswith("en") and ids):
            return {}
        rows = model._default_manager.filter(pk__in=ids).exclude(title_en="")
        return {
            str(pk): (title, summary)
            for pk, title, summary in rows.values_list("pk", "title_en", "summary_en")
        }

    def to_documents(self, pages: list) -> list[SearchDocument]:
        docs = []
        # Wagtail caches the sites' root paths on each page object, so every fresh page would
        # read them from the cache again (a query each with the database cache): one read
        # serves the batch.
        root_paths = Site.get_site_root_paths()
        for page in pages:
            page._wagtail_cached_site_root_paths = root_paths
            body = "\n".join(
                t
                for t in [
                    page.title_en,  # English wording: found by English queries
                    page.summary_en,
                    page.problem,
                    _stream_text(page.body),
                    *self.extra_text(page),
                ]
                if t
            )
            docs.append(
                SearchDocument(
                    kind=self.kind,
                    id=str(page.pk),
                    external_id=page.external_id or "",
                    title=page.title,
                    summary=page.summary or "",
                    body=body,
                    url=page.get_url() or page.url_path,
                    keywords=page.keyword_list,
                    industry=page.industry.name if page.industry_id else "",
                    trl=page.trl,
                    modes=[m.name for m in page.modes.all()],
                    price_wan=page.price_wan,
                    district=page.district.name if page.district_id else "",
                    holder_type=page.holder_type.name if page.holder_type_id else "",
                    published_at=page.first_published_at or page.last_published_at,
                )
            )
        return docs


class TechnologySource(ListingSource):
    kind = "technology"
    label = _("科技成果")
    model_label = "marketplace.TechnologyResultPage"

    def extra_text(self, page: Model) -> list[str]:
        return [getattr(page, "advantages", ""), getattr(page, "applications", "")]


class DemandSource(ListingSource):
    kind = "demand"
    label = _("技术需求")
    model_label = "marketplace.TechnologyDemandPage"

    def extra_text(self, page: Model) -> list[str]:
        return [getattr(page, "indicators", "")]


class PatentSource(Source):
    kind = "patent"
    label = _("专利")
    model_label = "ip_registry.Patent"
    # A patent's document names its holders and legal status, which live in child rows.
    children = (
        ("ip_registry.Holding", "patent_id"),
        ("ip_registry.StatusPeriod", "patent_id"),
        ("ip_registry.LegalStatusEvent", "patent_id"),
    )
    bulk_signals = (registry_bulk_changed,)

    def queryset(self) -> QuerySet:
        return self.all_objects()

    def ids_quoting(self, kind: str, ids: list[int | str]) -> list[int | str]:
        """The patents an enterprise holds: their documents name it as the register names it
        now, so a rename re-indexes them."""
        holding = model_for("ip_registry.Holding")
        if kind != "enterprise" or holding is None:
            return []
        out: list[int | str] = []
        for start in range(0, len(ids), 5000):
            out += (
                holding._default_manager.filter(enterprise_id__in=ids[start : start + 5000])
                .values_list("patent_id", flat=True)
                .distinct()
            )
        return list(dict.fromkeys(out))

    def to_documents(self, patents: list) -> list[SearchDocument]:
        snapshots = patents_status_on(numbers=[p.application_number for p in patents])
        docs = []
        for p in patents:
            snap = snapshots.get(p.application_number)
            holders = [h.name for h in snap.holders] if snap else []
            status = snap.status_words if snap else ""
            summary = f"申请号 {p.application_number}"
            if holders:
                summary += f"，权利人：{'、'.join(holders)}"
            if status:
                summary += f"，法律状态：{status}"
            docs.append(
                SearchDocument(
                    kind=self.kind,
                    id=str(p.pk),
                    external_id=p.application_number,
                    title=p.title,
                    summary=summary,
                    body="\n".join(x for x in [p.ipc, *holders] if x),
                    url=p.get_absolute_url(),
                    keywords=[*holders, *(p.ipc.replace(";", " ").split() if p.ipc else [])],
                    patent_type=p.patent_type_label,
                    patent_status=status,
                    published_at=_aware(p.filing_date),
                )
            )
        return docs


def _registrant_document(
    kind: str,
    entity: Any,
    *,
    holder_type: str,
    summary: str,
    body: str,
    url: str,
    keywords: list[str] | None = None,
) -> SearchDocument:
    """An enterprise or organisation: its USCC and name, placed by industry and district."""
    return SearchDocument(
        kind=kind,
        id=str(entity.pk),
        external_id=entity.uscc,
        title=entity.name,
        summary=summary,
        body=body,
        url=url,
        keywords=keywords or [],
        industry=entity.industry.name if entity.industry_id else "",
        district=entity.district.name if entity.district_id else "",
        holder_type=holder_type,
        published_at=entity.created_at,
    )


class EnterpriseSource(Source):
    kind = "enterprise"
    label = _("企业")
    model_label = "ip_registry.Enterprise"
    bulk_signals = (registry_bulk_changed,)

    def queryset(self) -> QuerySet:
        return self.all_objects().select_related("district", "industry")

    def to_documents(self, enterprises: list) -> list[SearchDocument]:
        return [
            _registrant_document(
                self.kind,
                e,
                holder_type=e.get_org_type_display(),
                summary=f"统一社会信用代码 {e.uscc}",
                body="\n".join(e.former_names or []),
                url=e.get_absolute_url(),
                keywords=list(e.former_names or []),
            )
            for e in enterprises
        ]


class OrganizationSource(Source):
    kind = "organization"
    label = _("机构")
    model_label = "core.Organization"

    def queryset(self) -> QuerySet:
        return self.all_objects().select_related("district", "industry")

    def url(self, org: Model) -> str:
        try:
            return reverse("marketplace:organization", kwargs={"pk": org.pk})
        except NoReverseMatch:
            return ""

    def to_documents(self, orgs: list) -> list[SearchDocument]:
        return [
            _registrant_document(
                self.kind,
                o,
                holder_type=o.get_kind_display(),
                summary=(o.description or "")[:300],
                body=o.description or "",
                url=self.url(o),
            )
            for o in orgs
        ]


SOURCES: dict[str, Source] = {
    s.kind: s
    for s in (
        TechnologySource(),
        DemandSource(),
        PatentSource(),
        EnterpriseSource(),
        OrganizationSource(),
    )
}


def available_sources() -> list[Source]:
    return [s for s in SOURCES.values() if s.available]


def source_for_model(model: type[Model]) -> Source | None:
    """The source whose model this is (a subclass's instance counts as its parent's)."""
    label = model._meta.label
    return next((s for s in SOURCES.values() if s.model_label == label), None)


def iter_all_documents() -> Iterator[SearchDocument]:
    for source in available_sources():
        yield from source.iter_documents()


def count_all() -> int:
    return sum(s.count() for s in available_sources())
