"""Vote counts per party: what every decision rule reads.

The interface between the meeting records (:mod:`redcity.meetings.records`,
which count the votes cast on a motion) and the decision rules
(:mod:`redcity.meetings.decisions`, which say whether the motion passed).
A rule sees numbers only, so it can be tested, composed and replaced
without a meeting record.

>>> from redcity.meetings._tally import PartyTally, Tally
>>> t = Tally((PartyTally("居委会", members=7, present=5, yes=4, no=1),))
>>> t.total.present, t.total.yes, t["居委会"].abstain
(5, 4, 0)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import Protocol

import attrs

__all__ = ["DecisionRule", "Outcome", "PartyTally", "Tally"]


def _count(inst: object, attr: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or value < 0:
        name = f"{type(inst).__name__}.{attr.name}"
        msg = f"{name} must be a whole number >= 0, got {value!r}"
        raise ValueError(msg)


@attrs.frozen
class PartyTally:
    """One party's count on one motion.

    ``members`` are those entitled to vote (present or not); ``present``
    those attending; ``yes``, ``no`` and ``abstain`` the votes cast.  Present
    members who cast no vote count as not approving.
    """

    party: str
    members: int = attrs.field(validator=_count, kw_only=True)
    present: int = attrs.field(validator=_count, kw_only=True)
    yes: int = attrs.field(default=0, validator=_count, kw_only=True)
    no: int = attrs.field(default=0, validator=_count, kw_only=True)
    abstain: int = attrs.field(default=0, validator=_count, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.present > self.members:
            msg = (
                f"party {self.party!r}: {self.present} present but only "
                f"{self.members} members"
            )
            raise ValueError(msg)
        if self.yes + self.no + self.abstain > self.present:
            msg = (
                f"party {self.party!r}: {self.yes + self.no + self.abstain} votes "
                f"cast but only {self.present} present"
            )
            raise ValueError(msg)

    @property
    def cast(self) -> int:
        """Votes cast: yes, no and abstain."""
        return self.yes + self.no + self.abstain


def _parties(items: Iterable[PartyTally]) -> tuple[PartyTally, ...]:
    return tuple(items)


def _texts(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


@attrs.frozen
class Tally:
    """The counts of every party on one motion (one party for a meeting
    that votes as one body)."""

    parties: tuple[PartyTally, ...] = attrs.field(converter=_parties)

    def __attrs_post_init__(self) -> None:
        names = [p.party for p in self.parties]
        if len(set(names)) != len(names):
            msg = f"a party appears twice in a tally: {names}"
            raise ValueError(msg)

    def __iter__(self) -> Iterator[PartyTally]:
        return iter(self.parties)

    def __getitem__(self, party: str) -> PartyTally:
        for p in self.parties:
            if p.party == party:
                return p
        raise KeyError(party)

    @property
    def total(self) -> PartyTally:
        """All parties counted together, as one body."""
        return PartyTally(
            "*",
            members=sum(p.members for p in self.parties),
            present=sum(p.present for p in self.parties),
            yes=sum(p.yes for p in self.parties),
            no=sum(p.no for p in self.parties),
            abstain=sum(p.abstain for p in self.parties),
        )


@attrs.frozen
class Outcome:
    """What a decision rule concluded, and why.

    ``requirement`` states the rule in words (Popolo's ``motion.requirement``);
    ``ratios`` names each fraction the rule compared (e.g. ``{"present":
    Fraction(5, 7), "yes/present": Fraction(4, 5)}``); ``reasons`` says, in
    Chinese and English, what decided the outcome.
    """

    passed: bool
    quorum_met: bool
    requirement: str
    ratios: dict[str, Fraction] = attrs.field(factory=dict)
    reasons: tuple[str, ...] = attrs.field(default=(), converter=_texts)


class DecisionRule(Protocol):
    """A rule that decides a motion from its tally."""

    def __call__(self, tally: Tally, /) -> Outcome: ...
