"""Listing pages for tests: created under /market/ and published, like an approved listing."""

import itertools
from datetime import date
from decimal import Decimal

from core.models import Industry
from marketplace.models import (
    CooperationMode,
    HolderType,
    TechnologyDemandPage,
    TechnologyResultPage,
)
from marketplace.services import market_index
from tests.factories import OrganizationFactory

_counter = itertools.count(1)


def make_listing(*, kind: str = "technology", publish: bool = True, modes=("transfer",), **fields):
    n = next(_counter)
    model = TechnologyResultPage if kind == "technology" else TechnologyDemandPage
    organization = fields.pop("organization", None) or OrganizationFactory()
    values = {
        "title": f"测试{model.kind_label}{n}",
        "slug": f"{kind[0]}-test-{n}",
        "summary": "一句话简介",
        "industry": Industry.objects.get(name="精细化工"),
        "trl": 7,
        "price_wan": Decimal("50"),
        "organization": organization,
        "holder_type": HolderType.objects.get(code="enterprise"),
        "keywords": "消泡剂，有机硅",
        "valid_until": date(2099, 1, 1),
        "contact_name": "王工",
        "contact_phone": "0427-1234567",
    }
    if kind == "demand":
        values.update({"budget_min_wan": Decimal("10"), "budget_max_wan": Decimal("80")})
    values.update(fields)
    page = model(**values, live=publish)
    page.modes = list(CooperationMode.objects.filter(code__in=modes))
    market_index().add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return model.objects.get(pk=page.pk)
