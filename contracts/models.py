"""Technology contracts registered with the local registry (技术合同认定登记)."""

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.models import District, Organization, StoredFile, user_link
from core.storage import private_files


class ContractType(models.TextChoices):
    DEVELOPMENT = "development", _("技术开发")
    TRANSFER = "transfer", _("技术转让")
    LICENSE = "license", _("技术许可")
    CONSULTING = "consulting", _("技术咨询")
    SERVICE = "service", _("技术服务")


# Subtypes per class (DOMAIN.md "Technology contracts").
SUBTYPES: dict[str, list[tuple[str, str | Promise]]] = {
    ContractType.DEVELOPMENT: [("commissioned", _("委托开发")), ("cooperative", _("合作开发"))],
    ContractType.TRANSFER: [
        ("patent_right", _("专利权转让")),
        ("patent_application_right", _("专利申请权转让")),
        ("know_how", _("技术秘密转让")),
        ("other_ip", _("其他知识产权转让")),
        ("equity", _("技术入股")),
    ],
    ContractType.LICENSE: [
        ("patent_license", _("专利实施许可")),
        ("know_how_license", _("技术秘密使用许可")),
        ("other_license", _("其他")),
    ],
    ContractType.CONSULTING: [("consulting", _("技术咨询"))],
    ContractType.SERVICE: [
        ("service", _("技术服务")),
        ("training", _("技术培训")),
        ("intermediary", _("技术中介")),
    ],
}
SUBTYPE_CHOICES = [(code, label) for pairs in SUBTYPES.values() for code, label in pairs]
SUBTYPE_LABELS = dict(SUBTYPE_CHOICES)
# Subtypes whose subject is a patent: the registry pre-check applies to them.
PATENT_SUBTYPES = {"patent_right", "patent_application_right", "patent_license"}


class TechnologyField(models.TextChoices):
    """技术领域 as in the national technology-market statistics."""

    ELECTRONICS = "electronics", _("电子信息")
    AEROSPACE = "aerospace", _("航空航天")
    MANUFACTURING = "manufacturing", _("先进制造")
    BIOMEDICINE = "biomedicine", _("生物、医药和医疗器械")
    MATERIALS = "materials", _("新材料及其应用")
    ENERGY = "energy", _("新能源与高效节能")
    ENVIRONMENT = "environment", _("环境保护与资源综合利用")
    NUCLEAR = "nuclear", _("核应用")
    AGRICULTURE = "agriculture", _("农业")
    TRANSPORT = "transport", _("现代交通")
    URBAN = "urban", _("城市建设与社会发展")


class IPType(models.TextChoices):
    INVENTION = "invention", _("发明专利")
    UTILITY_MODEL = "utility_model", _("实用新型专利")
    DESIGN = "design", _("外观设计专利")
    KNOW_HOW = "know_how", _("技术秘密")
    SOFTWARE = "software", _("计算机软件著作权")
    IC_LAYOUT = "ic_layout", _("集成电路布图设计")
    PLANT_VARIETY = "plant_variety", _("植物新品种")
    OTHER = "other", _("其他知识产权")
    NONE = "none", _("未涉及知识产权")


class OfficerAction(models.TextChoices):
    """What a registry officer can do to a contract: one table for the pages and the API."""

    ACCEPT = "accept", _("受理")
    START_REVIEW = "start_review", _("开始审查")
    REGISTER = "register", _("认定登记")
    RETURN = "return", _("退回补正")
    REFUSE = "refuse", _("不予登记")
    ADJUST = "adjust", _("核定技术交易额")
    AMEND = "amend", _("变更登记")
    CANCEL = "cancel", _("注销登记")
    NATIONAL_NUMBER = "national_number", _("登记全国系统编号")


class PaymentMethod(models.TextChoices):
    LUMP_SUM = "lump_sum", _("一次总付")
    INSTALMENTS = "instalments", _("分期支付")
    ROYALTY = "royalty", _("提成支付")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    REVIEWING = "reviewing", _("审查中")
    REGISTERED = "registered", _("已登记")
    RETURNED = "returned", pgettext_lazy("contract status", "退回补正")
    REFUSED = "refused", pgettext_lazy("contract status", "不予登记")
    WITHDRAWN = "withdrawn", _("已撤回")
    CANCELLED = "cancelled", _("已注销")


class RefusalGround(models.TextChoices):
    """Grounds for refusal (技术合同认定规则 / 管理办法); officers pick one or more."""

    NOT_TECHNOLOGY_CONTRACT = "not_technology_contract", _("不属于技术合同，或合同标的不涉及技术")
    UNCLEAR_PARTIES = "unclear_parties", _("当事人不明确")
    UNCLEAR_SUBJECT = "unclear_subject", _("合同标的不明确")
    UNCLEAR_PRICE = "unclear_price", _("价款、报酬或使用费不明确")
    ILLEGAL_MONOPOLY = "illegal_monopoly", _("含有非法垄断技术、妨碍技术进步的条款")
    INFRINGES_RIGHTS = "infringes_rights", _("侵害他人技术成果或违反法律法规")
    MISSING_PROOFS = "missing_proofs", _("缺少依法须提交的证明文件（如专利证书、批准文件）")
    SEAL_MISMATCH = "seal_mismatch", _("合同签章与当事人名称不一致")
    NOT_WRITTEN = "not_written", _("非书面合同或合同文本不完整")
    WRONG_REGISTRY = "wrong_registry", _("不属于本登记机构受理范围")


REFUSAL_GROUND_LABELS = dict(RefusalGround.choices)


class RegistryOffice(models.Model):
    """A registry station (技术合同登记站); its 2-digit code is part of every number."""

    code = models.CharField(_("登记机构代码"), max_length=2, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    division_code = models.CharField(_("行政区划代码"), max_length=6, default="211100")
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("登记机构")

    def __str__(self):
        return f"{self.name}（{self.code}）"


class NumberSequence(models.Model):
    """Last serial issued per office and year; locked with SELECT … FOR UPDATE when used."""

    office = models.ForeignKey(RegistryOffice, on_delete=models.PROTECT, related_name="sequences")
    year = models.PositiveSmallIntegerField(_("年度"))
    last_serial = models.PositiveIntegerField(_("已用流水号"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="unique_sequence_office_year")
        ]
        verbose_name = verbose_name_plural = _("登记编号序列")

    def __str__(self):
        return f"{self.office.code}-{self.year}: {self.last_serial}"


money: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0"))],
}


class Contract(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("申请机构"),
        on_delete=models.PROTECT,
        related_name="technology_contracts",
    )
    created_by = user_link(_("填报人"), blank=False)
    office = models.ForeignKey(
        RegistryOffice,
        verbose_name=_("登记机构"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    name = models.CharField(_("合同名称"), max_length=200, blank=True)
    contract_type = models.CharField(
        _("合同类型"), max_length=20, choices=ContractType.choices, blank=True
    )
    subtype = models.CharField(_("合同子类"), max_length=30, choices=SUBTYPE_CHOICES, blank=True)
    is_import = models.BooleanField(_("技术进口合同"), default=False)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期止"), null=True, blank=True)
    total_amount = models.DecimalField(_("合同成交额（元）"), default=Decimal("0"), **money)
    declared_technical_amount = models.DecimalField(
        _("申报技术交易额（元）"), default=Decimal("0"), **money
    )
    declared_non_technical_amount = models.DecimalField(
        _("申报非技术性费用（元）"),
        default=Decimal("0"),
        help_text=_("设备、材料等非技术部分的合计；也可在下方逐项列出。"),
        **money,
    )
    technical_amount = models.DecimalField(_("技术交易额（元）"), default=Decimal("0"), **money)
    adjustment_note = models.TextField(_("技术交易额核定说明"), blank=True)
    technology_field = models.CharField(
        _("技术领域"), max_length=20, choices=TechnologyField.choices, blank=True
    )
    ip_type = models.CharField(_("知识产权类型"), max_length=20, choices=IPType.choices, blank=True)
    payment_method = models.CharField(
        _("支付方式"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    payment_schedule = models.TextField(_("支付安排"), blank=True)
    summary = models.TextField(_("主要技术内容"), blank=True)

    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    precheck_warnings = models.JSONField(_("预检提示"), default=list, blank=True)
    precheck_explanation = models.TextField(_("对预检提示的说明"), blank=True)
    fingerprint = models.CharField(_("重复校验指纹"), max_length=64, blank=True, db_index=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    deadline = models.DateField(_("审查期限"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回补正原因"), blank=True)
    refusal_grounds = models.JSONField(_("不予登记理由"), default=list, blank=True)
    refusal_note = models.TextField(_("不予登记说明"), blank=True)
    registered_on = models.DateField(_("登记日期"), null=True, blank=True, db_index=True)
    registration_number = models.CharField(
        _("登记编号"), max_length=32, null=True, blank=True, unique=True
    )
    national_number = models.CharField(_("全国系统登记号"), max_length=40, blank=True)
    verification_code = models.CharField(_("验证码"), max_length=12, blank=True)
    amendment_count = models.PositiveSmallIntegerField(_("变更次数"), default=0)
    cancellation_reason = models.TextField(_("注销原因"), blank=True)
    certificate = models.FileField(
        _("登记证明"), storage=private_files, upload_to="contracts/certificates/", blank=True
    )
    certificate_generated_at = models.DateTimeField(_("证明生成时间"), null=True, blank=True)
    source_inquiry_id = models.PositiveBigIntegerField(_("来源洽谈"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"])]
        verbose_name = verbose_name_plural = _("技术合同")

    def __str__(self):
        return self.registration_number or f"{self.name}（{self.get_status_display()}）"

    @property
    def subtype_label(self) -> str:
        return str(SUBTYPE_LABELS.get(self.subtype, self.subtype))

    @property
    def non_technical_total(self) -> Decimal:
        return sum((c.amount for c in self.costs.all()), Decimal("0"))

    def refusal_ground_labels(self) -> list[str]:
        return [REFUSAL_GROUND_LABELS.get(code, code) for code in self.refusal_grounds]

    def sellers(self):
        return [p for p in self.parties.all() if p.role == Party.Role.SELLER]

    def buyers(self):
        return [p for p in self.parties.all() if p.role == Party.Role.BUYER]

    def parties_in_order(self):
        """Sellers first, as the certificate and the form list them."""
        return self.sellers() + self.buyers()


class Party(models.Model):
    class Role(models.TextChoices):
        SELLER = "seller", _("卖方")
        BUYER = "buyer", _("买方")

    class PartyType(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        UNIVERSITY = "university", _("高等院校")
        INSTITUTE = "institute", _("科研机构")
        GOVERNMENT = "government", _("机关、社会团体及其他组织")
        INDIVIDUAL = "individual", _("自然人")
        FOREIGN = "foreign", _("境外组织")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)
    is_lead = models.BooleanField(_("主体当事人"), default=False)
    name = models.CharField(_("名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    party_type = models.CharField(_("主体类型"), max_length=20, choices=PartyType.choices)
    district = models.ForeignKey(
        District, verbose_name=_("所在区县"), null=True, blank=True, on_delete=models.SET_NULL
    )
    region = models.CharField(_("所在地区（盘锦市外）"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["role", "sort_order", "id"]
        verbose_name = verbose_name_plural = _("合同当事人")

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"

    @property
    def place(self) -> str:
        if self.district is not None:
            return self.district.name
        return self.region or gettext("盘锦市外")


class NonTechnicalCost(models.Model):
    class Kind(models.TextChoices):
        EQUIPMENT = "equipment", _("设备")
        MATERIALS = "materials", _("材料")
        OTHER = "other", _("其他非技术性费用")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField(_("费用类别"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    amount = models.DecimalField(_("金额（元）"), **money)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = _("非技术性费用")

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class IPItem(models.Model):
    class Kind(models.TextChoices):
        PATENT = "patent", _("专利（含专利申请）")
        SOFTWARE = "software", _("软件著作权")
        OTHER = "other", _("其他")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="ip_items")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.PATENT)
    number = models.CharField(_("申请号/登记号"), max_length=40)
    title = models.CharField(_("名称"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = _("涉及的知识产权")

    def __str__(self):
        return self.number


class Attachment(StoredFile):
    class Kind(models.TextChoices):
        SIGNED_CONTRACT = "signed_contract", _("签字盖章的合同文本")
        PROOF = "proof", _("证明文件（专利证书等）")
        OTHER = "other", _("其他附件")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    file = models.FileField(storage=private_files, upload_to="contracts/attachments/%Y/")

    class Meta(StoredFile.Meta):
        verbose_name = verbose_name_plural = _("合同附件")


class ChangeRequest(models.Model):
    """An applicant's request for 变更登记 or 注销登记 of a registered contract.

    The registry still records the change (contract_amend / contract_cancel); the request
    carries what the parties agreed and why, so the applicant need not visit the office.
    """

    class Kind(models.TextChoices):
        AMEND = "amend", _("变更登记")
        CANCEL = "cancel", _("注销登记")

    class Decision(models.TextChoices):
        PENDING = "pending", _("待办理")
        APPROVED = "approved", _("已办理")
        REJECTED = "rejected", _("不予办理")

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField(_("申请事项"), max_length=10, choices=Kind.choices)
    changes = models.JSONField(_("申请变更的内容"), default=dict, blank=True)
    reason = models.TextField(_("依据或原因"))
    status = models.CharField(
        _("办理状态"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    requested_by = user_link(_("申请人"), on_delete=models.PROTECT, null=False)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = user_link(_("办理人"), on_delete=models.PROTECT)
    decided_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    decision_note = models.TextField(_("办理意见"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = verbose_name_plural = _("变更/注销登记申请")
        constraints = [
            # One open request per contract: the registry answers it before the next.
            models.UniqueConstraint(
                fields=["contract"],
                condition=models.Q(status="pending"),
                name="contract_one_pending_change_request",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.contract}"
