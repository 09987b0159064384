"""Figures that read as the truth: overdue without a zero count, withheld amounts not 'none'."""

from datetime import date
from unittest import mock

import pytest

from contracts import charts, services
from contracts.models import Contract
from contracts.selectors import officer_queue

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
