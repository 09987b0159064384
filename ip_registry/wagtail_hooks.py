from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ip_registry.access import is_ip_officer
from ip_registry.forms import EnterpriseAdminForm, RegistryImportForm
from ip_registry.imports import ImportFileError, registry_import
from ip_registry.models import DesignationType, Enterprise, IndicatorYear, Patent
from ip_registry.services import status_periods_rebuild


def import_view(request):
    """Officers upload the same files as the import commands and get the same report."""
    if not is_ip_officer(request.user):
        raise PermissionDenied("仅知识产权专员可以导入登记数据")
    report = file_error = None
    if request.method == "POST":
        form = RegistryImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = registry_import(
                    kind=form.cleaned_data["kind"],
                    data=upload.read(),
                    filename=upload.name,
                    dry_run=form.cleaned_data["dry_run"],
                    skip_invalid=form.cleaned_data["skip_invalid"],
                )
            except ImportFileError as exc:
                file_error = str(exc)
    else:
        form = RegistryImportForm()
    status = 400 if (file_error or (report and report.errors and not report.committed)) else 200
    return render(
        request,
        "ip_registry/admin/import.html",
        {
            "form": form,
            "report": report,
            "file_error": file_error,
            "page_title": "导入知识产权登记数据",
            "header_icon": "upload",
            "dashboard_url": reverse("ip_registry:dashboard"),
        },
        status=status,
    )


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("registry/import/", import_view, name="ip_registry_import")]


class OfficerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_ip_officer(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return OfficerMenuItem(
        "知识产权导入", reverse("ip_registry_import"), icon_name="upload", order=310
    )


class EnterpriseViewSet(SnippetViewSet):
    model = Enterprise
    icon = "site"
    menu_label = "企业"
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
    menu_label = "专利"
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
    menu_label = "认定类型"
    list_display = ["name", "code", "is_coverage_base"]


class IndicatorYearViewSet(SnippetViewSet):
    model = IndicatorYear
    icon = "pick"
    menu_label = "规划指标（目标与填报）"
    list_display = ["indicator", "year", "target", "actual"]
    list_filter = ["year"]


class RegistryGroup(SnippetViewSetGroup):
    menu_label = "知识产权登记"
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (EnterpriseViewSet, PatentViewSet, DesignationTypeViewSet, IndicatorYearViewSet)


register_snippet(RegistryGroup)
