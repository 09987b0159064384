"""Vocabularies in the admin: IP officers and administrators edit names, codes and aliases.

Every create, edit and delete of a vocabulary value is written to the project's AuditEntry, with
the fields that changed, because imports resolve through these values.
"""

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.models import District, Industry, VocabularyEntryMixin, VocabularyTerm
from core.services import audit_record

BEFORE = "_vocabulary_before"  # the values as stored, kept on the request during an edit
AUDITED_FIELDS = ("name", "code", "division_code", "name_en", "aliases", "vocabulary")


def _snapshot(instance: Model) -> dict[str, str]:
    return {f: str(getattr(instance, f)) for f in AUDITED_FIELDS if hasattr(instance, f)}


def _audited(instance: Model) -> bool:
    return isinstance(instance, VocabularyEntryMixin)


def _action(instance: Model, verb: str) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}.{verb}"


@hooks.register("before_edit_snippet")
def remember_vocabulary_values(request: HttpRequest, instance: Model) -> None:
    if _audited(instance):
        stored = type(instance)._default_manager.get(pk=instance.pk)
        setattr(request, BEFORE, _snapshot(stored))


@hooks.register("after_create_snippet")
def audit_vocabulary_create(request: HttpRequest, instance: Model) -> None:
    if _audited(instance):
        after = _snapshot(instance)
        audit_record(
            actor=request.user,
            action=_action(instance, "create"),
            obj=instance,
            changes={k: [None, v] for k, v in after.items()},
        )


@hooks.register("after_edit_snippet")
def audit_vocabulary_edit(request: HttpRequest, instance: Model) -> None:
    if _audited(instance):
        before = getattr(request, BEFORE, {})
        after = _snapshot(instance)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if changes:
            audit_record(
                actor=request.user,
                action=_action(instance, "update"),
                obj=instance,
                changes=changes,
            )


@hooks.register("after_delete_snippet")
def audit_vocabulary_delete(request: HttpRequest, instances: list[Model]) -> None:
    for instance in instances:
        if _audited(instance):
            audit_record(
                actor=request.user,
                action=_action(instance, "delete"),
                obj=instance,
                changes={k: [v, None] for k, v in _snapshot(instance).items()},
            )


class DistrictViewSet(SnippetViewSet):
    model = District
    icon = "site"
    list_display = ["name", "division_code", "name_en", "aliases"]
    search_fields = ["name", "name_en", "aliases"]


class IndustryViewSet(SnippetViewSet):
    model = Industry
    icon = "tag"
    list_display = ["name", "code", "name_en", "aliases", "is_priority"]
    search_fields = ["name", "code", "name_en", "aliases"]


class VocabularyTermViewSet(SnippetViewSet):
    model = VocabularyTerm
    icon = "list-ul"
    list_display = ["name", "vocabulary", "code", "aliases"]
    list_filter = ["vocabulary"]
    search_fields = ["name", "code", "name_en", "aliases"]


class VocabularyGroup(SnippetViewSetGroup):
    menu_label = _("词表")
    menu_icon = "list-ul"
    menu_order = 320
    items = (DistrictViewSet, IndustryViewSet, VocabularyTermViewSet)


register_snippet(VocabularyGroup)
