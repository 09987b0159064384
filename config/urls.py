from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as accounts_views
from config.api import api
from core import views as core_views

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Every password login goes through allauth, so staff cannot skip their second factor.
    path("admin/login/", accounts_views.admin_login),
    path("django-admin/login/", accounts_views.admin_login),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    re_path(r"^api/", core_views.api_not_found),
    # The language switch, which also keeps a logged-in person's choice (accounts).
    path("i18n/setlang/", accounts_views.language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # django-allauth (sign-up, login, e-mail, password, two-factor) under /accounts/; the site's
    # older names login/logout/password_change point at allauth's views.
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path("accounts/password/change/", allauth_views.password_change, name="password_change"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", accounts_views.account, name="account"),
    path("accounts/", include("accounts.urls")),
    path("stats/", include("core.stats")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("registry/", include("ip_registry.urls"))]
urlpatterns += [path("market/", include("marketplace.urls"))]
urlpatterns += [path("contracts/", include("contracts.urls"))]
urlpatterns += [path("search/", include("search.urls"))]
urlpatterns += [path("plan/", include("plan.urls"))]
urlpatterns += [path("", include(wagtail_urls))]
