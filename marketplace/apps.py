from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("科技成果市场")

    def ready(self):
        # Imported once the registry is ready: the receivers and providers import this app's models.
        from core import home, navigation
        from marketplace import signals  # noqa: F401 - connects the receivers
        from marketplace.navigation import market_home, market_links

        navigation.register(market_links)
        home.register(market_home, order=10)
