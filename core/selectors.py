from collections.abc import Mapping

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from core.models import AuditEntry, Organization
from core.roles import Role, user_has_role
from core.types import AnyUser

ACTING_ORGANIZATION_SESSION_KEY = "acting_organization"


def organizations_for_user(*, user: AnyUser) -> QuerySet[Organization]:
    """The approved organisations a person acts for now.

    Both a membership and the enterprise_member role are needed, so removing either (or
    deactivating the user) stops access at once, for the session and for API tokens alike.
    """
    if not user.is_authenticated or not user.is_active:
        return Organization.objects.none()
    if not user_has_role(user, Role.ENTERPRISE_MEMBER):
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__user_id=user.pk, status=Organization.Status.APPROVED
    )


def acting_organization(*, user: AnyUser, session: SessionBase | None) -> Organization | None:
    """The organisation a person in several acts for: their choice kept in the session
    (accounts' 切换机构), else the first of their organisations."""
    organizations = organizations_for_user(user=user)
    chosen = session.get(ACTING_ORGANIZATION_SESSION_KEY) if session is not None else None
    if chosen is not None:
        organization = organizations.filter(pk=chosen).first()
        if organization is not None:
            return organization
    return organizations.order_by("name", "pk").first()


def audit_history(*, obj: Model, labels: Mapping[str, str | Promise]) -> list[AuditEntry]:
    """An object's audit trail, oldest first, each entry with the `label` its page shows."""
    entries = list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )
    for entry in entries:
        entry.label = labels.get(entry.action, entry.action)  # type: ignore[attr-defined]
    return entries
