import csv
import io
from datetime import date
from http import HTTPStatus

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contracts import services
from contracts.models import Contract, Status
from core.roles import Role
from core.services import api_token_create
from tests.contracts.factories import make_draft, pdf_upload
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


# Access control, pages ------------------------------------------------------------------------


def test_landing_page_is_public_and_in_the_nav(client):
    response = client.get(reverse("contracts:index"))
    assert response.status_code == HTTPStatus.OK
    assert "技术合同网上登记" in response.content.decode()
    assert f'href="{reverse("contracts:index")}"' in response.content.decode()


@pytest.mark.parametrize("name", ["detail", "edit", "certificate"])
def test_other_organisations_get_404(client, registered, stranger, name):
    client.force_login(stranger)
    assert client.get(reverse(f"contracts:{name}", args=[registered.pk])).status_code == 404


def test_anonymous_users_are_sent_to_login(client, draft):
    response = client.get(reverse("contracts:detail", args=[draft.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


def test_members_cannot_act_as_officers(client, draft, member):
    client.force_login(member)
    services.contract_submit(user=member, contract=draft)
    response = client.post(reverse("contracts:act", args=[draft.pk, "accept"]))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert client.get(reverse("contracts:queue")).status_code == HTTPStatus.FORBIDDEN
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_attachments_download_only_for_parties_and_officers(
    client, draft, member, officer, stranger
):
    attachment = draft.attachments.get()
    url = reverse("contracts:attachment_download", args=[draft.pk, attachment.pk])
    client.force_login(stranger)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(officer)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND, "a draft is the applicant's own"
    services.contract_submit(user=member, contract=draft)
    for user in (member, officer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_guided_form_creates_a_draft_and_lists_what_is_missing(client, member, organization):
    client.force_login(member)
    page = client.get(reverse("contracts:new"))
    body = page.content.decode()
    assert "照抄合同封面上的名称" in body and organization.name in body
    buyer = OrganizationFactory()
    response = client.post(
        reverse("contracts:new"),
        {
            "name": "稻蟹共生技术服务合同",
            "contract_type": "service",
            "subtype": "service",
            "signed_on": "2026-04-01",
            "total_amount": "300000",
            "seller-TOTAL_FORMS": "2",
            "seller-INITIAL_FORMS": "0",
            "seller-0-name": organization.name,
            "seller-0-uscc": organization.uscc,
            "seller-0-party_type": "enterprise",
            "seller-1-party_type": "enterprise",
            "buyer-TOTAL_FORMS": "1",
            "buyer-INITIAL_FORMS": "0",
            "buyer-0-name": buyer.name,
            "buyer-0-uscc": buyer.uscc.lower(),
            "buyer-0-party_type": "enterprise",
            "cost-TOTAL_FORMS": "1",
            "cost-INITIAL_FORMS": "0",
            "cost-0-kind": "materials",
            "cost-0-amount": "20000",
            "ip-TOTAL_FORMS": "1",
            "ip-INITIAL_FORMS": "0",
            "ip-0-kind": "patent",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    contract = Contract.objects.get()
    assert contract.declared_technical_amount == 280000  # computed from the itemised costs
    assert [p.uscc for p in contract.buyers()] == [buyer.uscc]
    detail = client.get(response["Location"]).content.decode()
    assert "还缺以下内容" in detail and "合同有效期" in detail and "签字盖章的合同文本" in detail


def test_guided_form_shows_service_errors_in_chinese(client, member, organization):
    client.force_login(member)
    response = client.post(
        reverse("contracts:new"),
        {
            "total_amount": "100",
            "declared_technical_amount": "200",
            "seller-TOTAL_FORMS": "1",
            "seller-INITIAL_FORMS": "0",
            "seller-0-name": "某公司",
            "seller-0-uscc": "123",
            "seller-0-party_type": "enterprise",
            "buyer-TOTAL_FORMS": "0",
            "buyer-INITIAL_FORMS": "0",
            "cost-TOTAL_FORMS": "0",
            "cost-INITIAL_FORMS": "0",
            "ip-TOTAL_FORMS": "0",
            "ip-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "技术交易额不能大于合同成交额" in response.content.decode()
    assert Contract.objects.count() == 0


def test_type_guide_suggests_a_type(client):
    response = client.get(reverse("contracts:guide"), {"goal": "license", "ip_kind": "patent"})
    body = response.content.decode()
    assert "建议：技术许可 · 专利实施许可" in body
    assert "type=license&amp;subtype=patent_license" in body
    response = client.get(reverse("contracts:guide"), {"goal": "transfer", "equity": "on"})
    assert "技术入股" in response.content.decode()


def test_officer_queue_highlights_overdue_cases(client, draft, member, officer):
    c = services.contract_submit(user=member, contract=draft)
    services.contract_accept(user=officer, contract=c, on=date(2025, 1, 2))
    client.force_login(officer)
    body = client.get(reverse("contracts:queue")).content.decode()
    assert 'class="overdue"' in body and "已逾期" in body


def test_officer_returns_and_registers_through_the_pages(client, draft, member, officer):
    services.contract_submit(user=member, contract=draft)
    client.force_login(officer)
    client.post(reverse("contracts:act", args=[draft.pk, "accept"]))
    response = client.post(
        reverse("contracts:act", args=[draft.pk, "return"]), {"reason": ""}, follow=True
    )
    assert "退回补正须写明" in response.content.decode()
    client.post(
        reverse("contracts:act", args=[draft.pk, "refuse"]),
        {"grounds": ["unclear_price"], "note": "价款不明", "confirmed": "1"},
    )
    draft.refresh_from_db()
    assert draft.status == Status.REFUSED


# API ------------------------------------------------------------------------------------------


def _auth(user):
    _, token = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_api_journey(client, member, officer, organization):
    buyer = OrganizationFactory()
    payload = {
        "name": "API 合同",
        "contract_type": "development",
        "subtype": "commissioned",
        "signed_on": "2026-02-01",
        "valid_from": "2026-02-01",
        "valid_until": "2026-12-31",
        "total_amount": "500000",
        "declared_technical_amount": "500000",
        "technology_field": "materials",
        "ip_type": "know_how",
        "payment_method": "lump_sum",
        "parties": [
            {"role": "seller", "name": organization.name, "uscc": organization.uscc},
            {"role": "buyer", "name": buyer.name, "uscc": buyer.uscc, "district": "大洼区"},
        ],
    }
    response = client.post(
        "/api/v1/contracts", payload, content_type="application/json", **_auth(member)
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()
    data = response.json()
    cid = data["id"]
    assert data["status"] == "draft" and "签字盖章的合同文本（PDF）" in data["missing"]
    response = client.patch(
        f"/api/v1/contracts/{cid}",
        {"name": "API 合同（修订）"},
        content_type="application/json",
        **_auth(member),
    )
    assert response.json()["name"] == "API 合同（修订）"
    response = client.post(
        f"/api/v1/contracts/{cid}/attachments",
        {"file": pdf_upload(), "kind": "signed_contract"},
        **_auth(member),
    )
    assert response.status_code == HTTPStatus.CREATED
    response = client.post(
        f"/api/v1/contracts/{cid}/submit", {}, content_type="application/json", **_auth(member)
    )
    assert response.json()["status"] == "submitted"
    response = client.post(
        f"/api/v1/contracts/{cid}/review",
        {"action": "accept"},
        content_type="application/json",
        **_auth(member),
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    for action in ("accept", "register"):
        response = client.post(
            f"/api/v1/contracts/{cid}/review",
            {"action": action},
            content_type="application/json",
            **_auth(officer),
        )
        assert response.status_code == HTTPStatus.OK, response.json()
    data = response.json()
    assert data["status"] == "registered" and data["registration_number"]
    response = client.get(f"/api/v1/contracts/{cid}/certificate.pdf", **_auth(member))
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    response = client.get(
        "/api/v1/contracts/verify",
        {"number": data["registration_number"], "code": data["verification_code"]},
    )
    assert response.status_code == HTTPStatus.OK
    assert response.json()["valid"] is True and "total_amount" not in response.json()
    stats = client.get("/api/v1/contracts/stats", {"year": 2026, "group_by": "absorb"}).json()
    assert stats["count"] == 1 and stats["total"] is None and stats["withheld"] is True
    row = {"key": "大洼区", "label": "大洼区", "count": 1}
    assert stats["rows"] == [{**row, "total": None, "technical": None, "withheld": True}]
    client.force_login(officer)
    stats = client.get("/api/v1/contracts/stats", {"year": 2026, "group_by": "absorb"}).json()
    assert stats["total"] == "500000.00"
    assert stats["rows"] == [
        {**row, "total": "500000.00", "technical": "500000.00", "withheld": False}
    ]


def test_api_visibility_per_role(client, registered, member, stranger, officer, make_user):
    url = f"/api/v1/contracts/{registered.pk}"
    assert client.get(url).status_code == HTTPStatus.UNAUTHORIZED
    assert client.get(url, **_auth(stranger)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(url + "/certificate.pdf", **_auth(stranger)).status_code == 404
    assert client.get(url, **_auth(member)).status_code == HTTPStatus.OK
    assert client.get(url, **_auth(officer)).status_code == HTTPStatus.OK
    for role in (Role.IP_OFFICER, Role.MARKET_MODERATOR):
        other_staff = make_user(role)
        assert client.get(url, **_auth(other_staff)).status_code == HTTPStatus.NOT_FOUND
    admin = make_user(Role.ADMINISTRATOR)
    assert client.get(url, **_auth(admin)).status_code == HTTPStatus.OK
    response = client.post(
        f"{url}/review",
        {"action": "refuse", "grounds": ["x"]},
        content_type="application/json",
        **_auth(stranger),
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    response = client.post(
        "/api/v1/contracts", {"name": "x"}, content_type="application/json", **_auth(officer)
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert client.get("/api/v1/contracts/stats?group_by=secret").status_code == 400


def test_api_validation_errors_are_400_in_chinese(client, member):
    response = client.post(
        "/api/v1/contracts",
        {"total_amount": "100", "declared_technical_amount": "200"},
        content_type="application/json",
        **_auth(member),
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "技术交易额不能大于合同成交额" in str(response.json())
    response = client.post(
        "/api/v1/contracts",
        {"contract_type": "loan"},
        content_type="application/json",
        **_auth(member),
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST


# Statistics -----------------------------------------------------------------------------------


def test_public_statistics_withhold_amounts_of_small_groups(client, registered, member, officer):
    """One contract's price is the parties' secret: the public sees counts, officers everything."""
    year = registered.registered_on.year
    page = client.get(reverse("contracts:stats"), {"year": year, "group_by": "type"})
    body = page.content.decode()
    assert "不公开" in body and "1,200,000.00" not in body
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("contracts:stats_export", args=["csv"]), {"year": year}
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert csv_rows[1] == ["技术开发", "1", "不足3项，不公开", "不足3项，不公开"]
    # With three contracts in the group the sums no longer point at one deal.
    for _ in range(2):
        draft = make_draft(member, registered.organization)
        draft = services.contract_accept(
            user=officer, contract=services.contract_submit(user=member, contract=draft)
        )
        services.contract_register(user=officer, contract=draft)
    stats = client.get("/api/v1/contracts/stats", {"year": year, "group_by": "type"}).json()
    assert stats["rows"][0]["count"] == 3 and stats["rows"][0]["withheld"] is False
    assert stats["rows"][0]["total"] == "3600000.00"


def test_statistics_pages_and_exports(client, registered, officer):
    year = registered.registered_on.year
    client.force_login(officer)
    page = client.get(reverse("contracts:stats"), {"year": year, "group_by": "type"})
    body = page.content.decode()
    assert page.status_code == HTTPStatus.OK and "<svg" in body and "技术开发" in body
    assert registered.name not in body  # aggregates only
    response = client.get(
        reverse("contracts:stats_export", args=["csv"]), {"year": year, "group_by": "output"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "技术输出（按卖方区县）"
    assert rows[1] == ["兴隆台区", "1", "1200000.00", "1000000.00"]
    response = client.get(
        reverse("contracts:stats_export", args=["xlsx"]), {"year": year, "group_by": "field"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]] == ["环境保护与资源综合利用", 1, 1200000, 1000000]
    response = client.get(
        reverse("contracts:stats_report"), {"year": year, "month": registered.registered_on.month}
    )
    assert response.status_code == HTTPStatus.OK and response.content.startswith(b"%PDF-")
    assert client.get(reverse("contracts:stats_report"), {"month": "13"}).status_code == 400
    assert client.get(reverse("contracts:stats_export", args=["doc"])).status_code == 404


def test_cancelled_registrations_leave_the_statistics(client, registered, officer):
    services.contract_cancel(user=officer, contract=registered, reason="解除")
    stats = client.get("/api/v1/contracts/stats").json()
    assert stats["count"] == 0


def test_officer_amends_a_registration_through_the_page(client, registered, officer):
    client.force_login(officer)
    url = reverse("contracts:act", args=[registered.pk, "amend"])
    response = client.post(url, {"total_amount": "1300000", "note": ""}, follow=True)
    assert "变更登记须写明变更依据" in response.content.decode()
    client.post(url, {"total_amount": "1300000", "note": "补充协议（2026-06）"})
    registered.refresh_from_db()
    assert (registered.total_amount, registered.amendment_count) == (1300000, 1)
    assert registered.status == Status.REGISTERED


def test_django_admin_lists_contracts_read_only(client, registered, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.get("/django-admin/contracts/contract/")
    assert response.status_code == HTTPStatus.OK
    assert registered.registration_number in response.content.decode()
