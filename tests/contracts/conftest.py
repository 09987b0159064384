import pytest

from core.roles import Role
from tests.contracts.factories import make_draft
from tests.factories import OrganizationFactory


@pytest.fixture
def member(make_user, organization):
    return make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="seller1")


@pytest.fixture
def officer(make_user):
    return make_user(Role.REGISTRY_OFFICER, username="registrar1")


@pytest.fixture
def stranger(make_user):
    return make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory(), username="other1")


@pytest.fixture
def draft(member, organization):
    return make_draft(member, organization)


@pytest.fixture
def registered(draft, member, officer):
    from contracts import services

    c = services.contract_submit(user=member, contract=draft)
    c = services.contract_accept(user=officer, contract=c)
    return services.contract_register(user=officer, contract=c)
