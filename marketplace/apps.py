from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "科技成果市场"

    def ready(self):
        from core.navigation import register
        from marketplace import signals  # noqa: F401 - connects the receivers
        from marketplace.navigation import market_links

        register(market_links)
