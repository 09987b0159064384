from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "科技成果市场"

    def ready(self):
        # Imported once the registry is ready: the receivers import this app's models.
        from marketplace import signals  # noqa: F401 - connects the receivers
