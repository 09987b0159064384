"""Figures that read as the truth: overdue without a zero count, withheld amounts not 'none'."""

from datetime import date
from http import HTTPStatus
from unittest import mock

import pytest
from django.urls import reverse

from contracts import charts, services
from contracts.models import Contract, Status
from contracts.selectors import contract_stats, officer_queue
from tests.contracts.factories import make_draft
from tests.formdata import form_values

pytestmark = pytest.mark.django_db


def test_withheld_amounts_are_not_reported_as_no_contracts():
    rows = [{"label": "化工", "count": 2, "technical": None}]
    chart = str(charts.bar_chart(rows, value="technical", title="技术交易额（万元）"))
    assert "暂无已登记合同" not in chart and "金额不公开" in chart
    empty = str(charts.bar_chart([], value="technical", title="技术交易额（万元）"))
    assert "暂无已登记合同" in empty


def test_queue_never_reads_overdue_by_zero_working_days(client, draft, member, officer):
    contract = services.contract_submit(user=member, contract=draft)
    contract = services.contract_accept(user=officer, contract=contract)
    # Deadline on a Friday, looked at on the Saturday: overdue, by no working day yet.
    Contract.objects.filter(pk=contract.pk).update(deadline=date(2026, 12, 4))
    (row,) = officer_queue(today=date(2026, 12, 5))
    assert row.is_overdue and row.days_left == 0
    client.force_login(officer)
    with mock.patch("contracts.selectors.timezone.localdate", return_value=date(2026, 12, 5)):
        body = client.get("/contracts/queue/").content.decode()
    assert "已逾期 0 个工作日" not in body and "（已逾期）" in body


@pytest.mark.parametrize(
    ("action", "data", "status"),
    [
        ("register", {}, Status.REGISTERED),
        ("refuse", {"grounds": ["unclear_price"], "note": "价款不明"}, Status.REFUSED),
    ],
)
def test_irreversible_decisions_are_confirmed_first(
    client, draft, member, officer, action, data, status
):
    contract = services.contract_accept(
        user=officer, contract=services.contract_submit(user=member, contract=draft)
    )
    client.force_login(officer)
    url = reverse("contracts:act", args=[contract.pk, action])
    page = client.post(url, data)
    assert page.status_code == HTTPStatus.OK and "不能撤回" in page.content.decode()
    contract.refresh_from_db()
    assert contract.status == Status.ACCEPTED  # nothing happened yet
    # The confirmation carries what the officer chose; confirming it decides.
    confirm = form_values(page.content.decode(), selector="form[action$='/" + action + "/']")
    assert confirm["confirmed"] == ["1"]
    assert client.post(url, confirm).status_code == HTTPStatus.FOUND
    contract.refresh_from_db()
    assert contract.status == status


def test_refusal_without_grounds_is_corrected_on_the_confirmation_page(
    client, draft, member, officer
):
    contract = services.contract_accept(
        user=officer, contract=services.contract_submit(user=member, contract=draft)
    )
    client.force_login(officer)
    url = reverse("contracts:act", args=[contract.pk, "refuse"])
    page = client.post(url, {"note": "价款不明"})
    assert page.status_code == HTTPStatus.BAD_REQUEST
    values = form_values(page.content.decode(), selector="form[action$='/refuse/']")
    assert values["note"] == ["价款不明"] and "confirmed" not in values


def test_cancellation_is_confirmed_first(client, registered, officer):
    client.force_login(officer)
    url = reverse("contracts:act", args=[registered.pk, "cancel"])
    page = client.post(url, {"reason": "合同已解除"})
    assert "确认注销登记" in page.content.decode()
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED
    client.post(url, {"reason": "合同已解除", "confirmed": "1"})
    registered.refresh_from_db()
    assert registered.status == Status.CANCELLED


def test_public_monthly_statistics_keep_the_calendar_order(member, officer, organization):
    # Two contracts in March (amounts withheld from the public), three in May (shown).
    for month, count in ((5, 3), (3, 2)):
        for _ in range(count):
            contract = make_draft(member, organization)
            contract = services.contract_accept(
                user=officer, contract=services.contract_submit(user=member, contract=contract)
            )
            contract = services.contract_register(user=officer, contract=contract)
            Contract.objects.filter(pk=contract.pk).update(registered_on=date(2026, month, 10))
    rows = contract_stats(year=2026, group_by="month", full=False)
    assert [r["label"] for r in rows] == ["3月", "5月"]
    # May is withheld as March's complement: otherwise the year's total minus May is March.
    assert rows[0]["withheld"] and rows[1]["withheld"]
