from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.admin_menu import admin_menu_item_register
from core.home import HOME_CONTENT_HOOK
from core.navigation import NAV_LINKS_HOOK
from core.vocabularies import VocabularySource
from ip_registry.access import is_ip_officer
from ip_registry.forms import EnterpriseAdminForm, RegistryImportForm
from ip_registry.imports import (
    IMPORTERS,
    ImportFileError,
    registry_columns_unknown,
    registry_import,
)
from ip_registry.models import (
    ColumnProfile,
    DesignationType,
    Enterprise,
    Patent,
    RDExpenditure,
    RDInstitution,
)
from ip_registry.navigation import registry_home, registry_links
from ip_registry.services import column_profile_save, status_periods_rebuild

hooks.register(NAV_LINKS_HOOK, registry_links)
hooks.register(HOME_CONTENT_HOOK, registry_home, order=30)


def import_view(request):
    """Officers upload the same files as the import commands and get the same report.

    Headers the importer does not know are listed with the fields they could be; the officer
    maps them, optionally saves the mapping as a named profile, and uploads again.
    """
    if not is_ip_officer(request.user):
        raise PermissionDenied(_("仅知识产权专员可以导入登记数据"))
    report = file_error = None
    unknown: list = []
    kind = "patents"
    if request.method == "POST":
        form = RegistryImportForm(request.POST, request.FILES)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            upload = form.cleaned_data["file"]
            data = upload.read()
            profile = form.cleaned_data["profile"]
            mapping = {**(profile.mapping if profile else {}), **form.column_mapping()}
            if form.column_mapping() and form.cleaned_data["save_profile_as"]:
                column_profile_save(
                    user=request.user,
                    kind=kind,
                    name=form.cleaned_data["save_profile_as"],
                    mapping=form.column_mapping(),
                )
            try:
                unknown = registry_columns_unknown(
                    kind=kind, data=data, filename=upload.name, profile=mapping
                )
                report = registry_import(
                    kind=kind,
                    data=data,
                    filename=upload.name,
                    dry_run=form.cleaned_data["dry_run"],
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    profile=mapping,
                    status_date=form.cleaned_data["status_date"],
                )
            except ImportFileError as exc:
                file_error = str(exc)
    else:
        form = RegistryImportForm()
    status = 400 if (file_error or (report and report.errors and not report.committed)) else 200
    labels = {c.key: f"{c.label}（{c.key}）" for c in IMPORTERS[kind].columns}
    return render(
        request,
        "ip_registry/admin/import.html",
        {
            "form": form,
            "report": report,
            "file_error": file_error,
            "unknown_columns": [
                {"title": u.title, "suggestions": [labels[k] for k in u.suggestions]}
                for u in unknown
            ],
            "field_choices": list(labels.items()),
            "page_title": _("导入知识产权登记数据"),
            "header_icon": "upload",
            "dashboard_url": reverse("ip_registry:dashboard"),
        },
        status=status,
    )


@hooks.register("register_vocabulary")
def register_designation_types() -> VocabularySource:
    """Designation types resolve through core's shared lookup like every other vocabulary."""
    return VocabularySource(
        "designation_type", _("认定类型"), DesignationType.objects.all, _("知识产权登记 › 认定类型")
    )


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("registry/import/", import_view, name="ip_registry_import")]


admin_menu_item_register(
    gettext_lazy("知识产权导入"),
    "ip_registry_import",
    icon_name="upload",
    order=310,
    shown_to=is_ip_officer,
)


class EnterpriseViewSet(SnippetViewSet):
    model = Enterprise
    icon = "site"
    list_display = ["name", "uscc", "district", "industry"]
    list_filter = ["district", "industry", "org_type"]
    search_fields = ["name", "uscc"]
    edit_handler = ObjectList(
        [
            FieldPanel("uscc"),
            FieldPanel("name"),
            FieldPanel("former_names"),
            FieldPanel("org_type"),
            FieldPanel("district"),
            FieldPanel("industry"),
            FieldPanel("designations"),
        ],
        base_form_class=EnterpriseAdminForm,
    )


class PatentViewSet(SnippetViewSet):
    model = Patent
    icon = "doc-full"
    list_display = ["application_number", "title", "patent_type", "filing_date", "grant_date"]
    list_filter = ["patent_type"]
    search_fields = ["application_number", "title"]


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def rebuild_edited_patent_periods(request, instance):
    """The admin's patent form saves the row itself; the periods follow the edited dates."""
    if isinstance(instance, Patent):
        status_periods_rebuild(patent_ids=[instance.pk])


class DesignationTypeViewSet(SnippetViewSet):
    model = DesignationType
    icon = "tag"
    list_display = ["name", "code", "aliases", "is_coverage_base"]
    search_fields = ["name", "code", "name_en", "aliases"]


class ColumnProfileViewSet(SnippetViewSet):
    model = ColumnProfile
    icon = "table"
    list_display = ["name", "kind", "updated_at"]
    list_filter = ["kind"]


class RDInstitutionViewSet(SnippetViewSet):
    model = RDInstitution
    icon = "cogs"
    list_display = ["name", "enterprise", "kind", "level", "year", "until_year"]
    list_filter = ["kind", "level", "year"]
    search_fields = ["name"]


class RDExpenditureViewSet(SnippetViewSet):
    model = RDExpenditure
    icon = "table"
    list_display = ["enterprise", "year", "rd_expense", "revenue"]
    list_filter = ["year"]


class RegistryGroup(SnippetViewSetGroup):
    menu_label = gettext_lazy("知识产权登记")
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (
        EnterpriseViewSet,
        PatentViewSet,
        DesignationTypeViewSet,
        ColumnProfileViewSet,
        RDInstitutionViewSet,
        RDExpenditureViewSet,
    )


register_snippet(RegistryGroup)
