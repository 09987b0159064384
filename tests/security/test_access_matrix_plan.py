"""The plan monitor's rows of the access-control matrix, with its own roles."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.roles import Role
from plan import services
from plan.models import Bulletin, Department, Indicator
from tests.contracts.factories import pdf_bytes
from tests.factories import OrganizationFactory
from tests.ip_registry.factories import EnterpriseFactory
from tests.security.access_matrix import PLAN_ROLES, PLAN_TARGETS
from tests.security.test_access_matrix import status_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_world(make_user):
    def reporter(username, department):
        user = make_user(Role.PLAN_REPORTER, username=username)
        user.is_staff = False
        user.save()
        Department.objects.get(code=department).members.add(user)
        return user

    users = {
        "anonymous": None,
        "member_a": make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory()),
        "ip_officer": make_user(Role.IP_OFFICER, username="ipofficer"),
        "reporter_tjj": reporter("tjj", "tjj"),
        "reporter_rsj": reporter("rsj", "rsj"),
        "plan_office": make_user(Role.PLAN_OFFICE, username="planoffice"),
        "funding_officer": make_user(Role.FUNDING_OFFICER, username="funding"),
        "admin": make_user(Role.ADMINISTRATOR, username="admin"),
    }
    rd_gdp = Indicator.objects.get(code="rd_gdp")
    tjj = users["reporter_tjj"]

    def report(year):
        made = services.report_create(user=tjj, indicator=rd_gdp, year=year, quarter=4, value="2")
        services.evidence_add(
            user=tjj, report=made, uploaded=SimpleUploadedFile("年报.pdf", pdf_bytes())
        )
        return made

    draft = report(2018)
    submitted = services.report_submit(user=tjj, report=report(2017))

    def bulletin(quarter, status):
        made = Bulletin(year=2019, quarter=quarter, status=status, generated_at=timezone.now())
        made.pdf.save(f"b{quarter}.pdf", ContentFile(pdf_bytes("通报")), save=False)
        made.save()
        return made

    values = {
        "report": draft.pk,
        "evidence": draft.evidence.get().pk,
        "submitted": submitted.pk,
        "rd_gdp": rd_gdp.pk,
        "bulletin": bulletin(1, Bulletin.Status.DRAFT).pk,
        "published": bulletin(2, Bulletin.Status.PUBLISHED).pk,
        "uscc": EnterpriseFactory().uscc,
    }
    return users, values


@pytest.mark.parametrize("target", PLAN_TARGETS, ids=lambda t: f"{t.method} {t.name}")
def test_every_plan_role_gets_the_expected_status(client, plan_world, target):
    users, values = plan_world
    actual = tuple(status_for(client, users[role], target, values) for role in PLAN_ROLES)
    assert dict(zip(PLAN_ROLES, actual, strict=True)) == dict(
        zip(PLAN_ROLES, target.expected, strict=True)
    )
