"""What the home page shows from each app: live figures and the latest entries.

Core sits below the apps; each answers the HOME_CONTENT_HOOK in its wagtail_hooks.py (as for
the header's links) and the home page lays out what they return, by the hooks' order.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from wagtail import hooks


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
# Registered with an order (wagtail.hooks.register(HOME_CONTENT_HOOK, fn, order=N)): lower first.
HOME_CONTENT_HOOK = "home_page_content"


def home_content(request: HttpRequest) -> HomeContent:
    content = HomeContent()
    provider: Provider
    for provider in hooks.get_hooks(HOME_CONTENT_HOOK):
        part = provider(request)
        content.figures.extend(part.figures)
        content.lists.extend(part.lists)
    return content
