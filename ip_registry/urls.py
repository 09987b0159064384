from django.urls import include, path

from ip_registry import views

app_name = "ip_registry"

# The IP office's dashboard and what it exports, under dashboard/.
dashboard_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:table>.<str:fmt>", views.dashboard_export, name="export"),
    path("report-<int:year>.pdf", views.report_pdf, name="report_pdf"),
]

urlpatterns = [
    path("", views.index, name="index"),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="enterprise_detail"),
    path("patents/<str:number>/", views.patent_detail, name="patent_detail"),
    path("dashboard/", include(dashboard_patterns)),
    path("charts/coverage.svg", views.coverage_chart_svg, name="coverage_chart"),
]
