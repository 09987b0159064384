from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.home import home_content
from core.identifiers import validate_uscc


class District(models.Model):
    """Districts and economic zones: a taxonomy, since the zones have no division code."""

    name = models.CharField("名称", max_length=50, unique=True)
    division_code = models.CharField("行政区划代码", max_length=6, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = verbose_name_plural = "区县/功能区"

    def __str__(self):
        return self.name


class Industry(models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    is_priority = models.BooleanField("市重点产业", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = verbose_name_plural = "行业"

    def __str__(self):
        return self.name


class Organization(models.Model):
    """An enterprise, university or institute that has members on the platform."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", "企业"
        UNIVERSITY = "university", "高校"
        INSTITUTE = "institute", "科研院所"
        OTHER = "other", "其他机构"

    name = models.CharField("名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE)
    district = models.ForeignKey(
        District, verbose_name="所属区县", null=True, blank=True, on_delete=models.SET_NULL
    )
    industry = models.ForeignKey(
        Industry, verbose_name="行业", null=True, blank=True, on_delete=models.SET_NULL
    )
    description = models.TextField("简介", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "机构"

    def __str__(self):
        return self.name

    def clean(self):
        if self.uscc:
            try:
                self.uscc = validate_uscc(self.uscc)
            except ValidationError as exc:
                raise ValidationError({"uscc": exc.messages}) from exc


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="memberships", on_delete=models.CASCADE
    )
    organization = models.ForeignKey(
        Organization, related_name="memberships", on_delete=models.CASCADE
    )
    joined_at = models.DateTimeField("加入时间", auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")
        ]
        verbose_name = verbose_name_plural = "机构成员"

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class AuditEntry(models.Model):
    """Who did what to which object, with the changed fields; written by services."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField("操作", max_length=50)
    object_type = models.CharField("对象类型", max_length=100)
    object_id = models.CharField("对象编号", max_length=64)
    changes = models.JSONField("变更", default=dict, blank=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = verbose_name_plural = "审计记录"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}"


class HomePage(Page):
    """The portal's front page: the plan's two tasks and the way into each section."""

    intro = RichTextField("导语", blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["home"] = home_content(request)
        return context
