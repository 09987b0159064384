"""What the home page shows from each app: live figures and the latest entries.

Core sits below the apps; each registers a provider in its AppConfig.ready() (as for the
header's links) and the home page lays out what they return, in registration order.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    unit: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Entry:
    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class EntryList:
    title: str
    entries: list[Entry]
    more_url: str = ""


@dataclass
class HomeContent:
    figures: list[Figure] = field(default_factory=list)
    lists: list[EntryList] = field(default_factory=list)


Provider = Callable[[HttpRequest], HomeContent]
_providers: dict[Provider, int] = {}


def register(provider: Provider, *, order: int = 100) -> Provider:
    """Add a provider; lower `order` comes first on the page."""
    _providers[provider] = order
    return provider


def home_content(request: HttpRequest) -> HomeContent:
    content = HomeContent()
    for provider in sorted(_providers, key=_providers.get):
        part = provider(request)
        content.figures.extend(part.figures)
        content.lists.extend(part.lists)
    return content
