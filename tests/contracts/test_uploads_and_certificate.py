import io
import re
import subprocess
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from contracts import services
from contracts.certificates import certificate_html, qr_svg
from contracts.models import Attachment
from tests.contracts.factories import pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


def test_a_renamed_non_pdf_is_refused(draft, member):
    fake = SimpleUploadedFile(
        "合同.pdf", b"PK\x03\x04 this is a zip", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(user=member, contract=draft, kind="signed_contract", uploaded=fake)
    assert "不是 PDF 文件" in exc.value.messages[0]


def test_a_pdf_header_on_garbage_is_refused(draft, member):
    broken = SimpleUploadedFile("x.pdf", b"%PDF-1.7\n" + b"garbage" * 50)
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            user=member, contract=draft, kind="signed_contract", uploaded=broken
        )
    assert "无法作为 PDF 打开" in exc.value.messages[0]


def test_an_oversized_file_is_refused(draft, member, settings):
    settings.CONTRACT_UPLOAD_MAX_BYTES = 1000
    big = pdf_upload(content=pdf_bytes() + b"\n%" + b"x" * 2000)
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(user=member, contract=draft, kind="signed_contract", uploaded=big)
    assert "过大" in exc.value.messages[0]


def test_uploads_are_stored_privately_under_a_random_name(draft, member, settings):
    attachment = draft.attachments.get()
    path = Path(attachment.file.path)
    assert str(path).startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", path.name)
    assert attachment.original_name == "合同.pdf"
    with pytest.raises(NotImplementedError):
        attachment.file.url  # noqa: B018 - private files have no public URL


def test_images_are_accepted_as_further_attachments(draft, member):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    png = SimpleUploadedFile("证书.png", buffer.getvalue())
    a = services.attachment_add(user=member, contract=draft, kind="proof", uploaded=png)
    assert a.file.name.endswith(".png")
    with pytest.raises(ValidationError):
        services.attachment_add(
            user=member,
            contract=draft,
            kind="proof",
            uploaded=SimpleUploadedFile("a.exe", b"MZ\x90\x00"),
        )


def test_upload_page_shows_the_error_instead_of_failing(client, draft, member):
    client.force_login(member)
    fake = SimpleUploadedFile("合同.pdf", b"GIF89a....", content_type="application/pdf")
    response = client.post(
        reverse("contracts:attachment_upload", args=[draft.pk]),
        {"kind": "signed_contract", "file": fake},
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    assert "不是 PDF 文件" in response.content.decode()
    assert Attachment.objects.filter(contract=draft).count() == 1


def _pdftotext(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_certificate_content_and_embedded_cjk_font(client, registered, member, tmp_path):
    client.force_login(member)
    response = client.get(reverse("contracts:certificate", args=[registered.pk]))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(b"".join(response.streaming_content))
    text = _pdftotext(pdf)
    compact = re.sub(r"\s+", "", text)
    for expected in (
        "技术合同登记证明",
        registered.registration_number,
        "含油污泥热解处理技术开发合同",
        "技术开发（委托开发）",
        registered.organization.name,
        registered.buyers()[0].name,
        "1,200,000.00元",
        "1,000,000.00元",
        f"{registered.registered_on.year}年",
        "盘锦市技术合同认定登记站",
    ):
        assert expected in compact, expected
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line.split() for line in fonts.splitlines() if "CJK-SC" in line]
    assert cjk, fonts
    # Columns from the right: object ID (2), uni, sub, emb — every CJK font is embedded.
    assert all(cols[-5] == "yes" for cols in cjk), fonts


def test_certificate_is_generated_once_and_kept_privately(
    client, registered, member, officer, settings
):
    client.force_login(member)
    client.get(reverse("contracts:certificate", args=[registered.pk]))
    registered.refresh_from_db()
    first = registered.certificate.name
    generated = registered.certificate_generated_at
    assert Path(registered.certificate.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    client.force_login(officer)
    assert client.get(reverse("contracts:certificate", args=[registered.pk])).status_code == 200
    registered.refresh_from_db()
    assert (registered.certificate.name, registered.certificate_generated_at) == (first, generated)
    # A row whose file is gone (restored without the private folder) renders it again.
    Path(registered.certificate.path).unlink()
    response = client.get(reverse("contracts:certificate", args=[registered.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_certificate_qr_points_to_the_verification_page(client, registered):
    html = certificate_html(contract=registered, base_url="https://tech.panjin.example/")
    url = re.search(r"https://tech\.panjin\.example/contracts/verify/\?[^<\s]+", html).group(0)
    # The QR code drawn in the certificate encodes exactly this URL.
    assert qr_svg(url.replace("&amp;", "&")) in html
    query = parse_qs(urlparse(url.replace("&amp;", "&")).query)
    assert query == {
        "number": [registered.registration_number],
        "code": [registered.verification_code],
    }
    response = client.get(
        urlparse(url.replace("&amp;", "&")).path + "?" + urlparse(url.replace("&amp;", "&")).query
    )
    body = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "登记有效" in body and registered.registration_number in body
    assert "1,200,000" not in body and "1200000" not in body  # amounts stay confidential


def test_wrong_verification_code_is_not_confirmed(client, registered):
    response = client.get(
        reverse("contracts:verify"), {"number": registered.registration_number, "code": "WRONG123"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "未找到" in response.content.decode()


def test_certificate_is_not_available_before_registration(client, draft, member):
    client.force_login(member)
    response = client.get(reverse("contracts:certificate", args=[draft.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
