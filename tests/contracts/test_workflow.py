from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts import services
from contracts.models import Contract, OfficerAction, Status
from core.models import AuditEntry
from core.roles import Role
from tests.contracts.factories import contract_data, make_draft
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _actions(contract):
    return list(
        AuditEntry.objects.filter(object_type="contracts.contract", object_id=str(contract.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_full_path_to_registration_is_audited(draft, member, officer):
    c = services.contract_submit(user=member, contract=draft)
    assert c.status == Status.SUBMITTED
    c = services.contract_accept(user=officer, contract=c, on=date(2026, 3, 10))
    assert (c.status, c.accepted_on) == (Status.ACCEPTED, date(2026, 3, 10))
    assert c.deadline == date(2026, 4, 9)
    c = services.contract_start_review(user=officer, contract=c)
    assert c.status == Status.REVIEWING
    c = services.contract_register(user=officer, contract=c, on=date(2026, 3, 20))
    assert c.status == Status.REGISTERED
    assert c.registration_number == "2026211100010001"
    assert len(c.verification_code) == 8
    assert _actions(c) == [
        "contracts.contract.create",
        "contracts.contract.attachment_add",
        "contracts.contract.submit",
        "contracts.contract.accept",
        "contracts.contract.start_review",
        "contracts.contract.register",
    ]
    entry = AuditEntry.objects.get(action="contracts.contract.register")
    assert entry.actor == officer
    assert entry.changes["status"] == ["reviewing", "registered"]


def test_return_and_resubmit_restarts_the_acceptance_date(draft, member, officer):
    c = services.contract_submit(user=member, contract=draft)
    c = services.contract_accept(user=officer, contract=c, on=date(2026, 3, 10))
    with pytest.raises(ValidationError):
        services.contract_return(user=officer, contract=c, reason="  ")
    c = services.contract_return(user=officer, contract=c, reason="请补充盖章页")
    assert (c.status, c.return_reason) == (Status.RETURNED, "请补充盖章页")
    c = services.contract_update(user=member, contract=c, data={"name": "修改后的合同名称"})
    c = services.contract_submit(user=member, contract=c)
    assert c.accepted_on is None and c.deadline is None
    c = services.contract_accept(user=officer, contract=c, on=date(2026, 4, 1))
    assert c.accepted_on == date(2026, 4, 1)
    assert c.deadline == date(2026, 5, 6)  # 5-01..05 holiday; 05-01 +30 = 05-01 -> next workday
    assert "contracts.contract.resubmit" in _actions(c)


def test_refusal_needs_legal_grounds(draft, member, officer):
    c = services.contract_submit(user=member, contract=draft)
    c = services.contract_accept(user=officer, contract=c)
    with pytest.raises(ValidationError):
        services.contract_refuse(user=officer, contract=c, grounds=[])
    with pytest.raises(ValidationError):
        services.contract_refuse(user=officer, contract=c, grounds=["made_up"])
    c = services.contract_refuse(
        user=officer, contract=c, grounds=["unclear_price", "seal_mismatch"], note="价款条款缺失"
    )
    assert c.status == Status.REFUSED
    assert c.refusal_ground_labels()[0].startswith("价款")


def test_withdraw_only_before_acceptance(draft, member, officer):
    with pytest.raises(ValidationError):
        services.contract_withdraw(user=member, contract=draft)
    c = services.contract_submit(user=member, contract=draft)
    c = services.contract_withdraw(user=member, contract=c)
    assert c.status == Status.WITHDRAWN
    other = make_draft(member, c.organization, data=contract_data(signed_on=date(2026, 2, 1)))
    other = services.contract_submit(user=member, contract=other)
    other = services.contract_accept(user=officer, contract=other)
    with pytest.raises(ValidationError):
        services.contract_withdraw(user=member, contract=other)


def test_amend_and_cancel_after_registration(draft, member, officer):
    c = services.contract_submit(user=member, contract=draft)
    c = services.contract_accept(user=officer, contract=c)
    with pytest.raises(ValidationError):
        services.contract_amend(user=officer, contract=c, data={"name": "x"}, note="n")
    c = services.contract_register(user=officer, contract=c)
    with pytest.raises(ValidationError):
        services.contract_amend(user=officer, contract=c, data={"name": "新名称"}, note="")
    with pytest.raises(ValidationError):
        services.contract_amend(
            user=officer, contract=c, data={"technical_amount": "9999999"}, note="超过总额"
        )
    c = services.contract_amend(
        user=officer,
        contract=c,
        data={"name": "新名称", "total_amount": "1300000"},
        note="补充协议",
    )
    assert (c.name, c.amendment_count, c.total_amount) == ("新名称", 1, Decimal("1300000.00"))
    c = services.contract_set_national_number(user=officer, contract=c, number="2126211100000123")
    assert c.national_number == "2126211100000123"
    c = services.contract_cancel(user=officer, contract=c, reason="双方解除合同")
    assert c.status == Status.CANCELLED
    with pytest.raises(ValidationError):
        services.contract_cancel(user=officer, contract=c, reason="again")


def test_officer_adjusts_technical_amount_with_a_note(draft, member, officer):
    c = services.contract_submit(user=member, contract=draft)
    with pytest.raises(ValidationError):  # not yet accepted
        services.contract_adjust_technical_amount(user=officer, contract=c, amount="1", note="n")
    c = services.contract_accept(user=officer, contract=c)
    with pytest.raises(ValidationError):
        services.contract_adjust_technical_amount(
            user=officer, contract=c, amount="900000", note=""
        )
    with pytest.raises(ValidationError):
        services.contract_adjust_technical_amount(
            user=officer, contract=c, amount="1300000", note="大于总额"
        )
    c = services.contract_adjust_technical_amount(
        user=officer, contract=c, amount="900000", note="培训费不属于技术性收入"
    )
    assert c.technical_amount == Decimal("900000.00")
    assert c.declared_technical_amount == Decimal("1000000.00")
    entry = AuditEntry.objects.get(action="contracts.contract.adjust_amount")
    assert entry.changes["technical_amount"] == ["1000000.00", "900000.00"]


FORBIDDEN = {
    # status: transitions that must fail from it
    Status.DRAFT: ["accept", "start_review", "register", "return", "refuse", "withdraw", "cancel"],
    Status.SUBMITTED: ["submit", "start_review", "register", "refuse", "cancel", "update"],
    Status.ACCEPTED: ["submit", "accept", "withdraw", "cancel", "update"],
    Status.REVIEWING: ["submit", "accept", "start_review", "withdraw", "cancel", "update"],
    Status.REGISTERED: [
        "submit",
        "accept",
        "start_review",
        "register",
        "return",
        "refuse",
        "withdraw",
        "update",
    ],
    Status.RETURNED: ["accept", "start_review", "register", "return", "refuse", "cancel"],
    Status.REFUSED: [
        "submit",
        "accept",
        "register",
        "return",
        "refuse",
        "withdraw",
        "update",
        "cancel",
    ],
    Status.WITHDRAWN: ["submit", "accept", "register", "return", "withdraw", "update", "cancel"],
    Status.CANCELLED: ["submit", "accept", "register", "return", "refuse", "cancel", "update"],
}


def _do(action, contract, member, officer):
    calls = {
        "submit": lambda: services.contract_submit(user=member, contract=contract),
        "update": lambda: services.contract_update(user=member, contract=contract, data={}),
        "withdraw": lambda: services.contract_withdraw(user=member, contract=contract),
        "accept": lambda: services.contract_accept(user=officer, contract=contract),
        "start_review": lambda: services.contract_start_review(user=officer, contract=contract),
        "register": lambda: services.contract_register(user=officer, contract=contract),
        "return": lambda: services.contract_return(user=officer, contract=contract, reason="r"),
        "refuse": lambda: services.contract_refuse(
            user=officer, contract=contract, grounds=["unclear_subject"]
        ),
        "cancel": lambda: services.contract_cancel(user=officer, contract=contract, reason="r"),
    }
    return calls[action]()


def _bring_to(status, contract, member, officer):
    path = {
        Status.DRAFT: [],
        Status.SUBMITTED: ["submit"],
        Status.ACCEPTED: ["submit", "accept"],
        Status.REVIEWING: ["submit", "accept", "start_review"],
        Status.REGISTERED: ["submit", "accept", "register"],
        Status.RETURNED: ["submit", "accept", "return"],
        Status.REFUSED: ["submit", "accept", "refuse"],
        Status.WITHDRAWN: ["submit", "withdraw"],
        Status.CANCELLED: ["submit", "accept", "register", "cancel"],
    }[status]
    for action in path:
        contract = _do(action, contract, member, officer)
    return contract


@pytest.mark.parametrize("status", list(FORBIDDEN))
def test_forbidden_transitions_leave_the_contract_unchanged(status, draft, member, officer):
    contract = _bring_to(status, draft, member, officer)
    assert contract.status == status
    for action in FORBIDDEN[status]:
        with pytest.raises(ValidationError):
            _do(action, contract, member, officer)
        contract.refresh_from_db()
        assert contract.status == status, action


def test_roles_are_enforced(draft, member, officer, make_user):
    stranger = make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory())
    with pytest.raises(PermissionDenied):
        services.contract_submit(user=stranger, contract=draft)
    with pytest.raises(PermissionDenied):
        services.contract_update(user=officer, contract=draft, data={"name": "x"})
    c = services.contract_submit(user=member, contract=draft)
    for user in (member, stranger, make_user(Role.IP_OFFICER)):
        with pytest.raises(PermissionDenied):
            services.contract_accept(user=user, contract=c)
    with pytest.raises(PermissionDenied):
        services.contract_create(user=stranger, organization=c.organization, data=contract_data())
    assert Contract.objects.count() == 1


def test_officer_action_table_rejects_unknown_actions(draft, member, officer):
    c = services.contract_submit(user=member, contract=draft)
    with pytest.raises(ValidationError):
        services.contract_officer_act(user=officer, contract=c, action="approve")
    c = services.contract_officer_act(user=officer, contract=c, action="accept")
    c = services.contract_officer_act(user=officer, contract=c, action=OfficerAction.REGISTER)
    assert c.status == Status.REGISTERED
