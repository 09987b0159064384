"""Thin views over marketplace.selectors/services; each checks who may see what."""

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.feedback import form_add_validation_error
from core.http import clean_query_redirect
from core.models import Organization
from core.pending import login_required_keeping_input, pending_input
from core.selectors import acting_organization, organizations_for_user
from marketplace import selectors, services
from marketplace.access import is_market_staff
from marketplace.forms import InquiryForm, ListingForm, ReplyForm, TransitionForm
from marketplace.models import KIND_MODELS, Inquiry, TechnologyDemandPage
from marketplace.pages import listing_browse_context


def _browse(request, kind: str):
    redirect_response = clean_query_redirect(request)
    if redirect_response:
        return redirect_response
    context = listing_browse_context(request, kind=kind)
    context["heading"] = KIND_MODELS[kind].kind_label
    return render(request, "marketplace/listing_index.html", context)


def results(request):
    return _browse(request, "technology")


def demands(request):
    return _browse(request, "demand")


def organization(request, pk: int):
    # Applications under review (or refused) are not public organisations.
    org = get_object_or_404(Organization, pk=pk, status=Organization.Status.APPROVED)
    listings = selectors.listings_of_organization(organization=org)
    return render(
        request,
        "marketplace/organization.html",
        {
            "organization": org,
            "results": [p for p in listings if p.kind == "technology"],
            "demands": [p for p in listings if p.kind == "demand"],
        },
    )


# Owner's side -------------------------------------------------------------------------------


@login_required
def mine(request):
    return render(
        request,
        "marketplace/mine.html",
        {
            "rows": selectors.listings_of_member(user=request.user),
            "organizations": organizations_for_user(user=request.user),
        },
    )


def _own_listing(request, pk: int):
    for model in KIND_MODELS.values():
        page = model.objects.filter(pk=pk).first()
        if page is not None:
            if not selectors.listing_member_can_edit(user=request.user, listing=page):
                raise PermissionDenied(_("只能管理本机构的挂牌"))
            return page
    raise Http404


@transaction.atomic
def _save_listing(request, *, kind, form, organization, listing=None):
    # One transaction: an upload is not kept when the listing itself is refused.
    data = form.page_values()
    media = services.listing_media_create(
        user=request.user,
        title=data["title"],
        image_file=form.cleaned_data.get("cover_image_file"),
        document_file=form.cleaned_data.get("attachment_file"),
    )
    data.update(media)
    page = services.listing_save_draft(
        user=request.user, organization=organization, kind=kind, data=data, listing=listing
    )
    if "submit" in request.POST:
        services.listing_submit(user=request.user, listing=page)
        messages.success(request, _("已保存并提交审核，审核通过后发布。"))
    else:
        messages.success(request, _("草稿已保存。"))
    return page


@login_required_keeping_input
def listing_create(request, kind: str):
    if kind not in KIND_MODELS:
        raise Http404
    organizations = organizations_for_user(user=request.user)
    if not organizations.exists():
        raise PermissionDenied(_("只有企业、高校和院所的成员可以发布挂牌"))
    org_pk = request.POST.get("organization") or request.GET.get("organization")
    organization = (
        organizations.filter(pk=org_pk).first()
        if org_pk
        else acting_organization(user=request.user, session=request.session)
    )
    if organization is None:
        raise PermissionDenied(_("只能为本机构发布挂牌"))
    data = request.POST if request.method == "POST" else pending_input(request)
    form = ListingForm(data, request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            _save_listing(request, kind=kind, form=form, organization=organization)
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            return redirect("marketplace:mine")
    return render(
        request,
        "marketplace/listing_form.html",
        {
            "form": form,
            "kind_label": KIND_MODELS[kind].kind_label,
            "organization": organization,
            "organizations": organizations,
        },
    )


@login_required_keeping_input
def listing_edit(request, pk: int):
    page = _own_listing(request, pk)
    draft = page.get_latest_revision_as_object()
    if request.method == "POST":
        form = ListingForm(request.POST, request.FILES, kind=page.kind)
        if form.is_valid():
            try:
                _save_listing(
                    request, kind=page.kind, form=form, organization=page.organization, listing=page
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                return redirect("marketplace:mine")
    elif restored := pending_input(request):
        form = ListingForm(restored, kind=page.kind)
    else:
        form = ListingForm(
            initial=ListingForm.initial_from(draft, services.body_text(draft)), kind=page.kind
        )
    return render(
        request,
        "marketplace/listing_form.html",
        {
            "form": form,
            "listing": page,
            "kind_label": page.kind_label,
            "organization": page.organization,
        },
    )


@login_required
@require_POST
def listing_submit(request, pk: int):
    page = _own_listing(request, pk)
    try:
        services.listing_submit(user=request.user, listing=page)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s”已提交审核。") % {"title": page.title})
    return redirect("marketplace:mine")


@login_required
@require_POST
def listing_withdraw(request, pk: int):
    page = _own_listing(request, pk)
    services.listing_withdraw(user=request.user, listing=page)
    messages.success(request, _("“%(title)s”已撤回。") % {"title": page.title})
    return redirect("marketplace:mine")


@login_required
@require_POST
def demand_subscribe(request, pk: int):
    demand = get_object_or_404(TechnologyDemandPage, pk=pk)
    subscribe = request.POST.get("subscribe", "1") == "1"
    services.demand_subscribe(user=request.user, demand=demand, subscribe=subscribe)
    messages.success(request, _("已订阅匹配成果通知。") if subscribe else _("已取消订阅。"))
    return redirect(demand.url)


# Inquiries ----------------------------------------------------------------------------------


def _listing_url(request, pk: int) -> str:
    for model in KIND_MODELS.values():
        listing = model.objects.live().filter(pk=pk).first()
        if listing is not None:
            return listing.url
    return "/"


def _inquiry_url(request, pk: int) -> str:
    return reverse("marketplace:inquiry", kwargs={"pk": pk})


@login_required_keeping_input(resume=_listing_url)
@require_POST
def inquiry_create(request, pk: int):
    listing = None
    for model in KIND_MODELS.values():
        listing = model.objects.live().filter(pk=pk).first() or listing
    if listing is None:
        raise Http404
    form = InquiryForm(request.POST, listing=listing)
    status = HTTPStatus.BAD_REQUEST
    if form.is_valid():
        try:
            inquiry = services.inquiry_create(
                buyer=request.user,
                listing=listing,
                message=form.cleaned_data["message"],
                mode=form.cleaned_data["mode"],
                budget_wan=form.cleaned_data["budget_wan"],
                organization=acting_organization(user=request.user, session=request.session),
            )
        except PermissionDenied as exc:
            status = HTTPStatus.FORBIDDEN
            form.add_error(None, str(exc))
        except ValidationError as exc:
            if getattr(exc, "code", None) == "rate_limited":
                status = HTTPStatus.TOO_MANY_REQUESTS
            form_add_validation_error(form, exc)
        else:
            messages.success(request, _("询价已发送，卖方回复后会通知您。"))
            return redirect("marketplace:inquiry", pk=inquiry.pk)
    # Refused: show the listing again with the bound form, so the typed message and budget stay.
    context = listing.get_context(request)
    context["inquiry_form"] = form
    return TemplateResponse(request, listing.get_template(request), context, status=status)


@login_required
def inquiries(request):
    return render(
        request,
        "marketplace/inquiries.html",
        {
            "inbox": selectors.inquiries_inbox(user=request.user)[:200],
            "sent": selectors.inquiries_sent(user=request.user)[:200],
        },
    )


def _readable_inquiry(request, pk: int) -> Inquiry:
    inquiry = get_object_or_404(
        Inquiry.objects.select_related("listing", "buyer", "seller_organization", "mode"), pk=pk
    )
    if not selectors.inquiry_can_read(user=request.user, inquiry=inquiry):
        # Same answer as a missing thread: third parties learn nothing.
        raise Http404
    return inquiry


@login_required
def inquiry_detail(request, pk: int):
    inquiry = _readable_inquiry(request, pk)
    is_seller = selectors.inquiry_is_seller(user=request.user, inquiry=inquiry)
    transitions = [
        (value, Inquiry.Status(value).label)
        for value in services.TRANSITIONS[Inquiry.Status(inquiry.status)]
        if is_seller or value == Inquiry.Status.CLOSED
    ]
    contract_url = None
    contract_registrant = None
    if inquiry.status == Inquiry.Status.DEAL:
        # The seller of the technology registers the contract: the listing's owner for a
        # result, the inquiring party for a demand. The other party is told so instead of
        # being offered a button that would only answer 403.
        listing = inquiry.listing.specific
        seller = (
            inquiry.buyer_organization
            if getattr(listing, "kind", "technology") == "demand"
            else inquiry.seller_organization
        )
        if (
            seller is not None
            and organizations_for_user(user=request.user).filter(pk=seller.pk).exists()
        ):
            try:
                contract_url = reverse("contracts:from_inquiry", kwargs={"inquiry_id": inquiry.pk})
            except NoReverseMatch:
                contract_url = None
        else:
            contract_registrant = seller
    return render(
        request,
        "marketplace/inquiry_detail.html",
        {
            "inquiry": inquiry,
            "listing": inquiry.listing.specific,
            "thread": inquiry.messages.select_related("author"),
            "is_seller": is_seller,
            "reply_form": ReplyForm(pending_input(request)),
            "transition_form": TransitionForm(),
            "transitions": transitions,
            "contract_url": contract_url,
            "contract_registrant": contract_registrant,
        },
    )


def _inquiry_post(
    request: HttpRequest,
    pk: int,
    form: forms.Form,
    invalid: str,
    act: Callable[[Inquiry, dict[str, Any]], object],
) -> HttpResponse:
    """A form posted from an inquiry's page: `act(inquiry, cleaned_data)` runs the service, and
    its refusal, or `invalid` for a form that does not validate, is flashed back on that page."""
    inquiry = _readable_inquiry(request, pk)
    if form.is_valid():
        try:
            act(inquiry, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, invalid)
    return redirect("marketplace:inquiry", pk=inquiry.pk)


@login_required_keeping_input(resume=_inquiry_url)
@require_POST
def inquiry_reply(request, pk: int):
    def reply(inquiry: Inquiry, data: dict[str, Any]) -> object:
        return services.inquiry_reply(user=request.user, inquiry=inquiry, body=data["body"])

    return _inquiry_post(request, pk, ReplyForm(request.POST), _("请填写回复内容"), reply)


@login_required
@require_POST
def inquiry_transition(request, pk: int):
    def transition(inquiry: Inquiry, data: dict[str, Any]) -> object:
        return services.inquiry_transition(
            user=request.user,
            inquiry=inquiry,
            status=data["status"],
            deal_price_wan=data["deal_price_wan"],
            deal_mode=data["deal_mode"],
            note=data["note"],
        )

    return _inquiry_post(request, pk, TransitionForm(request.POST), _("状态无效"), transition)


@login_required
def notices(request):
    items = list(selectors.notices_for_user(user=request.user)[:100])
    services.notices_mark_read(user=request.user)
    return render(request, "marketplace/notices.html", {"notices": items})


@login_required
def stats(request):
    if not is_market_staff(request.user):
        raise PermissionDenied(_("仅市场审核员和管理员可查看"))
    return render(request, "marketplace/stats.html", selectors.market_statistics())


@login_required
def flagged(request):
    if not is_market_staff(request.user):
        raise PermissionDenied(_("仅市场审核员和管理员可查看"))
    return render(request, "marketplace/flagged.html", {"rows": selectors.listings_flagged()})
