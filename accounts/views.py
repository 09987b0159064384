"""Accounts pages: thin views over accounts.services and accounts.selectors."""

import json
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from wagtail.models import APIToken

from accounts import selectors, services
from accounts.forms import (
    CloseAccountForm,
    InvitationForm,
    JoinRequestForm,
    MemberRoleForm,
    OrganizationApplicationForm,
    RejectForm,
    TokenForm,
)
from accounts.models import Invitation, JoinRequest
from core.exports import download_response
from core.feedback import flash_form_errors, form_add_validation_error, service_run
from core.models import Membership, Organization
from core.private_files import stored_file_response
from core.roles import Role, user_has_role
from core.selectors import (
    ACTING_ORGANIZATION_SESSION_KEY,
    acting_organization,
    organizations_for_user,
)


def admin_login(request):
    """The Wagtail and Django admins' own password forms would skip allauth's second-factor
    step; both send people to the one login instead."""
    next_url = request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/admin/"
    return redirect_to_login(next_url)


@login_required
def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "roles": [role for role in Role if user_has_role(user, role)],
            "memberships": selectors.memberships_of(user=user),
            "acting": acting_organization(user=user, session=request.session),
            "acting_choices": organizations_for_user(user=user),
            "applications": selectors.applications_of(user=user),
            "join_requests": selectors.join_requests_of(user=user),
            "has_totp": selectors.user_has_totp(user=user),
            "is_reviewer": user_has_role(user, Role.ADMINISTRATOR),
            "language_chosen": selectors.user_language(user=user),
        },
    )


@require_POST
def language_set(request):
    """The site's language switch (Django's set_language), which also keeps a logged-in
    person's choice, so notices and e-mails reach them in it and their next log-in applies it."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)
    return response


@login_required
@require_POST
def acting_organization_choose(request):
    organization = (
        organizations_for_user(user=request.user)
        .filter(pk=request.POST.get("organization") or 0)
        .first()
    )
    if organization is None:
        raise PermissionDenied(_("只能选择您所属的机构"))
    request.session[ACTING_ORGANIZATION_SESSION_KEY] = organization.pk
    messages.success(request, _("现在以“%(name)s”的身份办理") % {"name": organization.name})
    return redirect("account")


# Applying and joining ----------------------------------------------------------------------


@login_required
def organization_apply(request):
    form = OrganizationApplicationForm(request.POST or None, request.FILES or None)
    taken = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organization = services.organization_apply(user=request.user, **data)
        except services.UsccTaken as exc:
            taken = exc.organization
            form.add_error("uscc", exc.messages)
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("已提交“%(name)s”的申请，审核结果会通过站内和邮件通知您")
                % {"name": organization.name},
            )
            return redirect("account")
    return render(request, "accounts/organization_apply.html", {"form": form, "taken": taken})


@login_required
def organization_join(request):
    form = JoinRequestForm(request.POST or None, initial={"uscc": request.GET.get("uscc", "")})
    if request.method == "POST" and form.is_valid():
        try:
            join_request = services.join_request_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("已向“%(name)s”的机构管理员发出加入申请")
                % {"name": join_request.organization.name},
            )
            return redirect("account")
    return render(request, "accounts/organization_join.html", {"form": form})


# An organisation's members (its administrators) -------------------------------------------


def _administered(request, pk) -> Organization:
    organization = get_object_or_404(Organization, pk=pk, status=Organization.Status.APPROVED)
    if not selectors.is_organization_administrator(user=request.user, organization=organization):
        raise PermissionDenied(
            _("只有“%(name)s”的机构管理员可以管理成员") % {"name": organization.name}
        )
    return organization


AdministeredRow = TypeVar("AdministeredRow", Invitation, JoinRequest, Membership)


def _administered_row(
    request, model: type[AdministeredRow], pk
) -> tuple[AdministeredRow, Organization]:
    """An invitation, join request or membership, with its organisation once the user is shown
    to administer that organisation."""
    row = get_object_or_404(model, pk=pk)
    return row, _administered(request, row.organization_id)


@login_required
def organization_members(request, pk):
    organization = _administered(request, pk)
    return render(
        request,
        "accounts/organization_members.html",
        {
            "organization": organization,
            "members": selectors.organization_members(organization=organization),
            "join_requests": selectors.organization_join_requests_pending(
                organization=organization
            ),
            "invitations": selectors.organization_invitations_open(organization=organization),
            "invitation_form": InvitationForm(),
            "roles": Membership.Role.choices,
        },
    )


def _redirect_members(organization) -> HttpResponse:
    return redirect("accounts:organization_members", pk=organization.pk)


@login_required
@require_POST
def invitation_create(request, pk):
    organization = _administered(request, pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return _redirect_members(organization)
    # The site's one public address (DJANGO_SITE_URL), as in every other e-mailed link.
    path = reverse("accounts:invitation", kwargs={"key": "KEY"}).replace("KEY", "{key}")
    accept_url = settings.SITE_URL + path
    email = form.cleaned_data["email"]
    service_run(
        request,
        lambda: services.invitation_create(
            actor=request.user, organization=organization, email=email, accept_url=accept_url
        ),
        _("已向 %(email)s 发出邀请") % {"email": email},
    )
    return _redirect_members(organization)


@login_required
@require_POST
def invitation_revoke(request, pk):
    invitation, organization = _administered_row(request, Invitation, pk)
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("已撤销给 %(email)s 的邀请") % {"email": invitation.email})
    return _redirect_members(organization)


@login_required
@require_POST
def join_request_decide(request, pk):
    join_request, organization = _administered_row(request, JoinRequest, pk)
    accept = request.POST.get("decision") == "accept"
    service_run(
        request,
        lambda: services.join_request_decide(
            actor=request.user,
            join_request=join_request,
            accept=accept,
            reason=request.POST.get("reason", ""),
        ),
        (_("已同意 %(user)s 的加入申请") if accept else _("已拒绝 %(user)s 的加入申请"))
        % {"user": join_request.user.get_username()},
    )
    return _redirect_members(organization)


@login_required
@require_POST
def member_remove(request, pk):
    membership = get_object_or_404(Membership, pk=pk)
    leaving = membership.user_id == request.user.pk
    if not leaving:
        _administered(request, membership.organization_id)
    elif (
        not organizations_for_user(user=request.user).filter(pk=membership.organization_id).exists()
    ):
        raise Http404(_("没有这个成员"))
    service_run(
        request,
        lambda: services.membership_remove(actor=request.user, membership=membership),
        _("已退出“%(name)s”") % {"name": membership.organization.name}
        if leaving
        else _("已将 %(user)s 移出本机构") % {"user": membership.user.get_username()},
    )
    if leaving:
        return redirect("account")
    return _redirect_members(membership.organization)


@login_required
@require_POST
def member_role(request, pk):
    membership, organization = _administered_row(request, Membership, pk)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        role = form.cleaned_data["role"]
        service_run(
            request,
            lambda: services.membership_set_role(
                actor=request.user, membership=membership, role=role
            ),
            _("%(user)s 现在是%(role)s")
            % {"user": membership.user.get_username(), "role": Membership.Role(role).label},
        )
    if not selectors.is_organization_administrator(user=request.user, organization=organization):
        return redirect("account")  # handed the role on
    return _redirect_members(organization)


# Invitations --------------------------------------------------------------------------------


def invitation(request, key):
    """Anyone may open the link (it says who invites whom); accepting needs the invited
    address's account."""
    try:
        found = services.invitation_for_key(key)
    except ValidationError as exc:
        return render(request, "accounts/invitation.html", {"error": exc.messages[0]}, status=410)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        try:
            membership = services.invitation_accept(user=request.user, key=key)
        except ValidationError as exc:
            return render(
                request,
                "accounts/invitation.html",
                {"invitation": found, "error": exc.messages[0]},
                status=403 if exc.code == "other_person" else 410,
            )
        messages.success(request, _("您已加入“%(name)s”") % {"name": membership.organization.name})
        return redirect("account")
    return render(request, "accounts/invitation.html", {"invitation": found})


# Review queue (platform administrators) ----------------------------------------------------


def _require_reviewer(request) -> None:
    if not user_has_role(request.user, Role.ADMINISTRATOR):
        raise PermissionDenied(_("只有平台管理员可以审核机构申请"))


@login_required
def review_queue(request):
    _require_reviewer(request)
    return render(
        request,
        "accounts/review_queue.html",
        {
            "applications": selectors.organization_applications_pending(),
            "reject_form": RejectForm(),
        },
    )


@login_required
@require_POST
def review_decide(request, pk):
    _require_reviewer(request)
    organization = get_object_or_404(Organization, pk=pk)
    if request.POST.get("decision") == "approve":
        service_run(
            request,
            lambda: services.organization_approve(reviewer=request.user, organization=organization),
            _("已通过“%(name)s”") % {"name": organization.name},
        )
    else:
        service_run(
            request,
            lambda: services.organization_reject(
                reviewer=request.user,
                organization=organization,
                reason=request.POST.get("reason", ""),
            ),
            _("已驳回“%(name)s”") % {"name": organization.name},
        )
    return redirect("accounts:review_queue")


@login_required
def licence(request, pk):
    """The licence scan: the platform's reviewers and the applicant only."""
    organization = get_object_or_404(Organization, pk=pk)
    if not (
        user_has_role(request.user, Role.ADMINISTRATOR)
        or organization.applicant_id == request.user.pk
    ):
        raise PermissionDenied(_("营业执照仅审核人员和申请人可以查看"))
    if not organization.licence:
        raise Http404(_("没有上传执照"))
    name = organization.licence.name.rsplit("/", 1)[-1]
    content_type = {
        "pdf": "application/pdf",
        "jpg": "image/jpeg",
        "png": "image/png",
    }.get(name.rsplit(".", 1)[-1], "application/octet-stream")
    return stored_file_response(organization.licence, filename=name, content_type=content_type)


# Tokens --------------------------------------------------------------------------------------


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    created_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _, created_key = services.api_token_issue(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            form = TokenForm()
    response = render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created_key": created_key,
            "tokens": selectors.api_tokens_of(user=request.user),
            "now": timezone.now(),
        },
    )
    response["Cache-Control"] = "no-store"  # the new token is on this page, once
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(APIToken, pk=pk, user=request.user)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("已撤销令牌“%(name)s”") % {"name": token.name})
    return redirect("accounts:tokens")


# Personal data (PIPL) ------------------------------------------------------------------------


@login_required
def personal_data(request):
    data = selectors.user_personal_data(user=request.user)
    return download_response(
        json.dumps(data, ensure_ascii=False, indent=2).encode(),
        filename=f"personal-data-{request.user.pk}.json",
        content_type="application/json",
    )


@login_required
def close_account(request):
    form = CloseAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"] != request.user.get_username():
            form.add_error("confirm", _("用户名不一致，账户未注销"))
        else:
            try:
                services.user_close(user=request.user)
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                logout(request)
                messages.success(request, _("您的账户已注销，个人信息已删除"))
                return redirect("/")
    return render(request, "accounts/close.html", {"form": form})
