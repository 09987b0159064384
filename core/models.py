import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, overload

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.home import home_content
from core.identifiers import validate_uscc
from core.storage import private_files

if TYPE_CHECKING:  # django-stubs is a development dependency
    from django_stubs_ext import StrOrPromise

    from core.types import User

ALIASES_HELP = _(
    "人们实际会写的其他叫法：简称、旧称、英文名、常见错写，每行一个（也可用；或、分隔）。"
    "导入、表单、API 与搜索筛选都按别名识别。"
)


def split_aliases(text: str) -> list[str]:
    return [a.strip() for a in re.split(r"[\n;；,，、]", text or "") if a.strip()]


@overload
def user_link(
    verbose_name: "StrOrPromise | None" = None,
    *,
    on_delete: Callable[..., None] = ...,
    related_name: str = ...,
    null: Literal[True] = ...,
    blank: bool | None = ...,
    **options: Any,
) -> "models.ForeignKey[User | None, User | None]": ...


@overload
def user_link(
    verbose_name: "StrOrPromise | None" = None,
    *,
    on_delete: Callable[..., None] = ...,
    related_name: str = ...,
    null: Literal[False],
    blank: bool | None = ...,
    **options: Any,
) -> "models.ForeignKey[User, User]": ...


def user_link(
    verbose_name: "StrOrPromise | None" = None,
    *,
    on_delete: Callable[..., None] = models.SET_NULL,
    related_name: str = "+",
    null: bool = True,
    blank: bool | None = None,
    **options: Any,
) -> "models.ForeignKey[Any, Any]":
    """The person who made, decided or received something (applicant, reviewer, inviter …).

    By default the record outlives the account: deleting a user empties the link (SET_NULL),
    the link is optional in forms (`blank` follows `null`), and the user gets no reverse
    accessor ("+"). A link that must be set says `null=False` and how it goes (CASCADE, PROTECT).
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=on_delete,
        related_name=related_name,
        null=null,
        blank=null if blank is None else blank,
        **options,
    )


class VocabularyEntryMixin:
    """A value of an editable vocabulary: canonical name, code, English name and aliases."""

    name: str
    name_en: str
    aliases: str

    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)

    def vocabulary_names(self) -> list[str]:
        """Every spelling that resolves to this entry, canonical name first."""
        code = getattr(self, "code", "") or getattr(self, "division_code", "")
        return [n for n in (self.name, code, self.name_en, *self.alias_list()) if n]


class District(VocabularyEntryMixin, models.Model):
    """Districts and economic zones: a taxonomy, since the zones have no division code."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    division_code = models.CharField(_("行政区划代码"), max_length=6, blank=True)
    name_en = models.CharField(_("英文名"), max_length=100, blank=True)
    aliases = models.TextField(_("别名"), blank=True, help_text=ALIASES_HELP)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = verbose_name_plural = _("区县/功能区")

    def __str__(self):
        return self.name


class Industry(VocabularyEntryMixin, models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    code = models.SlugField(_("代码"), max_length=40, blank=True)
    name_en = models.CharField(_("英文名"), max_length=100, blank=True)
    aliases = models.TextField(_("别名"), blank=True, help_text=ALIASES_HELP)
    is_priority = models.BooleanField(_("市重点产业"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = verbose_name_plural = _("行业")

    def __str__(self):
        return self.name


class VocabularyTerm(VocabularyEntryMixin, models.Model):
    """A value of a coded vocabulary (organisation types, patent types, legal statuses).

    `code` is what the register stores; several terms may share one code (CNIPA's 有效 and 授权
    both mean the patent is in force), so each term is one way people write a value.
    """

    class Vocabulary(models.TextChoices):
        ORG_TYPE = "org_type", _("机构类型")
        PATENT_TYPE = "patent_type", _("专利类型")
        LEGAL_STATUS = "legal_status", _("法律状态")

    vocabulary = models.CharField(_("词表"), max_length=30, choices=Vocabulary.choices)
    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(
        _("登记代码"),
        max_length=30,
        help_text=_("系统内部保存的取值，例如法律状态 lapsed、专利类型 1。"),
    )
    name_en = models.CharField(_("英文名"), max_length=100, blank=True)
    aliases = models.TextField(_("别名"), blank=True, help_text=ALIASES_HELP)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["vocabulary", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "name"], name="unique_vocabulary_term")
        ]
        verbose_name = verbose_name_plural = _("词表取值")

    def __str__(self):
        return f"{self.get_vocabulary_display()}：{self.name}"


class Organization(models.Model):
    """An enterprise, university or institute that has members on the platform."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        UNIVERSITY = "university", _("高校")
        INSTITUTE = "institute", _("科研院所")
        OTHER = "other", _("其他机构")

    name = models.CharField(_("名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE)
    district = models.ForeignKey(
        District, verbose_name=_("所属区县"), null=True, blank=True, on_delete=models.SET_NULL
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业"), null=True, blank=True, on_delete=models.SET_NULL
    )
    description = models.TextField(_("简介"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # Organisations applied for on the site wait for review; those created by staff and
    # scripts (add_organization, import_organizations, the admin) are approved at once.
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    status = models.CharField(
        _("审核状态"), max_length=10, choices=Status.choices, default=Status.APPROVED, db_index=True
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    licence = models.FileField(
        _("营业执照或法人证书"),
        storage=private_files,
        upload_to="organizations/licences/%Y/",
        blank=True,
    )
    applicant = user_link(_("申请人"), related_name="organization_applications")
    applied_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    reviewed_by = user_link(_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("机构")

    def __str__(self):
        return self.name

    def clean(self):
        if self.uscc:
            try:
                self.uscc = validate_uscc(self.uscc)
            except ValidationError as exc:
                raise ValidationError({"uscc": exc.messages}) from exc


class Membership(models.Model):
    user = user_link(on_delete=models.CASCADE, null=False, related_name="memberships")
    organization = models.ForeignKey(
        Organization, related_name="memberships", on_delete=models.CASCADE
    )
    joined_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Role(models.TextChoices):
        MEMBER = "member", _("成员")
        ADMINISTRATOR = "administrator", _("机构管理员")

    role = models.CharField(_("机构角色"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")
        ]
        verbose_name = verbose_name_plural = _("机构成员")

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class TokenGrant(models.Model):
    """What a personal API token (Wagtail's APIToken) may do and until when.

    Wagtail's token has neither an expiry nor a scope; this row adds both. A token without
    a grant row (made before grants existed) reads and writes and never expires.
    """

    class Scope(models.TextChoices):
        READ = "read", _("只读")
        READ_WRITE = "read-write", _("读写")

    token = models.OneToOneField(
        "wagtailcore.APIToken", primary_key=True, related_name="grant", on_delete=models.CASCADE
    )
    scope = models.CharField(_("权限范围"), max_length=10, choices=Scope.choices)
    expires_at = models.DateTimeField(_("到期时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("令牌授权")

    def __str__(self):
        return f"{self.token_id} {self.scope} → {self.expires_at:%Y-%m-%d}"


class StoredFile(models.Model):
    """A private upload a record keeps (a contract's attachment, a report's evidence): the name
    its uploader gave it, its size and digest, who uploaded it and when. The subclass adds the
    `file` with its folder; core.uploads.StoredUpload fills the rest (`record_fields`)."""

    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = user_link(blank=False)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class AuditEntry(models.Model):
    """Who did what to which object, with the changed fields; written by services."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("操作"), max_length=50)
    object_type = models.CharField(_("对象类型"), max_length=100)
    object_id = models.CharField(_("对象编号"), max_length=64)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = verbose_name_plural = _("审计记录")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}"


class HomePage(Page):
    """The portal's front page: the plan's two tasks and the way into each section."""

    intro = RichTextField(_("导语"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["home"] = home_content(request)
        return context
