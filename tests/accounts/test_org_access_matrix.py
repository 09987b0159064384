"""Organisation administrators versus plain members (ORG_TARGETS in access_matrix.py)."""

import pytest

from accounts import services
from core.models import Membership
from core.roles import Role
from tests.accounts.factories import apply_for_organization
from tests.factories import OrganizationFactory, UserFactory
from tests.security.access_matrix import ORG_ROLES, ORG_TARGETS
from tests.security.test_access_matrix import status_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_world(make_user):
    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    org_admin = make_user(Role.ENTERPRISE_MEMBER, organization=org_a, username="a-admin")
    Membership.objects.filter(user=org_admin).update(role=Membership.Role.ADMINISTRATOR)
    org_member = make_user(Role.ENTERPRISE_MEMBER, organization=org_a, username="a-member")
    other_admin = make_user(Role.ENTERPRISE_MEMBER, organization=org_b, username="b-admin")
    Membership.objects.filter(user=other_admin).update(role=Membership.Role.ADMINISTRATOR)
    applicant = UserFactory(username="applicant")
    pending = apply_for_organization(applicant)
    invitation, _ = services.invitation_create(
        actor=org_admin,
        organization=org_a,
        email="colleague@example.com",
        accept_url="http://testserver/accounts/invitations/{key}/",
    )
    join_request = services.join_request_create(user=UserFactory(), uscc=org_a.uscc)
    users = {
        "anonymous": None,
        "applicant": applicant,
        "org_member": org_member,
        "org_admin": org_admin,
        "other_org_admin": other_admin,
        "admin": make_user(Role.ADMINISTRATOR, username="platform-admin"),
    }
    values = {
        "org_a": org_a.pk,
        "pending_org": pending.pk,
        "invitation": invitation.pk,
        "join_request": join_request.pk,
        "membership_member": Membership.objects.get(user=org_member).pk,
    }
    return users, values


@pytest.mark.parametrize("target", ORG_TARGETS, ids=lambda t: f"{t.method} {t.name}")
def test_every_organisation_role_gets_the_expected_status(client, org_world, target):
    users, values = org_world
    actual = tuple(status_for(client, users[role], target, values) for role in ORG_ROLES)
    assert dict(zip(ORG_ROLES, actual, strict=True)) == dict(
        zip(ORG_ROLES, target.expected, strict=True)
    )
