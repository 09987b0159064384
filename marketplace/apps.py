from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("科技成果市场")

    def ready(self) -> None:
        # Imported once the app registry is ready (the receivers import this app's models); an
        # import in a function, which import-linter still sees as marketplace.apps -> signals.
        from marketplace import signals  # noqa: F401 - connects the receivers
