"""Market API: the public listing list (same filters as /market/results/) and inquiries."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from core.api_docs import gettext_lazy
from marketplace import selectors, services
from marketplace.forms import ListingFilterForm
from marketplace.models import KIND_MODELS, CooperationMode, Inquiry

router = Router(tags=["market"])
MAX_LIMIT = 100
MAX_OFFSET = 100_000


class ListingOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    title_en: str
    summary_en: str
    url: str
    industry: str | None
    trl: int | None
    trl_meaning: str
    price_wan: Decimal | None
    modes: list[str]
    organization: str | None
    organization_id: int | None
    district: str | None
    keywords: list[str]
    valid_until: date | None


class ListingPage(Schema):
    count: int
    results: list[ListingOut]


class ListingQuery(Schema):
    kind: str | None = None
    industry: str | None = None
    mode: list[str] = []
    trl_min: int | None = None
    trl_max: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    district: str | None = None
    holder: str | None = None
    sort: str | None = None
    # Bounded here, before the database slices with them (a 2**70 offset is a 422, not a 500).
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    limit: int = Field(20, ge=1, le=MAX_LIMIT)


def _listing_out(page) -> dict:
    return {
        "id": page.pk,
        "kind": page.kind,
        "title": page.title,
        "summary": page.summary,
        "title_en": page.title_en,
        "summary_en": page.summary_en,
        "url": page.url or page.url_path,
        "industry": page.industry.name if page.industry_id else None,
        "trl": page.trl,
        "trl_meaning": page.trl_meaning,
        "price_wan": page.price_wan,
        "modes": [m.name for m in page.modes.all()],
        "organization": page.organization.name if page.organization_id else None,
        "organization_id": page.organization_id,
        "district": page.district.name if page.district_id else None,
        "keywords": page.keyword_list,
        "valid_until": page.valid_until,
    }


@router.get(
    "/listings",
    auth=None,
    response=ListingPage,
    summary=gettext_lazy("在线挂牌（筛选、排序、分页）"),
)
def listings(request, query: Query[ListingQuery]):
    data = {k: v for k, v in query.dict().items() if v not in (None, "", [])}
    form = ListingFilterForm(
        {k: v for k, v in data.items() if k not in ("offset", "limit")} or None
    )
    if form.is_bound and not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    queryset = selectors.listings_browse(filters=form.filters())
    pages = [p.specific for p in queryset[query.offset : query.offset + query.limit]]
    return {"count": queryset.count(), "results": [_listing_out(p) for p in pages]}


class InquiryIn(Schema):
    message: str
    mode: str | None = None  # cooperation mode code, e.g. "transfer"
    budget_wan: Decimal | None = None


class InquiryOut(Schema):
    id: int
    listing_id: int
    listing_title: str
    status: str
    status_label: str
    mode: str | None
    budget_wan: Decimal | None
    deal_price_wan: Decimal | None
    created_at: str


def _inquiry_out(inquiry: Inquiry) -> dict:
    return {
        "id": inquiry.pk,
        "listing_id": inquiry.listing_id,
        "listing_title": inquiry.listing.title,
        "status": inquiry.status,
        "status_label": inquiry.get_status_display(),
        "mode": inquiry.mode.name if inquiry.mode is not None else None,
        "budget_wan": inquiry.budget_wan,
        "deal_price_wan": inquiry.deal_price_wan,
        "created_at": inquiry.created_at.isoformat(),
    }


@router.post(
    "/listings/{listing_id}/inquiries",
    response={201: InquiryOut},
    summary=gettext_lazy("对挂牌发起询价"),
)
def inquiry_create(request, listing_id: int, payload: InquiryIn):
    listing = None
    for model in KIND_MODELS.values():
        listing = model.objects.live().filter(pk=listing_id).first() or listing
    if listing is None:
        raise Http404(_("挂牌不存在"))
    mode = None
    if payload.mode:
        mode = CooperationMode.objects.filter(code=payload.mode).first()
        if mode is None:
            raise ValidationError({"mode": _("合作方式“%(mode)s”不存在") % {"mode": payload.mode}})
    inquiry = services.inquiry_create(
        buyer=request.user,
        listing=listing,
        message=payload.message,
        mode=mode,
        budget_wan=payload.budget_wan,
    )
    return Status(201, _inquiry_out(inquiry))


class InquiryLists(Schema):
    inbox: list[InquiryOut]
    sent: list[InquiryOut]


@router.get("/inquiries", response=InquiryLists, summary=gettext_lazy("我的询价：收到的与发出的"))
def inquiries(request):
    user = request.user
    return {
        "inbox": [_inquiry_out(i) for i in selectors.inquiries_inbox(user=user)[:200]],
        "sent": [_inquiry_out(i) for i in selectors.inquiries_sent(user=user)[:200]],
    }
