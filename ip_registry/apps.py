from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IpRegistryConfig(AppConfig):
    name = "ip_registry"
    verbose_name = _("知识产权登记")

    def ready(self):
        from core import home, navigation
        from ip_registry.navigation import registry_home, registry_links

        navigation.register(registry_links)
        home.register(registry_home, order=30)
