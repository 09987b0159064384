from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("检索")

    def ready(self) -> None:
        # Imported once the app registry is ready: the receivers look models up by label.
        from search import signals

        signals.connect()
