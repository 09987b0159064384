"""Technology market: taxonomies, listing pages, inquiries/deals, notices and subscriptions."""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks, hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from core.http import clean_query_redirect
from core.identifiers import normalize_patent_number
from core.models import user_link
from core.phrases import Phrase
from core.selectors import organizations_for_user
from core.types import AnyUser
from marketplace.panels import PatentCheckPanel

# GB/T 22900-2022《科学技术研究项目评价通则》技术就绪水平 (TRL) 1–9 级.
TRL_LEVELS = {
    1: _("基本原理被发现和报道"),
    2: _("形成技术概念或应用方案"),
    3: _("关键功能和特性通过分析和实验得到概念验证"),
    4: _("实验室环境中的部件或模块验证"),
    5: _("相关环境中的部件或模块验证"),
    6: _("相关环境中的系统或原型演示"),
    7: _("实际环境中的系统原型演示"),
    8: _("实际系统完成并通过试验验证（定型）"),
    9: _("实际系统通过实际应用验证（产业化）"),
}
TRL_CHOICES = [
    (level, format_lazy(_("{level} 级：{meaning}"), level=level, meaning=meaning))
    for level, meaning in TRL_LEVELS.items()
]

# Slugs taken by the Django views mounted under /market/ (marketplace/urls.py); a listing page
# with one of these slugs would be unreachable.
RESERVED_SLUGS = {"results", "demands", "org", "inquiries", "mine", "notices", "stats", "new"}

KEYWORD_SPLIT = re.compile(r"[,，、;；\s]+")

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


@register_snippet
class CooperationMode(models.Model):
    """合作方式; `aliases` lets imports say 技术转让 for 转让 and so on."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    aliases = models.CharField(
        _("别名"), max_length=200, blank=True, help_text=_("导入时可识别的其他写法，以逗号分隔")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("aliases"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = verbose_name_plural = _("合作方式")

    def __str__(self):
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [a for a in KEYWORD_SPLIT.split(self.aliases) if a]


@register_snippet
class HolderType(models.Model):
    """成果持有方类型：高校、科研院所、企业、个人."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = verbose_name_plural = _("持有方类型")

    def __str__(self):
        return self.name


# The listing pages' context (the filter form and its results; a listing's patents, matches and
# inquiry form) is built from the app's forms, selectors and matching, which all read these models.
# So the pages ask for it through a hook that marketplace/wagtail_hooks.py answers with
# marketplace.pages, as a lower app asks a higher one (docs/architecture.md): no circle of imports.
LISTING_INDEX_CONTEXT_HOOK = "marketplace_listing_index_context"
LISTING_DETAIL_CONTEXT_HOOK = "marketplace_listing_detail_context"


def _page_context_builder(hook_name: str) -> Callable[..., dict[str, Any]]:
    # Exactly one answer: a page without its context would render empty without saying why.
    (builder,) = hooks.get_hooks(hook_name)
    return builder


class MarketIndexPage(Page):
    """/market/: all live listings with the filters; the kind pages live under it."""

    intro = RichTextField(_("导语"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["marketplace.TechnologyResultPage", "marketplace.TechnologyDemandPage"]
    max_count = 1

    class Meta:
        verbose_name = _("技术市场首页")

    def serve(self, request, *args, **kwargs):
        return clean_query_redirect(request) or super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(_page_context_builder(LISTING_INDEX_CONTEXT_HOOK)(request, kind=None))
        return context


def _reading_english() -> bool:
    return (get_language() or "").startswith("en")


class ListingBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("正文"), features=RICH_TEXT_FEATURES)
    image = ImageChooserBlock(label=_("图片"))
    document = DocumentChooserBlock(label=_("附件"))

    class Meta:
        label = _("详细介绍")


class ListingPage(Page):
    """Fields both kinds share; `kind` tells search and templates which one a page is."""

    kind = ""
    kind_label: str | Promise = ""

    external_id = models.CharField(
        _("外部编号"), max_length=64, blank=True, db_index=True, help_text=_("导入数据的唯一编号")
    )
    summary = models.CharField(_("一句话简介"), max_length=300)
    # Optional English wording, shown to visitors reading in English and found by English queries.
    title_en = models.CharField(_("英文标题"), max_length=255, blank=True)
    summary_en = models.CharField(_("英文简介"), max_length=300, blank=True)
    problem = models.TextField(_("解决的问题"), blank=True)
    body = StreamField(ListingBodyBlock(), verbose_name=_("详细介绍"), blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attachment = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("附件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    industry = models.ForeignKey(
        "core.Industry",
        verbose_name=_("行业"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trl = models.PositiveSmallIntegerField(
        _("技术就绪水平 (TRL)"),
        null=True,
        blank=True,
        choices=TRL_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    modes = ParentalManyToManyField(CooperationMode, verbose_name=_("合作方式"), blank=True)
    price_wan = models.DecimalField(
        _("价格（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("留空表示面议"),
    )
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("发布机构"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    holder_type = models.ForeignKey(
        HolderType,
        verbose_name=_("持有方类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("所在区县"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    keywords = models.CharField(
        _("关键词"), max_length=500, blank=True, help_text=_("以逗号或空格分隔")
    )
    patents = models.TextField(
        _("关联专利申请号"),
        blank=True,
        help_text=_("每行一个，如 201710601862.3；保存时校验并规范化"),
    )
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("title_en"),
        index.SearchField("summary_en"),
        index.SearchField("problem"),
        index.SearchField("keywords"),
        index.SearchField("body"),
        index.FilterField("industry"),
        index.FilterField("trl"),
        index.FilterField("price_wan"),
        index.FilterField("district"),
        index.FilterField("valid_until"),
        index.RelatedFields("organization", [index.SearchField("name")]),
    ]

    listing_panels = [
        PatentCheckPanel(heading=_("专利检查")),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("title_en"), FieldPanel("summary_en")], heading=_("英文（可选）")
        ),
        FieldPanel("problem"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("cover_image"), FieldPanel("attachment")], heading=_("图片与附件")
        ),
        MultiFieldPanel(
            [
                FieldPanel("industry"),
                FieldPanel("trl"),
                FieldPanel("modes"),
                FieldPanel("keywords"),
                FieldPanel("patents"),
            ],
            heading=_("分类"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("organization"),
                FieldPanel("holder_type"),
                FieldPanel("district"),
                FieldRowPanel(
                    [
                        FieldPanel("contact_name"),
                        FieldPanel("contact_phone"),
                        FieldPanel("contact_email"),
                    ]
                ),
            ],
            heading=_("发布方与联系方式"),
        ),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")], heading=_("有效期")),
    ]
    promote_panels = [*Page.promote_panels, FieldPanel("external_id")]

    parent_page_types = ["marketplace.MarketIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="%(app_label)s_%(class)s_external_id_unique",
            )
        ]

    @property
    def display_title(self) -> str:
        """The English title for visitors reading in English, when the owner gave one."""
        return self.title_en if self.title_en and _reading_english() else self.title

    @property
    def display_summary(self) -> str:
        return self.summary_en if self.summary_en and _reading_english() else self.summary

    @property
    def keyword_list(self) -> list[str]:
        seen: list[str] = []
        for word in KEYWORD_SPLIT.split(self.keywords or ""):
            if word and word not in seen:
                seen.append(word)
        return seen

    @property
    def patent_numbers(self) -> list[str]:
        return [line.strip() for line in (self.patents or "").splitlines() if line.strip()]

    @property
    def trl_meaning(self) -> str:
        return str(TRL_LEVELS.get(self.trl, "")) if self.trl is not None else ""

    @property
    def price_display(self) -> str:
        return str(self.price_phrase)

    @property
    def price_phrase(self) -> Phrase:
        if self.price_wan is None:
            return Phrase.of(gettext_noop("面议"))
        return Phrase.of(
            gettext_noop("%(price_wan)s 万元"), price_wan=format(self.price_wan.normalize(), "f")
        )

    def editable_by(self, user: AnyUser) -> bool:
        """Members of the owning organisation edit, withdraw and renew the listing."""
        return (
            user.is_authenticated
            and self.organization_id is not None
            and organizations_for_user(user=user).filter(pk=self.organization_id).exists()
        )

    def is_expired(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.valid_until is not None and self.valid_until < on

    def clean(self):
        super().clean()
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = gettext("网址“%(slug)s”为系统保留，请换一个") % {"slug": self.slug}
        numbers, bad = [], []
        for raw in re.split(r"[\n,，;；、]+", self.patents or ""):
            if not raw.strip():
                continue
            try:
                number = normalize_patent_number(raw.strip())
            except ValidationError as exc:
                bad.extend(exc.messages)
                continue
            if number not in numbers:
                numbers.append(number)
        if bad:
            errors["patents"] = bad
        else:
            self.patents = "\n".join(numbers)
        self.keywords = "，".join(self.keyword_list)
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = gettext("有效期截止日不能早于起始日")
        if self.external_id:
            for model in (TechnologyResultPage, TechnologyDemandPage):
                clash = model.objects.filter(external_id=self.external_id)
                if self.pk:
                    clash = clash.exclude(pk=self.pk)
                if clash.exists():
                    errors["external_id"] = gettext("外部编号“%(external_id)s”已被其他挂牌使用") % {
                        "external_id": self.external_id
                    }
        errors.update(self.clean_kind())
        if errors:
            raise ValidationError(errors)

    def clean_kind(self) -> dict:
        return {}

    def serve(self, request, *args, **kwargs):
        # An expired listing leaves the market; its owners still see it (to renew it).
        if self.is_expired() and not (request.user.is_staff or self.editable_by(request.user)):
            raise Http404(gettext("挂牌已过期"))
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(_page_context_builder(LISTING_DETAIL_CONTEXT_HOOK)(request, self))
        return context


class TechnologyResultPage(ListingPage):
    kind = "technology"
    kind_label = _("科技成果")

    advantages = models.TextField(
        _("量化优势"), blank=True, help_text=_("用数字说明性能、成本等优势")
    )
    applications = models.TextField(_("应用领域"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("external_id"),
        FieldPanel("advantages"),
        FieldPanel("applications"),
        *ListingPage.listing_panels,
        FieldPanel("price_wan"),
    ]
    promote_panels = Page.promote_panels
    search_fields = [
        *ListingPage.search_fields,
        index.SearchField("advantages"),
        index.SearchField("applications"),
    ]

    class Meta(ListingPage.Meta):
        verbose_name = verbose_name_plural = _("科技成果")

    def clean_kind(self) -> dict:
        if self.trl is None:
            return {"trl": gettext("科技成果须填写技术就绪水平（1–9 级）")}
        return {}


class TechnologyDemandPage(ListingPage):
    kind = "demand"
    kind_label = _("技术需求")

    indicators = models.TextField(_("技术指标"), blank=True)
    budget_min_wan = models.DecimalField(
        _("预算下限（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_max_wan = models.DecimalField(
        _("预算上限（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    deadline = models.DateField(_("需求截止日期"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("external_id"),
        FieldPanel("indicators"),
        *ListingPage.listing_panels,
        FieldRowPanel(
            [FieldPanel("budget_min_wan"), FieldPanel("budget_max_wan"), FieldPanel("deadline")],
            heading=_("预算与期限"),
        ),
    ]
    promote_panels = Page.promote_panels
    search_fields = [*ListingPage.search_fields, index.SearchField("indicators")]

    class Meta(ListingPage.Meta):
        verbose_name = verbose_name_plural = _("技术需求")

    @property
    def budget_display(self) -> str:
        return str(self.budget_phrase)

    @property
    def budget_phrase(self) -> Phrase:
        low, high = self.budget_min_wan, self.budget_max_wan
        if low is None and high is None:
            return Phrase.of(gettext_noop("面议"))
        if low is not None and high is not None and low != high:
            return Phrase.of(
                gettext_noop("%(low)s–%(high)s 万元"),
                low=format(low.normalize(), "f"),
                high=format(high.normalize(), "f"),
            )
        single = high if high is not None else low
        assert single is not None  # both empty returned 面议 above
        return Phrase.of(gettext_noop("%(single)s 万元"), single=format(single.normalize(), "f"))

    def clean_kind(self) -> dict:
        low, high = self.budget_min_wan, self.budget_max_wan
        if low is not None and high is not None and low > high:
            return {"budget_max_wan": gettext("预算上限不能低于下限")}
        return {}


LISTING_MODELS = (TechnologyResultPage, TechnologyDemandPage)
KIND_MODELS = {model.kind: model for model in LISTING_MODELS}


class ListingPatentCheck(models.Model):
    """Latest registry check of a listing's patents; moderators see the flagged ones."""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="market_patent_check"
    )
    flagged = models.BooleanField(_("专利存疑"), default=False, db_index=True)
    reason = models.TextField(_("原因"), blank=True)
    # The reason as message ids plus parameters (core.phrases), read in the reader's language;
    # `reason` keeps it in the site language (and is all that checks made before it have).
    reason_message = models.JSONField(_("原因（消息及参数）"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("检查时间"), default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = _("挂牌专利检查")

    def __str__(self):
        return f"{self.page_id}: {gettext('存疑') if self.flagged else gettext('正常')}"

    @property
    def reason_text(self) -> str:
        return str(Phrase.from_json(self.reason_message)) if self.reason_message else self.reason


class Inquiry(models.Model):
    """A buyer's inquiry on a listing; the thread and the deal it may become."""

    class Status(models.TextChoices):
        NEW = "new", _("新建")
        NEGOTIATING = "negotiating", _("洽谈中")
        DEAL = "deal", _("已成交")
        CLOSED = "closed", _("已关闭")

    listing = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("挂牌"),
        on_delete=models.CASCADE,
        related_name="market_inquiries",
    )
    seller_organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("挂牌机构"),
        on_delete=models.PROTECT,
        related_name="market_inquiries_received",
    )
    buyer = user_link(
        _("询价人"), on_delete=models.PROTECT, null=False, related_name="market_inquiries"
    )
    buyer_organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("询价机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="market_inquiries_sent",
    )
    message = models.TextField(_("询价内容"))
    mode = models.ForeignKey(
        CooperationMode,
        verbose_name=_("意向合作方式"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    budget_wan = models.DecimalField(
        _("预算（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    deal_price_wan = models.DecimalField(
        _("成交价（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deal_mode = models.ForeignKey(
        CooperationMode,
        verbose_name=_("成交合作方式"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("询价时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("成交/关闭时间"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["buyer", "created_at"])]
        verbose_name = verbose_name_plural = _("询价")

    def __str__(self):
        return gettext("询价 #%(pk)s") % {"pk": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.NEW, self.Status.NEGOTIATING)


class InquiryMessage(models.Model):
    """One line of an inquiry's conversation: what a party typed, or the line a status change
    adds, which keeps its message id and parameters (`message`, core.phrases) so each side
    reads it in their own language; `body` then holds it in the site language."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    author = user_link(on_delete=models.PROTECT, null=False)
    body = models.TextField(_("内容"))
    message = models.JSONField(_("消息及参数"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = _("询价留言")

    def __str__(self):
        return f"{self.inquiry_id}/{self.pk}"

    @property
    def body_text(self) -> str:
        """The line in the language active now (the reader's)."""
        return str(Phrase.from_json(self.message)) if self.message else self.body


class Notice(models.Model):
    """In-site notice list; e-mail goes out alongside (services.notice_send).

    `message` holds the subject and body as message ids plus parameters (core.phrases), so each
    reader sees them in their own language. `subject` and `body` keep the text in the site
    language: what rows written before `message` existed show, and what the admin lists.
    """

    user = user_link(on_delete=models.CASCADE, null=False, related_name="market_notices")
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    message = models.JSONField(_("消息及参数"), default=dict, blank=True, editable=False)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("站内通知")

    def __str__(self):
        return self.subject

    @property
    def subject_text(self) -> str:
        """The subject in the language active now (the reader's)."""
        subject = self.message.get("subject") if self.message else None
        return str(Phrase.from_json(subject))[:200] if subject else self.subject

    @property
    def body_text(self) -> str:
        body = self.message.get("body") if self.message else None
        return str(Phrase.from_json(body)) if body else self.body


class MatchSubscription(models.Model):
    """A demand owner asks to hear about new results that match the demand."""

    demand = models.ForeignKey(
        TechnologyDemandPage, on_delete=models.CASCADE, related_name="match_subscriptions"
    )
    user = user_link(on_delete=models.CASCADE, null=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["demand", "user"], name="unique_match_subscription")
        ]
        verbose_name = verbose_name_plural = _("匹配订阅")

    def __str__(self):
        return f"{self.user} ← {self.demand_id}"


class ExpiryReminder(models.Model):
    """One renewal reminder per listing and validity date, so the command can run daily."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    valid_until = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "valid_until"], name="unique_expiry_reminder")
        ]
        verbose_name = verbose_name_plural = _("续期提醒")

    def __str__(self):
        return f"{self.page_id} {self.valid_until}"
