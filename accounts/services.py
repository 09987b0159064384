"""Writes for accounts: organisation applications and review, join requests, invitations,
members and their roles, personal API tokens, and closing an account (PIPL)."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.models import APIToken
from wagtail.users.models import UserProfile

from accounts.models import Invitation, JoinRequest, Profile
from accounts.selectors import active_language, recipient_language
from core.identifiers import validate_uscc
from core.models import District, Industry, Membership, Organization, TokenGrant
from core.phrases import Phrase, phrase_join
from core.roles import Role, user_has_role
from core.services import api_token_create, audit_record
from core.types import AnyUser, User
from core.uploads import read_pdf_or_image
from core.validation import text_required

TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365


class UsccTaken(ValidationError):
    """The USCC belongs to an organisation already on the platform: ask to join it instead."""

    def __init__(self, organization: Organization):
        self.organization = organization
        super().__init__(
            _(
                "统一社会信用代码 %(uscc)s 已由“%(name)s”使用，"
                "如您是该机构员工，请改为申请加入该机构"
            )
            % {"uscc": organization.uscc, "name": organization.name},
            code="uscc_taken",
        )


def _mail(*, to: Iterable[User | str], subject: Phrase, body: Phrase) -> None:
    """E-mail each recipient in their language, after commit (a rolled-back write sends none).

    A user, or an address an account holds, gets the account's chosen language; an address
    without an account (an invitation) gets the language of the person acting now."""
    sender_language = active_language()
    for recipient in to:
        user = recipient if isinstance(recipient, User) else None
        address = user.email if user is not None else str(recipient).strip()
        if not address:
            continue
        language = recipient_language(user=user, email=address, fallback=sender_language)
        with translation.override(language):
            text_subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"
            text_body = str(body)
        transaction.on_commit(
            partial(
                send_mail,
                subject=text_subject,
                message=text_body,
                from_email=None,
                recipient_list=[address],
                fail_silently=True,
            ),
            robust=True,
        )


@transaction.atomic
def user_language_set(*, user: User, language: str) -> Profile:
    """Keep the language a person chose (the site's switch, their account page).

    Wagtail's own mails (a page submitted for moderation, approved, rejected) and its admin
    read the person's Wagtail profile, so the choice is written there too."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("不支持的语言：%(language)s") % {"language": language})
    profile, _created = Profile.objects.update_or_create(user=user, defaults={"language": language})
    wagtail_profile = UserProfile.get_for_user(user)
    if wagtail_profile.preferred_language != language:
        wagtail_profile.preferred_language = language
        wagtail_profile.save(update_fields=["preferred_language"])
    return profile


def _administrators(organization: Organization) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__organization=organization,
        memberships__role=Membership.Role.ADMINISTRATOR,
    )


def _require_administrator(user: AnyUser, organization: Organization) -> None:
    if not user.is_authenticated or not (
        user_has_role(user, Role.ENTERPRISE_MEMBER)
        and organization.memberships.filter(user=user, role=Membership.Role.ADMINISTRATOR).exists()
    ):
        raise PermissionDenied(
            _("只有“%(name)s”的机构管理员可以办理") % {"name": organization.name}
        )


def _require_reviewer(user: AnyUser) -> None:
    if not user_has_role(user, Role.ADMINISTRATOR):
        raise PermissionDenied(_("只有平台管理员可以审核机构申请"))


def _join(user: User, organization: Organization, role: str = Membership.Role.MEMBER) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    if not created and role == Membership.Role.ADMINISTRATOR:
        membership.role = role
        membership.save(update_fields=["role"])
    user.groups.add(Group.objects.get(name=Role.ENTERPRISE_MEMBER.value))
    return membership


# Organisations ---------------------------------------------------------------------------


@transaction.atomic
def organization_create(
    *,
    uscc: str,
    name: str,
    kind: str,
    district: District | None = None,
    industry: Industry | None = None,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> tuple[Organization, bool]:
    """Staff and scripts: create or update an approved organisation. Returns (org, created)."""
    uscc = validate_uscc(uscc)
    name = name.strip()
    if not name:
        raise ValidationError(_("机构名称不能为空"))
    if kind not in Organization.Kind.values:
        raise ValidationError(_("机构类型“%(kind)s”无效") % {"kind": kind})
    organization, created = Organization.objects.update_or_create(
        uscc=uscc,
        defaults={
            "name": name[:200],
            "kind": kind,
            "district": district,
            "industry": industry,
            "address": address[:200],
            "contact_name": contact_name[:50],
            "contact_phone": contact_phone[:30],
            "status": Organization.Status.APPROVED,
        },
    )
    audit_record(
        actor=None,
        action="accounts.organization.create" if created else "accounts.organization.update",
        obj=organization,
        changes={"uscc": uscc, "name": organization.name},
    )
    return organization, created


@transaction.atomic
def organization_apply(
    *,
    user: User,
    uscc: str,
    name: str,
    kind: str,
    district: District | None,
    industry: Industry | None,
    address: str,
    contact_name: str,
    contact_phone: str,
    licence: UploadedFile[bytes],
) -> Organization:
    """A signed-up person applies to create an organisation; it waits for review."""
    uscc = validate_uscc(uscc)
    if kind not in Organization.Kind.values:
        raise ValidationError(_("机构类型“%(kind)s”无效") % {"kind": kind})
    content, extension = read_pdf_or_image(
        licence, max_bytes=settings.ACCOUNTS_LICENCE_MAX_BYTES, label=_("营业执照或法人证书")
    )
    existing = Organization.objects.select_for_update().filter(uscc=uscc).first()
    if existing is not None and existing.status != Organization.Status.REJECTED:
        if existing.status == Organization.Status.PENDING:
            raise ValidationError(
                _("统一社会信用代码 %(uscc)s 的机构申请已提交，正在审核中") % {"uscc": uscc},
                code="uscc_pending",
            )
        raise UsccTaken(existing)
    organization = existing or Organization(uscc=uscc)
    if existing is not None and existing.licence:
        existing.licence.delete(save=False)
    organization.name = name.strip()[:200]
    organization.kind = kind
    organization.district = district
    organization.industry = industry
    organization.address = address.strip()[:200]
    organization.contact_name = contact_name.strip()[:50]
    organization.contact_phone = contact_phone.strip()[:30]
    organization.status = Organization.Status.PENDING
    organization.applicant = user
    organization.applied_at = timezone.now()
    organization.reviewed_by = None
    organization.reviewed_at = None
    organization.review_reason = ""
    organization.licence.save(f"{uscc}{extension}", ContentFile(content), save=False)
    organization.save()
    audit_record(
        actor=user, action="accounts.organization.apply", obj=organization, changes={"uscc": uscc}
    )
    return organization


def _organization_decide(
    organization: Organization, *, reviewer: User, status: str, reason: str, refused: str
) -> Organization:
    """Record the reviewer's decision on a pending application (row locked)."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.status != Organization.Status.PENDING:
        raise ValidationError(refused)
    organization.status = status
    organization.reviewed_by = reviewer
    organization.reviewed_at = timezone.now()
    organization.review_reason = reason
    organization.save()
    return organization


@transaction.atomic
def organization_approve(*, reviewer: User, organization: Organization) -> Organization:
    _require_reviewer(reviewer)
    organization = _organization_decide(
        organization,
        reviewer=reviewer,
        status=Organization.Status.APPROVED,
        reason="",
        refused=_("只有待审核的申请可以通过"),
    )
    applicant = organization.applicant
    if applicant is not None and applicant.is_active:
        _join(applicant, organization, Membership.Role.ADMINISTRATOR)
        _mail(
            to=[applicant],
            subject=Phrase.of(gettext_noop("机构“%(name)s”已通过审核"), name=organization.name),
            body=Phrase.of(
                gettext_noop(
                    "您申请的机构“%(name)s”（%(uscc)s）已通过审核，"
                    "您是该机构的机构管理员，可以发布需求、询价并邀请同事加入。"
                ),
                name=organization.name,
                uscc=organization.uscc,
            ),
        )
    audit_record(actor=reviewer, action="accounts.organization.approve", obj=organization)
    return organization


@transaction.atomic
def organization_reject(*, reviewer: User, organization: Organization, reason: str) -> Organization:
    _require_reviewer(reviewer)
    reason = text_required(reason, _("请填写不通过的理由，申请人会看到它"))
    organization = _organization_decide(
        organization,
        reviewer=reviewer,
        status=Organization.Status.REJECTED,
        reason=reason[:2000],
        refused=_("只有待审核的申请可以驳回"),
    )
    if organization.applicant is not None:
        _mail(
            to=[organization.applicant],
            subject=Phrase.of(gettext_noop("机构“%(name)s”未通过审核"), name=organization.name),
            body=Phrase.of(
                gettext_noop(
                    "您申请的机构“%(name)s”未通过审核。理由：%(reason)s\n修改后可以重新提交申请。"
                ),
                name=organization.name,
                reason=reason,
            ),
        )
    audit_record(
        actor=reviewer, action="accounts.organization.reject", obj=organization, note=reason[:2000]
    )
    return organization


# Join requests ---------------------------------------------------------------------------


@transaction.atomic
def join_request_create(*, user: User, uscc: str, message: str = "") -> JoinRequest:
    uscc = validate_uscc(uscc)
    organization = Organization.objects.filter(
        uscc=uscc, status=Organization.Status.APPROVED
    ).first()
    if organization is None:
        raise ValidationError(
            _("平台上没有统一社会信用代码为 %(uscc)s 的机构，可以申请创建该机构") % {"uscc": uscc},
            code="no_such",
        )
    if organization.memberships.filter(user=user).exists():
        raise ValidationError(_("您已是“%(name)s”的成员") % {"name": organization.name})
    if JoinRequest.objects.filter(
        user=user, organization=organization, status=JoinRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            _("您加入“%(name)s”的申请正在等待机构管理员处理") % {"name": organization.name}
        )
    request = JoinRequest.objects.create(
        user=user, organization=organization, message=(message or "").strip()[:500]
    )
    _mail(
        to=_administrators(organization),
        subject=Phrase.of(
            gettext_noop("%(user)s 申请加入“%(name)s”"),
            user=user.get_username(),
            name=organization.name,
        ),
        body=Phrase.of(
            gettext_noop(
                "%(user)s（%(email)s）申请加入“%(name)s”。留言：%(message)s\n"
                "请登录平台，在“我的账户 → 机构成员”中处理。"
            ),
            user=user.get_username(),
            email=user.email,
            name=organization.name,
            message=request.message or Phrase.of(gettext_noop("无")),
        ),
    )
    audit_record(actor=user, action="accounts.join_request.create", obj=request)
    return request


@transaction.atomic
def join_request_decide(
    *, actor: User, join_request: JoinRequest, accept: bool, reason: str = ""
) -> JoinRequest:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    _require_administrator(actor, join_request.organization)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("该申请已处理"))
    join_request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.reason = (reason or "").strip()[:500]
    join_request.save()
    organization = join_request.organization
    if accept:
        _join(join_request.user, organization)
    name = organization.name
    if accept:
        subject = Phrase.of(gettext_noop("加入“%(name)s”的申请已被同意"), name=name)
        body = Phrase.of(gettext_noop("机构管理员同意了您加入“%(name)s”的申请。"), name=name)
    else:
        subject = Phrase.of(gettext_noop("加入“%(name)s”的申请已被拒绝"), name=name)
        body = Phrase.of(gettext_noop("机构管理员拒绝了您加入“%(name)s”的申请。"), name=name)
    if join_request.reason:
        why = Phrase.of(gettext_noop("理由：%(reason)s"), reason=join_request.reason)
        body = phrase_join([body, why])
    _mail(to=[join_request.user], subject=subject, body=body)
    audit_record(
        actor=actor, action=f"accounts.join_request.{join_request.status}", obj=join_request
    )
    return join_request


# Invitations -----------------------------------------------------------------------------


def invitation_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *, actor: User, organization: Organization, email: str, accept_url: str
) -> tuple[Invitation, str]:
    """Invite an address; `accept_url` has a `{key}` placeholder for the secret in the link."""
    _require_administrator(actor, organization)
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise ValidationError(_("请输入有效的邮箱地址"))
    if organization.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s 已是本机构成员") % {"email": email})
    key = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        key_hash=invitation_key_hash(key),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.ACCOUNTS_INVITATION_DAYS),
    )
    link = accept_url.format(key=key)
    _mail(
        to=[email],
        subject=Phrase.of(gettext_noop("邀请您加入“%(name)s”"), name=organization.name),
        body=Phrase.of(
            gettext_noop(
                "%(user)s 邀请您以成员身份加入“%(name)s”。\n"
                "请在 %(days)s 天内打开下面的链接（只能使用一次）：\n%(link)s\n"
                "还没有账号的，请先用本邮箱注册，再打开此链接。"
            ),
            user=actor.get_username(),
            name=organization.name,
            days=settings.ACCOUNTS_INVITATION_DAYS,
            link=link,
        ),
    )
    audit_record(
        actor=actor, action="accounts.invitation.create", obj=invitation, changes={"to": email}
    )
    return invitation, key


def invitation_for_key(key: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(key_hash=invitation_key_hash(key or ""))
        .first()
    )
    if invitation is None:
        raise ValidationError(_("邀请链接无效，请向机构管理员索取新的邀请"), code="invalid")
    if invitation.accepted_at is not None:
        raise ValidationError(_("此邀请链接已被使用过，每个邀请只能使用一次"), code="used")
    if invitation.revoked_at is not None:
        raise ValidationError(_("此邀请已被机构管理员撤销"), code="revoked")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("此邀请已于 %(when)s 过期，请向机构管理员索取新的邀请")
            % {"when": f"{timezone.localtime(invitation.expires_at):%Y-%m-%d %H:%M}"},
            code="expired",
        )
    return invitation


def _user_owns_address(user: User, email: str) -> bool:
    if user.email and user.email.lower() == email.lower():
        return True
    return bool(EmailAddress.objects.filter(user=user, email__iexact=email).exists())


@transaction.atomic
def invitation_accept(*, user: User, key: str) -> Membership:
    invitation = invitation_for_key(key)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("此邀请链接已被使用过，每个邀请只能使用一次"), code="used")
    if not _user_owns_address(user, invitation.email):
        raise ValidationError(
            _(
                "此邀请发给 %(email)s，而您当前登录的账号是 %(user)s。"
                "请退出后用受邀邮箱的账号打开此链接"
            )
            % {"email": invitation.email, "user": user.get_username()},
            code="other_person",
        )
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save()
    membership = _join(user, invitation.organization)
    audit_record(actor=user, action="accounts.invitation.accept", obj=invitation)
    return membership


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    _require_administrator(actor, invitation.organization)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="accounts.invitation.revoke", obj=invitation)
    return invitation


# Members ---------------------------------------------------------------------------------


def _check_keeps_an_administrator(organization: Organization, *, without: Membership) -> None:
    others = organization.memberships.filter(role=Membership.Role.ADMINISTRATOR).exclude(
        pk=without.pk
    )
    if not others.exists():
        raise ValidationError(
            _("机构必须至少保留一名机构管理员：请先把机构管理员身份交给另一位成员")
        )


def _drop_member_role_if_unattached(user: User) -> None:
    if not user.memberships.exists():
        user.groups.remove(Group.objects.get(name=Role.ENTERPRISE_MEMBER.value))


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """An administrator removes a member, or a member leaves."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    organization = membership.organization
    if membership.user_id != actor.pk:
        _require_administrator(actor, organization)
    if membership.role == Membership.Role.ADMINISTRATOR:
        _check_keeps_an_administrator(organization, without=membership)
    user = membership.user
    membership.delete()
    _drop_member_role_if_unattached(user)
    audit_record(
        actor=actor,
        action="accounts.membership.remove",
        obj=organization,
        changes={"user": user.pk},
    )


@transaction.atomic
def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Make a member an administrator, or step an administrator down (hand the role on)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _require_administrator(actor, membership.organization)
    if role not in Membership.Role.values:
        raise ValidationError(_("机构角色“%(role)s”无效") % {"role": role})
    if role == Membership.Role.MEMBER and membership.role == Membership.Role.ADMINISTRATOR:
        _check_keeps_an_administrator(membership.organization, without=membership)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="accounts.membership.role_change",
        obj=membership.organization,
        changes={"user": membership.user_id, "role": role},
    )
    return membership


# Personal API tokens ---------------------------------------------------------------------


@transaction.atomic
def api_token_issue(
    *,
    user: User,
    name: str,
    days: int = TOKEN_DEFAULT_DAYS,
    scope: str = TokenGrant.Scope.READ_WRITE,
) -> tuple[APIToken, str]:
    """Create a token with an expiry and a scope; the plaintext exists only in the return."""
    name = text_required(name, _("请为令牌起一个名称，说明它的用途"))
    if len(name) > 100:
        raise ValidationError(_("令牌名称最多 100 个字"))
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError(_("有效期应为 1 到 %(max)d 天") % {"max": TOKEN_MAX_DAYS})
    if scope not in TokenGrant.Scope.values:
        raise ValidationError(_("权限范围只能是 read（只读）或 read-write（读写）"))
    token, key = api_token_create(user=user, name=name, days=days, scope=scope)
    audit_record(
        actor=user, action="accounts.api_token.create", obj=token, changes={"scope": scope}
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token: APIToken) -> APIToken:
    if token.user_id != user.pk:
        raise PermissionDenied(_("只能撤销自己的令牌"))
    if token.revoked_at is None:
        token.revoke()
        audit_record(actor=user, action="accounts.api_token.revoke", obj=token)
    return token


# Closing an account (PIPL) ---------------------------------------------------------------


@transaction.atomic
def user_close(*, user: User) -> None:
    """Close an account: contracts and audit entries keep the user row, under a pseudonym;
    the person's name, e-mail, settings, second factors, tokens and memberships are gone."""
    for membership in Membership.objects.select_for_update().filter(user=user):
        if (
            membership.role == Membership.Role.ADMINISTRATOR
            and membership.organization.memberships.exclude(user=user).exists()
        ):
            _check_keeps_an_administrator(membership.organization, without=membership)
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).delete()
    APIToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Profile.objects.filter(user=user).delete()
    user.groups.clear()
    user.username = f"closed-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    audit_record(actor=None, action="accounts.user.close", obj=user)
