"""The department reporting workflow: states, evidence, audit, lateness and who sees what."""

from datetime import date
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEntry
from core.roles import Role
from plan import services
from plan.models import Indicator, Report
from plan.selectors import reports_overdue, reports_visible_to
from tests.accounts.factories import PNG
from tests.contracts.factories import pdf_bytes

pytestmark = pytest.mark.django_db


def pdf(name="统计年报.pdf"):
    return SimpleUploadedFile(name, pdf_bytes("统计年报"))


def draft(user, indicator, year=2019, value="2.3"):
    report = services.report_create(
        user=user, indicator=indicator, year=year, quarter=4, value=value, note="统计公报"
    )
    services.evidence_add(user=user, report=report, uploaded=pdf())
    return report


def test_submit_accept_return_and_resubmit(stats_reporter, office, rd_gdp):
    report = draft(stats_reporter, rd_gdp)
    assert report.status == Report.Status.DRAFT
    assert report.due_date == date(2020, 1, 31)
    report = services.report_submit(user=stats_reporter, report=report, on=date(2020, 1, 20))
    assert report.status == Report.Status.SUBMITTED and not report.late
    with pytest.raises(ValidationError):  # submitted reports are frozen
        services.report_update(user=stats_reporter, report=report, value="2.4", note="")
    with pytest.raises(ValidationError, match="原因"):
        services.report_return(user=office, report=report, reason=" ")
    report = services.report_return(user=office, report=report, reason="请附统计公报原件")
    assert report.status == Report.Status.RETURNED
    report = services.report_update(user=stats_reporter, report=report, value="2.35", note="更正")
    report = services.report_submit(user=stats_reporter, report=report, on=date(2020, 2, 10))
    assert report.late and report.return_reason == ""
    report = services.report_accept(user=office, report=report)
    assert report.status == Report.Status.ACCEPTED and report.reviewed_by == office
    actions = list(
        AuditEntry.objects.filter(object_type="plan.report", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "plan.report.create",
        "plan.report.evidence_add",
        "plan.report.submit",
        "plan.report.return",
        "plan.report.update",
        "plan.report.submit",
        "plan.report.accept",
    ]
    with pytest.raises(ValidationError):
        services.report_accept(user=office, report=report)


def test_evidence_is_required_and_checked_by_content(stats_reporter, rd_gdp):
    report = services.report_create(
        user=stats_reporter, indicator=rd_gdp, year=2019, quarter=4, value="2"
    )
    with pytest.raises(ValidationError, match="佐证材料"):
        services.report_submit(user=stats_reporter, report=report)
    fake = SimpleUploadedFile("年报.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError, match="格式不支持"):
        services.evidence_add(user=stats_reporter, report=report, uploaded=fake)
    broken = SimpleUploadedFile("年报.pdf", b"%PDF-1.7\n garbage")
    with pytest.raises(ValidationError, match="损坏"):
        services.evidence_add(user=stats_reporter, report=report, uploaded=broken)
    png = SimpleUploadedFile("照片.txt", PNG)  # a decodable image, whatever its name says
    evidence = services.evidence_add(user=stats_reporter, report=report, uploaded=png)
    assert evidence.file.name.endswith(".png") and "照片" not in evidence.file.name
    assert not evidence.file.storage.exists("does-not-exist")
    with pytest.raises(NotImplementedError):  # private: no public URL
        _ = evidence.file.url


def test_only_the_lead_departments_reporters_may_report(
    stats_reporter, hr_reporter, office, rd_gdp
):
    with pytest.raises(PermissionDenied):
        services.report_create(user=hr_reporter, indicator=rd_gdp, year=2019, quarter=4, value="2")
    with pytest.raises(PermissionDenied):
        services.report_create(user=office, indicator=rd_gdp, year=2019, quarter=4, value="2")
    with pytest.raises(ValidationError, match="系统"):
        services.report_create(
            user=stats_reporter,
            indicator=Indicator.objects.get(code="patent_coverage"),
            year=2019,
            quarter=4,
            value="2",
        )
    with pytest.raises(ValidationError, match="尚未结束"):
        services.report_create(
            user=stats_reporter, indicator=rd_gdp, year=2099, quarter=1, value="2"
        )
    report = draft(stats_reporter, rd_gdp)
    services.report_submit(user=stats_reporter, report=report)
    with pytest.raises(PermissionDenied):
        services.report_accept(user=stats_reporter, report=report)
    with pytest.raises(PermissionDenied):
        services.report_return(user=hr_reporter, report=report, reason="x")


def test_a_reporter_sees_and_edits_only_its_own_departments_reports(
    client, stats_reporter, hr_reporter, office, rd_gdp
):
    report = draft(stats_reporter, rd_gdp)
    talents = Indicator.objects.get(code="high_level_talents")
    other = draft(hr_reporter, talents, value="56")
    assert list(reports_visible_to(user=stats_reporter)) == [report]
    assert set(reports_visible_to(user=office)) == {report, other}

    client.force_login(stats_reporter)
    page = client.get("/plan/reports/").content.decode()
    assert "全社会研发经费支出占 GDP 比重" in page and "引进高层次人才" not in page
    # The form offers only the department's own indicators.
    assert f'value="{rd_gdp.pk}"' in page and f'value="{talents.pk}"' not in page
    assert client.get(f"/plan/reports/{other.pk}/").status_code == HTTPStatus.NOT_FOUND
    evidence = other.evidence.get()
    url = f"/plan/reports/{other.pk}/evidence/{evidence.pk}/"
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    response = client.post(f"/plan/reports/{other.pk}/", {"value": "1", "note": "x"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert client.post(f"/plan/reports/{other.pk}/submit/").status_code == HTTPStatus.NOT_FOUND
    other.refresh_from_db()
    assert other.value == 56 and other.status == Report.Status.DRAFT
    # Posting another department's indicator is refused by the form.
    response = client.post(
        "/plan/reports/new/",
        {"indicator": talents.pk, "year": 2019, "quarter": 4, "value": "1"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    # Its own report: edit, download, submit through the pages.
    response = client.post(f"/plan/reports/{report.pk}/", {"value": "2.45", "note": "更正"})
    assert response.status_code == HTTPStatus.FOUND
    own = report.evidence.get()
    download = client.get(f"/plan/reports/{report.pk}/evidence/{own.pk}/")
    assert download.status_code == HTTPStatus.OK
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    client.post(f"/plan/reports/{report.pk}/submit/")
    report.refresh_from_db()
    assert report.value.to_eng_string() == "2.45" and report.status == Report.Status.SUBMITTED
    # The reporter cannot review; the office can, and the page shows the result.
    response = client.post(f"/plan/reports/{report.pk}/review/", {"action": "accept"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    client.force_login(office)
    client.post(f"/plan/reports/{report.pk}/review/", {"action": "return", "reason": "口径不符"})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED and report.return_reason == "口径不符"
    client.force_login(stats_reporter)
    assert "口径不符" in client.get(f"/plan/reports/{report.pk}/").content.decode()


def test_create_through_the_page_and_read_back_on_the_public_page(
    client, stats_reporter, office, rd_gdp
):
    client.force_login(stats_reporter)
    response = client.post(
        "/plan/reports/new/",
        {"indicator": rd_gdp.pk, "year": 2019, "quarter": 4, "value": "2.61", "note": "公报"},
    )
    assert response.status_code == HTTPStatus.FOUND
    report = Report.objects.get()
    client.post(f"/plan/reports/{report.pk}/evidence/", {"file": pdf()})
    client.post(f"/plan/reports/{report.pk}/submit/")
    client.force_login(office)
    assert (
        "全社会研发经费支出占 GDP 比重" in client.get("/plan/dashboard/?year=2019").content.decode()
    )
    client.post(f"/plan/reports/{report.pk}/review/", {"action": "accept"})
    client.logout()
    page = client.get("/plan/?year=2019").content.decode()
    assert "2.61%" in page
    api = client.get("/api/v1/plan/indicators", {"year": 2019}).json()
    row = next(i for i in api["indicators"] if i["code"] == "rd_gdp")
    assert row == {
        **row,
        "actual": 2.61,
        "target": 2.5,
        "status": "met",
        "source": "reported",
        "lead_department": "市统计局",
    }


def test_late_and_missing_reports_are_flagged(stats_reporter, office, rd_gdp, client):
    on = date(2020, 3, 1)
    missing = {(m.indicator.code, m.year) for m in reports_overdue(on=on)}
    assert ("rd_gdp", 2019) in missing and ("rd_gdp", 2017) in missing
    assert ("patent_coverage", 2019) not in missing  # computed, nothing to report
    assert ("rd_gdp", 2020) not in missing  # not due yet
    report = draft(stats_reporter, rd_gdp)
    services.report_submit(user=stats_reporter, report=report, on=date(2020, 2, 15))
    assert ("rd_gdp", 2019) not in {(m.indicator.code, m.year) for m in reports_overdue(on=on)}
    # A reporter sees only its own department's overdue figures.
    own = {m.indicator.code for m in reports_overdue(on=on, user=stats_reporter)}
    assert own == {"rd_gdp"}
    client.force_login(office)
    page = client.get("/plan/dashboard/?year=2019").content.decode()
    assert "逾期报送" in page and "逾期未报" in page


@pytest.mark.parametrize("role", [None, Role.ENTERPRISE_MEMBER, Role.IP_OFFICER])
def test_others_cannot_reach_reports(client, make_user, stats_reporter, rd_gdp, role):
    report = draft(stats_reporter, rd_gdp)
    if role is not None:
        client.force_login(make_user(role))
    response = client.get(f"/plan/reports/{report.pk}/")
    expected = HTTPStatus.FOUND if role is None else HTTPStatus.FORBIDDEN
    assert response.status_code == expected
