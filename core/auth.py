from axes.backends import AxesStandaloneBackend
from ninja.security import django_auth
from wagtail.api.v3.auth import BearerTokenAuth

# Scripts send `Authorization: Bearer <token>` (Wagtail's hashed personal API tokens);
# the browser uses its session, with CSRF on unsafe methods.
api_auth = [BearerTokenAuth(), django_auth]


class LockoutBackend(AxesStandaloneBackend):
    """django-axes lockout check for every login that comes with a request.

    axes refuses `authenticate()` without a request; only the login views are reachable over
    HTTP and they always pass one, so calls without a request (shell, test client) are left to
    the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
