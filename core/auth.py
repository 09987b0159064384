from ninja.security import django_auth
from wagtail.api.v3.auth import BearerTokenAuth

# Scripts send `Authorization: Bearer <token>` (Wagtail's hashed personal API tokens);
# the browser uses its session, with CSRF on unsafe methods.
api_auth = [BearerTokenAuth(), django_auth]
