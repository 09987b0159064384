from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "科技成果市场"

    def ready(self):
        from marketplace import signals  # noqa: F401 - connects the receivers
