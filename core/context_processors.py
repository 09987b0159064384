from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from core.navigation import links_for

# The site's sections in menu order. A section appears once its app provides the URL,
# so the menu never links to a page that does not exist.
SECTIONS = [
    (_("科技成果"), "marketplace:results"),
    (_("技术需求"), "marketplace:demands"),
    (_("专利与企业"), "ip_registry:index"),
    (_("合同登记"), "contracts:index"),
    (_("数据统计"), "stats:index"),
    (_("规划监测"), "plan:index"),
]


# The frame's URLs by URLconf and script prefix, which are all that reverse() reads: worked out
# once instead of seven reverse() calls on every page.
_frame_urls: dict[tuple[str, str], dict[str, str | None]] = {}


def _reverse_or_none(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _urls() -> dict[str, str | None]:
    """The URL of each section and of the search page, None where no app provides it."""
    key = (str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix())
    urls = _frame_urls.get(key)
    if urls is None:
        names = [url_name for _label, url_name in SECTIONS] + ["search:index"]
        urls = _frame_urls[key] = {name: _reverse_or_none(name) for name in names}
    return urls


def _navigation(path: str) -> list[dict]:
    urls = _urls()
    return [
        {"label": label, "url": url, "active": path.startswith(url)}
        for label, url_name in SECTIONS
        if (url := urls[url_name]) is not None
    ]


def site_frame(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_name_en": settings.SITE_NAME_EN,
        "nav_items": _navigation(request.path),
        "site_search_url": _urls()["search:index"],
        "support_email": settings.SITE_SUPPORT_EMAIL,
        # Lazy: the counts cost queries, and only pages with the full header use them.
        "personal_links": SimpleLazyObject(lambda: links_for(request)),
    }
