"""Web forms: plain-Chinese help for small enterprises; the services do the real validation."""

from typing import Any

from django import forms
from django.db.models import Field, Model
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from contracts.guide import IP_KINDS, SERVICE_KINDS, Goal
from contracts.models import (
    SUBTYPES,
    Attachment,
    Contract,
    ContractType,
    IPItem,
    NonTechnicalCost,
    Party,
    RefusalGround,
)
from core.forms import CHOOSE, USCCField, amount_field, optional_choice
from core.models import District

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK = [("", CHOOSE)]


class GuideForm(forms.Form):
    goal = forms.ChoiceField(
        label=_("这份合同主要约定的是什么？"), choices=Goal.choices, widget=forms.RadioSelect
    )
    we_do_the_work = forms.ChoiceField(
        label=_("（研发）研发工作由谁完成？"),
        choices=[("us", _("主要由我方完成，对方出钱")), ("both", _("双方共同投入、共同研发"))],
        widget=forms.RadioSelect,
        required=False,
    )
    ip_kind = forms.ChoiceField(
        label=_("（转让或许可）涉及的技术是什么？"),
        choices=IP_KINDS,
        widget=forms.RadioSelect,
        required=False,
    )
    equity = forms.BooleanField(label=_("（转让）以技术作价入股，换取对方股权"), required=False)
    service_kind = forms.ChoiceField(
        label=_("（服务）具体做什么？"),
        choices=SERVICE_KINDS,
        widget=forms.RadioSelect,
        required=False,
    )


def _column(name: str, model: type[Model] = Contract, **kwargs: Any) -> forms.Field:
    """The form field of a contract's column (or a party's, cost's or IP item's), with the
    column's label, length and choices. Every one is optional: a draft may be saved half filled,
    and the services check what submission needs (contracts.cleaning)."""
    column = model._meta.get_field(name)
    assert isinstance(column, Field)
    if column.choices:
        kwargs.setdefault("choices", BLANK + list(column.choices))
    field = column.formfield(required=False, **kwargs)
    assert field is not None
    return field


class ContractForm(forms.Form):
    name = _column(
        "name", help_text=_("照抄合同封面上的名称，例如“含油污泥热解处理技术开发合同”。")
    )
    contract_type = _column(
        "contract_type", help_text=_("不确定选哪一类？先点上方“帮我判断合同类型”回答几个问题。")
    )
    subtype = _column(
        "subtype",
        choices=BLANK + [(ContractType(t).label, pairs) for t, pairs in SUBTYPES.items()],
        help_text=_("须与合同类型对应，例如技术许可下的“专利实施许可”。"),
    )
    is_import = _column("is_import", label=_("这是技术进口合同（卖方在境外，由境内买方登记）"))
    signed_on = _column("signed_on", widget=DATE, help_text=_("以最后一方签字盖章的日期为准。"))
    valid_from = _column("valid_from", widget=DATE)
    valid_until = _column("valid_until", widget=DATE, help_text=_("合同约定的履行期限截止日。"))
    total_amount = amount_field(
        _("合同成交额（元）"), help_text=_("合同约定的全部价款，包括设备、材料等费用，单位为元。")
    )
    declared_technical_amount = amount_field(
        _("技术交易额（元）"),
        help_text=_(
            "合同成交额中属于技术的部分：成交额减去设备、材料等非技术性费用。"
            "留空则按下一栏或下方逐项列出的费用自动计算。"
        ),
    )
    declared_non_technical_amount = amount_field(
        _("非技术性费用（元）"),
        help_text=_(
            "设备、材料等非技术部分的合计。可只填这一个数，也可在下方逐项列出；"
            "留空则按技术交易额或逐项费用自动计算。"
        ),
    )
    technology_field = _column(
        "technology_field", help_text=_("合同技术所属的领域，用于全市技术市场统计。")
    )
    ip_type = _column(
        "ip_type", help_text=_("合同涉及的主要知识产权；只涉及技术诀窍时选“技术秘密”。")
    )
    payment_method = _column(
        "payment_method",
        help_text=_("一次总付：一次付清；分期支付：按进度分几次付；提成支付：按销售额或利润提成。"),
    )
    payment_schedule = _column(
        "payment_schedule",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：签订后 10 日内付 50%，验收合格后付 50%。"),
    )
    summary = _column(
        "summary",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("用两三句话说明合同的技术目标和交付成果。"),
    )


class PartyForm(forms.Form):
    name = _column("name", Party, help_text=_("与合同签章一致的全称。"))
    uscc = USCCField(
        label=_("统一社会信用代码"),
        required=False,
        help_text=_("18 位，见营业执照；自然人、境外组织可不填。"),
    )
    party_type = forms.ChoiceField(label=_("主体类型"), choices=Party.PartyType.choices)
    district = optional_choice(District, _("所在区县"), empty_label=_("盘锦市外"))
    region = forms.CharField(label=_("所在地区（盘锦市外时填写）"), max_length=100, required=False)

    def to_row(self, role: str) -> dict | None:
        data = self.cleaned_data
        if not data or not (data.get("name") or "").strip():
            return None
        return {
            "role": role,
            "name": data["name"],
            "uscc": data.get("uscc", ""),
            "party_type": data["party_type"],
            "district": data.get("district"),
            "region": data.get("region", ""),
        }


class CostForm(forms.Form):
    kind = forms.ChoiceField(label=_("费用类别"), choices=NonTechnicalCost.Kind.choices)
    description = _column("description", NonTechnicalCost)
    amount = amount_field(_("金额（元）"))

    def to_row(self) -> dict | None:
        data = self.cleaned_data
        if not data or data.get("amount") in (None, ""):
            return None
        return {
            "kind": data["kind"],
            "description": data.get("description", ""),
            "amount": data["amount"],
        }


class IPItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=IPItem.Kind.choices)
    number = _column(
        "number",
        IPItem,
        help_text=_("专利填申请号，如 201710601862.3（可带 ZL，空格和点号可省略）。"),
    )
    title = _column("title", IPItem)

    def to_row(self) -> dict | None:
        data = self.cleaned_data
        if not data or not (data.get("number") or "").strip():
            return None
        return {"kind": data["kind"], "number": data["number"], "title": data.get("title", "")}


PartyFormSet = formset_factory(PartyForm, extra=1, max_num=10)
CostFormSet = formset_factory(CostForm, extra=2, max_num=20)
IPItemFormSet = formset_factory(IPItemForm, extra=2, max_num=50)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("附件类别"), choices=Attachment.Kind.choices)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("合同文本须为 PDF（扫描件或电子签章件）；其他附件可为 PDF、JPG、PNG。"),
    )


class SubmitForm(forms.Form):
    explanation = _column(
        "precheck_explanation",
        label=_("对登记库核对提示的说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如专利刚授权、刚完成转让登记而登记库尚未更新，请在此说明并上传证明文件。"),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class RefuseForm(forms.Form):
    grounds = forms.MultipleChoiceField(
        label=_("不予登记的理由（可多选）"),
        choices=RefusalGround.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("补充说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AdjustForm(forms.Form):
    amount = amount_field(_("核定技术交易额（元）"), required=True)
    note = forms.CharField(label=_("核定理由"), widget=forms.Textarea(attrs={"rows": 2}))


class AmendmentFieldsForm(forms.Form):
    """The fields a 变更登记 may change; only those filled in are changed."""

    AMENDMENT_FIELDS = ("name", "valid_until", "total_amount", "technical_amount")

    name = forms.CharField(label=_("新的合同名称"), max_length=200, required=False)
    valid_until = forms.DateField(label=_("新的有效期止"), required=False, widget=DATE)
    total_amount = amount_field(_("新的合同成交额（元）"))
    technical_amount = amount_field(_("新的技术交易额（元）"))

    def changes(self) -> dict:
        return {
            key: self.cleaned_data[key]
            for key in self.AMENDMENT_FIELDS
            if self.cleaned_data.get(key) not in (None, "")
        }


class AmendForm(AmendmentFieldsForm):
    """变更登记 recorded by an officer."""

    note = forms.CharField(
        label=_("变更依据（如补充协议）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("变更登记须写明变更依据")},
    )


class ChangeRequestForm(AmendmentFieldsForm):
    """An applicant's 变更登记 / 注销登记 request."""

    field_order = ["kind", *AmendmentFieldsForm.AMENDMENT_FIELDS, "reason"]

    kind = forms.ChoiceField(
        label=_("申请事项"),
        choices=[
            ("amend", _("变更登记（合同内容变更）")),
            ("cancel", _("注销登记（合同解除或终止）")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择变更登记或注销登记")},
    )
    reason = forms.CharField(
        label=_("依据或原因（如补充协议、解除协议的内容）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("请写明申请的依据或原因")},
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("办理意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class NationalNumberForm(forms.Form):
    national_number = forms.CharField(label=_("全国技术合同登记系统登记号"), max_length=40)


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("登记编号"), max_length=32)
    code = forms.CharField(label=_("验证码"), max_length=12)
