"""Reads of the technology market."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet, Sum, prefetch_related_objects
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.documents.models import AbstractDocument
from wagtail.models import Page, ReferenceIndex, TaskState, WorkflowState
from wagtail.query import PageQuerySet

from core.models import District, Industry, Organization
from core.selectors import organizations_for_user
from core.types import AnyUser, User
from marketplace.models import (
    KIND_MODELS,
    LISTING_MODELS,
    CooperationMode,
    HolderType,
    Inquiry,
    ListingPage,
    ListingPatentCheck,
    MatchSubscription,
    Notice,
    TechnologyDemandPage,
    TechnologyResultPage,
)

PREFIX = {"technology": "technologyresultpage", "demand": "technologydemandpage"}


def _prefixes(kind: str | None) -> list[str]:
    return [PREFIX[kind]] if kind in PREFIX else list(PREFIX.values())


def _either(prefixes: list[str], lookup: str, value: object) -> Q:
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{prefix}__{lookup}": value})
    return q


def _listing_pages(kind: str | None) -> PageQuerySet:
    models = [KIND_MODELS[kind]] if kind in KIND_MODELS else list(LISTING_MODELS)
    types = ContentType.objects.get_for_models(*models).values()
    return Page.objects.filter(content_type__in=types)


def _unexpired(prefixes: list[str], on: date) -> Q:
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{prefix}__isnull": False}) & (
            Q(**{f"{prefix}__valid_until__isnull": True}) | Q(**{f"{prefix}__valid_until__gte": on})
        )
    return q


def listings_live(*, kind: str | None = None, on: date | None = None) -> PageQuerySet:
    """Live listings whose validity window has not ended (both kinds unless `kind`)."""
    on = on or timezone.localdate()
    live: PageQuerySet = _listing_pages(kind).live().filter(_unexpired(_prefixes(kind), on))
    return live.specific()


def document_listings(*, document: AbstractDocument) -> QuerySet[Page]:
    """Listings whose saved page row refers to the document: the attachment field, a document
    block or a rich-text link in the body (Wagtail's reference index records all three)."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = set(
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    for model in LISTING_MODELS:
        ids.update(
            str(pk) for pk in model.objects.filter(attachment=document).values_list("pk", flat=True)
        )
    listings: QuerySet[Page] = _listing_pages(None).filter(
        pk__in=[int(pk) for pk in ids if pk.isdigit()]
    )
    return listings


def document_can_view(*, user: AnyUser, document: AbstractDocument) -> bool:
    """A document belongs to its listing: public once a live, unexpired listing shows it;
    before that (draft, in review, rejected, withdrawn, expired) only its uploader, the
    listing organisation's members and those who may edit documents in the admin see it."""
    listings = document_listings(document=document)
    if listings_live().filter(pk__in=listings.values("pk")).exists():
        return True
    if not user.is_authenticated:
        return False
    if document.uploaded_by_user_id == user.pk or document.is_editable_by_user(user):
        return True
    organizations = organizations_for_user(user=user).values("pk")
    return any(
        model.objects.filter(pk__in=listings.values("pk"), organization__in=organizations).exists()
        for model in LISTING_MODELS
    )


@dataclass
class ListingFilters:
    kind: str | None = None
    industry: Industry | None = None
    district: District | None = None
    holder_type: HolderType | None = None
    modes: list[CooperationMode] = field(default_factory=list)
    trl_min: int | None = None
    trl_max: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    organization: Organization | None = None
    sort: str = "newest"


SORTS = {
    "newest": ("-first_published_at", "-id"),
    "price": ("sort_price", "-first_published_at"),
    "-price": ("-sort_price", "-first_published_at"),
    "trl": ("sort_trl", "-first_published_at"),
    "-trl": ("-sort_trl", "-first_published_at"),
}


def listings_browse(*, filters: ListingFilters, on: date | None = None) -> PageQuerySet:
    """The market's filtered, sorted list; works for one kind or both."""
    on = on or timezone.localdate()
    prefixes = _prefixes(filters.kind)
    qs: PageQuerySet = _listing_pages(filters.kind).live().filter(_unexpired(prefixes, on))
    for name in ("industry", "district", "holder_type", "organization"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(_either(prefixes, name, value))
    if filters.trl_min is not None:
        qs = qs.filter(_either(prefixes, "trl__gte", filters.trl_min))
    if filters.trl_max is not None:
        qs = qs.filter(_either(prefixes, "trl__lte", filters.trl_max))
    if filters.price_min is not None:
        qs = qs.filter(_either(prefixes, "price_wan__gte", filters.price_min))
    if filters.price_max is not None:
        qs = qs.filter(_either(prefixes, "price_wan__lte", filters.price_max))
    if filters.modes:
        ids = Q()
        for model in (
            LISTING_MODELS if filters.kind not in KIND_MODELS else [KIND_MODELS[filters.kind]]
        ):
            ids |= Q(pk__in=model.objects.filter(modes__in=filters.modes).values("pk"))
        qs = qs.filter(ids)
    if len(prefixes) == 1:
        qs = qs.annotate(
            sort_price=F(f"{prefixes[0]}__price_wan"), sort_trl=F(f"{prefixes[0]}__trl")
        )
    else:
        qs = qs.annotate(
            sort_price=Coalesce(*[f"{p}__price_wan" for p in prefixes]),
            sort_trl=Coalesce(*[f"{p}__trl" for p in prefixes]),
        )
    ordering = SORTS.get(filters.sort, SORTS["newest"])
    if filters.sort in ("price", "-price", "trl", "-trl"):
        # 面议 and unknown TRL go last in either direction.
        key = "sort_price" if "price" in filters.sort else "sort_trl"
        if filters.sort.startswith("-"):
            expr = F(key).desc(nulls_last=True)
        else:
            expr = F(key).asc(nulls_last=True)
        return qs.order_by(expr, *ordering[1:], "-id")
    return qs.order_by(*ordering)


def listings_hydrate(*, pages: list[Page]) -> list[ListingPage]:
    """Specific listing objects for a page of results, with what the cards show, in few queries."""
    by_type: dict[int, list[int]] = {}
    for page in pages:
        by_type.setdefault(page.content_type_id, []).append(page.pk)
    loaded: dict[int, ListingPage] = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        assert model is not None and issubclass(model, ListingPage)  # listing page types
        for obj in model._default_manager.filter(pk__in=ids).select_related(
            "industry", "organization", "district", "holder_type"
        ):
            loaded[obj.pk] = obj
    result = [loaded[p.pk] for p in pages if p.pk in loaded]
    for model in {type(obj) for obj in result}:
        prefetch_related_objects([o for o in result if type(o) is model], "modes")
    return result


def listings_related(*, listing: ListingPage, limit: int = 4) -> list[ListingPage]:
    """Same kind and industry first, then same organisation."""
    qs = (
        listings_live(kind=listing.kind)
        .exclude(pk=listing.pk)
        .filter(
            Q(**{f"{PREFIX[listing.kind]}__industry": listing.industry_id})
            | Q(**{f"{PREFIX[listing.kind]}__organization": listing.organization_id})
        )
        .order_by("-first_published_at")
    )
    return listings_hydrate(pages=list(qs[:limit]))


def listings_of_organization(*, organization: Organization) -> list[ListingPage]:
    pages = (
        _listing_pages(None)
        .live()
        .filter(_unexpired(list(PREFIX.values()), timezone.localdate()))
        .filter(_either(list(PREFIX.values()), "organization", organization))
        .order_by("-first_published_at")
    )
    return listings_hydrate(pages=list(pages))


@dataclass
class OwnListing:
    page: ListingPage
    state: str
    state_label: str
    comment: str = ""
    expired: bool = False
    expires_soon: bool = False
    flagged: bool = False
    flag_reason: str = ""


def listings_of_member(*, user: AnyUser, on: date | None = None) -> list[OwnListing]:
    """Every listing of the user's organisations, with its review state and the last comment."""
    on = on or timezone.localdate()
    organizations = organizations_for_user(user=user)
    pages: list[ListingPage] = []
    for model in LISTING_MODELS:
        pages.extend(
            model.objects.filter(organization__in=organizations).select_related(
                "organization", "market_patent_check"
            )
        )
    pages.sort(key=lambda p: p.pk, reverse=True)
    ids = [str(p.pk) for p in pages]
    states: dict[str, WorkflowState] = {}
    for state in WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page), object_id__in=ids
    ).order_by("created_at", "id"):
        states[state.object_id] = state
    comments: dict[int, str] = {}
    for task_state in (
        TaskState.objects.filter(workflow_state__in=list(states.values()))
        .exclude(comment="")
        .order_by("finished_at", "id")
    ):
        comments[task_state.workflow_state_id] = task_state.comment
    rows = []
    for page in pages:
        state = states.get(str(page.pk))
        comment = comments.get(state.pk, "") if state else ""
        if state and state.status == WorkflowState.STATUS_IN_PROGRESS:
            key, label = "in_moderation", _("审核中")
        elif state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            key, label = "rejected", _("审核未通过")
        elif page.live and page.has_unpublished_changes:
            key, label = "live_draft", _("已发布（有未提交的修改）")
        elif page.live:
            key, label = "live", _("已发布")
        elif (state and state.status == WorkflowState.STATUS_CANCELLED) or page.first_published_at:
            key, label = "withdrawn", _("已撤回")
        else:
            key, label = "draft", _("草稿")
        check = getattr(page, "market_patent_check", None)
        rows.append(
            OwnListing(
                page=page,
                state=key,
                state_label=label,
                comment=comment,
                expired=page.is_expired(on),
                expires_soon=bool(
                    page.valid_until
                    and not page.is_expired(on)
                    and (page.valid_until - on).days <= 30
                ),
                flagged=bool(check and check.flagged),
                flag_reason=check.reason_text if check else "",
            )
        )
    return rows


def listing_member_can_edit(*, user: AnyUser, listing: ListingPage) -> bool:
    return listing.editable_by(user)


def demand_subscribed(*, user: AnyUser, demand: TechnologyDemandPage) -> bool:
    """Whether the user is told of new results matching this demand."""
    return (
        user.is_authenticated
        and MatchSubscription.objects.filter(demand=demand, user=user).exists()
    )


# Inquiries ----------------------------------------------------------------------------------


def inquiry_can_read(*, user: AnyUser, inquiry: Inquiry) -> bool:
    """Only the buyer and the members of the seller organisation read a thread."""
    if not user.is_authenticated:
        return False
    if inquiry.buyer_id == user.pk:
        return True
    return organizations_for_user(user=user).filter(pk=inquiry.seller_organization_id).exists()


def inquiry_is_seller(*, user: AnyUser, inquiry: Inquiry) -> bool:
    return (
        user.is_authenticated
        and organizations_for_user(user=user).filter(pk=inquiry.seller_organization_id).exists()
    )


def inquiry_closed_for_contract(*, inquiry_id: int) -> tuple[Inquiry | None, bool]:
    """The inquiry a contract application starts from, with its parties and modes, and whether
    it ended in a deal (only a deal may become a contract)."""
    inquiry = (
        Inquiry.objects.select_related(
            "seller_organization", "buyer_organization", "deal_mode", "mode"
        )
        .filter(pk=inquiry_id)
        .first()
    )
    return inquiry, inquiry is not None and inquiry.status == Inquiry.Status.DEAL


def inquiries_inbox(*, user: User) -> QuerySet[Inquiry]:
    return (
        Inquiry.objects.filter(seller_organization__in=organizations_for_user(user=user))
        .select_related("listing", "buyer", "buyer_organization", "mode")
        .annotate(message_count=Count("messages"))
    )


def inquiries_sent(*, user: User) -> QuerySet[Inquiry]:
    return (
        Inquiry.objects.filter(buyer=user)
        .select_related("listing", "seller_organization", "mode")
        .annotate(message_count=Count("messages"))
    )


def notices_for_user(*, user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user)


# Statistics ---------------------------------------------------------------------------------


class MarketTotals(TypedDict):
    results: int
    demands: int
    inquiries: int
    deals: int
    deal_value: Decimal


class MarketStatistics(TypedDict):
    """The staff's statistics page: live/expired/offline listings per industry, inquiries and
    deals per month, inquiries per status, deals per cooperation mode, and the totals."""

    by_industry: list[dict[str, Any]]
    months: list[dict[str, Any]]
    by_status: list[dict[str, Any]]
    deal_modes: list[dict[str, Any]]
    totals: MarketTotals


class FlaggedListing(TypedDict):
    page: ListingPage
    reason: str
    checked_at: datetime


class DealsSummary(TypedDict):
    count: int
    value: Decimal  # 万元


def market_statistics(*, on: date | None = None) -> MarketStatistics:
    on = on or timezone.localdate()
    by_industry: list[dict[str, Any]] = []
    for model in LISTING_MODELS:
        rows = (
            model.objects.values("industry__name")
            .annotate(
                n_live=Count(
                    "pk",
                    filter=Q(live=True) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on)),
                ),
                n_expired=Count("pk", filter=Q(live=True, valid_until__lt=on)),
                n_offline=Count("pk", filter=Q(live=False)),
            )
            .order_by("industry__name")
        )
        for row in rows:
            by_industry.append({"kind": model.kind_label, **row})
    per_month = (
        Inquiry.objects.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(inquiries=Count("pk"))
        .order_by("month")
    )
    deals = (
        Inquiry.objects.filter(status=Inquiry.Status.DEAL, closed_at__isnull=False)
        .annotate(month=TruncMonth("closed_at"))
        .values("month")
        .annotate(deals=Count("pk"), value=Sum("deal_price_wan"))
        .order_by("month")
    )
    months: dict[datetime, dict[str, Any]] = {}
    for row in per_month:
        months.setdefault(row["month"], {"inquiries": 0, "deals": 0, "value": Decimal(0)})
        months[row["month"]]["inquiries"] = row["inquiries"]
    for row in deals:
        months.setdefault(row["month"], {"inquiries": 0, "deals": 0, "value": Decimal(0)})
        months[row["month"]]["deals"] = row["deals"]
        months[row["month"]]["value"] = row["value"] or Decimal(0)
    by_status = dict(Inquiry.objects.order_by().values_list("status").annotate(n=Count("pk")))
    deal_modes = (
        Inquiry.objects.filter(status=Inquiry.Status.DEAL)
        .values("deal_mode__name")
        .annotate(deals=Count("pk"), value=Sum("deal_price_wan"))
        .order_by("-deals")
    )
    return {
        "by_industry": by_industry,
        "months": [{"month": m, **v} for m, v in sorted(months.items(), key=lambda kv: kv[0])],
        "by_status": [
            {"label": label, "count": by_status.get(value, 0)}
            for value, label in Inquiry.Status.choices
        ],
        "deal_modes": [dict(row) for row in deal_modes],
        "totals": {
            "results": TechnologyResultPage.objects.live().count(),
            "demands": TechnologyDemandPage.objects.live().count(),
            "inquiries": sum(by_status.values()),
            "deals": by_status.get(Inquiry.Status.DEAL, 0),
            "deal_value": Inquiry.objects.filter(status=Inquiry.Status.DEAL).aggregate(
                v=Sum("deal_price_wan")
            )["v"]
            or Decimal(0),
        },
    }


def listings_flagged() -> list[FlaggedListing]:
    """Listings whose patents the registry contradicts, for the moderators."""
    checks = ListingPatentCheck.objects.filter(flagged=True).select_related("page")
    return [
        FlaggedListing(page=c.page.specific, reason=c.reason_text, checked_at=c.checked_at)
        for c in checks
    ]


def market_deals_summary(
    *, year: int, district: str | None = None, on: date | None = None
) -> DealsSummary:
    """Deals closed in `year` (up to `on`), optionally those of sellers in `district`:
    {"count", "value"} (value in 万元; deals without a price count but add nothing)."""
    deals = Inquiry.objects.filter(status=Inquiry.Status.DEAL, closed_at__year=year)
    if on is not None:
        deals = deals.filter(closed_at__date__lte=on)
    if district:
        deals = deals.filter(seller_organization__district__name=district)
    totals = deals.aggregate(count=Count("pk"), value=Sum("deal_price_wan"))
    return {"count": totals["count"], "value": Decimal(str(totals["value"] or 0))}
