"""Targets along the plan's path and the status rule."""

from datetime import date
from decimal import Decimal

import pytest

from core.models import District
from plan.models import Indicator, Report, Target
from plan.selectors import Actual, indicator_row, status_for, target_for

pytestmark = pytest.mark.django_db


def accept(indicator, year, value, quarter=4, district=None):
    return Report.objects.create(
        indicator=indicator,
        year=year,
        quarter=quarter,
        district=district,
        value=Decimal(value),
        status=Report.Status.ACCEPTED,
        due_date=date(year + 1, 1, 31),
    )


def test_every_quantified_target_of_the_plan_is_data():
    targets = {
        (t.indicator.code, t.year): t.value
        for t in Target.objects.filter(district=None).select_related("indicator")
    }
    assert targets[("patent_coverage", 2017)] == 40 and targets[("patent_coverage", 2019)] == 60
    assert targets[("little_giant_total", 2019)] == 230
    assert targets[("little_giant_new", 2017)] == 50
    assert targets[("high_tech", 2017)] == 45 and targets[("high_tech", 2019)] == 80
    assert targets[("leader", 2017)] == 5 and targets[("leader", 2019)] == 15
    assert targets[("rd_gdp", 2017)] == Decimal("1.6") and targets[("rd_gdp", 2019)] == Decimal(
        "2.5"
    )
    assert targets[("invention_applications", 2019)] == 600
    assert targets[("rd_institution_share", 2019)] == 100
    assert targets[("skilled_workers", 2019)] == 50000
    assert Indicator.objects.count() >= 25
    assert not Indicator.objects.filter(lead_department__isnull=True).exists()
    assert Indicator.objects.get(code="patent_coverage").task == 24
    assert Indicator.objects.get(code="contracts_count").task == 23


def test_intermediate_years_follow_the_path_and_the_last_target_carries_on():
    high_tech = Indicator.objects.prefetch_related("targets").get(code="high_tech")
    assert target_for(indicator=high_tech, year=2017).kind == "plan"
    path = target_for(indicator=high_tech, year=2018)
    assert (path.value, path.kind, path.final) == (Decimal("62.50"), "path", Decimal("80"))
    carried = target_for(indicator=high_tech, year=2020)
    assert (carried.value, carried.kind) == (Decimal("80"), "carried")
    assert target_for(indicator=high_tech, year=2016) is None
    # A one-off target ("50 new in 2017") does not repeat.
    new_giants = Indicator.objects.prefetch_related("targets").get(code="little_giant_new")
    assert target_for(indicator=new_giants, year=2018) is None


def test_a_baseline_starts_the_path_without_being_a_target():
    talents = Indicator.objects.get(code="high_level_talents")
    assert target_for(indicator=talents, year=2017) is None  # no path from nothing
    Target.objects.create(indicator=talents, year=2016, value=20, is_baseline=True)
    talents = Indicator.objects.prefetch_related("targets").get(pk=talents.pk)
    assert target_for(indicator=talents, year=2016) is None
    assert target_for(indicator=talents, year=2017).value == Decimal("30.00")  # 20 → 50 by 2019


def test_statuses_against_the_path(rd_gdp):
    # 1.6 % (2017) → 2.05 % on the path (2018) → 2.5 % (2019), carried to 2020.
    accept(rd_gdp, 2017, "1.7")
    accept(rd_gdp, 2018, "2.1")
    accept(rd_gdp, 2019, "2.2")
    accept(rd_gdp, 2020, "2.6")
    on = date(2021, 6, 1)
    statuses = {
        year: indicator_row(indicator=rd_gdp, year=year, on=on).status
        for year in (2016, 2017, 2018, 2019, 2020)
    }
    assert statuses == {2016: "no_data", 2017: "met", 2018: "on_track", 2019: "behind", 2020: "met"}
    accept(rd_gdp, 2018, "2.0", quarter=3)  # an earlier quarter does not replace the year
    assert indicator_row(indicator=rd_gdp, year=2018, on=on).status == "on_track"
    Report.objects.filter(indicator=rd_gdp, year=2018, quarter=4).delete()
    # Only Q3 of 2018: still open, judged against 1.7 + (2.05 − 1.7) × 3/4 = 1.9625.
    assert indicator_row(indicator=rd_gdp, year=2018, on=on).status == "on_track"


def test_reaching_the_final_target_early_is_met_and_at_most_targets_invert():
    indicator = Indicator.objects.prefetch_related("targets").get(code="high_tech")
    target = target_for(indicator=indicator, year=2018)
    assert status_for(indicator=indicator, actual=Actual(Decimal(81)), target=target) == "met"
    assert status_for(indicator=indicator, actual=Actual(Decimal(70)), target=target) == "on_track"
    assert status_for(indicator=indicator, actual=Actual(Decimal(60)), target=target) == "behind"
    assert status_for(indicator=indicator, actual=Actual(None), target=target) == "no_data"
    indicator.direction = Indicator.Direction.AT_MOST
    assert status_for(indicator=indicator, actual=Actual(Decimal(60)), target=target) == "met"


def test_an_open_year_is_judged_pro_rata():
    # Invention applications (annual count, 600 in 2019): on 30 June 2019 about half is due.
    indicator = Indicator.objects.prefetch_related("targets").get(code="invention_applications")
    target = target_for(indicator=indicator, year=2019)
    half = Actual(Decimal(320), complete=False, fraction=0.5)
    assert status_for(indicator=indicator, actual=half, target=target) == "on_track"
    low = Actual(Decimal(200), complete=False, fraction=0.5)
    assert status_for(indicator=indicator, actual=low, target=target) == "behind"


def test_districts_share_the_city_rate_target_unless_given_their_own():
    coverage = Indicator.objects.prefetch_related("targets").get(code="patent_coverage")
    dawa = District.objects.get(name="大洼区")
    assert target_for(indicator=coverage, year=2019, district=dawa).value == 60
    Target.objects.create(indicator=coverage, year=2019, district=dawa, value=55)
    coverage = Indicator.objects.prefetch_related("targets").get(pk=coverage.pk)
    assert target_for(indicator=coverage, year=2019, district=dawa).value == 55
    # Counts are not split among districts by themselves.
    high_tech = Indicator.objects.prefetch_related("targets").get(code="high_tech")
    assert target_for(indicator=high_tech, year=2019, district=dawa) is None


def test_district_scoreboard_scores_the_assessed_indicators():
    from ip_registry.models import LegalStatus
    from plan.selectors import district_scoreboard
    from tests.ip_registry.factories import EnterpriseFactory, designate, patent_with_history

    dawa = District.objects.get(name="大洼区")
    granted = [(LegalStatus.PENDING, date(2015, 3, 1)), (LegalStatus.GRANTED, date(2016, 5, 1))]
    for _ in range(2):
        enterprise = EnterpriseFactory(district=dawa)
        designate(enterprise, 2019)
        patent_with_history(holder=enterprise, events=granted)
    board = {b.district.name: b for b in district_scoreboard(year=2019, on=date(2020, 6, 1))}
    dawa_row = board["大洼区"]
    statuses = {row.indicator.code: row.status for row in dawa_row.rows}
    # Coverage 100 % ≥ 60 % met; R&D institutions 0 % < 100 % behind; R&D spending no data.
    assert statuses == {
        "patent_coverage": "met",
        "little_giant_total": "no_data",
        "high_tech": "no_data",
        "rd_institution_share": "behind",
        "rd_sales": "no_data",
    }
    assert dawa_row.score == 50.0 and dawa_row.rank == 1
    assert board["兴隆台区"].score is None and board["兴隆台区"].rank is None
