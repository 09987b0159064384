"""Start a contract application from a deal closed in the marketplace."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from contracts.models import Contract, Party
from contracts.services import contract_create
from core.identifiers import normalize_patent_number
from marketplace.selectors import inquiry_closed_for_contract

# Cooperation mode code (marketplace taxonomy) → type and subtype with/without patents.
MODE_TYPES = {
    "transfer": ("transfer", "patent_right", "know_how"),
    "license-exclusive": ("license", "patent_license", "know_how_license"),
    "license-sole": ("license", "patent_license", "know_how_license"),
    "license-general": ("license", "patent_license", "know_how_license"),
    "equity": ("transfer", "equity", "equity"),
    "joint-development": ("development", "cooperative", "cooperative"),
    "service": ("service", "service", "service"),
}
# Platform industries → technology fields of the contract statistics.
INDUSTRY_FIELDS = {
    "精细化工": "materials",
    "海洋工程": "manufacturing",
    "石油装备": "manufacturing",
    "先进装备制造": "manufacturing",
    "电子信息": "electronics",
    "节能环保": "environment",
    "新材料": "materials",
    "新能源": "energy",
    "现代农业": "agriculture",
}
PARTY_TYPES = {"enterprise": "enterprise", "university": "university", "institute": "institute"}


def _party(organization, role: str) -> dict:
    return {
        "role": role,
        "name": organization.name,
        "uscc": organization.uscc,
        "party_type": PARTY_TYPES.get(organization.kind, Party.PartyType.GOVERNMENT),
        "district": organization.district,
    }


def contract_from_inquiry(*, user, inquiry_id: int) -> Contract:
    """A draft prefilled from a closed deal: parties, type from the mode, patents and price.

    The seller registers: the listing's owner for a technology result, the responding
    organisation for a technology demand. Calling it twice returns the same draft.
    """
    inquiry, is_deal = inquiry_closed_for_contract(inquiry_id=inquiry_id)
    if inquiry is None:
        raise Http404(_("洽谈记录不存在"))
    member_of = {org.pk for org in (inquiry.seller_organization, inquiry.buyer_organization) if org}
    if (
        not user.is_authenticated
        or not user.memberships.filter(organization_id__in=member_of).exists()
    ):
        raise Http404(_("洽谈记录不存在"))
    if not is_deal:
        raise ValidationError(_("只有已成交的洽谈才能发起技术合同登记"))
    if inquiry.buyer_organization is None:
        raise ValidationError(_("询价方未关联机构，请在合同登记表中手工填写买方"))
    listing = inquiry.listing.specific
    if getattr(listing, "kind", "technology") == "demand":
        seller, buyer = inquiry.buyer_organization, inquiry.seller_organization
    else:
        seller, buyer = inquiry.seller_organization, inquiry.buyer_organization
    if not user.memberships.filter(organization=seller).exists():
        raise PermissionDenied(_("技术合同由卖方“%(name)s”办理登记") % {"name": seller.name})
    existing = Contract.objects.filter(source_inquiry_id=inquiry.pk, organization=seller).first()
    if existing:
        return existing

    patents = []
    for raw in getattr(listing, "patent_numbers", []) or []:
        try:
            patents.append({"kind": "patent", "number": normalize_patent_number(raw)})
        except ValidationError:
            continue  # the applicant sees the listing's text and can add it by hand
    mode = inquiry.deal_mode or inquiry.mode
    contract_type, with_patents, without = MODE_TYPES.get(mode.code if mode else "", ("", "", ""))
    price = inquiry.deal_price_wan
    amount = (price * Decimal(10000)).quantize(Decimal("0.01")) if price is not None else None
    industry = getattr(listing, "industry", None)
    data = {
        "name": f"{listing.title}{'技术合同' if not mode else mode.name + '合同'}"[:200],
        "contract_type": contract_type,
        "subtype": with_patents if patents else without,
        "summary": (getattr(listing, "summary", "") or "")[:5000],
        "technology_field": INDUSTRY_FIELDS.get(industry.name, "") if industry else "",
        "ip_type": "invention" if patents else "know_how",
    }
    if amount is not None:
        data["total_amount"] = amount
        data["declared_technical_amount"] = amount
    return contract_create(
        user=user,
        organization=seller,
        data=data,
        parties=[_party(seller, "seller"), _party(buyer, "buyer")],
        ip_items=patents,
        source_inquiry_id=inquiry.pk,
    )
