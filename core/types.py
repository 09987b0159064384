"""Types the apps' services and selectors share."""

from django.contrib.auth.models import AnonymousUser, User

# Who acts: request.user (signed in or anonymous), or None for the system (imports, commands).
AnyUser = User | AnonymousUser
Actor = User | AnonymousUser | None
