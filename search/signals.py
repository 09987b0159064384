"""Record every change to something searchable in the outbox, inside the writer's transaction.

Other apps need not call search: this module walks the source registry (search.sources) and
watches what each source declares: its model (pages by publishing, other models by saving),
the child rows its documents quote, other sources' objects its documents name, and the signals
bulk imports send instead of post_save (those become outbox rows in bulk, in the import's
transaction).
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from wagtail.signals import page_published, page_unpublished

from search import synonyms
from search.models import SearchOutbox, Synonym
from search.services import search_outbox_record, search_outbox_record_many
from search.sources import SOURCES, Source, model_for, source_for_model

Receiver = Callable[..., None]


def _record_quoting(kind: str, ids: Iterable[int | str]) -> None:
    """Re-index the documents of other sources that quote these objects."""
    id_list = list(ids)
    for source in SOURCES.values():
        if source.available and source.kind != kind:
            quoting = source.ids_quoting(kind, id_list)
            if quoting:
                search_outbox_record_many(kind=source.kind, object_ids=quoting)


def _changed(source: Source, object_id: int | str, op: str) -> None:
    search_outbox_record(kind=source.kind, object_id=object_id, op=op)
    _record_quoting(source.kind, [object_id])


def _on_page_published(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    source = source_for_model(type(instance))
    if source is not None and source.is_page:
        _changed(source, instance.pk, SearchOutbox.Op.UPSERT)


def _on_page_unpublished(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    source = source_for_model(type(instance))
    if source is not None and source.is_page:
        _changed(source, instance.pk, SearchOutbox.Op.DELETE)


def _saved(source: Source) -> Receiver:
    def receiver(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
        if not raw:
            _changed(source, instance.pk, SearchOutbox.Op.UPSERT)

    return receiver


def _deleted(source: Source) -> Receiver:
    def receiver(sender: type[Model], instance: Model, **kwargs: Any) -> None:
        _changed(source, instance.pk, SearchOutbox.Op.DELETE)

    return receiver


def _child_changed(source: Source, attribute: str) -> Receiver:
    def receiver(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
        object_id = getattr(instance, attribute, None)
        if not raw and object_id:
            search_outbox_record(kind=source.kind, object_id=object_id, op=SearchOutbox.Op.UPSERT)

    return receiver


def on_bulk_changed(
    sender: type[Model], signal: Signal, ids: Iterable[int | str] = (), **kwargs: Any
) -> None:
    """A bulk import wrote these objects of `sender` (no post_save was sent)."""
    source = source_for_model(sender)
    id_list = list(ids)
    if source is None or signal not in source.bulk_signals or not id_list:
        return
    search_outbox_record_many(kind=source.kind, object_ids=id_list, op=SearchOutbox.Op.UPSERT)
    _record_quoting(source.kind, id_list)


def _synonyms_changed(sender: type[Model], **kwargs: Any) -> None:
    synonyms.invalidate()


def connect() -> None:
    page_published.connect(_on_page_published, dispatch_uid="search_page_published")
    page_unpublished.connect(_on_page_unpublished, dispatch_uid="search_page_unpublished")
    bulk_signals: set[Signal] = set()
    for source in SOURCES.values():
        model = source.model
        if model is None:
            continue
        uid = f"search_{source.kind}"
        if not source.is_page:
            post_save.connect(_saved(source), sender=model, weak=False, dispatch_uid=f"{uid}_save")
        post_delete.connect(_deleted(source), sender=model, weak=False, dispatch_uid=f"{uid}_del")
        for label, attribute in source.children:
            child = model_for(label)
            if child is None:
                continue
            receiver = _child_changed(source, attribute)
            post_save.connect(receiver, sender=child, weak=False, dispatch_uid=f"{uid}_{label}_s")
            post_delete.connect(receiver, sender=child, weak=False, dispatch_uid=f"{uid}_{label}_d")
        bulk_signals.update(source.bulk_signals)
    for signal in bulk_signals:
        signal.connect(on_bulk_changed, dispatch_uid="search_bulk_changed")
    post_save.connect(_synonyms_changed, sender=Synonym, dispatch_uid="search_synonym_saved")
    post_delete.connect(_synonyms_changed, sender=Synonym, dispatch_uid="search_synonym_deleted")
