"""Applicants ask for 变更登记 / 注销登记 online; the registry records or declines it."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contracts import services
from contracts.models import ChangeRequest, Status
from core.models import AuditEntry
from tests.contracts.factories import make_draft

pytestmark = pytest.mark.django_db


def test_applicant_requests_an_amendment_and_the_officer_records_it(
    client, registered, member, officer
):
    client.force_login(member)
    detail = client.get(reverse("contracts:detail", args=[registered.pk])).content.decode()
    assert "提交申请" in detail
    url = reverse("contracts:change_request", args=[registered.pk])
    response = client.post(url, {"kind": "amend", "reason": ""}, follow=True)
    assert "请写明申请的依据或原因" in response.content.decode()
    response = client.post(
        url,
        {"kind": "amend", "total_amount": "1300000", "reason": "2026-06 补充协议增加一期款"},
        follow=True,
    )
    assert "申请已提交" in response.content.decode()
    change = ChangeRequest.objects.get(contract=registered)
    assert change.changes == {"total_amount": "1300000.00"}
    assert change.status == ChangeRequest.Decision.PENDING
    # Nothing changes until the registry records it; one open request at a time.
    registered.refresh_from_db()
    assert registered.total_amount == Decimal("1200000")
    with pytest.raises(ValidationError, match="已有一项申请在办理中"):
        services.change_request_submit(
            user=member, contract=registered, kind="cancel", reason="解除"
        )

    client.force_login(officer)
    queue = client.get(reverse("contracts:queue")).content.decode()
    assert registered.registration_number in queue
    decide = reverse("contracts:change_request_decide", args=[registered.pk, change.pk, "approve"])
    client.post(decide, {"note": "核对补充协议原件无误"})
    registered.refresh_from_db()
    change.refresh_from_db()
    assert (registered.total_amount, registered.amendment_count) == (Decimal("1300000"), 1)
    assert change.status == ChangeRequest.Decision.APPROVED and change.decided_by == officer
    actions = list(
        AuditEntry.objects.filter(object_id=str(registered.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["contracts.contract.request_amend", "contracts.contract.amend"]


def test_cancellation_request_rejected_then_approved(registered, member, officer):
    change = services.change_request_submit(
        user=member, contract=registered, kind="cancel", reason="双方协议解除"
    )
    with pytest.raises(ValidationError, match="不予办理须说明理由"):
        services.change_request_reject(user=officer, request=change, note="")
    services.change_request_reject(user=officer, request=change, note="请上传解除协议")
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED
    with pytest.raises(ValidationError, match="已不予办理"):
        services.change_request_approve(user=officer, request=change)
    second = services.change_request_submit(
        user=member, contract=registered, kind="cancel", reason="双方协议解除，附解除协议"
    )
    services.change_request_approve(user=officer, request=second)
    registered.refresh_from_db()
    assert registered.status == Status.CANCELLED
    assert "双方协议解除，附解除协议" in registered.cancellation_reason


def test_requests_are_checked_like_the_amendment_itself(registered, member, stranger):
    with pytest.raises(ValidationError, match="技术交易额不能大于合同成交额"):
        services.change_request_submit(
            user=member,
            contract=registered,
            kind="amend",
            reason="x",
            changes={"technical_amount": "99999999"},
        )
    with pytest.raises(ValidationError, match="请填写要变更的内容"):
        services.change_request_submit(
            user=member,
            contract=registered,
            kind="amend",
            reason="x",
            changes={"total_amount": registered.total_amount},
        )
    with pytest.raises(PermissionDenied):
        services.change_request_submit(
            user=stranger, contract=registered, kind="cancel", reason="x"
        )
    unregistered = services.contract_submit(
        user=member, contract=make_draft(member, registered.organization)
    )
    with pytest.raises(ValidationError, match="不能申请注销登记"):
        services.change_request_submit(
            user=member, contract=unregistered, kind="cancel", reason="x"
        )


def test_only_officers_decide(client, registered, member):
    change = services.change_request_submit(
        user=member, contract=registered, kind="cancel", reason="解除"
    )
    client.force_login(member)
    url = reverse("contracts:change_request_decide", args=[registered.pk, change.pk, "approve"])
    assert client.post(url).status_code == HTTPStatus.FORBIDDEN
    with pytest.raises(PermissionDenied):
        services.change_request_approve(user=member, request=change)
    change.refresh_from_db()
    assert change.status == ChangeRequest.Decision.PENDING
