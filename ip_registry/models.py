"""The IP office's register: enterprises, yearly designations, patents, holders, legal status.

Legal status is kept as dated events; `StatusPeriod` rows are derived from them (one row per
interval during which a status held, expiry included) so that "in force on date D" is a range
predicate the database answers with an index instead of a per-patent Python computation.
"""

import re
import unicodedata
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.identifiers import PATENT_TYPES, patent_type_code
from core.models import ALIASES_HELP, District, Industry, Organization, VocabularyEntryMixin

PATENT_TYPE_LABELS = {
    "1": _("发明"),
    "2": _("实用新型"),
    "3": _("外观设计"),
    "8": _("发明（PCT 进入国家阶段）"),
    "9": _("实用新型（PCT 进入国家阶段）"),
}
assert set(PATENT_TYPE_LABELS) == set(PATENT_TYPES)


def name_key(value: str) -> str:
    """Normalised exact name for holder matching: width-folded (（）→()), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).strip()


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def patent_term_years(type_code: str, filing_date: date) -> int:
    if type_code in ("1", "8"):
        return 20
    if type_code in ("2", "9"):
        return 10
    # Designs: 15 years for applications filed from 2021-06-01 (amended Patent Law), 10 before.
    return 15 if filing_date >= date(2021, 6, 1) else 10


def patent_expiry(type_code: str, filing_date: date | None) -> date | None:
    if filing_date is None:
        return None
    return add_years(filing_date, patent_term_years(type_code, filing_date))


class Enterprise(models.Model):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=200)
    name_key = models.CharField(_("名称（规范化）"), max_length=200, db_index=True, editable=False)
    former_names = models.JSONField(_("曾用名"), default=list, blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("所属区县"), null=True, blank=True, on_delete=models.SET_NULL
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业"), null=True, blank=True, on_delete=models.SET_NULL
    )
    org_type = models.CharField(
        _("机构类型"),
        max_length=20,
        choices=Organization.Kind.choices,
        default=Organization.Kind.ENTERPRISE,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("企业")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ip_registry:enterprise_detail", kwargs={"uscc": self.uscc})


class DesignationType(VocabularyEntryMixin, models.Model):
    """规上科技型企业, 高新技术企业, 小巨人企业, 创新型领军企业 … kept as data."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    name_en = models.CharField(_("英文名"), max_length=100, blank=True)
    aliases = models.TextField(_("别名"), blank=True, help_text=ALIASES_HELP)
    is_coverage_base = models.BooleanField(
        _("专利覆盖率的分母"),
        default=False,
        help_text=_("专利覆盖率以当年认定为此类型的企业为分母（默认：规模以上科技型企业）。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = verbose_name_plural = _("认定类型")

    def __str__(self):
        return self.name


class Designation(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, related_name="designations", on_delete=models.CASCADE, verbose_name=_("企业")
    )
    designation_type = models.ForeignKey(
        DesignationType, on_delete=models.PROTECT, verbose_name=_("认定类型")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "designation_type__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "designation_type", "year"], name="unique_designation"
            )
        ]
        indexes = [models.Index(fields=["designation_type", "year"])]
        verbose_name = verbose_name_plural = _("企业认定")

    def __str__(self):
        return f"{self.year} {self.designation_type} {self.enterprise}"


class LegalStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("patent status", "审查中")
    GRANTED = "granted", pgettext_lazy("patent status", "授权")
    LAPSED = "lapsed", pgettext_lazy("patent status", "未缴年费终止")
    ABANDONED = "abandoned", pgettext_lazy("patent status", "放弃专利权")
    INVALIDATED = "invalidated", pgettext_lazy("patent status", "宣告无效")
    EXPIRED = "expired", pgettext_lazy("patent status", "期限届满")
    WITHDRAWN = "withdrawn", pgettext_lazy("patent status", "撤回")
    REJECTED = "rejected", pgettext_lazy("patent status", "驳回")
    RESTORED = "restored", pgettext_lazy("patent status", "权利恢复")
    # CNIPA's summary 失效 without the reason: the patent is no longer in force.
    CEASED = "ceased", pgettext_lazy("patent status", "失效")


IN_FORCE_STATUSES = frozenset({LegalStatus.GRANTED, LegalStatus.RESTORED})


class Patent(models.Model):
    application_number = models.CharField(_("申请号"), max_length=16, unique=True)
    patent_type = models.CharField(
        _("专利类型"), max_length=1, choices=list(PATENT_TYPE_LABELS.items()), editable=False
    )
    title = models.CharField(_("名称"), max_length=300)
    filing_date = models.DateField(_("申请日"), null=True, blank=True, db_index=True)
    publication_number = models.CharField(_("公开号"), max_length=20, blank=True)
    publication_date = models.DateField(_("公开日"), null=True, blank=True)
    grant_number = models.CharField(_("授权公告号"), max_length=20, blank=True)
    grant_date = models.DateField(_("授权公告日"), null=True, blank=True)
    expiry_date = models.DateField(_("期限届满日"), null=True, blank=True, editable=False)
    fees_paid_until = models.DateField(
        _("年费缴至"),
        null=True,
        blank=True,
        help_text=_("已缴年费覆盖的最后一个专利年度的截止日。"),
    )
    ipc = models.CharField(_("IPC 分类号"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-filing_date", "application_number"]
        indexes = [models.Index(fields=["patent_type", "filing_date"])]
        verbose_name = verbose_name_plural = _("专利")

    def __str__(self):
        return f"{self.application_number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ip_registry:patent_detail", kwargs={"number": self.application_number})

    def fill_derived(self):
        self.patent_type = patent_type_code(self.application_number)
        self.expiry_date = patent_expiry(self.patent_type, self.filing_date)

    @property
    def patent_type_label(self) -> str:
        return str(PATENT_TYPE_LABELS.get(self.patent_type, ""))


class PatentClassification(models.Model):
    """One IPC symbol, split so that statistics can group by section, class or subclass."""

    patent = models.ForeignKey(Patent, related_name="classifications", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    symbol = models.CharField(_("分类号"), max_length=40)
    section = models.CharField(_("部"), max_length=1, db_index=True)
    ipc_class = models.CharField(_("大类"), max_length=3)
    subclass = models.CharField(_("小类"), max_length=4, db_index=True)
    main_group = models.CharField(_("大组"), max_length=4)
    subgroup = models.CharField(_("小组"), max_length=6)

    class Meta:
        ordering = ["position"]
        verbose_name = verbose_name_plural = _("IPC 分类")

    def __str__(self):
        return self.symbol


class Holding(models.Model):
    """A patentee (co-owners each have a row) from `start_date` until `end_date` (exclusive)."""

    patent = models.ForeignKey(Patent, related_name="holdings", on_delete=models.CASCADE)
    enterprise = models.ForeignKey(
        Enterprise,
        related_name="holdings",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("未能按统一社会信用代码或名称匹配到登记企业时为空。"),
    )
    holder_name = models.CharField(_("权利人名称"), max_length=200)
    holder_uscc = models.CharField(_("权利人统一社会信用代码"), max_length=18, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    start_date = models.DateField(_("起始日"))
    end_date = models.DateField(_("终止日"), null=True, blank=True)

    class Meta:
        ordering = ["patent", "start_date", "position"]
        indexes = [
            models.Index(fields=["enterprise", "start_date"]),
            models.Index(fields=["patent", "end_date"]),
        ]
        verbose_name = verbose_name_plural = _("专利权人")

    def __str__(self):
        return f"{self.holder_name} {self.start_date}–{self.end_date or ''}"


class LegalStatusEvent(models.Model):
    patent = models.ForeignKey(Patent, related_name="status_events", on_delete=models.CASCADE)
    status = models.CharField(_("法律状态"), max_length=20, choices=LegalStatus.choices)
    date = models.DateField(_("生效日"))
    source = models.CharField(_("来源"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["patent", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patent", "status", "date"], name="unique_legal_status_event"
            )
        ]
        verbose_name = verbose_name_plural = _("法律状态事件")

    def __str__(self):
        return f"{self.date} {self.get_status_display()}"


class StatusPeriod(models.Model):
    """Derived from events and the term: the status in force from start_date until end_date."""

    patent = models.ForeignKey(Patent, related_name="status_periods", on_delete=models.CASCADE)
    status = models.CharField(max_length=20, choices=LegalStatus.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["patent", "start_date"]),
            models.Index(fields=["status", "start_date", "end_date"]),
        ]
        verbose_name = verbose_name_plural = _("法律状态区间")

    def __str__(self):
        return f"{self.status} {self.start_date}–{self.end_date or ''}"


class RDInstitution(models.Model):
    """An R&D institution (研发机构) of an enterprise: 工程技术研究中心, 企业技术中心, 重点实验室 …

    Recorded on the register because it belongs to the enterprise; the plan counts the share of
    规上科技型 enterprises that have one, and funding officers check it for eligibility.
    """

    class Kind(models.TextChoices):
        ENGINEERING_CENTER = "engineering_center", _("工程技术研究中心")
        ENTERPRISE_CENTER = "enterprise_center", _("企业技术中心")
        KEY_LAB = "key_lab", _("重点实验室")
        RESEARCH_INSTITUTE = "research_institute", _("产业技术研究院/新型研发机构")
        ACADEMICIAN_STATION = "academician_station", _("院士工作站")
        POSTDOC_STATION = "postdoc_station", _("博士后科研工作站")
        OTHER = "other", _("其他研发机构")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        MUNICIPAL = "municipal", _("市级")
        ENTERPRISE = "enterprise", _("企业自建")

    enterprise = models.ForeignKey(
        Enterprise, related_name="rd_institutions", on_delete=models.CASCADE, verbose_name=_("企业")
    )
    name = models.CharField(_("机构名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("认定/建立年度"))
    until_year = models.PositiveSmallIntegerField(
        _("撤销年度"),
        null=True,
        blank=True,
        help_text=_("撤销或未通过评估的年度；该年起不再计入。"),
    )
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        ordering = ["enterprise", "-year", "name"]
        indexes = [models.Index(fields=["enterprise", "year"])]
        verbose_name = verbose_name_plural = _("企业研发机构")

    def __str__(self):
        return f"{self.name}（{self.get_level_display()}{self.get_kind_display()}，{self.year}）"


class RDExpenditure(models.Model):
    """An enterprise's R&D spending and sales revenue for a year (万元), as reported to it."""

    enterprise = models.ForeignKey(
        Enterprise, related_name="rd_expenditures", on_delete=models.CASCADE, verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    rd_expense = models.DecimalField(_("研发经费支出（万元）"), max_digits=14, decimal_places=2)
    revenue = models.DecimalField(_("销售收入（万元）"), max_digits=14, decimal_places=2)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="unique_rd_expenditure")
        ]
        verbose_name = verbose_name_plural = _("企业研发投入")

    def __str__(self):
        return f"{self.enterprise} {self.year}"

    @property
    def share(self) -> float | None:
        """R&D spending as a percentage of sales revenue."""
        if not self.revenue:
            return None
        return round(float(self.rd_expense) * 100 / float(self.revenue), 2)


class ColumnProfile(models.Model):
    """A saved mapping of one office's export headers onto an importer's columns."""

    KINDS = [("patents", _("专利")), ("enterprises", _("企业")), ("designations", _("企业认定"))]

    name = models.CharField(_("方案名称"), max_length=60)
    kind = models.CharField(_("数据类型"), max_length=20, choices=KINDS)
    mapping = models.JSONField(
        _("列映射"),
        default=dict,
        help_text=_('文件中的列名 → 字段代码，例如 {"专利权人（当前）": "holders"}。'),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="unique_column_profile")
        ]
        verbose_name = verbose_name_plural = _("列映射方案")

    def __str__(self):
        return f"{self.get_kind_display()}：{self.name}"
