"""The listing pages' context: the market index's filters and results, a listing's detail.

The page models ask for it through hooks (marketplace.models.LISTING_*_CONTEXT_HOOK, answered in
wagtail_hooks.py), since it reads the forms, selectors and matching that import those models.
"""

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest

from core.pending import pending_input
from core.selectors import organizations_for_user
from marketplace import selectors
from marketplace.forms import InquiryForm, ListingFilterForm
from marketplace.matching import matches_for_demand, matches_for_result
from marketplace.models import ListingPage
from marketplace.patents import listing_patents, patents_flag

PAGE_SIZE = 20


def _query_without(request: HttpRequest, *names: str) -> str:
    pairs = [
        (k, v) for k in request.GET if k not in names for v in request.GET.getlist(k) if v != ""
    ]
    return urlencode(pairs)


def listing_browse_context(request: HttpRequest, *, kind: str | None) -> dict[str, Any]:
    form = ListingFilterForm(request.GET or None, fixed_kind=kind)
    filters = form.filters()
    paginator = Paginator(selectors.listings_browse(filters=filters), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    page_obj.object_list = selectors.listings_hydrate(pages=list(page_obj.object_list))
    return {
        "filter_form": form,
        "filters": filters,
        "page_obj": page_obj,
        "listings": page_obj.object_list,
        "base_query": _query_without(request, "page"),
        "browse_kind": kind,
    }


def listing_detail_context(request: HttpRequest, page: ListingPage) -> dict[str, Any]:
    user = request.user
    patents = listing_patents(listing=page)
    flagged, flag_reason = patents_flag(patents)
    is_member = selectors.listing_member_can_edit(user=user, listing=page)
    context: dict[str, Any] = {
        "listing": page,
        "show_contact": user.is_authenticated,
        "patent_rows": patents,
        "patent_flagged": flagged,
        "patent_flag_reason": flag_reason,
        "related": selectors.listings_related(listing=page),
        "is_owner_member": is_member,
        "expired": page.is_expired(),
    }
    if page.kind == "demand":
        context["matches"] = matches_for_demand(demand=page)
        context["subscribed"] = selectors.demand_subscribed(user=user, demand=page)
    else:
        context["matches"] = matches_for_result(result=page)
    if user.is_authenticated and not is_member:
        if organizations_for_user(user=user).exists():
            context["inquiry_form"] = InquiryForm(pending_input(request), listing=page)
        else:
            context["inquiry_needs_organization"] = True
    return context
