from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import optional_choice
from core.models import District
from plan.models import Indicator


class ReportForm(forms.Form):
    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none(), label=_("指标"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("期间"),
        coerce=int,
        choices=[
            (4, _("全年（第 4 季度末）")),
            (1, _("第 1 季度")),
            (2, _("第 2 季度")),
            (3, _("第 3 季度")),
        ],
    )
    district = optional_choice(District, _("区县/功能区"), empty_label=_("全市"))
    value = forms.DecimalField(label=_("数值"), max_digits=14, decimal_places=2)
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = (
            indicators if indicators is not None else Indicator.objects.none()
        )


class ReportEditForm(forms.Form):
    value = forms.DecimalField(label=_("数值"), max_digits=14, decimal_places=2)
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("佐证材料（PDF、JPEG、PNG 或 XLSX）"))


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", _("采纳")), ("return", _("退回"))])
    reason = forms.CharField(
        label=_("退回原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class BulletinForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        coerce=int,
        choices=[(q, _("第 %(q)s 季度") % {"q": q}) for q in (1, 2, 3, 4)],
    )
