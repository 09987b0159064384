from django.apps import AppConfig


class IpRegistryConfig(AppConfig):
    name = "ip_registry"
    verbose_name = "知识产权登记"
