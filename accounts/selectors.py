"""Reads for accounts: the review queue with the registry's view of each USCC, a person's
organisations, requests and tokens, and the personal-data export (PIPL)."""

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from wagtail.models import APIToken

from accounts.models import Invitation, JoinRequest, Profile
from core.models import AuditEntry, Membership, Organization
from core.roles import Role, user_has_role
from core.types import AnyUser, User
from ip_registry.models import Enterprise, name_key


@dataclass(frozen=True)
class RegistryMatch:
    """What the IP registry knows of an applicant's USCC."""

    registered_name: str
    former_names: list[str]
    name_matches: bool


def registry_match_for(*, organization: Organization) -> RegistryMatch | None:
    enterprise = Enterprise.objects.filter(uscc=organization.uscc).first()
    if enterprise is None:
        return None
    known = {name_key(enterprise.name), *(name_key(n) for n in enterprise.former_names)}
    return RegistryMatch(
        registered_name=enterprise.name,
        former_names=list(enterprise.former_names),
        name_matches=name_key(organization.name) in known,
    )


def organization_applications_pending() -> list[tuple[Organization, RegistryMatch | None]]:
    applications = Organization.objects.filter(status=Organization.Status.PENDING).select_related(
        "applicant", "district", "industry"
    )
    return [(o, registry_match_for(organization=o)) for o in applications.order_by("applied_at")]


def applications_of(*, user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(applicant=user).order_by("-applied_at")


def join_requests_of(*, user: User) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(user=user).select_related("organization")


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(
        user=user, organization__status=Organization.Status.APPROVED
    ).select_related("organization")


def is_organization_administrator(*, user: AnyUser, organization: Organization) -> bool:
    return (
        user.is_authenticated
        and user_has_role(user, Role.ENTERPRISE_MEMBER)
        and organization.memberships.filter(user=user, role=Membership.Role.ADMINISTRATOR).exists()
    )


def organization_members(*, organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("-role", "joined_at")


def organization_join_requests_pending(*, organization: Organization) -> QuerySet[JoinRequest]:
    return organization.join_requests.filter(status=JoinRequest.Status.PENDING).select_related(
        "user"
    )


def organization_invitations_open(*, organization: Organization) -> list[Invitation]:
    return list(organization.invitations.open())


def api_tokens_of(*, user: User) -> QuerySet[APIToken]:
    tokens: QuerySet[APIToken] = APIToken.objects.filter(user=user)
    return tokens.select_related("grant").order_by("-created")


def user_has_totp(*, user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def user_language(*, user: AnyUser) -> str:
    """The language the person chose to read the platform in; "" when they never chose."""
    if not user.is_authenticated:
        return ""
    language = Profile.objects.filter(user=user).values_list("language", flat=True).first()
    return language if language in dict(settings.LANGUAGES) else ""


def recipient_language(*, user: User | None = None, email: str = "", fallback: str = "") -> str:
    """The language to write to someone in.

    A person with an account (the user, or the account holding the address) reads their
    chosen language, or the site's if they never chose. An address without an account (an
    invitation) reads `fallback`: callers pass the language of the person whose action sends
    the mail; without one, the site's language."""
    if user is None and email:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is not None:
        return user_language(user=user) or settings.LANGUAGE_CODE
    return fallback or settings.LANGUAGE_CODE


def active_language() -> str:
    """The language of the request being served ("" outside one, e.g. in the task worker)."""
    language = translation.get_language() or ""
    return language if language in dict(settings.LANGUAGES) else ""


def user_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about the person (PIPL art. 45), as JSON-ready data."""
    return {
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": [role.value for role in Role if user_has_role(user, role)],
            "language": user_language(user=user),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "two_factor": [
            {"type": a.type, "created_at": a.created_at.isoformat()}
            for a in Authenticator.objects.filter(user=user)
        ],
        "memberships": [
            {
                "organization": m.organization.name,
                "uscc": m.organization.uscc,
                "role": m.role,
                "joined_at": m.joined_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user).select_related("organization")
        ],
        "organization_applications": [
            {
                "uscc": o.uscc,
                "name": o.name,
                "status": o.status,
                "applied_at": o.applied_at.isoformat() if o.applied_at else None,
                "review_reason": o.review_reason,
                "address": o.address,
                "contact_name": o.contact_name,
                "contact_phone": o.contact_phone,
            }
            for o in applications_of(user=user)
        ],
        "join_requests": [
            {
                "organization": r.organization.name,
                "status": r.status,
                "message": r.message,
                "created_at": r.created_at.isoformat(),
            }
            for r in join_requests_of(user=user)
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created": t.created.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in APIToken.objects.filter(user=user)
        ],
        "audit_entries": [
            {
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "created_at": e.created_at.isoformat(),
            }
            for e in AuditEntry.objects.filter(actor=user)[:5000]
        ],
    }
