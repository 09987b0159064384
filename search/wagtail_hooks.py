from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.api import SEARCH_STATUS_HOOK
from search.models import Synonym
from search.selectors import search_backend_status

hooks.register(SEARCH_STATUS_HOOK, search_backend_status)


class SynonymViewSet(SnippetViewSet):
    """Editors maintain the query-time synonym list here (检索同义词)."""

    model = Synonym
    icon = "search"
    menu_name = "search-synonyms"
    add_to_admin_menu = True
    menu_order = 800
    list_display = ["terms", "note", "enabled", "updated_at"]
    list_filter = ["enabled"]
    search_fields = ["terms", "note"]
    search_backend_name = None
    form_fields = ["terms", "note", "enabled"]


register_snippet(SynonymViewSet)
