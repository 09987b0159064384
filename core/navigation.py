"""Personal navigation: the links a signed-in user needs, with the counts that call for action.

Core sits below the apps, so it cannot ask them; each app registers a provider in its
AppConfig.ready() and the header shows what the providers return, in registration order.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    count: int | None = None  # shown as a badge when positive
    count_label: str = ""  # what the count means, for screen readers and the title
    staff: bool = False  # a work queue rather than a member's own page


Provider = Callable[[HttpRequest], list[NavLink]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def links_for(request: HttpRequest) -> list[NavLink]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return []
    links: list[NavLink] = []
    for provider in _providers:
        links.extend(provider(request))
    return links
