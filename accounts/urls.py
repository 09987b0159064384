from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("organizations/apply/", views.organization_apply, name="organization_apply"),
    path("organizations/join/", views.organization_join, name="organization_join"),
    path("organizations/acting/", views.acting_organization_choose, name="acting"),
    path(
        "organizations/<int:pk>/members/", views.organization_members, name="organization_members"
    ),
    path("organizations/<int:pk>/invitations/", views.invitation_create, name="invitation_create"),
    path("organizations/<int:pk>/licence/", views.licence, name="licence"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:key>/", views.invitation, name="invitation"),
    path("join-requests/<int:pk>/", views.join_request_decide, name="join_request_decide"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("members/<int:pk>/role/", views.member_role, name="member_role"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review_decide, name="review_decide"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("data/", views.personal_data, name="personal_data"),
    path("close/", views.close_account, name="close"),
]
