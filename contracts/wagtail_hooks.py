from django.template.loader import render_to_string
from wagtail import hooks

from contracts.selectors import contracts_registered_with_party
from ip_registry.views import ENTERPRISE_SECTIONS_HOOK


@hooks.register(ENTERPRISE_SECTIONS_HOOK, order=20)
def enterprise_contracts_section(*, enterprise) -> str:
    """The registry's enterprise page lists the registered contracts it is a party to."""
    contracts = contracts_registered_with_party(uscc=enterprise.uscc)
    if not contracts:
        return ""
    return render_to_string("contracts/_enterprise_contracts.html", {"contracts": contracts})
