from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import amount_field, optional_choice
from core.identifiers import normalize_patent_number
from core.models import District, Industry
from marketplace.models import TRL_CHOICES, CooperationMode, HolderType, Inquiry, ListingPage
from marketplace.selectors import SORTS, ListingFilters
from marketplace.services import INQUIRY_MESSAGE_MAX_CHARS, INQUIRY_REPLY_MAX_CHARS

# An <input type="date"> reads and writes ISO dates only; the zh-hans default (2027/06/30)
# would show the saved date as empty and the next save would clear it.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

SORT_CHOICES = [
    ("", _("最新发布")),
    ("price", _("价格从低到高")),
    ("-price", _("价格从高到低")),
    ("-trl", _("成熟度从高到低")),
    ("trl", _("成熟度从低到高")),
]
KIND_CHOICES = [("", _("全部")), ("technology", _("科技成果")), ("demand", _("技术需求"))]
TRL_FILTER_CHOICES = [
    ("", _("不限")),
    *[(str(k), format_lazy(_("{level} 级"), level=k)) for k, _label in TRL_CHOICES],
]


class ListingFilterForm(forms.Form):
    """GET filters; values are names and codes so shared URLs read well."""

    kind = forms.ChoiceField(label=_("类型"), choices=KIND_CHOICES, required=False)
    industry = optional_choice(Industry, _("行业"), to_field_name="name", empty_label=_("全部行业"))
    mode = forms.ModelMultipleChoiceField(
        label=_("合作方式"),
        queryset=CooperationMode.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    trl_min = forms.TypedChoiceField(
        label=_("TRL 从"), choices=TRL_FILTER_CHOICES, coerce=int, empty_value=None, required=False
    )
    trl_max = forms.TypedChoiceField(
        label=_("TRL 到"), choices=TRL_FILTER_CHOICES, coerce=int, empty_value=None, required=False
    )
    price_min = forms.DecimalField(label=_("价格下限（万元）"), min_value=0, required=False)
    price_max = forms.DecimalField(label=_("价格上限（万元）"), min_value=0, required=False)
    district = optional_choice(District, _("区县"), to_field_name="name", empty_label=_("全部区县"))
    holder = optional_choice(
        HolderType, _("持有方类型"), to_field_name="code", empty_label=_("全部")
    )
    sort = forms.ChoiceField(label=_("排序"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, fixed_kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_kind = fixed_kind
        if fixed_kind:
            del self.fields["kind"]

    def clean(self):
        data = super().clean()
        low, high = data.get("trl_min"), data.get("trl_max")
        if low and high and low > high:
            self.add_error("trl_max", gettext("TRL 上限不能低于下限"))
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", gettext("价格上限不能低于下限"))
        return data

    def filters(self) -> ListingFilters:
        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sort") or "newest"
        return ListingFilters(
            kind=self.fixed_kind or data.get("kind") or None,
            industry=data.get("industry"),
            district=data.get("district"),
            holder_type=data.get("holder"),
            modes=list(data.get("mode") or []),
            trl_min=data.get("trl_min"),
            trl_max=data.get("trl_max"),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            sort=sort if sort in SORTS else "newest",
        )


class ListingForm(forms.Form):
    """The owner's front-end form; the same fields as the page, minus admin-only ones."""

    title = forms.CharField(label=_("标题"), max_length=255)
    summary = forms.CharField(label=_("一句话简介"), max_length=300)
    title_en = forms.CharField(
        label=_("英文标题"),
        max_length=255,
        required=False,
        help_text=_("可选；英文访客看到并可检索"),
    )
    summary_en = forms.CharField(label=_("英文简介"), max_length=300, required=False)
    problem = forms.CharField(
        label=_("解决的问题"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    body_text = forms.CharField(
        label=_("详细介绍"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("纯文本，每行一段"),
    )
    industry = forms.ModelChoiceField(label=_("行业"), queryset=Industry.objects.all())
    trl = forms.TypedChoiceField(
        label=_("技术就绪水平 (TRL)"),
        choices=[("", "—"), *TRL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    modes = forms.ModelMultipleChoiceField(
        label=_("合作方式"),
        queryset=CooperationMode.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    price_wan = amount_field(_("价格（万元）"), max_digits=12, help_text=_("留空表示面议"))
    holder_type = forms.ModelChoiceField(
        label=_("持有方类型"), queryset=HolderType.objects.all(), required=False
    )
    district = forms.ModelChoiceField(
        label=_("所在区县"), queryset=District.objects.all(), required=False
    )
    keywords = forms.CharField(
        label=_("关键词"), max_length=500, required=False, help_text=_("以逗号或空格分隔")
    )
    patents = forms.CharField(
        label=_("关联专利申请号"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("每行一个，如 201710601862.3"),
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=50, required=False)
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)
    valid_from = forms.DateField(label=_("有效期起"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DATE)
    cover_image_file = forms.ImageField(label=_("封面图片"), required=False)
    attachment_file = forms.FileField(label=_("附件"), required=False, help_text=_("PDF、Word 等"))

    KIND_FIELDS = {
        "technology": ["advantages", "applications"],
        "demand": ["indicators", "budget_min_wan", "budget_max_wan", "deadline"],
    }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == "technology":
            self.fields["advantages"] = forms.CharField(
                label=gettext("量化优势"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                help_text=gettext("用数字说明性能、成本等优势"),
            )
            self.fields["applications"] = forms.CharField(
                label=gettext("应用领域"), widget=forms.Textarea(attrs={"rows": 2}), required=False
            )
            self.fields["trl"].required = True
        else:
            self.fields["indicators"] = forms.CharField(
                label=gettext("技术指标"), widget=forms.Textarea(attrs={"rows": 3}), required=False
            )
            self.fields["budget_min_wan"] = amount_field(gettext("预算下限（万元）"), max_digits=12)
            self.fields["budget_max_wan"] = amount_field(gettext("预算上限（万元）"), max_digits=12)
            self.fields["deadline"] = forms.DateField(
                label=gettext("需求截止日期"), required=False, widget=DATE
            )
            self.fields["price_wan"].label = gettext("参考价格（万元）")
            self.fields["modes"].label = gettext("期望合作方式")

    def clean_patents(self):
        numbers, errors = [], []
        import re

        for raw in re.split(r"[\n,，;；、]+", self.cleaned_data.get("patents") or ""):
            if raw.strip():
                try:
                    numbers.append(normalize_patent_number(raw.strip()))
                except ValidationError as exc:
                    errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return "\n".join(dict.fromkeys(numbers))

    def clean(self):
        data = super().clean()
        low, high = data.get("valid_from"), data.get("valid_until")
        if low and high and high < low:
            self.add_error("valid_until", gettext("有效期截止日不能早于起始日"))
        low, high = data.get("budget_min_wan"), data.get("budget_max_wan")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max_wan", gettext("预算上限不能低于下限"))
        return data

    @classmethod
    def initial_from(cls, page, body: str) -> dict:
        initial = {name: getattr(page, name, None) for name in cls.base_fields}
        for names in cls.KIND_FIELDS.values():
            for name in names:
                if hasattr(page, name):
                    initial[name] = getattr(page, name)
        initial["modes"] = list(page.modes.all())
        initial["body_text"] = body
        initial.pop("cover_image_file")
        initial.pop("attachment_file")
        return initial

    def page_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("cover_image_file", None)
        data.pop("attachment_file", None)
        return data


class InquiryForm(forms.Form):
    message = forms.CharField(
        label=_("询价内容"),
        max_length=INQUIRY_MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("说明您的应用场景、规模和关心的问题"),
    )
    mode = forms.ModelChoiceField(
        label=_("意向合作方式"), queryset=CooperationMode.objects.none(), required=False
    )
    budget_wan = forms.DecimalField(
        label=_("预算（万元）"), min_value=0, max_digits=12, decimal_places=2, required=False
    )

    def __init__(self, *args: Any, listing: ListingPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mode = self.fields["mode"]
        assert isinstance(mode, forms.ModelChoiceField)
        mode.queryset = listing.modes.all()


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("回复"),
        max_length=INQUIRY_REPLY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=Inquiry.Status.choices)
    deal_price_wan = forms.DecimalField(
        label=_("成交价（万元）"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    deal_mode = forms.ModelChoiceField(
        label=_("成交合作方式"), queryset=CooperationMode.objects.all(), required=False
    )
    note = forms.CharField(label=_("说明"), max_length=500, required=False)
