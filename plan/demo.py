"""Demo plan monitoring: the office, a funding officer and reporters of several departments,
and reports for 2017–2020 in every state (accepted, returned, submitted, late, missing), so the
dashboard shows every status; R&D institutions come from the registry's demo."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.demo import DEMO_PASSWORD
from core.pdf import html_to_pdf
from core.roles import Role
from core.services import user_create_with_role
from plan import services
from plan.models import Department, Indicator, Report, Target
from plan.selectors import actual_for

REPORTERS = [
    ("kjj_reporter", "kjj"),
    ("tjj_reporter", "tjj"),
    ("rsj_reporter", "rsj"),
    ("jrb_reporter", "jrb"),
    ("gxj_reporter", "gxj"),
    ("fgw_reporter", "fgw"),
    ("jyj_reporter", "jyj"),
]

# code → {year: (value, outcome)}; outcome: accepted | returned | submitted | late (accepted,
# submitted after the due date). Years left out are never reported (overdue when past due).
REPORTS = {
    "rd_gdp": {
        2017: ("1.65", "accepted"),
        2018: ("2.1", "accepted"),
        2019: ("2.3", "late"),
        2020: ("2.6", "accepted"),
    },
    "core_projects": {
        2017: ("22", "accepted"),
        2018: ("18", "accepted"),
        2019: ("21", "accepted"),
        2020: ("20", "late"),
    },
    "research_institutes_new": {
        2017: ("6", "accepted"),
        2018: ("5", "accepted"),
        2019: ("4", "accepted"),
    },
    "research_institutes_total": {
        2017: ("9", "accepted"),
        2018: ("14", "accepted"),
        2019: ("19", "accepted"),
        2020: ("21", "accepted"),
    },
    "platforms": {2018: ("7", "accepted"), 2019: ("11", "accepted"), 2020: ("12", "submitted")},
    "alliances": {2018: ("6", "accepted"), 2019: ("9", "accepted"), 2020: ("10", "returned")},
    "high_level_talents": {
        2017: ("21", "accepted"),
        2018: ("38", "accepted"),
        2019: ("56", "accepted"),
        2020: ("61", "accepted"),
    },
    "urgent_talents": {
        2017: ("620", "accepted"),
        2018: ("1240", "accepted"),
        2019: ("1850", "late"),
        2020: ("2100", "submitted"),
    },
    "skilled_workers": {
        2017: ("41000", "accepted"),
        2018: ("46500", "accepted"),
        2019: ("52000", "accepted"),
        2020: ("53800", "accepted"),
    },
    "venture_funds": {2017: ("2", "accepted"), 2018: ("3", "accepted"), 2019: ("4", "late")},
    "listed_enterprises": {2017: ("6", "accepted"), 2018: ("7", "returned")},
    "international_cooperation": {
        2017: ("12", "accepted"),
        2018: ("15", "accepted"),
        2019: ("18", "accepted"),
        2020: ("9", "accepted"),
    },
    "talent_training": {2018: ("320", "accepted"), 2019: ("410", "accepted")},
}
# Quarterly figures accepted while the year's figure is still missing or under review: the
# status is judged against the pro-rated path (listed enterprises 2019, urgent talents 2020).
QUARTERLY = [("listed_enterprises", 2019, 3, "9"), ("urgent_talents", 2020, 2, "1950")]
# Levels in 2016, the year before the plan: where the plan's path starts (entered by the office).
BASELINES = {
    "research_institutes_total": 3,
    "platforms": 4,
    "alliances": 3,
    "high_level_talents": 0,
    "urgent_talents": 0,
    "skilled_workers": 38000,
    "venture_funds": 1,
    "listed_enterprises": 5,
}
RETURN_REASON = "佐证材料与报送数值不一致，请附统计部门盖章的年报并说明口径。"


def _evidence() -> bytes:
    return html_to_pdf("<h1>年度统计数据（演示）</h1><p>牵头单位盖章页</p>")


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def seed(*, scale, progress) -> dict:
    departments = {d.code: d for d in Department.objects.all()}
    office = user_create_with_role(
        username="planoffice",
        role=Role.PLAN_OFFICE,
        password=DEMO_PASSWORD,
        email="planoffice@demo.panjin-tech.example",
    )
    user_create_with_role(
        username="funding",
        role=Role.FUNDING_OFFICER,
        password=DEMO_PASSWORD,
        email="funding@demo.panjin-tech.example",
    )
    reporters: dict[str, User] = {}
    for username, code in REPORTERS:
        user = user_create_with_role(
            username=username,
            role=Role.PLAN_REPORTER,
            password=DEMO_PASSWORD,
            email=f"{username}@demo.panjin-tech.example",
        )
        user.is_staff = False
        user.save(update_fields=["is_staff"])
        departments[code].members.add(user)
        reporters[code] = user
    indicators = {i.code: i for i in Indicator.objects.select_related("lead_department")}
    for code, value in BASELINES.items():
        if code in indicators:
            Target.objects.get_or_create(
                indicator=indicators[code],
                year=2016,
                district=None,
                defaults={"value": Decimal(value), "is_baseline": True, "note": "演示基期值"},
            )
    little_giants = indicators.get("little_giant_total")
    if little_giants is not None:
        level = actual_for(indicator=little_giants, year=2016).value
        if level is not None:
            Target.objects.get_or_create(
                indicator=little_giants,
                year=2016,
                district=None,
                defaults={"value": level, "is_baseline": True, "note": "2016 年认定数（基期）"},
            )
    if Report.objects.filter(created_by__in=reporters.values()).exists():
        return {"填报": Report.objects.count(), "新建填报": 0}
    pdf = _evidence()
    created = 0
    planned = [
        (code, year, 4, value, outcome)
        for code, years in REPORTS.items()
        for year, (value, outcome) in years.items()
    ] + [(code, year, quarter, value, "accepted") for code, year, quarter, value in QUARTERLY]
    for code, year, quarter, value, outcome in progress(planned, desc="规划填报"):
        indicator = indicators.get(code)
        if indicator is None:
            continue
        reporter = reporters[indicator.lead_department.code]
        report = services.report_create(
            user=reporter,
            indicator=indicator,
            year=year,
            quarter=quarter,
            value=Decimal(value),
            note=f"{year} 年第 {quarter} 季度末数据（演示）"
            if quarter < 4
            else f"{year} 年全年数据（演示）",
        )
        services.evidence_add(
            user=reporter,
            report=report,
            uploaded=SimpleUploadedFile(f"{indicator.name}-{year}.pdf", pdf),
        )
        late = outcome == "late"
        submitted_on = report.due_date + timedelta(days=19 if late else -10)
        report = services.report_submit(user=reporter, report=report, on=submitted_on)
        Report.objects.filter(pk=report.pk).update(submitted_at=_aware(submitted_on))
        if outcome in ("accepted", "late"):
            services.report_accept(user=office, report=report)
        elif outcome == "returned":
            services.report_return(user=office, report=report, reason=RETURN_REASON)
        created += 1
    return {"填报": Report.objects.count(), "新建填报": created}
