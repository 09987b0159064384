"""The IP officer's link in the header."""

from django.http import HttpRequest
from django.urls import reverse

from core.navigation import NavLink
from ip_registry.access import is_ip_officer


def registry_links(request: HttpRequest) -> list[NavLink]:
    if not is_ip_officer(request.user):
        return []
    return [NavLink("知识产权工作台", reverse("ip_registry:dashboard"), staff=True)]
