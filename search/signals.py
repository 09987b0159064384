"""Record every change to something searchable in the outbox, inside the writer's transaction.

Other apps need not call search: listing pages (publish, unpublish, delete), registry patents
and enterprises, and core organisations are watched here. A patent's holders and legal status
live in child rows, so changes to those re-index the patent too. The registry's bulk imports
write without post_save and announce their chunks with `registry_bulk_changed` instead; those
become outbox rows in bulk, in the import's transaction.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from ip_registry.signals import registry_bulk_changed
from search.models import SearchOutbox, Synonym

_LISTING_MODELS = {
    "marketplace.TechnologyResultPage": "technology",
    "marketplace.TechnologyDemandPage": "demand",
}
_PLAIN_MODELS = {
    "ip_registry.Patent": "patent",
    "ip_registry.Enterprise": "enterprise",
    "core.Organization": "organization",
}
# Child rows whose change alters a patent's document: model → attribute naming the patent id.
_PATENT_CHILDREN = [
    "ip_registry.Holding",
    "ip_registry.StatusPeriod",
    "ip_registry.LegalStatusEvent",
]


def _record(kind: str, object_id, op: str) -> None:
    from search.services import search_outbox_record

    search_outbox_record(kind=kind, object_id=object_id, op=op)


def on_page_published(sender, instance, **kwargs):
    kind = getattr(instance, "kind", None)
    if kind in ("technology", "demand"):
        _record(kind, instance.pk, SearchOutbox.Op.UPSERT)


def on_page_unpublished(sender, instance, **kwargs):
    kind = getattr(instance, "kind", None)
    if kind in ("technology", "demand"):
        _record(kind, instance.pk, SearchOutbox.Op.DELETE)


def _plain_saved(kind):
    def handler(sender, instance, raw=False, **kwargs):
        if not raw:
            _record(kind, instance.pk, SearchOutbox.Op.UPSERT)

    return handler


def _plain_deleted(kind):
    def handler(sender, instance, **kwargs):
        _record(kind, instance.pk, SearchOutbox.Op.DELETE)

    return handler


def _patent_child_changed(sender, instance, raw=False, **kwargs):
    if not raw and getattr(instance, "patent_id", None):
        _record("patent", instance.patent_id, SearchOutbox.Op.UPSERT)


_BULK_KINDS = {"ip_registry.Patent": "patent", "ip_registry.Enterprise": "enterprise"}


def _record_held_patents(enterprise_ids) -> None:
    """A patent's document names its holders as the register names them now, so an
    enterprise's change (a rename) re-indexes the patents it holds."""
    from search.services import search_outbox_record_many

    holding = _get("ip_registry.Holding")
    if holding is None:
        return
    ids = list(enterprise_ids)
    for start in range(0, len(ids), 5000):
        patents = (
            holding.objects.filter(enterprise_id__in=ids[start : start + 5000])
            .values_list("patent_id", flat=True)
            .distinct()
        )
        search_outbox_record_many(kind="patent", object_ids=list(patents))


def on_registry_bulk_changed(sender, ids=(), **kwargs):
    from search.services import search_outbox_record_many

    kind = _BULK_KINDS.get(sender._meta.label)
    if kind and ids:
        search_outbox_record_many(kind=kind, object_ids=ids, op=SearchOutbox.Op.UPSERT)
        if kind == "enterprise":
            _record_held_patents(ids)


def _enterprise_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _record("enterprise", instance.pk, SearchOutbox.Op.UPSERT)
        _record_held_patents([instance.pk])


def _synonyms_changed(sender, **kwargs):
    from search.synonyms import invalidate

    invalidate()


def _get(label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def connect() -> None:
    page_published.connect(on_page_published, dispatch_uid="search_page_published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="search_page_unpublished")
    for label, kind in _LISTING_MODELS.items():
        model = _get(label)
        if model is not None:
            post_delete.connect(
                _plain_deleted(kind), sender=model, weak=False, dispatch_uid=f"search_del_{label}"
            )
    for label, kind in _PLAIN_MODELS.items():
        model = _get(label)
        if model is None:
            continue
        handler = _enterprise_saved if kind == "enterprise" else _plain_saved(kind)
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"search_save_{label}")
        post_delete.connect(
            _plain_deleted(kind), sender=model, weak=False, dispatch_uid=f"search_del_{label}"
        )
    for label in _PATENT_CHILDREN:
        model = _get(label)
        if model is None:
            continue
        post_save.connect(_patent_child_changed, sender=model, dispatch_uid=f"search_save_{label}")
        post_delete.connect(_patent_child_changed, sender=model, dispatch_uid=f"search_del_{label}")
    registry_bulk_changed.connect(on_registry_bulk_changed, dispatch_uid="search_registry_bulk")
    post_save.connect(_synonyms_changed, sender=Synonym, dispatch_uid="search_synonym_saved")
    post_delete.connect(_synonyms_changed, sender=Synonym, dispatch_uid="search_synonym_deleted")
