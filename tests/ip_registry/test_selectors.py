from datetime import date

import pytest

from ip_registry.models import LegalStatus as S
from ip_registry.selectors import (
    CoveragePolicy,
    coverage_for_year,
    invention_applications,
    patent_status_on,
    patents_in_force_on,
    patents_status_on,
)
from ip_registry.services import (
    HolderInput,
    patent_edited,
    patent_holders_change,
    patent_status_event_add,
)
from tests.ip_registry.factories import EnterpriseFactory, designate, patent_with_history

pytestmark = pytest.mark.django_db


def granted(filing=date(2015, 3, 1), grant=date(2016, 6, 1)):
    return [(S.PENDING, filing), (S.GRANTED, grant)]


def test_snapshot_interface_reports_status_holders_and_url():
    holder = EnterpriseFactory()
    patent = patent_with_history(holder=holder, events=granted())
    snap = patent_status_on(number="ZL " + patent.application_number.replace(".", ""))
    assert snap.number == patent.application_number
    assert snap.patent_type == "1" and snap.patent_type_label == "发明"
    assert snap.status == "granted" and snap.status_label == "授权" and snap.in_force
    assert snap.holders[0].name == holder.name and snap.holders[0].uscc == holder.uscc
    assert snap.expiry_date == date(2035, 3, 1)
    assert snap.url == f"/registry/patents/{patent.application_number}/"
    before = patent_status_on(number=patent.application_number, on=date(2016, 5, 31))
    assert before.status == "pending" and not before.in_force


def test_batch_lookup_skips_unknown_and_invalid_numbers(django_assert_max_num_queries):
    patents = [patent_with_history(events=granted()) for _ in range(5)]
    numbers = [p.application_number for p in patents] + ["201710601862.3", "not a number"]
    with django_assert_max_num_queries(3):
        found = patents_status_on(numbers=numbers)
    assert set(found) == {p.application_number for p in patents}


def test_transfer_changes_past_date_answers():
    seller, buyer = EnterpriseFactory(), EnterpriseFactory()
    patent = patent_with_history(holder=seller, events=granted())
    patent_holders_change(
        patent=patent,
        holders=[HolderInput(name=buyer.name, enterprise=buyer)],
        on=date(2018, 7, 1),
    )
    on_before = patent_status_on(number=patent.application_number, on=date(2018, 6, 30))
    on_after = patent_status_on(number=patent.application_number, on=date(2018, 7, 1))
    assert [h.uscc for h in on_before.holders] == [seller.uscc]
    assert [h.uscc for h in on_after.holders] == [buyer.uscc]
    held_2017 = patents_in_force_on(on=date(2017, 12, 31), enterprise=seller)
    assert list(held_2017.values_list("patent_id", flat=True)) == [patent.pk]
    assert not patents_in_force_on(on=date(2018, 12, 31), enterprise=seller).exists()
    for ent in (seller, buyer):
        designate(ent, 2017)
        designate(ent, 2018)
    assert coverage_for_year(year=2017).holding == 1
    assert coverage_for_year(year=2018).holding == 1
    assert list(
        patents_in_force_on(on=date(2018, 12, 31), enterprise=buyer).values_list(
            "patent_id", flat=True
        )
    ) == [patent.pk]


def test_lapse_and_restoration_change_past_date_answers():
    holder = EnterpriseFactory()
    designate(holder, 2017)
    designate(holder, 2018)
    patent = patent_with_history(holder=holder, events=granted())
    assert coverage_for_year(year=2018).rate == 100.0
    patent_status_event_add(patent=patent, status=S.LAPSED, on=date(2018, 9, 1))
    assert coverage_for_year(year=2018).rate == 0.0
    assert coverage_for_year(year=2017).rate == 100.0  # the past is unchanged
    assert patent_status_on(number=patent.application_number, on=date(2018, 8, 31)).in_force
    lapsed = patent_status_on(number=patent.application_number, on=date(2018, 9, 1))
    assert lapsed.status == "lapsed" and not lapsed.in_force
    patent_status_event_add(patent=patent, status=S.RESTORED, on=date(2018, 12, 1))
    assert coverage_for_year(year=2018).rate == 100.0


def test_expiry_ends_force_without_an_event():
    holder = EnterpriseFactory()
    patent = patent_with_history(
        holder=holder,
        events=granted(filing=date(2008, 5, 10), grant=date(2009, 1, 5)),
        application_number="200820009767.0",
        filing_date=date(2008, 5, 10),
    )
    assert patent.patent_type == "2" and patent.expiry_date == date(2018, 5, 10)
    assert patent_status_on(number=patent.application_number, on=date(2018, 5, 9)).in_force
    expired = patent_status_on(number=patent.application_number, on=date(2018, 5, 10))
    assert expired.status == "expired" and not expired.in_force


def test_coverage_on_hand_computed_fixture():
    """Five designated enterprises for 2019; hand count: A, B (co-owner), D hold → 3/5 = 60%."""
    a, b, c, d, e, outsider = (EnterpriseFactory() for _ in range(6))
    for ent in (a, b, c, d, e):
        designate(ent, 2019)
    designate(e, 2018)
    designate(outsider, 2018)
    patent_with_history(holder=a, events=granted())  # invention in force
    shared = patent_with_history(holder=c, events=granted(), filing_date=date(2016, 1, 1))
    # B co-owns the patent with C; C's share ends in 2019-06 (C leaves the co-ownership).
    patent_holders_change(
        patent=shared,
        holders=[HolderInput(name=b.name, enterprise=b)],
        on=date(2019, 6, 1),
    )
    # D: a utility model granted 2019-12-31 (granted on or before D counts).
    patent_with_history(
        holder=d,
        application_number="201920000001.4",
        filing_date=date(2019, 3, 1),
        events=[(S.PENDING, date(2019, 3, 1)), (S.GRANTED, date(2019, 12, 31))],
    )
    # E: only a pending application and a rejected one.
    patent_with_history(holder=e, events=[(S.PENDING, date(2015, 3, 1))])
    patent_with_history(
        holder=e, events=[(S.PENDING, date(2015, 3, 1)), (S.REJECTED, date(2017, 1, 1))]
    )
    # The outsider holds a patent but is not designated for 2019.
    patent_with_history(holder=outsider, events=granted())

    result = coverage_for_year(year=2019, group_by="district")
    assert (result.designated, result.holding, result.rate, result.target) == (5, 3, 60.0, 60.0)
    assert result.as_of == date(2019, 12, 31)
    assert [(g.key, g.designated, g.holding) for g in result.groups] == [("兴隆台区", 5, 3)]
    # Mid-year, D's utility model is not yet granted and C still co-owned (B too? no: B from June).
    mid = coverage_for_year(year=2019, as_of=date(2019, 3, 31))
    assert (mid.holding, mid.rate) == (2, 40.0)  # A and C
    assert coverage_for_year(year=2019, policy=CoveragePolicy(patent_types=("1",))).holding == 2
    with_pending = coverage_for_year(year=2019, policy=CoveragePolicy(include_pending=True))
    assert with_pending.holding == 4
    assert coverage_for_year(year=2018).designated == 2


def test_invention_applications_count_distinct_registry_applicants():
    holder = EnterpriseFactory()
    patent_with_history(holder=holder, filing_date=date(2019, 2, 1))
    patent_with_history(holder=holder, filing_date=date(2019, 11, 30))
    patent_with_history(holder=None, filing_date=date(2019, 5, 1))  # applicant not registered
    patent_with_history(
        holder=holder, filing_date=date(2019, 5, 1), application_number="201920000001.4"
    )
    patent_with_history(holder=holder, filing_date=date(2020, 1, 1))
    result = invention_applications(year=2019, on=date(2026, 1, 1))
    assert (result.count, result.target, result.provisional) == (2, 600.0, False)
    assert invention_applications(year=2019, on=date(2021, 3, 1)).provisional


def test_editing_the_filing_date_moves_the_expiry_and_the_periods():
    patent = patent_with_history(
        holder=EnterpriseFactory(),
        events=[(S.PENDING, date(2008, 5, 10)), (S.GRANTED, date(2009, 1, 5))],
        application_number="200820009767.0",
        filing_date=date(2008, 5, 10),
    )
    assert not patent_status_on(number=patent.application_number, on=date(2018, 6, 1)).in_force
    patent.filing_date = date(2008, 9, 1)
    patent_edited(patent=patent)
    assert patent.expiry_date == date(2018, 9, 1)
    assert patent_status_on(number=patent.application_number, on=date(2018, 6, 1)).in_force
