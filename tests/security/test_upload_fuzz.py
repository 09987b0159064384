"""Upload fuzzing: random bytes under any name and type, truncated and oversized files, into the
contract attachment upload (page and API) and the registry import — a 4xx or a clean report,
never a 5xx, and nothing stored unless the content really is what it claims."""

import functools
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.models import Attachment
from core.roles import Role
from tests.contracts.factories import make_draft, pdf_bytes

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@functools.cache
def _real_pdf() -> bytes:
    return pdf_bytes()


NAMES = st.sampled_from(
    ["合同.pdf", "scan.PDF", "a.jpg", "b.png", "x.exe", "noext", "../../etc/passwd.pdf", "名.xlsx"]
)
CONTENT = st.one_of(
    st.binary(max_size=2048),
    st.binary(max_size=512).map(lambda b: b"%PDF-1.7\n" + b),  # a PDF header, then junk
    st.integers(1, 400).map(lambda n: _real_pdf()[:n]),  # a truncated real PDF
    st.binary(max_size=256).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
)


@pytest.fixture
def applicant(make_user, organization):
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="uploader")
    return member, make_draft(member, organization, attach=False)


@FUZZ
@given(
    name=NAMES,
    content=CONTENT,
    kind=st.sampled_from(["signed_contract", "proof", "other", "bogus"]),
)
def test_contract_attachment_upload_page(client, applicant, name, content, kind):
    member, contract = applicant
    client.force_login(member)
    before = Attachment.objects.count()
    response = client.post(
        f"/contracts/{contract.pk}/attachments/",
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    if Attachment.objects.count() > before:
        stored = Attachment.objects.latest("pk")
        head = stored.file.read(8)
        assert head.startswith((b"%PDF-", b"\x89PNG", b"\xff\xd8\xff")), head
        assert ".." not in stored.file.name


@FUZZ
@given(name=NAMES, content=CONTENT)
def test_contract_attachment_upload_api(client, applicant, name, content):
    member, contract = applicant
    client.force_login(member)
    response = client.post(
        f"/api/v1/contracts/{contract.pk}/attachments",
        {"kind": "signed_contract", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR


def test_an_upload_over_the_limit_is_refused_in_chinese(client, applicant, settings):
    member, contract = applicant
    settings.CONTRACT_UPLOAD_MAX_BYTES = 1024
    client.force_login(member)
    big = _real_pdf() + b"0" * 2048
    response = client.post(
        f"/api/v1/contracts/{contract.pk}/attachments",
        {"kind": "signed_contract", "file": SimpleUploadedFile("合同.pdf", big)},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Attachment.objects.filter(contract=contract).exists()


@FUZZ
@given(
    name=st.sampled_from(["企业.csv", "专利.xlsx", "old.xls", "x.txt", "noext"]),
    content=st.one_of(st.binary(max_size=2048), st.binary(max_size=256).map(b"PK\x03\x04".__add__)),
    kind=st.sampled_from(["enterprises", "designations", "patents"]),
)
def test_registry_import_upload(client, make_user, name, content, kind):
    client.force_login(make_user(Role.IP_OFFICER, username="importer"))
    response = client.post(
        "/admin/registry/import/",
        {"kind": kind, "file": SimpleUploadedFile(name, content), "dry_run": "on"},
    )
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
