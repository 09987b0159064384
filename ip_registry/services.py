"""Writes to the register. Every change of legal status or holders goes through here, so the
derived status periods stay consistent with the dated events."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from core.services import audit_record
from core.types import Actor
from ip_registry.models import (
    IN_FORCE_STATUSES,
    ColumnProfile,
    Designation,
    DesignationType,
    Enterprise,
    Holding,
    LegalStatus,
    LegalStatusEvent,
    Patent,
    StatusPeriod,
)

# Same-day events: a later stage of the life cycle wins (a patent granted and lapsed on the
# same day has lapsed).
STATUS_RANK = {
    LegalStatus.PENDING: 0,
    LegalStatus.GRANTED: 1,
    LegalStatus.RESTORED: 3,
    LegalStatus.LAPSED: 2,
    LegalStatus.ABANDONED: 2,
    LegalStatus.INVALIDATED: 2,
    LegalStatus.EXPIRED: 2,
    LegalStatus.WITHDRAWN: 2,
    LegalStatus.REJECTED: 2,
    LegalStatus.CEASED: 2,
}


def status_periods_compute(
    events: Iterable[tuple[str, date]], *, expiry: date | None
) -> list[tuple[str, date, date | None]]:
    """Turn dated events into contiguous (status, start, end-exclusive) periods.

    A status in force is cut at the end of the term, after which the patent is expired
    unless a later event says otherwise.
    """
    ordered = sorted(events, key=lambda e: (e[1], STATUS_RANK.get(LegalStatus(e[0]), 9)))
    # The last event of a day is the status of that day.
    by_day: dict[date, str] = {}
    for status, day in ordered:
        by_day[day] = status
    days = sorted(by_day)
    periods: list[tuple[str, date, date | None]] = []
    for i, day in enumerate(days):
        status = by_day[day]
        end = days[i + 1] if i + 1 < len(days) else None
        if status in IN_FORCE_STATUSES and expiry is not None:
            if day >= expiry:
                status = LegalStatus.EXPIRED
            elif end is None or end > expiry:
                periods.append((status, day, expiry))
                periods.append((LegalStatus.EXPIRED, expiry, end))
                continue
        periods.append((status, day, end))
    # Merge neighbours with the same status (e.g. an explicit "expired" after the cut).
    merged: list[tuple[str, date, date | None]] = []
    for period in periods:
        if merged and merged[-1][0] == period[0] and merged[-1][2] == period[1]:
            merged[-1] = (period[0], merged[-1][1], period[2])
        else:
            merged.append(period)
    return merged


def status_periods_rebuild(*, patent_ids: Sequence[int]) -> None:
    """Recompute the derived periods of these patents from their events (bulk)."""
    for offset in range(0, len(patent_ids), 900):
        chunk = list(patent_ids[offset : offset + 900])
        events = defaultdict(list)
        for patent_id, status, day in LegalStatusEvent.objects.filter(
            patent_id__in=chunk
        ).values_list("patent_id", "status", "date"):
            events[patent_id].append((status, day))
        expiries = dict(Patent.objects.filter(pk__in=chunk).values_list("pk", "expiry_date"))
        StatusPeriod.objects.filter(patent_id__in=chunk).delete()
        rows = [
            StatusPeriod(patent_id=pid, status=status, start_date=start, end_date=end)
            for pid in chunk
            for status, start, end in status_periods_compute(
                events.get(pid, ()), expiry=expiries.get(pid)
            )
        ]
        StatusPeriod.objects.bulk_create(rows, batch_size=2000)


@transaction.atomic
def patent_edited(*, patent: Patent) -> Patent:
    """Save a patent edited by hand. An edited filing date moves the expiry (derived on save),
    which ends the periods in force, so the periods are rebuilt with it."""
    patent.save()
    status_periods_rebuild(patent_ids=[patent.pk])
    return patent


@transaction.atomic
def patent_status_event_add(
    *, patent: Patent, status: str, on: date, source: str = "", actor: Actor = None
) -> LegalStatusEvent:
    event, created = LegalStatusEvent.objects.get_or_create(
        patent=patent, status=status, date=on, defaults={"source": source}
    )
    if created:
        status_periods_rebuild(patent_ids=[patent.pk])
        audit_record(
            actor=actor,
            action="ip_registry.patent.status_event_add",
            obj=patent,
            changes={"status": status, "date": on.isoformat()},
            note=source,
        )
    return event


@dataclass(frozen=True)
class HolderInput:
    name: str
    uscc: str = ""
    enterprise: Enterprise | None = None


@transaction.atomic
def patent_holders_change(
    *,
    patent: Patent,
    holders: Sequence[HolderInput],
    on: date,
    actor: Actor = None,
    note: str = "",
) -> list[Holding]:
    """A transfer (or change of co-owners) effective `on`: open holdings end, new ones begin."""
    open_holdings = list(patent.holdings.filter(end_date__isnull=True))
    for holding in open_holdings:
        holding.end_date = on
        holding.save(update_fields=["end_date"])
    # Holdings that begin on the same day they end existed for no time at all.
    Holding.objects.filter(patent=patent, start_date=on, end_date=on).delete()
    created = Holding.objects.bulk_create(
        [
            Holding(
                patent=patent,
                enterprise=h.enterprise,
                holder_name=h.name,
                holder_uscc=h.uscc or (h.enterprise.uscc if h.enterprise else ""),
                position=i,
                start_date=on,
            )
            for i, h in enumerate(holders)
        ]
    )
    audit_record(
        actor=actor,
        action="ip_registry.patent.holders_change",
        obj=patent,
        changes={
            "from": [h.holder_name for h in open_holdings],
            "to": [h.name for h in holders],
            "date": on.isoformat(),
        },
        note=note,
    )
    return created


@transaction.atomic
def enterprise_designations_set(
    *,
    enterprise: Enterprise,
    designations: Iterable[tuple[int, DesignationType]],
    actor: Actor,
    source: str = "管理后台",
) -> dict[str, list[str]]:
    """Make the enterprise's designations exactly these (year, type) pairs; audit the change."""
    wanted = {(year, dtype.pk): dtype for year, dtype in designations}
    existing = {
        (d.year, d.designation_type_id): d
        for d in Designation.objects.filter(enterprise=enterprise).select_related(
            "designation_type"
        )
    }
    removed = [existing[key] for key in existing.keys() - wanted.keys()]
    added = [
        Designation(
            enterprise=enterprise, year=year, designation_type=wanted[(year, pk)], source=source
        )
        for year, pk in sorted(wanted.keys() - existing.keys())
    ]
    Designation.objects.filter(pk__in=[d.pk for d in removed]).delete()
    Designation.objects.bulk_create(added)
    changes = {
        "added": [f"{d.year} {d.designation_type.name}" for d in added],
        "removed": sorted(f"{d.year} {d.designation_type.name}" for d in removed),
    }
    if added or removed:
        audit_record(
            actor=actor, action="ip_registry.designations.change", obj=enterprise, changes=changes
        )
    return changes


def column_profile_save(*, user, kind: str, name: str, mapping: dict[str, str]) -> ColumnProfile:
    """Create or extend a named mapping of export headers onto an importer's columns."""
    profile, created = ColumnProfile.objects.get_or_create(
        kind=kind, name=name.strip()[:60], defaults={"created_by": user}
    )
    old = dict(profile.mapping)
    profile.mapping = {**old, **mapping}
    profile.save()
    audit_record(
        actor=user,
        action="ip_registry.column_profile.create"
        if created
        else "ip_registry.column_profile.update",
        obj=profile,
        changes={"mapping": [old, profile.mapping]},
    )
    return profile
