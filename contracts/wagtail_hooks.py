from django.template.loader import render_to_string
from wagtail import hooks

from contracts.navigation import contract_links, contracts_home
from contracts.selectors import contracts_registered_with_party
from core.home import HOME_CONTENT_HOOK
from core.navigation import NAV_LINKS_HOOK
from ip_registry.views import ENTERPRISE_SECTIONS_HOOK

hooks.register(NAV_LINKS_HOOK, contract_links)
hooks.register(HOME_CONTENT_HOOK, contracts_home, order=20)


@hooks.register(ENTERPRISE_SECTIONS_HOOK, order=20)
def enterprise_contracts_section(*, enterprise) -> str:
    """The registry's enterprise page lists the registered contracts it is a party to."""
    contracts = contracts_registered_with_party(uscc=enterprise.uscc)
    if not contracts:
        return ""
    return render_to_string("contracts/_enterprise_contracts.html", {"contracts": contracts})
