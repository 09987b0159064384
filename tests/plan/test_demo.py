import pytest

from core import demo as core_demo
from core.demo import SCALES
from ip_registry import demo as registry_demo
from ip_registry.models import RDInstitution
from plan import demo as plan_demo
from plan.models import Report
from plan.selectors import indicator_rows, reports_overdue, status_counts

pytestmark = pytest.mark.django_db


def test_demo_shows_every_status_in_every_year_and_every_report_state():
    def quiet(iterable, desc):
        return iterable

    for module in (core_demo, registry_demo, plan_demo):
        module.seed(scale=SCALES["small"], progress=quiet)
    for year in (2017, 2018, 2019, 2020):
        counts = status_counts(indicator_rows(year=year))
        assert all(counts[s] > 0 for s in ("met", "on_track", "behind", "no_data")), (year, counts)
    states = set(Report.objects.values_list("status", flat=True))
    assert {Report.Status.ACCEPTED, Report.Status.RETURNED, Report.Status.SUBMITTED} <= states
    assert Report.objects.filter(late=True).count() >= 3
    departments = set(Report.objects.values_list("indicator__lead_department__code", flat=True))
    assert len(departments) >= 5
    assert reports_overdue()  # and some never came
    assert RDInstitution.objects.values("kind").distinct().count() >= 3
    assert plan_demo.seed(scale=SCALES["small"], progress=quiet)["新建填报"] == 0
