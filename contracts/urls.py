from django.urls import path

from contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.index, name="index"),
    path("guide/", views.guide, name="guide"),
    path("new/", views.contract_new, name="new"),
    path("queue/", views.queue, name="queue"),
    path("verify/", views.verify, name="verify"),
    path("stats/", views.stats, name="stats"),
    path("stats/export.<str:fmt>", views.stats_export, name="stats_export"),
    path("stats/report.pdf", views.stats_report, name="stats_report"),
    path("from-inquiry/<int:inquiry_id>/", views.from_inquiry, name="from_inquiry"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:pk>/submit/", views.contract_submit, name="submit"),
    path("<int:pk>/withdraw/", views.contract_withdraw, name="withdraw"),
    path("<int:pk>/act/<str:action>/", views.officer_action, name="act"),
    path("<int:pk>/requests/", views.change_request_create, name="change_request"),
    path(
        "<int:pk>/requests/<int:request_pk>/<str:decision>/",
        views.change_request_decide,
        name="change_request_decide",
    ),
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]
