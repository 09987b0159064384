"""Issue 16: hostile input closed as classes (write bounds, edge bounds, parser limits,
private documents, error formats), each with the attack that found it."""

import io
import zipfile
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document

from core.uploads import document_check, image_check, pdf_check, zip_check
from core.validation import MAX_TEXT_CHARS, write_bounds_check
from marketplace.models import Inquiry
from tests.contracts.factories import pdf_bytes
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(seller_org, seller):
    return make_listing(organization=seller_org)


def _inquire(client, listing, **payload):
    return client.post(
        f"/api/v1/market/listings/{listing.pk}/inquiries",
        {"message": "x", **payload},
        content_type="application/json",
    )


# 1. One rule for every write --------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"budget_wan": 99999999999999999999999}, "budget_wan"),
        ({"budget_wan": "1e23"}, "budget_wan"),
        ({"budget_wan": -5}, "budget_wan"),
        ({"budget_wan": "0.001"}, "budget_wan"),
        ({"message": "询" * 200_000}, "message"),
    ],
)
def test_the_api_refuses_what_the_form_refuses_and_every_reader_still_works(
    client, buyer, seller, listing, payload, field
):
    client.force_login(buyer)
    response = _inquire(client, listing, **payload)
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    assert field in response.json()["detail"]
    assert not Inquiry.objects.exists()
    # An accepted inquiry is readable on every page and operation that shows it.
    assert _inquire(client, listing, budget_wan="9999999999.99").status_code == HTTPStatus.CREATED
    inquiry = Inquiry.objects.get()
    for user in (buyer, seller):
        client.force_login(user)
        assert client.get("/market/inquiries/").status_code == HTTPStatus.OK
        assert client.get(f"/market/inquiries/{inquiry.pk}/").status_code == HTTPStatus.OK
        data = client.get("/api/v1/market/inquiries").json()
        assert Decimal(str((data["sent"] + data["inbox"])[0]["budget_wan"])) == Decimal(
            "9999999999.99"
        )


def test_write_bounds_apply_to_every_project_model_save(listing, buyer):
    inquiry = Inquiry(
        listing_id=listing.pk, seller_organization=listing.organization, buyer=buyer, message="x"
    )
    for field, value in [
        ("budget_wan", Decimal("1e23")),
        ("budget_wan", Decimal("-1")),
        ("budget_wan", Decimal("NaN")),
        ("message", "x" * (MAX_TEXT_CHARS + 1)),
        ("message", "bad \ud800 text"),
    ]:
        setattr(inquiry, field, value)
        with pytest.raises(ValidationError) as exc:
            inquiry.save()
        assert field in exc.value.message_dict
        setattr(inquiry, field, Decimal("1") if field == "budget_wan" else "x")
    # The listing price (another app's model, another write path) is held to the same rule.
    listing.price_wan = Decimal("12345678901")
    with pytest.raises(ValidationError) as exc:
        write_bounds_check(listing)
    assert "数值过大" in exc.value.message_dict["price_wan"][0]


# 4. Integers and text at the edge ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/contracts/99999999999999999999999",
        "/market/inquiries/99999999999999999999999/",
        "/contracts/99999999999999999999999/",
    ],
)
def test_path_integers_past_64_bits_are_not_found(client, buyer, url):
    client.force_login(buyer)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/market/listings?offset=99999999999999999999999",
        "/api/v1/market/listings?offset=9223372036854775800",
        "/api/v1/market/listings?limit=-1",
        "/contracts/stats/report.pdf?year=99999999999999999999999",
        "/api/v1/contracts/stats?year=99999999999999999999999",
    ],
)
def test_query_integers_out_of_range_are_4xx(client, url):
    response = client.get(url)
    assert HTTPStatus.BAD_REQUEST <= response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR


@pytest.mark.parametrize(
    "url", ["/api/v1/search?q=%00x", "/search/?q=a%00", "/market/results/?q=%00"]
)
def test_a_nul_in_the_query_string_is_a_chinese_400(client, url):
    # The search's database fallback handed it to PostgreSQL, which cannot take it (500).
    response = client.get(url)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "含有无效字符" in response.content.decode()


def test_a_lone_surrogate_in_json_is_a_chinese_400(client, buyer, listing):
    client.force_login(buyer)
    response = client.post(
        f"/api/v1/market/listings/{listing.pk}/inquiries",
        b'{"message": "\\ud800"}',
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "代理项" in response.json()["detail"]
    # A proper surrogate pair (an emoji) is ordinary text.
    response = client.post(
        f"/api/v1/market/listings/{listing.pk}/inquiries",
        b'{"message": "\\ud83d\\ude00"}',
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.CREATED


def test_a_nul_in_a_json_write_is_a_chinese_400(client, buyer, listing):
    # PostgreSQL takes no NUL in text: the live fuzz through nginx found this 500.
    client.force_login(buyer)
    response = client.post(
        f"/api/v1/market/listings/{listing.pk}/inquiries",
        b'{"message": "a\\u0000b"}',
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("body", [b"null", b"[]", b'"x"', b"{"])
def test_api_writes_take_a_json_object_only(client, buyer, listing, body):
    client.force_login(buyer)
    response = client.post(
        f"/api/v1/market/listings/{listing.pk}/inquiries", body, content_type="application/json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"].startswith("application/json")


def test_a_body_past_the_request_cap_is_413_before_it_is_read(client, settings, buyer, listing):
    settings.REQUEST_MAX_BYTES = 1000
    client.force_login(buyer)
    response = _inquire(client, listing, message="询" * 2000)
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "请求过大" in response.json()["detail"]


def test_multipart_with_too_many_fields_is_json_on_the_api(client, settings, buyer):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client.force_login(buyer)
    response = client.post("/api/v1/contracts/1/attachments", {f"f{i}": "x" for i in range(20)})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


# Parsers within limits ---------------------------------------------------------------------


def _page_tree_bomb(entries: int = 200_000) -> bytes:
    kids = " ".join("3 0 R" for _ in range(entries))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {entries} >>".encode(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
    ]
    out = io.BytesIO(b"%PDF-1.4\n")
    out.seek(0, io.SEEK_END)
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_a_pdf_page_tree_bomb_is_a_chinese_error():
    with pytest.raises(ValidationError) as exc:
        pdf_check(_page_tree_bomb(), name="bomb.pdf")
    assert "无法作为 PDF 打开" in exc.value.messages[0]
    assert pdf_check(pdf_bytes(), name="ok.pdf") == 1


def test_a_spreadsheet_bomb_is_refused_before_openpyxl(monkeypatch):
    monkeypatch.setattr("core.uploads.XLSX_MAX_PART_BYTES", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "a" * (2 * 1024 * 1024))
    assert len(buffer.getvalue()) < 20_000  # 2 MB of XML in a few KB
    with pytest.raises(ValidationError) as exc:
        zip_check(buffer.getvalue(), name="bomb.xlsx")
    assert "压缩炸弹" in exc.value.messages[0]


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("L", (width, height), bytes(range(256)) * (width * height // 256 + 1)).save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def test_images_are_decoded_not_trusted_by_their_first_bytes(monkeypatch):
    # WeasyPrint turns this on when imported; the check must hold either way.
    monkeypatch.setattr("PIL.ImageFile.LOAD_TRUNCATED_IMAGES", True)
    assert image_check(_png(200, 100), name="ok.png") == ".png"
    with pytest.raises(ValidationError):
        image_check(b"\x89PNG\r\n\x1a\n" + b"\0" * 40, name="forged.png")
    with pytest.raises(ValidationError):
        image_check(_png(200, 100)[:200], name="truncated.png")
    monkeypatch.setattr("core.uploads.IMAGE_MAX_PIXELS", 100)
    with pytest.raises(ValidationError) as exc:
        image_check(_png(20, 10), name="large.png")
    assert "尺寸过大" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pdf", b"%PDF-1.4 whatever"),  # no dot: once skipped the extension check
        ("spec.pdf", b"<!doctype html><script>alert(1)</script>"),
        ("notes.txt", b"<html><body>hi</body></html>"),
        ("sheet.xlsx", b"PK\x03\x04 broken"),
        ("report.doc", b"plain text"),
        ("run.exe", b"MZ"),
    ],
)
def test_documents_are_checked_by_content_and_need_a_real_extension(name, content):
    with pytest.raises(ValidationError):
        document_check(content, name=name, extensions=["pdf", "doc", "xlsx", "txt"])


# 2. Documents belong to their listing -------------------------------------------------------


def _attach_document(listing, user) -> Document:
    document = Document(
        title="说明书",
        file=SimpleUploadedFile("spec.pdf", pdf_bytes()),
        uploaded_by_user=user,
    )
    document._set_document_file_metadata()
    document.save()
    listing.attachment = document
    listing.save()
    return document


def test_a_document_is_private_until_its_listing_is_live(client, seller_org, seller, buyer):
    draft = make_listing(organization=seller_org, publish=False)
    document = _attach_document(draft, seller)
    url = document.url
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(buyer)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(seller)
    assert client.get(url).status_code == HTTPStatus.OK

    draft.save_revision().publish()
    client.logout()
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("attachment")
    assert "Content-Encoding" not in response
    assert response["ETag"].strip('"') == document.file_hash != ""

    draft.refresh_from_db()
    draft.unpublish()
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_document_no_listing_shows_is_private(client, seller):
    document = Document(title="x", file=SimpleUploadedFile("x.pdf", pdf_bytes()))
    document.save()
    assert client.get(document.url).status_code == HTTPStatus.NOT_FOUND


# Headers -----------------------------------------------------------------------------------


def test_frame_rules_agree(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    response = client.get("/admin/login/")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
