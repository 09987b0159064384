from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import USCCField, optional_choice
from core.models import District, Industry, Membership, Organization, TokenGrant


class OrganizationApplicationForm(forms.Form):
    uscc = USCCField(
        label=gettext_lazy("统一社会信用代码"),
        help_text=gettext_lazy("18 位，见营业执照或事业单位法人证书，例如 91211100MA0PJ0011L。"),
    )
    name = forms.CharField(
        label=gettext_lazy("机构名称"),
        max_length=200,
        help_text=gettext_lazy("与执照上的名称一致。"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("机构类型"), choices=Organization.Kind.choices)
    district = optional_choice(District, gettext_lazy("所属区县"))
    industry = optional_choice(Industry, gettext_lazy("行业"))
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200)
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=50)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30)
    licence = forms.FileField(
        label=gettext_lazy("营业执照或法人证书"),
        help_text=gettext_lazy("PDF 或图片（JPEG、PNG），10 MB 以内；仅审核人员可见。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class JoinRequestForm(forms.Form):
    uscc = USCCField(label=gettext_lazy("机构的统一社会信用代码"))
    message = forms.CharField(
        label=gettext_lazy("留言（可选）"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("例如您的部门和职务，便于机构管理员确认。"),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("不通过的理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("同事的邮箱"))


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("机构角色"), choices=Membership.Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=100,
        help_text=gettext_lazy("说明用途，例如“ERP 同步”。"),
    )
    days = forms.IntegerField(
        label=gettext_lazy("有效期（天）"),
        min_value=1,
        max_value=365,
        initial=90,
        help_text=gettext_lazy("最长 365 天。"),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("权限范围"),
        choices=TokenGrant.Scope.choices,
        initial=TokenGrant.Scope.READ,
    )


class CloseAccountForm(forms.Form):
    confirm = forms.CharField(
        label=gettext_lazy("请输入您的用户名以确认注销"),
        max_length=150,
        help_text=gettext_lazy("注销后无法恢复。"),
    )


class LoginForm(AllauthLoginForm):
    """allauth's login form; its field is labelled by what may be typed into it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("用户名或邮箱")
        self.fields["login"].widget.attrs["placeholder"] = _("用户名或邮箱")

    def _login_with_password(self, request, redirect_url, credentials):
        # Verification confirms an address a person typed at sign-up. Accounts that staff made
        # without any address (`add_user li --role registry_officer`) have none to confirm, and
        # would otherwise be locked out by ACCOUNT_EMAIL_VERIFICATION = "mandatory".
        user = self._login.user
        if not user.email and not EmailAddress.objects.filter(user=user).exists():
            self._login.email_verification = EmailVerificationMethod.NONE
        return super()._login_with_password(request, redirect_url, credentials)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, also limited per address (allauth itself limits per IP only)."""

    def try_save(self, request):
        # Without this, one address could be signed up (and mailed) again and again from many
        # IPs: allauth answers an address already in use like a new one and mails its owner.
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if email and not ratelimit.consume(request, action="signup_email", key=email):
            return None, ratelimit.respond_429(request)
        return super().try_save(request)
