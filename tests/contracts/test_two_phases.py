"""Two phases of one cooperation, registered through the API in the words people read."""

from decimal import Decimal
from http import HTTPStatus

import pytest

from contracts.models import Contract, Status
from core.services import api_token_create
from tests.contracts.factories import pdf_upload
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _auth(user):
    _, token = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _phase(organization, buyer, n: int) -> dict:
    # Chinese labels, not codes; the two figures declared, the costs not itemised.
    return {
        "name": f"稠油降黏技术合作（第{n}期）",
        "contract_type": "技术转让",
        "subtype": "技术秘密转让",
        "signed_on": "2026-03-02",
        "valid_from": "2026-03-02",
        "valid_until": "2027-03-01",
        "total_amount": "800000",
        "declared_technical_amount": "600000",
        "declared_non_technical_amount": "200000",
        "technology_field": "新能源与高效节能",
        "ip_type": "技术秘密",
        "payment_method": "分期支付",
        "parties": [
            {"role": "卖方", "name": organization.name, "uscc": organization.uscc},
            {
                "role": "买方",
                "name": buyer.name,
                "uscc": buyer.uscc,
                "party_type": "企业",
                "district": "高新区",
            },
        ],
    }


def _post(client, url, payload, user):
    return client.post(url, payload, content_type="application/json", **_auth(user))


def test_two_phases_signed_the_same_day_register_with_consecutive_numbers(
    client, member, officer, organization
):
    buyer = OrganizationFactory()
    numbers = []
    for n in (1, 2):
        response = _post(client, "/api/v1/contracts", _phase(organization, buyer, n), member)
        assert response.status_code == HTTPStatus.CREATED, response.json()
        data = response.json()
        assert (data["contract_type"], data["subtype"], data["payment_method"]) == (
            "transfer",
            "know_how",
            "instalments",
        )
        buyer_row = next(p for p in data["parties"] if p["role"] == "buyer")
        assert buyer_row["district"] == "高新技术开发区"
        assert (data["declared_technical_amount"], data["declared_non_technical_amount"]) == (
            "600000.00",
            "200000.00",
        )
        assert not [
            i for i in data["precheck"] if i["level"] == "error" and "合同文本" not in i["message"]
        ]
        cid = data["id"]
        response = client.post(
            f"/api/v1/contracts/{cid}/attachments",
            {"file": pdf_upload(), "kind": "signed_contract"},
            **_auth(member),
        )
        assert response.status_code == HTTPStatus.CREATED
        response = _post(client, f"/api/v1/contracts/{cid}/submit", {}, member)
        assert response.status_code == HTTPStatus.OK, response.json()
        for action in ("受理", "register"):
            response = _post(client, f"/api/v1/contracts/{cid}/review", {"action": action}, officer)
            assert response.status_code == HTTPStatus.OK, response.json()
        assert response.json()["status"] == "registered"
        numbers.append(response.json()["registration_number"])
    assert int(numbers[1]) == int(numbers[0]) + 1
    assert Contract.objects.filter(status=Status.REGISTERED).count() == 2
    assert {c.technical_amount for c in Contract.objects.all()} == {Decimal("600000.00")}


def test_unknown_labels_are_a_400_naming_the_allowed_values(client, member):
    response = _post(client, "/api/v1/contracts", {"payment_method": "赊账"}, member)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    message = str(response.json())
    assert "“赊账”不是可选项" in message and "分期支付（instalments）" in message
    response = _post(client, "/api/v1/contracts/1/review", {"action": "批准"}, member)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY


def test_openapi_lists_the_allowed_values_of_every_coded_field(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    contract = schema["ContractIn"]["properties"]

    def values(prop):
        options = prop.get("anyOf", [prop])
        return next(o["enum"] for o in options if "enum" in o)

    assert {"transfer", "技术转让"} <= set(values(contract["contract_type"]))
    assert {"know_how", "技术秘密转让"} <= set(values(contract["subtype"]))
    assert {"instalments", "分期支付"} <= set(values(contract["payment_method"]))
    assert {"know_how", "技术秘密"} <= set(values(contract["ip_type"]))
    assert {"energy", "新能源与高效节能"} <= set(values(contract["technology_field"]))
    party = schema["PartyIn"]["properties"]
    assert {"seller", "卖方"} <= set(values(party["role"]))
    assert {"enterprise", "企业"} <= set(values(party["party_type"]))
    assert {"equipment", "设备"} <= set(values(schema["CostIn"]["properties"]["kind"]))
    action = schema["ReviewIn"]["properties"]["action"]
    action = schema[action["$ref"].rsplit("/", 1)[1]] if "$ref" in action else action
    assert {"accept", "register", "return", "refuse", "adjust", "amend", "cancel"} <= set(
        action["enum"]
    )


def test_itemised_costs_still_give_the_technical_amount(client, member, organization):
    buyer = OrganizationFactory()
    payload = _phase(organization, buyer, 1)
    del payload["declared_technical_amount"], payload["declared_non_technical_amount"]
    payload["costs"] = [
        {"kind": "设备", "amount": "150000"},
        {"kind": "materials", "amount": "50000"},
    ]
    data = _post(client, "/api/v1/contracts", payload, member).json()
    assert data["declared_technical_amount"] == "600000.00"
    assert data["declared_non_technical_amount"] == "200000.00"
    assert not [i for i in data["precheck"] if i["code"] == "amounts_inconsistent"]
