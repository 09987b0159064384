from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "检索"

    def ready(self) -> None:
        # Imported once the app registry is ready: the receivers look models up by label.
        from search import signals

        signals.connect()
