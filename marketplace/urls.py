from django.urls import path

from marketplace import views

app_name = "marketplace"

# Mounted at /market/ before Wagtail's catch-all; the slugs used here are reserved for pages
# (models.RESERVED_SLUGS), and /market/ itself plus each listing are Wagtail pages.
urlpatterns = [
    path("results/", views.results, name="results"),
    path("demands/", views.demands, name="demands"),
    path("org/<int:pk>/", views.organization, name="organization"),
    path("mine/", views.mine, name="mine"),
    path("new/<str:kind>/", views.listing_create, name="listing_create"),
    path("mine/<int:pk>/edit/", views.listing_edit, name="listing_edit"),
    path("mine/<int:pk>/submit/", views.listing_submit, name="listing_submit"),
    path("mine/<int:pk>/withdraw/", views.listing_withdraw, name="listing_withdraw"),
    path("mine/<int:pk>/subscribe/", views.demand_subscribe, name="demand_subscribe"),
    path("inquiries/", views.inquiries, name="inquiries"),
    path("inquiries/new/<int:pk>/", views.inquiry_create, name="inquiry_create"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry"),
    path("inquiries/<int:pk>/reply/", views.inquiry_reply, name="inquiry_reply"),
    path("inquiries/<int:pk>/status/", views.inquiry_transition, name="inquiry_transition"),
    path("notices/", views.notices, name="notices"),
    path("stats/", views.stats, name="stats"),
    path("stats/flagged/", views.flagged, name="flagged"),
]
