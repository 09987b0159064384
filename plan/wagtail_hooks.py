"""Admin wiring (snippets for the plan's editable data, menu entries) and the hooks through which
the IP registry shows the plan's targets and indicators without importing this app."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from plan.access import is_plan_office
from plan.models import Department, Indicator, RDRequirement, Target
from plan.selectors import indicator_rows, indicators_all, target_for

# The register's KPIs and designation types → the plan's indicator codes.
REGISTER_CODES = {
    "patent_coverage": "patent_coverage",
    "invention_applications": "invention_applications",
    "little_giant": "little_giant_total",
    "high_tech": "high_tech",
    "leader": "leader",
}


@hooks.register("ip_registry_plan_target")
def register_target(*, code: str, year: int):
    indicator = indicators_all().filter(code=REGISTER_CODES.get(code, code)).first()
    if indicator is None:
        return None
    target = target_for(indicator=indicator, year=year)
    return target.value if target else None


@hooks.register("ip_registry_plan_indicators")
def register_dashboard_rows(*, year: int) -> list[dict]:
    plan_url = reverse("plan:index") + f"?year={year}"
    return [
        {
            "code": row.indicator.code,
            "name": row.indicator.name,
            "unit": row.indicator.unit,
            "target": float(row.target.value) if row.target else None,
            "actual": float(row.actual.value) if row.actual.value is not None else None,
            "status": row.status,
            "status_label": row.status_label,
            "source_label": row.indicator.get_source_display(),
            "url": reverse("plan:indicator_detail", kwargs={"code": row.indicator.code}),
            "plan_url": plan_url,
        }
        for row in indicator_rows(year=year)
    ]


class OfficeMenuItem(MenuItem):
    def is_shown(self, request):
        return is_plan_office(request.user)


@hooks.register("register_admin_menu_item")
def register_plan_menu_item():
    return OfficeMenuItem(
        gettext("规划监测"), reverse("plan:dashboard"), icon_name="view", order=320
    )


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("牵头单位与填报人员")
    list_display = ["name", "code"]
    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("members"),
        FieldPanel("sort_order"),
    ]


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "pick"
    list_display = ["name", "code", "task", "lead_department", "source", "unit"]
    list_filter = ["source", "lead_department", "district_assessed"]
    search_fields = ["name", "code"]


class TargetViewSet(SnippetViewSet):
    model = Target
    icon = "date"
    list_display = ["indicator", "year", "district", "value"]
    list_filter = ["year", "indicator", "district"]


class RDRequirementViewSet(SnippetViewSet):
    model = RDRequirement
    icon = "tick-inverse"
    list_display = ["year", "designation_codes", "min_share", "note"]


class PlanGroup(SnippetViewSetGroup):
    menu_label = _("规划监测数据")
    menu_icon = "folder-open-inverse"
    menu_order = 330
    items = (IndicatorViewSet, TargetViewSet, DepartmentViewSet, RDRequirementViewSet)


register_snippet(PlanGroup)
