"""Live legal status of the patents a listing names, read from the IP registry."""

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.phrases import Phrase
from ip_registry.models import LegalStatus
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
        return str(self.problem_phrase) if self.problem_phrase else ""

    @property
    def problem_phrase(self) -> Phrase | None:
        """What is wrong with the patent, for a reader who may read another language."""
        snapshot = self.snapshot
        if snapshot is None:
            return Phrase.of(gettext_noop("登记库中无此专利，法律状态未知"))
        if not (snapshot.in_force or snapshot.pending):
            reason = _status_label(snapshot)
            if not snapshot.lapsed:
                status = Phrase.of(gettext_noop("未知"))
            elif snapshot.status_since is None:
                status = Phrase.of(gettext_noop("已失效（%(status)s）"), status=reason)
            else:
                status = Phrase.of(
                    gettext_noop("已失效（%(status)s，%(since)s）"),
                    status=reason,
                    since=snapshot.status_since,
                )
            return Phrase.of(gettext_noop("专利%(status)s"), status=status)
        if not self.held_by_owner:
            return Phrase.of(gettext_noop("专利权人不是发布机构"))
        return None


def _status_label(snapshot: PatentSnapshot) -> str | Promise:
    """The legal status's label as a lazy string (read later in the reader's language)."""
    try:
        return LegalStatus(snapshot.status).label
    except ValueError:
        return snapshot.status_label


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
    reason = patents_flag_reason(patents)
    return reason is not None, str(reason) if reason else ""


def patents_flag_reason(patents: list[ListingPatent]) -> Phrase | None:
    """Why the listing is flagged (None when it is not), to be read in any language."""
    if not patents or any(p.ok for p in patents):
        return None
    reasons = [
        Phrase.of(
            gettext_noop("%(number)s：%(problem)s"), number=p.number, problem=p.problem_phrase
        )
        for p in patents
    ]
    return Phrase.of(gettext_noop("所列专利均无效或不归发布机构所有：%(reasons)s"), reasons=reasons)
