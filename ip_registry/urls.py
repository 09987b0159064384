from django.urls import path

from ip_registry import views

app_name = "ip_registry"

urlpatterns = [
    path("", views.index, name="index"),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="enterprise_detail"),
    path("patents/<str:number>/", views.patent_detail, name="patent_detail"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/<slug:table>.<str:fmt>", views.dashboard_export, name="export"),
    path("dashboard/report-<int:year>.pdf", views.report_pdf, name="report_pdf"),
    path("charts/coverage.svg", views.coverage_chart_svg, name="coverage_chart"),
]
