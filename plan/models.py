"""The plan office's monitor of the 2017 action plan: indicators, targets, department reports,
R&D-spending requirements and the quarterly bulletins.

Targets, lead departments and task numbers are editable data (Wagtail snippets): the plan text
gives the figures, the office keeps them current.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import District, StoredFile, user_link
from core.storage import private_files


class Department(models.Model):
    """A lead department (牵头单位); its members are the reporters for its indicators."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人员"),
        related_name="plan_departments",
        blank=True,
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = verbose_name_plural = _("牵头单位")

    def __str__(self):
        return self.name


class Computation(models.TextChoices):
    """How the platform computes an indicator from its own data (plan/computations.py)."""

    PATENT_COVERAGE = "patent_coverage", _("规上科技型企业专利覆盖率")
    INVENTION_APPLICATIONS = "invention_applications", _("发明专利申请量")
    DESIGNATION_TOTAL = "designation_total", _("当年认定企业数")
    DESIGNATION_NEW = "designation_new", _("当年新认定企业数")
    RD_INSTITUTION_SHARE = "rd_institution_share", _("建有研发机构的规上科技型企业比例")
    RD_SALES_RATIO = "rd_sales_ratio", _("研发投入占销售收入比重")
    CONTRACTS_COUNT = "contracts_count", _("技术合同登记数")
    CONTRACTS_TOTAL = "contracts_total", _("技术合同成交额")
    CONTRACTS_TECHNICAL = "contracts_technical", _("技术交易额")
    MARKET_DEALS = "market_deals", _("技术市场成交数")
    MARKET_DEAL_VALUE = "market_deal_value", _("技术市场成交额")


class Indicator(models.Model):
    class Source(models.TextChoices):
        COMPUTED = "computed", _("系统计算")
        REPORTED = "reported", _("部门填报")

    class Direction(models.TextChoices):
        AT_LEAST = "at_least", _("不低于")
        AT_MOST = "at_most", _("不高于")

    class Measure(models.TextChoices):
        LEVEL = "level", _("存量/比例（年末水平）")
        ANNUAL = "annual", _("年度累计量（当年从零累计）")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("指标"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    task = models.PositiveSmallIntegerField(
        _("计划任务序号"), null=True, blank=True, validators=[MaxValueValidator(24)]
    )
    lead_department = models.ForeignKey(
        Department, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="indicators"
    )
    responsible = models.CharField(
        _("责任单位"), max_length=200, blank=True, default="各县区政府、各功能区管委会"
    )
    source = models.CharField(_("数据来源"), max_length=20, choices=Source.choices)
    computation = models.CharField(
        _("计算方法"), max_length=40, choices=Computation.choices, blank=True
    )
    designation_codes = models.CharField(
        _("认定类型代码"),
        max_length=100,
        blank=True,
        help_text=_("按认定类型计算的指标使用，多个以逗号分隔（如 high_tech,little_giant）。"),
    )
    direction = models.CharField(
        _("方向"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    measure = models.CharField(
        _("口径"), max_length=10, choices=Measure.choices, default=Measure.LEVEL
    )
    interpolate = models.BooleanField(
        _("按计划路径插值"),
        default=True,
        help_text=_("两个目标年度之间的年度按直线插值得到进度目标。"),
    )
    carry_forward = models.BooleanField(
        _("计划期后延续最后目标"), default=True, help_text=_("2019 年以后按最后一个目标考核。")
    )
    district_assessed = models.BooleanField(
        _("纳入区县考核"), default=False, help_text=_("在区县考核记分表中计分。")
    )
    districts_share_city_target = models.BooleanField(
        _("区县沿用全市目标"),
        default=False,
        help_text=_("比例类指标：未单独分解的区县按全市目标考核。"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = verbose_name_plural = _("规划指标")

    def __str__(self):
        return self.name

    def designation_code_list(self) -> list[str]:
        return [c.strip() for c in self.designation_codes.split(",") if c.strip()]


class Target(models.Model):
    """A target the plan sets for a year, city-wide (no district) or for one district."""

    indicator = models.ForeignKey(Indicator, related_name="targets", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("年度"))
    district = models.ForeignKey(
        District, verbose_name=_("区县/功能区"), null=True, blank=True, on_delete=models.CASCADE
    )
    value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2)
    is_baseline = models.BooleanField(
        _("基期值"),
        default=False,
        help_text=_("计划开始前一年的实际水平：只作为插值路径的起点，不是该年度的目标。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["indicator__sort_order", "year", "district__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "district"], name="unique_plan_target"
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(district__isnull=True),
                name="unique_plan_city_target",
            ),
        ]
        verbose_name = verbose_name_plural = _("规划目标")

    def __str__(self):
        where = self.district.name if self.district_id else gettext("全市")
        return f"{self.indicator} {self.year} {where}"


class Report(models.Model):
    """A lead department's value for a reported indicator and a period (a quarter of a year;
    Q4 is the year's figure)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        ACCEPTED = "accepted", _("已采纳")
        RETURNED = "returned", _("已退回")

    indicator = models.ForeignKey(Indicator, related_name="reports", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    district = models.ForeignKey(
        District, verbose_name=_("区县/功能区"), null=True, blank=True, on_delete=models.PROTECT
    )
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    due_date = models.DateField(_("报送截止日"))
    late = models.BooleanField(_("逾期报送"), default=False)
    created_by = user_link(blank=False)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-quarter", "indicator__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter", "district"], name="unique_plan_report"
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"],
                condition=models.Q(district__isnull=True),
                name="unique_plan_city_report",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year", "status"])]
        verbose_name = verbose_name_plural = _("指标填报")

    def __str__(self):
        return f"{self.indicator} {self.year} Q{self.quarter}"

    @property
    def period_label(self) -> str:
        return (
            gettext("%(year)s 年第 %(quarter)s 季度") % {"year": self.year, "quarter": self.quarter}
            if self.quarter < 4
            else gettext("%(year)s 年全年") % {"year": self.year}
        )


class Evidence(StoredFile):
    report = models.ForeignKey(Report, related_name="evidence", on_delete=models.CASCADE)
    file = models.FileField(storage=private_files, upload_to="plan/evidence/%Y/")

    class Meta(StoredFile.Meta):
        verbose_name = verbose_name_plural = _("佐证材料")


class RDRequirement(models.Model):
    """The year's R&D-spending requirement (研发投入占销售收入 ≥ min_share %) for enterprises
    holding any of the designations; blank designations: every enterprise."""

    year = models.PositiveSmallIntegerField(_("年度"))
    designation_codes = models.CharField(
        _("适用认定类型代码"),
        max_length=100,
        blank=True,
        help_text=_("逗号分隔；留空适用于所有企业。"),
    )
    min_share = models.DecimalField(
        _("最低研发投入占销售收入比重（%）"), max_digits=5, decimal_places=2
    )
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["year", "designation_codes"]
        verbose_name = verbose_name_plural = _("研发投入要求")

    def __str__(self):
        return f"{self.year} ≥{self.min_share}%（{self.designation_codes or gettext('所有企业')}）"

    def designation_code_list(self) -> list[str]:
        return [c.strip() for c in self.designation_codes.split(",") if c.strip()]


class Bulletin(models.Model):
    """A quarterly progress bulletin: generated from the data, published after review."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待审核")
        PUBLISHED = "published", _("已发布")

    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    pdf = models.FileField(storage=private_files, upload_to="plan/bulletins/")
    summary = models.JSONField(_("摘要"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = user_link(blank=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = user_link()

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="unique_plan_bulletin")
        ]
        verbose_name = verbose_name_plural = _("进展通报")

    def __str__(self):
        return gettext("%(year)s 年第 %(quarter)s 季度进展通报") % {
            "year": self.year,
            "quarter": self.quarter,
        }
