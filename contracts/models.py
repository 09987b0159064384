"""Technology contracts registered with the local registry (技术合同认定登记)."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from core.models import District, Organization
from core.storage import private_files


class ContractType(models.TextChoices):
    DEVELOPMENT = "development", "技术开发"
    TRANSFER = "transfer", "技术转让"
    LICENSE = "license", "技术许可"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"


# Subtypes per class (DOMAIN.md "Technology contracts").
SUBTYPES: dict[str, list[tuple[str, str]]] = {
    ContractType.DEVELOPMENT: [("commissioned", "委托开发"), ("cooperative", "合作开发")],
    ContractType.TRANSFER: [
        ("patent_right", "专利权转让"),
        ("patent_application_right", "专利申请权转让"),
        ("know_how", "技术秘密转让"),
        ("other_ip", "其他知识产权转让"),
        ("equity", "技术入股"),
    ],
    ContractType.LICENSE: [
        ("patent_license", "专利实施许可"),
        ("know_how_license", "技术秘密使用许可"),
        ("other_license", "其他"),
    ],
    ContractType.CONSULTING: [("consulting", "技术咨询")],
    ContractType.SERVICE: [
        ("service", "技术服务"),
        ("training", "技术培训"),
        ("intermediary", "技术中介"),
    ],
}
SUBTYPE_CHOICES = [(code, label) for pairs in SUBTYPES.values() for code, label in pairs]
SUBTYPE_LABELS = dict(SUBTYPE_CHOICES)
# Subtypes whose subject is a patent: the registry pre-check applies to them.
PATENT_SUBTYPES = {"patent_right", "patent_application_right", "patent_license"}


class TechnologyField(models.TextChoices):
    """技术领域 as in the national technology-market statistics."""

    ELECTRONICS = "electronics", "电子信息"
    AEROSPACE = "aerospace", "航空航天"
    MANUFACTURING = "manufacturing", "先进制造"
    BIOMEDICINE = "biomedicine", "生物、医药和医疗器械"
    MATERIALS = "materials", "新材料及其应用"
    ENERGY = "energy", "新能源与高效节能"
    ENVIRONMENT = "environment", "环境保护与资源综合利用"
    NUCLEAR = "nuclear", "核应用"
    AGRICULTURE = "agriculture", "农业"
    TRANSPORT = "transport", "现代交通"
    URBAN = "urban", "城市建设与社会发展"


class IPType(models.TextChoices):
    INVENTION = "invention", "发明专利"
    UTILITY_MODEL = "utility_model", "实用新型专利"
    DESIGN = "design", "外观设计专利"
    KNOW_HOW = "know_how", "技术秘密"
    SOFTWARE = "software", "计算机软件著作权"
    IC_LAYOUT = "ic_layout", "集成电路布图设计"
    PLANT_VARIETY = "plant_variety", "植物新品种"
    OTHER = "other", "其他知识产权"
    NONE = "none", "未涉及知识产权"


class OfficerAction(models.TextChoices):
    """What a registry officer can do to a contract: one table for the pages and the API."""

    ACCEPT = "accept", "受理"
    START_REVIEW = "start_review", "开始审查"
    REGISTER = "register", "认定登记"
    RETURN = "return", "退回补正"
    REFUSE = "refuse", "不予登记"
    ADJUST = "adjust", "核定技术交易额"
    AMEND = "amend", "变更登记"
    CANCEL = "cancel", "注销登记"
    NATIONAL_NUMBER = "national_number", "登记全国系统编号"


class PaymentMethod(models.TextChoices):
    LUMP_SUM = "lump_sum", "一次总付"
    INSTALMENTS = "instalments", "分期支付"
    ROYALTY = "royalty", "提成支付"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    ACCEPTED = "accepted", "已受理"
    REVIEWING = "reviewing", "审查中"
    REGISTERED = "registered", "已登记"
    RETURNED = "returned", "退回补正"
    REFUSED = "refused", "不予登记"
    WITHDRAWN = "withdrawn", "已撤回"
    CANCELLED = "cancelled", "已注销"


# Grounds for refusal (技术合同认定规则 / 管理办法); officers pick one or more.
REFUSAL_GROUNDS = [
    ("not_technology_contract", "不属于技术合同，或合同标的不涉及技术"),
    ("unclear_parties", "当事人不明确"),
    ("unclear_subject", "合同标的不明确"),
    ("unclear_price", "价款、报酬或使用费不明确"),
    ("illegal_monopoly", "含有非法垄断技术、妨碍技术进步的条款"),
    ("infringes_rights", "侵害他人技术成果或违反法律法规"),
    ("missing_proofs", "缺少依法须提交的证明文件（如专利证书、批准文件）"),
    ("seal_mismatch", "合同签章与当事人名称不一致"),
    ("not_written", "非书面合同或合同文本不完整"),
    ("wrong_registry", "不属于本登记机构受理范围"),
]
REFUSAL_GROUND_LABELS = dict(REFUSAL_GROUNDS)


class RegistryOffice(models.Model):
    """A registry station (技术合同登记站); its 2-digit code is part of every number."""

    code = models.CharField("登记机构代码", max_length=2, unique=True)
    name = models.CharField("名称", max_length=100)
    division_code = models.CharField("行政区划代码", max_length=6, default="211100")
    address = models.CharField("地址", max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "登记机构"

    def __str__(self):
        return f"{self.name}（{self.code}）"


class NumberSequence(models.Model):
    """Last serial issued per office and year; locked with SELECT … FOR UPDATE when used."""

    office = models.ForeignKey(RegistryOffice, on_delete=models.PROTECT, related_name="sequences")
    year = models.PositiveSmallIntegerField("年度")
    last_serial = models.PositiveIntegerField("已用流水号", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="unique_sequence_office_year")
        ]
        verbose_name = verbose_name_plural = "登记编号序列"

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
        verbose_name="申请机构",
        on_delete=models.PROTECT,
        related_name="technology_contracts",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    office = models.ForeignKey(
        RegistryOffice, verbose_name="登记机构", on_delete=models.PROTECT, related_name="contracts"
    )
    name = models.CharField("合同名称", max_length=200, blank=True)
    contract_type = models.CharField(
        "合同类型", max_length=20, choices=ContractType.choices, blank=True
    )
    subtype = models.CharField("合同子类", max_length=30, choices=SUBTYPE_CHOICES, blank=True)
    is_import = models.BooleanField("技术进口合同", default=False)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_until = models.DateField("有效期止", null=True, blank=True)
    total_amount = models.DecimalField("合同成交额（元）", default=Decimal("0"), **money)
    declared_technical_amount = models.DecimalField(
        "申报技术交易额（元）", default=Decimal("0"), **money
    )
    declared_non_technical_amount = models.DecimalField(
        "申报非技术性费用（元）",
        default=Decimal("0"),
        help_text="设备、材料等非技术部分的合计；也可在下方逐项列出。",
        **money,
    )
    technical_amount = models.DecimalField("技术交易额（元）", default=Decimal("0"), **money)
    adjustment_note = models.TextField("技术交易额核定说明", blank=True)
    technology_field = models.CharField(
        "技术领域", max_length=20, choices=TechnologyField.choices, blank=True
    )
    ip_type = models.CharField("知识产权类型", max_length=20, choices=IPType.choices, blank=True)
    payment_method = models.CharField(
        "支付方式", max_length=20, choices=PaymentMethod.choices, blank=True
    )
    payment_schedule = models.TextField("支付安排", blank=True)
    summary = models.TextField("主要技术内容", blank=True)

    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    precheck_warnings = models.JSONField("预检提示", default=list, blank=True)
    precheck_explanation = models.TextField("对预检提示的说明", blank=True)
    fingerprint = models.CharField("重复校验指纹", max_length=64, blank=True, db_index=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    deadline = models.DateField("审查期限", null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    return_reason = models.TextField("退回补正原因", blank=True)
    refusal_grounds = models.JSONField("不予登记理由", default=list, blank=True)
    refusal_note = models.TextField("不予登记说明", blank=True)
    registered_on = models.DateField("登记日期", null=True, blank=True, db_index=True)
    registration_number = models.CharField(
        "登记编号", max_length=32, null=True, blank=True, unique=True
    )
    national_number = models.CharField("全国系统登记号", max_length=40, blank=True)
    verification_code = models.CharField("验证码", max_length=12, blank=True)
    amendment_count = models.PositiveSmallIntegerField("变更次数", default=0)
    cancellation_reason = models.TextField("注销原因", blank=True)
    certificate = models.FileField(
        "登记证明", storage=private_files, upload_to="contracts/certificates/", blank=True
    )
    certificate_generated_at = models.DateTimeField("证明生成时间", null=True, blank=True)
    source_inquiry_id = models.PositiveBigIntegerField("来源洽谈", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"])]
        verbose_name = verbose_name_plural = "技术合同"

    def __str__(self):
        return self.registration_number or f"{self.name}（{self.get_status_display()}）"

    @property
    def subtype_label(self) -> str:
        return SUBTYPE_LABELS.get(self.subtype, self.subtype)

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
        SELLER = "seller", "卖方"
        BUYER = "buyer", "买方"

    class PartyType(models.TextChoices):
        ENTERPRISE = "enterprise", "企业"
        UNIVERSITY = "university", "高等院校"
        INSTITUTE = "institute", "科研机构"
        GOVERNMENT = "government", "机关、社会团体及其他组织"
        INDIVIDUAL = "individual", "自然人"
        FOREIGN = "foreign", "境外组织"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField("角色", max_length=10, choices=Role.choices)
    is_lead = models.BooleanField("主体当事人", default=False)
    name = models.CharField("名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    party_type = models.CharField("主体类型", max_length=20, choices=PartyType.choices)
    district = models.ForeignKey(
        District, verbose_name="所在区县", null=True, blank=True, on_delete=models.SET_NULL
    )
    region = models.CharField("所在地区（盘锦市外）", max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["role", "sort_order", "id"]
        verbose_name = verbose_name_plural = "合同当事人"

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"

    @property
    def place(self) -> str:
        if self.district is not None:
            return self.district.name
        return self.region or "盘锦市外"


class NonTechnicalCost(models.Model):
    class Kind(models.TextChoices):
        EQUIPMENT = "equipment", "设备"
        MATERIALS = "materials", "材料"
        OTHER = "other", "其他非技术性费用"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField("费用类别", max_length=20, choices=Kind.choices)
    description = models.CharField("说明", max_length=200, blank=True)
    amount = models.DecimalField("金额（元）", **money)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "非技术性费用"

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class IPItem(models.Model):
    class Kind(models.TextChoices):
        PATENT = "patent", "专利（含专利申请）"
        SOFTWARE = "software", "软件著作权"
        OTHER = "other", "其他"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="ip_items")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.PATENT)
    number = models.CharField("申请号/登记号", max_length=40)
    title = models.CharField("名称", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "涉及的知识产权"

    def __str__(self):
        return self.number


class Attachment(models.Model):
    class Kind(models.TextChoices):
        SIGNED_CONTRACT = "signed_contract", "签字盖章的合同文本"
        PROOF = "proof", "证明文件（专利证书等）"
        OTHER = "other", "其他附件"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    file = models.FileField(storage=private_files, upload_to="contracts/attachments/%Y/")
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = verbose_name_plural = "合同附件"

    def __str__(self):
        return self.original_name


class ChangeRequest(models.Model):
    """An applicant's request for 变更登记 or 注销登记 of a registered contract.

    The registry still records the change (contract_amend / contract_cancel); the request
    carries what the parties agreed and why, so the applicant need not visit the office.
    """

    class Kind(models.TextChoices):
        AMEND = "amend", "变更登记"
        CANCEL = "cancel", "注销登记"

    class Decision(models.TextChoices):
        PENDING = "pending", "待办理"
        APPROVED = "approved", "已办理"
        REJECTED = "rejected", "不予办理"

    contract = models.ForeignKey(
        Contract, verbose_name="合同", on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField("申请事项", max_length=10, choices=Kind.choices)
    changes = models.JSONField("申请变更的内容", default=dict, blank=True)
    reason = models.TextField("依据或原因")
    status = models.CharField(
        "办理状态", max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("办理时间", null=True, blank=True)
    decision_note = models.TextField("办理意见", blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = verbose_name_plural = "变更/注销登记申请"
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
