"""Which public contract statistics are withheld: primary and complementary suppression.

A group (a contract type, a district, a month…) with fewer than CONTRACT_STATS_MIN_PUBLIC_COUNT
contracts has its amounts withheld: they are those few parties' prices. Withholding that cell
alone is not enough, since every published table is a sum: the year's total minus the visible
groups gives the withheld one exactly, and so do the twelve months minus eleven, a type minus
its visible subtypes, or the all-years figure minus the other years.

So every published figure is a cell of one cube (grouping × year × month × key, with "all" as
the margins), and every sum relation between cells is an equation. The rule, applied until
nothing changes: in every equation the withheld cells are either none, or at least two that
together hold at least the minimum number of contracts; otherwise the smallest visible cell of
that equation is withheld too (a part before the margin). A party that knows its own price can
then still not single out another's. The same set decides the page, CSV, XLSX, API and PDF,
since they all read it through contracts.selectors.

The cube is counts only, one query per grouping, cached per data version (the number of counted
contracts and their last change). Groupings are published per year (and over all years), the
totals also per month.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear

from contracts.models import Contract, Party, Status

ALL = "*"
RESIDUAL = "\x00unassigned"  # contracts a grouping does not place (no lead party): never shown
COUNTED = [Status.REGISTERED]  # as contracts.selectors.COUNTED
FIELD_GROUPS = {
    "type": "contract_type",
    "subtype": "subtype",
    "field": "technology_field",
    "ip_type": "ip_type",
}
PARTY_GROUPS = {
    "party_type": (Party.Role.SELLER, "party_type"),
    "district": (Party.Role.SELLER, "district__name"),
    "output": (Party.Role.SELLER, "district__name"),
    "absorb": (Party.Role.BUYER, "district__name"),
}
Cell = tuple[str, object, object, str]  # (grouping, year, month, key); totals: (ALL, y, m, ALL)


def total_cell(year: int | None, month: int | None = None) -> Cell:
    return (ALL, year or ALL, month or ALL, ALL)


def group_cell(group_by: str, key: str, year: int | None, month: int | None = None) -> Cell:
    if group_by == "month":
        return total_cell(year, int(key))
    return (group_by, year or ALL, month or ALL, key or "")


def _counted() -> QuerySet[Contract]:
    return Contract.objects.filter(status__in=COUNTED, registered_on__isnull=False)


def _dated(queryset: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    return queryset.annotate(
        y=ExtractYear(f"{prefix}registered_on"), m=ExtractMonth(f"{prefix}registered_on")
    )


def _base_counts() -> dict[Cell, int]:
    """Counts of the finest published cells: (grouping, year, ALL, key) and the totals
    (ALL, year, month, ALL). Groupings are published by year, not by month: a month's rare
    type or district is nearly always one or two contracts, so the public month report gives
    counts per group and the month's total only."""
    counts: dict[Cell, int] = {}
    for row in _dated(_counted()).values("y", "m").annotate(n=Count("id")):
        counts[(ALL, row["y"], row["m"], ALL)] = row["n"]
    for group, field in FIELD_GROUPS.items():
        for row in _dated(_counted()).values("y", field).annotate(n=Count("id")):
            counts[(group, row["y"], ALL, row[field] or "")] = row["n"]
    for group, (role, key) in PARTY_GROUPS.items():
        rows = (
            _dated(
                Party.objects.filter(contract__in=_counted(), role=role, is_lead=True), "contract__"
            )
            .values("y", key)
            .annotate(n=Count("contract_id", distinct=True))
        )
        for row in rows:
            counts[(group, row["y"], ALL, row[key] or "")] = row["n"]
    return counts


def _subtype_parents() -> dict[str, str]:
    pairs = _counted().exclude(subtype="").values_list("subtype", "contract_type").distinct()
    return dict(pairs)


def _cube(
    counts: dict[Cell, int], parents: dict[str, str]
) -> tuple[dict[Cell, int], list[tuple[list[Cell], Cell]]]:
    """All cells (finest, margins, residuals) and the equations (parts, margin) between them;
    `parents` maps each subtype to its contract type."""
    cells: dict[Cell, int] = defaultdict(int)
    for (group, year, month, key), n in counts.items():
        for y in (year, ALL):
            for m in (month, ALL) if month != ALL else (ALL,):
                cells[(group, y, m, key)] += n
    parts_by_line: dict[tuple, list[Cell]] = defaultdict(list)
    for cell in list(cells):
        group, year, month, _key = cell
        if group != ALL:
            parts_by_line[(group, year, month)].append(cell)
    equations: list[tuple[list[Cell], Cell]] = []
    # Within a grouping: the keys of one (year, month) sum to that (year, month)'s total; a
    # grouping that leaves contracts out (no lead party) gets a residual cell, never published.
    for (group, year, month), parts in parts_by_line.items():
        margin = (ALL, year, month, ALL)
        placed = sum(cells[c] for c in parts)
        if placed < cells[margin]:
            residual = (group, year, month, RESIDUAL)
            cells[residual] = cells[margin] - placed
            parts = [*parts, residual]
        equations.append((parts, margin))
    # Across time: twelve months sum to the year, the years to the all-years figure, for each
    # key of each grouping and for the totals.
    years = sorted({c[1] for c in cells if isinstance(c[1], int)})  # all but ALL
    keyed = {(c[0], c[3]) for c in cells}
    for group, key in sorted(keyed, key=str):
        for y in [*years, ALL]:
            parts = [(group, y, m, key) for m in range(1, 13) if (group, y, m, key) in cells]
            if parts:
                equations.append((parts, (group, y, ALL, key)))
        for m in [*range(1, 13), ALL]:
            parts = [(group, y, m, key) for y in years if (group, y, m, key) in cells]
            if parts:
                equations.append((parts, (group, ALL, m, key)))
    # A contract type is the sum of its subtypes.
    by_parent: dict[tuple, list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell[0] == "subtype" and cell[3] in parents:
            by_parent[(parents[cell[3]], cell[1], cell[2])].append(cell)
    for (parent, y, m), parts in by_parent.items():
        margin = ("type", y, m, parent)
        if margin in cells:
            unplaced = cells[margin] - sum(cells[c] for c in parts)
            if unplaced > 0:  # contracts of that type without a subtype
                residual = ("subtype", y, m, f"{RESIDUAL}:{parent}")
                cells[residual] = unplaced
                parts = [*parts, residual]
            equations.append((parts, margin))
    return dict(cells), equations


def _aliases(cells: dict[Cell, int], equations: list) -> dict[Cell, Cell]:
    """Cells that are one figure under two names (a month seen in one year only is also its
    all-years month): each mapped to one representative."""
    parent: dict[Cell, Cell] = {}

    def find(cell: Cell) -> Cell:
        while parent.get(cell, cell) != cell:
            cell = parent[cell]
        return cell

    for parts, margin in equations:
        live = [c for c in parts if cells.get(c, 0) > 0]
        if len(live) == 1 and cells.get(margin, 0) == cells[live[0]]:
            a, b = find(live[0]), find(margin)
            if a != b:
                parent[max(a, b, key=str)] = min(a, b, key=str)
    return {cell: find(cell) for cell in cells}


_PRIME = 2_147_483_647


def _determined(unknowns: set[Cell], equations: list[tuple[list[Cell], Cell]]) -> set[Cell]:
    """The unknowns an attacker can compute exactly from the published cells: a row-reduction
    (modulo a large prime) of every sum relation restricted to the unknowns."""
    index = {c: i for i, c in enumerate(sorted(unknowns, key=str))}
    names = {i: c for c, i in index.items()}
    reduced: dict[int, dict[int, int]] = {}  # pivot column -> row (column -> coefficient)
    for parts, margin in equations:
        row: dict[int, int] = {}
        for cell, sign in [*((p, 1) for p in parts), (margin, -1)]:
            if cell in index:
                column = index[cell]
                row[column] = (row.get(column, 0) + sign) % _PRIME
        row = {k: v for k, v in row.items() if v}
        for pivot in sorted(k for k in list(row) if k in reduced):
            if pivot in row:
                factor = row[pivot]
                for column, value in reduced[pivot].items():
                    row[column] = (row.get(column, 0) - factor * value) % _PRIME
                row = {k: v for k, v in row.items() if v}
        while row:
            pivot = min(row)
            if pivot not in reduced:
                break
            factor = row[pivot]
            for column, value in reduced[pivot].items():
                row[column] = (row.get(column, 0) - factor * value) % _PRIME
            row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        pivot = min(row)
        inverse = pow(row[pivot], _PRIME - 2, _PRIME)
        row = {k: v * inverse % _PRIME for k, v in row.items()}
        for other in reduced.values():
            if pivot in other:
                factor = other[pivot]
                for column, value in row.items():
                    other[column] = (other.get(column, 0) - factor * value) % _PRIME
                for column in [k for k, v in other.items() if not v]:
                    del other[column]
        reduced[pivot] = row
    return {names[p] for p, row in reduced.items() if len(row) == 1}


def suppress(
    cells: dict[Cell, int], equations: Iterable[tuple[list[Cell], Cell]], minimum: int
) -> set[Cell]:
    """The withheld cells: primary (0 < count < minimum) and residuals; then complements until
    every equation holds none or at least two withheld cells with `minimum` contracts between
    them; then, as an audit, complements until a row-reduction of all equations together
    determines no withheld cell."""
    alias = _aliases(cells, list(equations))
    # One system over representatives; trivial equations (a part equal to its margin) vanish.
    system: list[tuple[list[Cell], Cell]] = []
    for parts, margin in equations:
        live = sorted({alias[c] for c in parts if cells.get(c, 0) > 0}, key=str)
        if live and live != [alias[margin]]:
            system.append((live, alias[margin]))
    withheld = {alias[c] for c, n in cells.items() if 0 < n < minimum or c[3].startswith(RESIDUAL)}

    def complement(parts: list[Cell], margin: Cell) -> bool:
        visible = [c for c in parts if c not in withheld]
        if visible:
            # The smallest part first; the margin (a total) only when no part is left.
            withheld.add(min(visible, key=lambda c: (cells[c], str(c))))
            return True
        if margin not in withheld:
            withheld.add(margin)
            return True
        return False

    by_cell: dict[Cell, list[int]] = defaultdict(list)
    for number, (parts, margin) in enumerate(system):
        for cell in (*parts, margin):
            by_cell[cell].append(number)
    while True:
        changed = True
        while changed:
            changed = False
            for parts, margin in system:
                hidden = [c for c in parts if c in withheld]
                if margin in withheld:
                    if len(hidden) != 1:
                        continue
                elif not hidden or (len(hidden) >= 2 and sum(cells[c] for c in hidden) >= minimum):
                    continue
                changed = complement(parts, margin) or changed
        # The audit: every withheld figure the equations together still pin down gets one
        # more complement in an equation it is part of; then the rule above runs again.
        determined = _determined(withheld, system)
        if not determined:
            break
        repaired = False
        for cell in sorted(determined, key=str):
            for number in by_cell[cell]:
                if complement(*system[number]):
                    repaired = True
                    break
        if not repaired:
            break  # nothing left to withhold: every figure of those equations already is
    return {c for c in cells if alias[c] in withheld}


def stats_data_version() -> str:
    """Changes whenever a counted contract is registered, amended or cancelled."""
    data = _counted().aggregate(n=Count("id"), changed=Max("updated_at"))
    return f"{data['n']}:{data['changed'].isoformat() if data['changed'] else '-'}"


def public_cells() -> frozenset[Cell]:
    """The cells whose amounts the public may see (every other amount is withheld), computed
    once per data version and minimum."""
    minimum = settings.CONTRACT_STATS_MIN_PUBLIC_COUNT
    key = f"contracts:public-cells:{minimum}:{stats_data_version()}"
    public = cache.get(key)
    if public is None:
        cells, equations = _cube(_base_counts(), _subtype_parents())
        public = frozenset(cells) - suppress(cells, equations, minimum)
        cache.set(key, public, timeout=24 * 3600)
    return public
