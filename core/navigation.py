"""Personal navigation: the links a signed-in user needs, with the counts that call for action.

Core sits below the apps, so it cannot ask them; each app answers the NAV_LINKS_HOOK in its
wagtail_hooks.py and the header shows what the providers return, in the apps' order.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from wagtail import hooks


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    count: int | None = None  # shown as a badge when positive
    count_label: str = ""  # what the count means, for screen readers and the title
    staff: bool = False  # a work queue rather than a member's own page


Provider = Callable[[HttpRequest], list[NavLink]]
NAV_LINKS_HOOK = "site_navigation_links"


def links_for(request: HttpRequest) -> list[NavLink]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return []
    links: list[NavLink] = []
    provider: Provider
    for provider in hooks.get_hooks(NAV_LINKS_HOOK):
        links.extend(provider(request))
    return links
