"""Live legal status of the patents a listing names, read from the IP registry."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from ip_registry.selectors import PatentSnapshot, patents_status_on


@dataclass(frozen=True)
class ListingPatent:
    number: str
    snapshot: PatentSnapshot | None  # None when the registry does not know the number
    held_by_owner: bool

    @property
    def in_force(self) -> bool:
        return bool(self.snapshot and self.snapshot.in_force)

    @property
    def pending(self) -> bool:
        return bool(self.snapshot and self.snapshot.pending)

    @property
    def ok(self) -> bool:
        """Not doubtful: in force or still under examination, and held by the owner."""
        return (self.in_force or self.pending) and self.held_by_owner

    @property
    def status_words(self) -> str:
        return self.snapshot.status_words if self.snapshot else _("未知")

    @property
    def problem(self) -> str:
        if self.snapshot is None:
            return _("登记库中无此专利，法律状态未知")
        if not (self.snapshot.in_force or self.snapshot.pending):
            return _("专利") + self.snapshot.status_words
        if not self.held_by_owner:
            return _("专利权人不是发布机构")
        return ""


def _snapshots(numbers: list[str], on: date | None) -> dict:
    if not numbers:
        return {}
    return patents_status_on(numbers=numbers, on=on)


def _held_by(snapshot, organization) -> bool:
    if snapshot is None or organization is None:
        return False
    for holder in snapshot.holders:
        if holder.uscc and holder.uscc == organization.uscc:
            return True
        if not holder.uscc and holder.name == organization.name:
            return True
    return False


def listing_patents(*, listing, on: date | None = None) -> list[ListingPatent]:
    numbers = listing.patent_numbers
    snapshots = _snapshots(numbers, on)
    return [
        ListingPatent(
            number=number,
            snapshot=snapshots.get(number),
            held_by_owner=_held_by(snapshots.get(number), listing.organization),
        )
        for number in numbers
    ]


def patents_flag(patents: list[ListingPatent]) -> tuple[bool, str]:
    """Flag a listing when none of its patents is in force (or under examination) and held by
    its owner: an application still being examined is not doubtful."""
    if not patents or any(p.ok for p in patents):
        return False, ""
    reasons = [f"{p.number}：{p.problem}" for p in patents]
    return True, _("所列专利均无效或不归发布机构所有：") + "；".join(reasons)
