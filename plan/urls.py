from django.urls import path

from plan import views

app_name = "plan"

urlpatterns = [
    path("", views.index, name="index"),
    path("indicators/<slug:code>/", views.indicator_detail, name="indicator_detail"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("districts/", views.scoreboard, name="scoreboard"),
    path("reports/", views.reports, name="reports"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "reports/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "reports/<int:pk>/evidence/<int:evidence_pk>/delete/",
        views.evidence_delete,
        name="evidence_delete",
    ),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/generate/", views.bulletin_generate, name="bulletin_generate"),
    path("bulletins/<int:pk>/publish/", views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>.pdf", views.bulletin_pdf, name="bulletin_pdf"),
]
