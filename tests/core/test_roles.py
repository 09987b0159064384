from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from core.roles import STAFF_ROLES, Role, user_has_role

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


@pytest.mark.parametrize("role", [Role.PLAN_REPORTER, Role.FUNDING_OFFICER])
def test_add_user_front_end_roles_are_not_staff(role):
    call_command("add_user", "carol", "--role", role.value, "--password", "s3cret-pass-123")
    user = get_user_model().objects.get(username="carol")
    assert user_has_role(user, role)
    assert not user.is_staff and not user.is_superuser


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_add_user_gives_staff_roles(role):
    call_command("add_user", "alice", "--role", role.value, "--password", "s3cret-pass-123")
    user = get_user_model().objects.get(username="alice")
    assert user_has_role(user, role)
    assert user.is_staff
    assert user.is_superuser == (role == Role.ADMINISTRATOR)
    assert user.check_password("s3cret-pass-123")


def test_add_user_member_joins_the_organisation(organization):
    call_command(
        "add_user",
        "bob",
        "--role",
        "enterprise_member",
        "--organization",
        organization.uscc,
        "--password",
        "s3cret-pass-123",
    )
    user = get_user_model().objects.get(username="bob")
    assert user_has_role(user, Role.ENTERPRISE_MEMBER)
    assert not user_has_role(user, Role.REGISTRY_OFFICER)
    assert not user.is_staff
    assert list(user.memberships.values_list("organization", flat=True)) == [organization.pk]


def test_add_user_member_needs_an_organisation():
    with pytest.raises(CommandError, match="所属机构"):
        call_command("add_user", "carol", "--role", "enterprise_member", "--password", "x" * 12)


def test_add_user_rejects_unknown_or_invalid_uscc():
    with pytest.raises(CommandError, match="校验位"):
        call_command(
            "add_user",
            "dave",
            "--role",
            "enterprise_member",
            "--organization",
            "91310115591693856B",
            "--password",
            "x" * 12,
        )
    with pytest.raises(CommandError, match="找不到"):
        call_command(
            "add_user",
            "dave",
            "--role",
            "enterprise_member",
            "--organization",
            "91310115591693856A",
            "--password",
            "x" * 12,
        )


def test_anonymous_has_no_role():
    from django.contrib.auth.models import AnonymousUser

    assert not user_has_role(AnonymousUser(), Role.ADMINISTRATOR)


def test_member_cannot_open_the_admin(client, make_user, organization):
    user = make_user(Role.ENTERPRISE_MEMBER, organization=organization)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")
