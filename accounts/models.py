"""Requests to join organisations and invitations into them.

Organisations themselves (with their review status and licence) and memberships (with the
机构管理员 role) stay in core.models, since every app reads them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Organization, user_link


class JoinRequest(models.Model):
    """A signed-up person asks to join an approved organisation; its administrators decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        ACCEPTED = "accepted", _("已同意")
        DECLINED = "declined", _("已拒绝")

    user = user_link(
        _("申请人"), on_delete=models.CASCADE, null=False, related_name="join_requests"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("机构"), related_name="join_requests", on_delete=models.CASCADE
    )
    message = models.CharField(_("留言"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = user_link(_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request",
            )
        ]
        verbose_name = verbose_name_plural = _("加入申请")

    def __str__(self):
        return f"{self.user} → {self.organization}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> "InvitationQuerySet":
        """Neither accepted nor revoked, and not expired yet."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An e-mailed link into an organisation: expiring, single use, for one address.

    Only the SHA-256 of the link's secret is stored, like a password reset token.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("机构"), related_name="invitations", on_delete=models.CASCADE
    )
    email = models.EmailField(_("受邀邮箱"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = user_link(_("邀请人"), blank=False)
    created_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    accepted_by = user_link(_("接受人"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("成员邀请")

    def __str__(self):
        return f"{self.email} → {self.organization}"


class Profile(models.Model):
    """What the platform keeps per person beyond Django's user: their reading language.

    Stored so that what others' actions send them (notices, e-mails) reaches them in the
    language they chose, and so that logging in on another browser brings the choice along.
    A person without a row, or with `language` blank, never chose: the site's language.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        related_name="account_profile",
        on_delete=models.CASCADE,
    )
    language = models.CharField(
        _("语言"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("个人设置")

    def __str__(self):
        return f"{self.user} · {self.language or '-'}"
