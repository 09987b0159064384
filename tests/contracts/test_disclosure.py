"""Complementary suppression: no withheld amount can be derived from any published figure."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from contracts.disclosure import ALL, RESIDUAL, _cube, suppress

MINIMUM = 3


def _determined(cells, equations, withheld) -> set:
    """Withheld cells an attacker can compute exactly: Gaussian elimination over every sum
    relation, with the published cells as constants."""
    unknowns = sorted(withheld, key=str)
    index = {c: i for i, c in enumerate(unknowns)}
    rows = []
    for parts, margin in equations:
        row = [Fraction(0)] * len(unknowns)
        for cell, sign in [*((p, 1) for p in parts), (margin, -1)]:
            if cell in index:
                row[index[cell]] += sign
        if any(row):
            rows.append(row)
    # Row-reduce, then a unknown is determined when a reduced row has it as its only entry.
    pivots, reduced = [], []
    for row in rows:
        for pivot_col, pivot_row in zip(pivots, reduced, strict=True):
            if row[pivot_col]:
                factor = row[pivot_col] / pivot_row[pivot_col]
                row = [a - factor * b for a, b in zip(row, pivot_row, strict=True)]
        lead = next((i for i, v in enumerate(row) if v), None)
        if lead is None:
            continue
        for k, other in enumerate(reduced):
            if other[lead]:
                factor = other[lead] / row[lead]
                reduced[k] = [a - factor * b for a, b in zip(other, row, strict=True)]
        pivots.append(lead)
        reduced.append(row)
    return {
        unknowns[next(i for i, v in enumerate(row) if v)]
        for row in reduced
        if sum(1 for v in row if v) == 1
    }


def _published(cells, withheld):
    return {c for c in withheld if not c[3].startswith(RESIDUAL)}


def test_a_lone_small_group_gets_a_complement():
    counts = {
        (ALL, 2025, 3, ALL): 7,
        ("type", 2025, 3, "develop"): 3,
        ("type", 2025, 3, "transfer"): 3,
        ("type", 2025, 3, "consult"): 1,
    }
    cells, equations = _cube(counts, {})
    withheld = suppress(cells, equations, MINIMUM)
    shown = {c for c in withheld if c[0] == "type" and c[1] == 2025 and c[2] == ALL}
    assert ("type", 2025, ALL, "consult") in shown and len(shown) == 2
    assert not _determined(cells, equations, withheld)
    # Without the complement, total minus the visible types gives the withheld one.
    primary = {c for c, n in cells.items() if 0 < n < MINIMUM}
    assert ("type", 2025, ALL, "consult") in _determined(cells, equations, primary)


@pytest.mark.parametrize("seed", range(12))
def test_no_withheld_cell_is_derivable_across_months_years_groupings_and_subtypes(seed):
    rng = random.Random(seed)
    counts = {}
    subtypes = {"develop": ["d1", "d2"], "transfer": ["t1", "t2", "t3"], "consult": ["c1"]}
    for year in (2024, 2025):
        for month in rng.sample(range(1, 13), 4):
            total = 0
            for contract_type, codes in subtypes.items():
                for code in codes:
                    n = rng.choice([0, 0, 1, 2, 3, 5])
                    if n:
                        counts[("subtype", year, month, code)] = n
                        counts[("type", year, month, contract_type)] = (
                            counts.get(("type", year, month, contract_type), 0) + n
                        )
                        district = rng.choice(["兴隆台区", "双台子区", ""])
                        counts[("district", year, month, district)] = (
                            counts.get(("district", year, month, district), 0) + n
                        )
                        total += n
            if total:
                counts[(ALL, year, month, ALL)] = total
    parents = {code: parent for parent, codes in subtypes.items() for code in codes}
    cells, equations = _cube(counts, parents)
    withheld = suppress(cells, equations, MINIMUM)
    for cell, n in cells.items():
        if 0 < n < MINIMUM:
            assert cell in withheld
    leaked = _determined(cells, equations, withheld) & _published(cells, withheld)
    assert not leaked, sorted(leaked, key=str)[:5]


@pytest.mark.django_db
def test_the_public_cannot_take_the_total_minus_the_visible_types(
    client, registered, member, officer
):
    from django.urls import reverse

    from contracts import services
    from tests.contracts.factories import contract_data, make_draft

    def register(**data):
        draft = make_draft(member, registered.organization, data=contract_data(**data))
        draft = services.contract_submit(user=member, contract=draft)
        services.contract_register(
            user=officer, contract=services.contract_accept(user=officer, contract=draft)
        )

    for _ in range(3):
        register(
            contract_type="consulting",
            subtype="consulting",
            total_amount=Decimal("500000"),
            declared_technical_amount=Decimal("300000"),
        )
    register()  # development: 2 now, consulting: 3
    year = registered.registered_on.year
    stats = client.get("/api/v1/contracts/stats", {"year": year, "group_by": "type"}).json()
    assert stats["count"] == 5 and stats["total"] is not None
    rows = {r["key"]: r for r in stats["rows"]}
    assert rows["development"]["withheld"] and rows["consulting"]["withheld"]  # the complement
    page = client.get(reverse("contracts:stats"), {"year": year, "group_by": "type"})
    assert "1,500,000.00" not in page.content.decode()
    csv_text = client.get(
        reverse("contracts:stats_export", args=["csv"]), {"year": year}
    ).content.decode("utf-8-sig")
    assert "1500000" not in csv_text
    # Officers see everything.
    client.force_login(officer)
    stats = client.get("/api/v1/contracts/stats", {"year": year, "group_by": "type"}).json()
    assert {r["key"]: r["total"] for r in stats["rows"]}["consulting"] == "1500000.00"


@pytest.mark.django_db
def test_the_month_report_is_rendered_once_per_data_version_and_rate_limited(
    client, registered, member, officer, monkeypatch
):
    from django.core.cache import cache
    from django.urls import reverse

    from contracts import services, views

    cache.clear()
    renders = []
    real = views.html_to_pdf
    monkeypatch.setattr(views, "html_to_pdf", lambda html: renders.append(1) or real(html))
    url = reverse("contracts:stats_report")
    day = registered.registered_on
    params = {"year": day.year, "month": day.month}
    for _ in range(3):
        response = client.get(url, params)
        assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert len(renders) == 1
    services.contract_cancel(user=officer, contract=registered, reason="解除")
    assert client.get(url, params).status_code == 200 and len(renders) == 2  # new data version
    for bad in ({"year": 1999, "month": 1}, {"year": day.year + 1, "month": 1}, {"month": 0}):
        assert client.get(url, bad).status_code == 400
    monkeypatch.setattr(views, "REPORT_RENDERS_PER_CLIENT", 0)
    cache.clear()
    response = client.get(url, params)
    assert response.status_code == 429 and response["Retry-After"]
