"""The registry's former "规划指标" moved here with its data; the IP dashboard shows the plan's
indicators through a hook (the registry never imports the plan)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.roles import Role

BEFORE = [("ip_registry", "0004_rd_institutions_and_spending"), ("plan", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_edited_targets_and_entered_values_survive_the_move():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Indicator = old.get_model("ip_registry", "Indicator")
    IndicatorYear = old.get_model("ip_registry", "IndicatorYear")
    rd_gdp = Indicator.objects.create(code="rd_gdp", name="R&D", unit="%", source="manual")
    IndicatorYear.objects.create(indicator=rd_gdp, year=2018, actual=Decimal("2.04"))
    IndicatorYear.objects.create(indicator=rd_gdp, year=2019, target=Decimal("2.7"))
    IndicatorYear.objects.create(indicator=rd_gdp, year=2017, target=Decimal("1.6"))  # as seeded
    giants = Indicator.objects.create(
        code="little_giant", name="小巨人", source="designation_count"
    )
    IndicatorYear.objects.create(indicator=giants, year=2019, target=Decimal("240"))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from plan.models import Report, Target

    targets = {
        (t.indicator.code, t.year): t.value for t in Target.objects.select_related("indicator")
    }
    assert targets[("rd_gdp", 2019)] == Decimal("2.7")  # edited in the registry: kept
    assert targets[("rd_gdp", 2017)] == Decimal("1.6")
    assert targets[("little_giant_total", 2019)] == Decimal("240")
    report = Report.objects.get(indicator__code="rd_gdp", year=2018)
    assert report.value == Decimal("2.04") and report.status == Report.Status.ACCEPTED


@pytest.mark.django_db
def test_ip_dashboard_shows_the_plans_indicators_through_the_hook(client, make_user):
    client.force_login(make_user(Role.IP_OFFICER))
    page = client.get("/registry/dashboard/?year=2019").content.decode()
    assert "2019 年规划指标" in page
    assert "规模以上科技型企业专利覆盖率" in page and "全社会研发经费支出占 GDP 比重" in page
    assert "/plan/indicators/rd_gdp/" in page and "无数据" in page
    # The register's own target reads come from the plan too.
    from ip_registry.selectors import coverage_for_year, indicator_target

    assert indicator_target(code="patent_coverage", year=2019) == 60.0
    assert indicator_target(code="high_tech", year=2018) == 62.5  # on the plan's path
    assert coverage_for_year(year=2017).target == 40.0


def test_lower_layers_do_not_import_the_plan():
    root = Path(__file__).resolve().parents[2]
    for app in ("core", "ip_registry", "marketplace", "contracts"):
        for source in (root / app).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            assert "from plan" not in text and "import plan" not in text, source
