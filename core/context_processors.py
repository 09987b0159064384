from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from core.navigation import links_for

# The site's sections in menu order. A section appears once its app provides the URL,
# so the menu never links to a page that does not exist.
SECTIONS = [
    ("科技成果", "marketplace:results"),
    ("技术需求", "marketplace:demands"),
    ("专利与企业", "ip_registry:index"),
    ("合同登记", "contracts:index"),
    ("数据统计", "stats:index"),
    ("规划监测", "plan:index"),
]


def _navigation(path: str) -> list[dict]:
    items = []
    for label, url_name in SECTIONS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": path.startswith(url)})
    return items


def _search_url() -> str | None:
    try:
        return reverse("search:index")
    except NoReverseMatch:
        return None


def site_frame(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_name_en": settings.SITE_NAME_EN,
        "nav_items": _navigation(request.path),
        "site_search_url": _search_url(),
        "support_email": settings.SITE_SUPPORT_EMAIL,
        # Lazy: the counts cost queries, and only pages with the full header use them.
        "personal_links": SimpleLazyObject(lambda: links_for(request)),
    }
