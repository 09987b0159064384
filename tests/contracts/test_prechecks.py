from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracts import services
from contracts.models import Status
from contracts.prechecks import contract_missing_items, contract_precheck
from core.identifiers import make_patent_number
from ip_registry.models import Enterprise, Patent
from ip_registry.services import HolderInput, patent_holders_change, patent_status_event_add
from tests.contracts.factories import contract_data, make_draft
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def codes(contract):
    return {i["code"]: i["level"] for i in contract_precheck(contract=contract)}


# Amounts and parties -------------------------------------------------------------------------


def test_technical_amount_cannot_exceed_total(member, organization):
    with pytest.raises(ValidationError) as exc:
        make_draft(member, organization, data=contract_data(declared_technical_amount="2000000"))
    assert "技术交易额不能大于合同成交额" in str(exc.value)


@pytest.mark.parametrize("value", ["-5", "abc", "1e20"])
def test_bad_amounts_are_rejected_in_chinese(member, organization, value):
    with pytest.raises(ValidationError):
        make_draft(member, organization, data=contract_data(total_amount=value))


def test_amounts_must_add_up_with_itemised_costs(member, organization):
    contract = make_draft(member, organization, costs=[{"kind": "materials", "amount": "50000"}])
    assert codes(contract)["amounts_inconsistent"] == "error"
    with pytest.raises(ValidationError) as exc:
        services.contract_submit(user=member, contract=contract)
    assert "1200000.00 − 50000.00 = 1150000.00" in str(exc.value)
    contract = services.contract_update(
        user=member, contract=contract, data={"declared_technical_amount": "1150000"}
    )
    assert "amounts_inconsistent" not in codes(contract)


def test_invalid_uscc_and_missing_uscc_are_rejected(member, organization):
    bad = [
        {
            "role": "seller",
            "name": organization.name,
            "uscc": "91211100MA0000000X",
            "party_type": "enterprise",
        }
    ]
    with pytest.raises(ValidationError) as exc:
        make_draft(member, organization, parties=bad)
    assert "统一社会信用代码" in str(exc.value)
    with pytest.raises(ValidationError):
        make_draft(
            member,
            organization,
            parties=[{"role": "buyer", "name": "某公司", "party_type": "enterprise"}],
        )
    # A natural person needs no USCC.
    make_draft(
        member,
        organization,
        parties=[
            {
                "role": "seller",
                "name": organization.name,
                "uscc": organization.uscc,
                "party_type": "enterprise",
            },
            {"role": "buyer", "name": "张三", "party_type": "individual", "region": "沈阳市"},
        ],
    )


def test_applicant_must_be_the_seller_or_the_importing_buyer(member, organization):
    other = OrganizationFactory()
    buyer = OrganizationFactory()
    parties = [
        {"role": "seller", "name": other.name, "uscc": other.uscc, "party_type": "enterprise"},
        {
            "role": "buyer",
            "name": organization.name,
            "uscc": organization.uscc,
            "party_type": "enterprise",
        },
    ]
    contract = make_draft(member, organization, parties=parties)
    assert codes(contract)["applicant_not_party"] == "error"
    contract = services.contract_update(user=member, contract=contract, data={"is_import": True})
    assert "applicant_not_party" not in codes(contract)
    same = [
        {
            "role": "seller",
            "name": organization.name,
            "uscc": organization.uscc,
            "party_type": "enterprise",
        },
        {
            "role": "buyer",
            "name": organization.name,
            "uscc": organization.uscc,
            "party_type": "enterprise",
        },
        {"role": "buyer", "name": buyer.name, "uscc": buyer.uscc, "party_type": "enterprise"},
    ]
    contract = make_draft(member, organization, parties=same)
    assert codes(contract)["same_party_both_sides"] == "error"


def test_party_name_must_match_the_registry(member, organization):
    buyer = OrganizationFactory()
    Enterprise.objects.create(
        uscc=buyer.uscc, name="盘锦新名称化工有限公司", former_names=["盘锦旧名称化工有限公司"]
    )
    parties = [
        {
            "role": "seller",
            "name": organization.name,
            "uscc": organization.uscc,
            "party_type": "enterprise",
        },
        {
            "role": "buyer",
            "name": "盘锦旧名称化工有限公司",
            "uscc": buyer.uscc,
            "party_type": "enterprise",
        },
    ]
    contract = make_draft(member, organization, parties=parties)
    assert "party_name_mismatch" not in codes(contract)  # a former name is fine
    parties[1]["name"] = "完全不同的公司"
    services.contract_update(user=member, contract=contract, parties=parties)
    assert codes(contract)["party_name_mismatch"] == "warning"


def test_missing_items_are_listed_in_plain_chinese(member, organization):
    contract = services.contract_create(
        user=member, organization=organization, data={"name": "", "contract_type": "license"}
    )
    missing = contract_missing_items(contract=contract)
    assert "签订日期" in missing
    assert "签字盖章的合同文本（PDF）" in missing
    assert any("卖方" in m for m in missing)
    with pytest.raises(ValidationError):
        services.contract_submit(user=member, contract=contract)


def test_subtype_must_belong_to_the_type(member, organization):
    with pytest.raises(ValidationError) as exc:
        make_draft(member, organization, data=contract_data(subtype="patent_license"))
    assert "子类" in str(exc.value)


def test_a_different_name_is_a_different_contract(member, organization):
    """Phases of one cooperation: same parties, day and total, different names."""
    buyer = OrganizationFactory()
    first = make_draft(member, organization, buyer=buyer, data=contract_data(name="合作（第1期）"))
    services.contract_submit(user=member, contract=first)
    second = make_draft(member, organization, buyer=buyer, data=contract_data(name="合作（第2期）"))
    assert not [i for i in contract_precheck(contract=second) if "duplicate" in i["code"]]
    assert services.contract_submit(user=member, contract=second).status == Status.SUBMITTED


def test_a_full_match_needs_an_explanation_the_officer_sees(member, organization, officer):
    buyer = OrganizationFactory()
    first = make_draft(member, organization, buyer=buyer)
    services.contract_submit(user=member, contract=first)
    second = make_draft(member, organization, buyer=buyer)
    with pytest.raises(ValidationError) as exc:
        services.contract_submit(user=member, contract=second)
    assert "可能重复" in str(exc.value) and "请逐项说明" in str(exc.value)
    second = services.contract_submit(user=member, contract=second, explanation="补充协议另行签署")
    assert second.status == Status.SUBMITTED
    assert second.precheck_explanation == "补充协议另行签署"
    assert [w["code"] for w in second.precheck_warnings] == ["possible_duplicate"]


def test_resubmitting_a_registered_contract_is_refused(member, organization, officer):
    buyer = OrganizationFactory()
    first = make_draft(member, organization, buyer=buyer)
    first = services.contract_accept(
        user=officer, contract=services.contract_submit(user=member, contract=first)
    )
    first = services.contract_register(user=officer, contract=first)
    second = make_draft(
        member, organization, buyer=buyer, data=contract_data(name=" 含油污泥 热解处理技术开发合同")
    )
    with pytest.raises(ValidationError) as exc:
        services.contract_submit(user=member, contract=second, explanation="再交一次")
    assert "本机构已登记过同一合同" in str(exc.value)
    assert first.registration_number in str(exc.value)


# Patents against the registry ----------------------------------------------------------------


@pytest.fixture
def patent_deal(member, organization):
    """A patent licence naming three patents: one held and in force, one lapsed, one unknown."""
    good = Patent.objects.create(
        application_number=make_patent_number(2019, "1", 100001),
        title="一种热解炉",
        filing_date=date(2019, 3, 1),
    )
    patent_status_event_add(patent=good, status="granted", on=date(2021, 5, 4))
    patent_holders_change(
        patent=good,
        on=date(2019, 3, 1),
        holders=[HolderInput(name=organization.name, uscc=organization.uscc)],
    )
    lapsed = Patent.objects.create(
        application_number=make_patent_number(2018, "2", 200002),
        title="一种阀门",
        filing_date=date(2018, 1, 5),
    )
    patent_status_event_add(patent=lapsed, status="granted", on=date(2018, 9, 1))
    patent_status_event_add(patent=lapsed, status="lapsed", on=date(2025, 1, 5))
    patent_holders_change(
        patent=lapsed, on=date(2018, 1, 5), holders=[HolderInput(name="别人家的公司", uscc="")]
    )
    unknown = make_patent_number(2020, "1", 300003)
    contract = make_draft(
        member,
        organization,
        data=contract_data(contract_type="license", subtype="patent_license", ip_type="invention"),
        ip_items=[
            {"number": good.application_number.replace(".", "")},
            {"number": "ZL " + lapsed.application_number},
            {"number": unknown},
        ],
    )
    return contract, good, lapsed, unknown


def test_patents_are_checked_against_the_registry_on_the_signing_date(member, patent_deal):
    contract, good, lapsed, unknown = patent_deal
    issues = contract_precheck(contract=contract)
    messages = " ".join(i["message"] for i in issues if i["level"] == "warning")
    assert good.application_number not in messages
    assert f"专利 {lapsed.application_number}" in messages and "未缴年费终止" in messages
    assert "别人家的公司" in messages
    assert f"专利 {unknown} 在登记库中未找到" in messages
    # Warnings need an explanation, then the applicant may submit.
    with pytest.raises(ValidationError) as exc:
        services.contract_submit(user=member, contract=contract)
    assert "请逐项说明" in exc.value.messages[0]
    submitted = services.contract_submit(
        user=member, contract=contract, explanation="专利 3 已于 2026 年 2 月授权，登记库尚未更新"
    )
    assert submitted.status == Status.SUBMITTED
    assert {w["code"] for w in submitted.precheck_warnings} >= {
        "patent_not_in_force",
        "patent_not_held_by_seller",
        "patent_unknown",
    }


def test_patent_held_on_signing_date_but_transferred_later_is_fine(member, patent_deal):
    contract, good, _, _ = patent_deal
    patent_holders_change(
        patent=good, on=date(2026, 6, 1), holders=[HolderInput(name="后来的受让人")]
    )
    warnings = [
        i for i in contract_precheck(contract=contract) if good.application_number in i["message"]
    ]
    assert warnings == []


def test_patent_numbers_are_validated(member, organization):
    with pytest.raises(ValidationError) as exc:
        make_draft(member, organization, ip_items=[{"number": "201710601862.4"}])
    assert "校验位不正确" in str(exc.value)


def test_decimal_amounts_are_rounded_to_fen(member, organization):
    c = make_draft(
        member,
        organization,
        data=contract_data(total_amount="1,200,000.004", declared_technical_amount="1000000"),
    )
    assert c.total_amount == Decimal("1200000.00")
