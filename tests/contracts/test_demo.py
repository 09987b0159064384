from dataclasses import replace

import pytest

from contracts import demo
from contracts.models import Contract, Status
from core import demo as core_demo

pytestmark = pytest.mark.django_db


def test_demo_contracts_cover_every_state_and_are_idempotent():
    scale = replace(core_demo.SCALES["small"], contracts=60)
    core_demo.seed(scale=scale, progress=lambda items, desc: items)
    summary = demo.seed(scale=scale, progress=lambda items, desc: items)
    assert summary["新建合同"] == Contract.objects.count() > 50
    assert set(Contract.objects.values_list("status", flat=True)) == set(Status.values)
    registered = Contract.objects.filter(status=Status.REGISTERED)
    months = {d.month for d in registered.dates("registered_on", "month")}
    assert len(months) >= 6
    numbers = sorted(registered.values_list("registration_number", flat=True))
    assert len(set(numbers)) == len(numbers)
    again = demo.seed(scale=scale, progress=lambda items, desc: items)
    assert again["新建合同"] == 0
    assert Contract.objects.count() == summary["新建合同"]
