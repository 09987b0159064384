from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("技术合同登记")

    def ready(self):
        from contracts.navigation import contract_links, contracts_home
        from core import home, navigation

        navigation.register(contract_links)
        home.register(contracts_home, order=20)
