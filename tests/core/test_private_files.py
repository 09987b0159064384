"""Protected files: the app decides, then nginx sends (X-Accel-Redirect) or the app streams.

For every kind of protected file: a request the app refuses gets its 403/404 and no
X-Accel-Redirect header; a permitted one, with PRIVATE_FILES_ACCEL_REDIRECT set, gets the header
naming the file's internal path and an empty body; with the setting empty, the file itself.
"""

from dataclasses import dataclass
from datetime import date
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents.models import Document

from contracts import services as contract_services
from contracts.certificates import contract_certificate_get_or_create
from core.private_files import accel_redirect_uri
from core.roles import Role
from core.services import api_token_create
from plan import services as plan_services
from plan.models import Department, Indicator
from tests.accounts.factories import PNG, apply_for_organization, licence_upload
from tests.contracts.factories import make_draft, pdf_bytes, pdf_upload
from tests.factories import OrganizationFactory, UserFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db

PREFIX = "/_protected/"


@dataclass
class Case:
    url: str
    path: Path  # the file on disk
    permitted: object  # a user, or None for anyone
    denied: object  # a user, or None for an anonymous visitor
    denied_status: HTTPStatus
    headers: dict | None = None  # per user, for the API's bearer tokens


def _contract_attachment(make_user) -> Case:
    organization = OrganizationFactory()
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization)
    draft = make_draft(member, organization)
    attachment = contract_services.attachment_add(
        user=member, contract=draft, kind="signed_contract", uploaded=pdf_upload("合同 正本.pdf")
    )
    stranger = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory())
    return Case(
        reverse("contracts:attachment_download", args=[draft.pk, attachment.pk]),
        Path(attachment.file.path),
        member,
        stranger,
        HTTPStatus.NOT_FOUND,
    )


def _registered(make_user):
    organization = OrganizationFactory()
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization)
    officer = make_user(Role.REGISTRY_OFFICER)
    contract = make_draft(member, organization)
    contract = contract_services.contract_submit(user=member, contract=contract)
    contract = contract_services.contract_accept(user=officer, contract=contract)
    contract = contract_services.contract_register(user=officer, contract=contract)
    contract = contract_certificate_get_or_create(
        contract=contract, base_url="https://tech.panjin.example"
    )
    stranger = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory())
    return contract, member, stranger


def _contract_certificate(make_user) -> Case:
    contract, member, stranger = _registered(make_user)
    return Case(
        reverse("contracts:certificate", args=[contract.pk]),
        Path(contract.certificate.path),
        member,
        stranger,
        HTTPStatus.NOT_FOUND,
    )


def _contract_certificate_api(make_user) -> Case:
    contract, member, stranger = _registered(make_user)
    return Case(
        f"/api/v1/contracts/{contract.pk}/certificate.pdf",
        Path(contract.certificate.path),
        member,
        stranger,
        HTTPStatus.NOT_FOUND,
        headers={
            user.pk: {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)[1]}"}
            for user in (member, stranger)
        },
    )


def _plan_evidence(make_user) -> Case:
    reporter = make_user(Role.PLAN_REPORTER)
    Department.objects.get(code="tjj").members.add(reporter)
    report = plan_services.report_create(
        user=reporter,
        indicator=Indicator.objects.get(code="rd_gdp"),
        year=2019,
        quarter=4,
        value="2",
    )
    evidence = plan_services.evidence_add(
        user=reporter, report=report, uploaded=SimpleUploadedFile("年报.png", PNG)
    )
    return Case(
        reverse("plan:evidence_download", args=[report.pk, evidence.pk]),
        Path(evidence.file.path),
        reporter,
        make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory()),
        HTTPStatus.NOT_FOUND,
    )


def _plan_draft_bulletin(make_user) -> Case:
    office = make_user(Role.PLAN_OFFICE)
    bulletin = plan_services.bulletin_generate(
        user=office, year=2019, quarter=4, on=date(2020, 3, 1)
    )
    return Case(
        reverse("plan:bulletin_pdf", args=[bulletin.pk]),
        Path(bulletin.pdf.path),
        office,
        None,
        HTTPStatus.NOT_FOUND,
    )


def _organization_licence(make_user) -> Case:
    applicant = UserFactory()
    organization = apply_for_organization(applicant, licence=licence_upload("营业执照.png"))
    return Case(
        reverse("accounts:licence", args=[organization.pk]),
        Path(organization.licence.path),
        applicant,
        make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory()),
        HTTPStatus.FORBIDDEN,
    )


def _unpublished_listing_document(make_user) -> Case:
    seller_org = OrganizationFactory()
    seller = make_user(Role.ENTERPRISE_MEMBER, organization=seller_org)
    listing = make_listing(organization=seller_org, publish=False)
    document = Document(
        title="说明书", file=SimpleUploadedFile("spec.pdf", pdf_bytes()), uploaded_by_user=seller
    )
    document._set_document_file_metadata()
    document.save()
    listing.attachment = document
    listing.save()
    return Case(
        document.url,
        Path(document.file.path),
        seller,
        make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory()),
        HTTPStatus.NOT_FOUND,
    )


KINDS = {
    "contract attachment": _contract_attachment,
    "contract certificate (page)": _contract_certificate,
    "contract certificate (API)": _contract_certificate_api,
    "plan evidence": _plan_evidence,
    "plan draft bulletin": _plan_draft_bulletin,
    "organisation licence": _organization_licence,
    "document of an unpublished listing": _unpublished_listing_document,
}


@pytest.fixture(params=list(KINDS))
def case(request, make_user) -> Case:
    return KINDS[request.param](make_user)


def _get(client, case: Case, user):
    if user is not None and case.headers is None:
        client.force_login(user)
    headers = case.headers.get(user.pk, {}) if case.headers and user is not None else {}
    return client.get(case.url, **headers)


def test_a_refused_request_gets_the_apps_answer_and_no_file(client, settings, case):
    settings.PRIVATE_FILES_ACCEL_REDIRECT = PREFIX
    response = _get(client, case, case.denied)
    assert response.status_code == case.denied_status
    assert "X-Accel-Redirect" not in response


def test_a_permitted_request_hands_the_file_to_nginx(client, settings, case):
    settings.PRIVATE_FILES_ACCEL_REDIRECT = PREFIX
    response = _get(client, case, case.permitted)
    assert response.status_code == HTTPStatus.OK
    assert not response.streaming and response.content == b""
    assert response["Content-Length"] == "0"
    target = unquote(response["X-Accel-Redirect"])
    private, media = Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT)
    if case.path.is_relative_to(private):
        assert target == f"{PREFIX}private/{case.path.relative_to(private).as_posix()}"
    else:
        assert target == f"{PREFIX}media/{case.path.relative_to(media).as_posix()}"
    assert response["X-Accel-Redirect"].isascii()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith(("attachment", "inline"))


def test_without_the_setting_the_app_streams_the_file(client, settings, case):
    settings.PRIVATE_FILES_ACCEL_REDIRECT = ""
    response = _get(client, case, case.permitted)
    assert response.status_code == HTTPStatus.OK
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == case.path.read_bytes()


def test_a_file_outside_the_known_folders_is_streamed(settings, tmp_path):
    settings.PRIVATE_FILES_ACCEL_REDIRECT = PREFIX
    elsewhere = tmp_path / "elsewhere.pdf"
    elsewhere.write_bytes(b"%PDF-")
    assert accel_redirect_uri(elsewhere) is None
    inside = Path(settings.PRIVATE_MEDIA_ROOT) / "a b/证书.pdf"
    assert accel_redirect_uri(inside) == f"{PREFIX}private/a%20b/%E8%AF%81%E4%B9%A6.pdf"
