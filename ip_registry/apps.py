from django.apps import AppConfig


class IpRegistryConfig(AppConfig):
    name = "ip_registry"
    verbose_name = "知识产权登记"

    def ready(self):
        from core.navigation import register
        from ip_registry.navigation import registry_links

        register(registry_links)
