import threading
from datetime import date

import pytest
from django.conf import settings
from django.db import connections

from contracts import services
from contracts.models import Contract, NumberSequence, RegistryOffice, Status
from tests.contracts.factories import contract_data, make_draft
from tests.factories import OrganizationFactory


@pytest.mark.django_db
def test_numbers_follow_the_format_and_restart_each_year(member, officer, organization, settings):
    contracts = []
    for day in (1, 2, 3):
        c = make_draft(member, organization, data=contract_data(signed_on=date(2025, 12, day)))
        c = services.contract_submit(user=member, contract=c)
        contracts.append(services.contract_accept(user=officer, contract=c))
    a = services.contract_register(user=officer, contract=contracts[0], on=date(2025, 12, 30))
    b = services.contract_register(user=officer, contract=contracts[1], on=date(2026, 1, 4))
    settings.CONTRACT_NUMBER_FORMAT = "{year}-{office}-{serial:05d}"
    c = services.contract_register(user=officer, contract=contracts[2], on=date(2026, 1, 5))
    assert a.registration_number == "2025211100010001"
    assert b.registration_number == "2026211100010001"
    assert c.registration_number == "2026-01-00002"


@pytest.mark.django_db
def test_a_failed_registration_does_not_use_up_a_serial(member, officer, organization):
    c = services.contract_submit(user=member, contract=make_draft(member, organization))
    with pytest.raises(Exception):  # noqa: B017 - status check fails inside the transaction
        services.contract_register(user=officer, contract=c)
    assert not NumberSequence.objects.filter(last_serial__gt=0).exists()
    c = services.contract_accept(user=officer, contract=c)
    c = services.contract_register(user=officer, contract=c, on=date(2026, 5, 6))
    assert c.registration_number.endswith("0001")


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite serialises writers itself; the row-lock race needs PostgreSQL",
)
# serialized_rollback: the flush afterwards must not take away migration-seeded taxonomies.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_approvals_get_unique_gapless_numbers(member, officer, organization):
    """Eight officers' threads register at the same moment on PostgreSQL."""
    workers = 8
    ids = []
    for i in range(workers):
        buyer = OrganizationFactory()
        c = make_draft(
            member, organization, buyer=buyer, data=contract_data(signed_on=date(2026, 1, i + 1))
        )
        c = services.contract_submit(user=member, contract=c)
        ids.append(services.contract_accept(user=officer, contract=c).pk)
    barrier = threading.Barrier(workers)
    errors = []

    def approve(pk):
        try:
            contract = Contract.objects.get(pk=pk)
            barrier.wait()
            services.contract_register(user=officer, contract=contract, on=date(2026, 6, 1))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(pk,)) for pk in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(
        Contract.objects.filter(status=Status.REGISTERED).values_list(
            "registration_number", flat=True
        )
    )
    assert numbers == [
        f"2026211100{RegistryOffice.objects.get().code}{n:04d}" for n in range(1, workers + 1)
    ]
    assert NumberSequence.objects.get(year=2026).last_serial == workers
