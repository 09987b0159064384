from datetime import date

import factory

from core.identifiers import make_patent_number, make_uscc
from core.models import District, Industry
from ip_registry.models import (
    Designation,
    DesignationType,
    Enterprise,
    Holding,
    LegalStatus,
    LegalStatusEvent,
    Patent,
)
from ip_registry.services import status_periods_rebuild
from tests.factories import _org_body


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"盘锦登记{n}化工有限公司")
    uscc = factory.Sequence(lambda n: make_uscc("91211103", _org_body(50_000 + n)))
    district = factory.LazyFunction(lambda: District.objects.get(name="兴隆台区"))
    industry = factory.LazyFunction(lambda: Industry.objects.get(name="精细化工"))


class PatentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patent

    application_number = factory.Sequence(lambda n: make_patent_number(2015, "1", 100_000 + n))
    title = factory.Sequence(lambda n: f"一种稠油降黏剂及其制备方法{n}")
    filing_date = date(2015, 3, 1)


def designate(enterprise, year, code="gs_tech"):
    return Designation.objects.create(
        enterprise=enterprise,
        designation_type=DesignationType.objects.get(code=code),
        year=year,
        source="测试",
    )


def patent_with_history(*, holder=None, events=(), **kwargs):
    """A patent held by `holder` since filing, with (status, date) events."""
    patent = PatentFactory(**kwargs)
    LegalStatusEvent.objects.bulk_create(
        [LegalStatusEvent(patent=patent, status=s, date=d) for s, d in events]
        or [LegalStatusEvent(patent=patent, status=LegalStatus.PENDING, date=patent.filing_date)]
    )
    if holder is not None:
        Holding.objects.create(
            patent=patent,
            enterprise=holder,
            holder_name=holder.name,
            holder_uscc=holder.uscc,
            start_date=patent.filing_date,
        )
    status_periods_rebuild(patent_ids=[patent.pk])
    return patent
