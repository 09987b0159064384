import re
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import APIToken

from core.identifiers import validate_uscc
from core.models import AuditEntry, Membership, Organization, TokenGrant
from core.roles import STAFF_ROLES, Role
from core.types import Actor

User = get_user_model()

# Audit actions read `<context>.<entity>.<verb>`: the app, what was acted on, what was done
# (contracts.contract.register, marketplace.inquiry.create, ip_registry.patent.holders_change).
AUDIT_ACTION = re.compile(r"[a-z][a-z_]*\.[a-z][a-z_]*\.[a-z][a-z_]*")


def audit_record(
    *, actor: Actor, action: str, obj: Model, changes: dict[str, Any] | None = None, note: str = ""
) -> AuditEntry:
    if not AUDIT_ACTION.fullmatch(action):
        raise ValueError(f"audit action {action!r} is not <context>.<entity>.<verb>")
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes=changes or {},
        note=note,
    )


@transaction.atomic
def user_create_with_role(
    *,
    username: str,
    role: Role,
    password: str | None,
    organization_uscc: str | None = None,
    email: str = "",
) -> AuthUser:
    """Create or update a user with one role; members are attached to their organisation."""
    organization = None
    if organization_uscc:
        organization = Organization.objects.get(uscc=validate_uscc(organization_uscc))
    elif role == Role.ENTERPRISE_MEMBER:
        raise ValueError(gettext("企业/机构成员必须指定所属机构（统一社会信用代码）"))

    user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
    if password:
        user.set_password(password)
    user.is_staff = role in STAFF_ROLES
    user.is_superuser = role == Role.ADMINISTRATOR
    if email:
        user.email = email
    user.save()
    if user.email:
        # Staff vouch for the address they type, so it needs no confirmation link.
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    user.groups.add(Group.objects.get(name=role.value))
    if organization:
        membership, _ = Membership.objects.get_or_create(user=user, organization=organization)
        if not organization.memberships.filter(role=Membership.Role.ADMINISTRATOR).exists():
            membership.role = Membership.Role.ADMINISTRATOR  # the first member administers
            membership.save(update_fields=["role"])
    return user


@transaction.atomic
def api_token_create(
    *,
    user: AbstractBaseUser,
    name: str = "",
    days: int | None = None,
    scope: str = TokenGrant.Scope.READ_WRITE,
) -> tuple[APIToken, str]:
    """Return the stored token and the plaintext, which only this return value ever holds.

    `days=None` makes a token without expiry (scripts' long-lived tokens made by staff)."""
    if scope not in TokenGrant.Scope.values:
        raise ValueError(gettext("权限范围只能是 read 或 read-write"))
    token, key = APIToken.create_token(user=user, name=name or "personal")
    if days is not None or scope != TokenGrant.Scope.READ_WRITE:
        TokenGrant.objects.create(
            token=token,
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days if days is not None else 36500),
        )
    return token, key
