from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "技术合同登记"

    def ready(self):
        from contracts.navigation import contract_links
        from core.navigation import register

        register(contract_links)
