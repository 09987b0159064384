from django.apps import AppConfig


class IpRegistryConfig(AppConfig):
    name = "ip_registry"
    verbose_name = "知识产权登记"

    def ready(self):
        # Registers the designation types with core's vocabulary lookup.
        from ip_registry import vocabularies  # noqa: F401
