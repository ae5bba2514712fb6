"""Hypothesis strategies for owners' decisions and decision-rule tallies.

Re-exported from :mod:`redcity.testing.strategies`: :func:`units` (one
:class:`~redcity.meetings.Unit`), :func:`estates` (the units of one estate,
with distinct ids and realistic owner sharing: most buyers hold one unit,
some hold several, the developer may still hold a few), :func:`ballots`
(the ballots of some of an estate's persons) and :func:`tallies` (valid
per-party :class:`~redcity.meetings.Tally` objects).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.meetings import Ballot, PartyTally, Tally, Unit
from redcity.testing._checks import check_size as _check_size

__all__ = ["ballots", "estates", "tallies", "units"]

PARTIES = ("居委会", "业委会", "物业", "社区党组织", "驻区单位")
"""Party names :func:`tallies` draws from, in order (三方共议 first)."""

# Exclusive areas in m² with two decimals: flats, small shops, garages.
_AREAS = st.decimals(
    min_value=Decimal("8.00"), max_value=Decimal("300.00"), places=2
).filter(lambda d: d > 0)
_BALLOT_SPELLINGS = st.sampled_from(
    (*Ballot, "yes", "no", "abstain", "同意", "反对", "弃权")
)


def units(*, developer: bool = True) -> st.SearchStrategy[Unit]:
    """One valid :class:`~redcity.meetings.Unit`: id, area 8–300 m², owner.

    Ids look like ``"3-1201"``; owners are ``"业主0"`` …, or ``None`` (the
    developer) when ``developer`` is true.  Shrinks toward small ids and
    areas.

    Args:
        developer: Whether the developer (``owner=None``) may hold it.

    Raises:
        hypothesis.errors.InvalidArgument: ``developer`` is not a bool.

    >>> from hypothesis import given
    >>> @given(units(developer=False))
    ... def test_bought(unit):
    ...     assert unit.owner is not None and unit.area > 0
    >>> test_bought()
    """
    if not isinstance(developer, bool):
        msg = f"Expected developer to be a bool, got {developer!r}."
        raise InvalidArgument(msg)
    owners: st.SearchStrategy[str | None] = st.integers(0, 99).map("业主{}".format)
    if developer:
        owners = owners | st.none()
    return st.builds(
        Unit,
        st.tuples(st.integers(1, 30), st.integers(101, 3306)).map(
            "{0[0]}-{0[1]}".format
        ),
        _AREAS,
        owners,
    )


@st.composite
def _estate(
    draw: st.DrawFn,
    min_units: int,
    max_units: int,
    developer: bool,
    max_units_per_owner: int,
) -> list[Unit]:
    n = draw(st.integers(min_units, max_units))
    out: list[Unit] = []
    next_owner = 0
    while len(out) < n:
        # Who holds the next unit(s): the developer, a repeat buyer of
        # several units, or a new single buyer.
        choice = draw(st.integers(0, 9))
        owner: str | None
        if developer and choice == 9:
            owner = None
            count = 1
        else:
            owner = f"业主{next_owner}"
            next_owner += 1
            count = draw(st.integers(2, max_units_per_owner)) if choice >= 7 else 1
        for _ in range(min(count, n - len(out))):
            out.append(Unit(f"u{len(out) + 1}", draw(_AREAS), owner))
    # Units of one owner need not be adjacent in a register.
    order = draw(st.permutations(range(len(out)))) if len(out) > 1 else range(len(out))
    return [out[i] for i in order]


def estates(
    *,
    min_units: int = 1,
    max_units: int = 30,
    developer: bool = True,
    max_units_per_owner: int = 4,
) -> st.SearchStrategy[list[Unit]]:
    """The units of one estate: distinct ids ``u1`` …, realistic owner sharing.

    Most buyers hold one unit; some (about a fifth) hold two to
    ``max_units_per_owner`` (one person each, 司法解释 第九条); when
    ``developer`` is true, about one unit in ten is still the developer's
    (``owner=None``, all of them one person).  The units come in a drawn
    order, so one owner's units are scattered.  Shrinks toward few, small
    units held by single buyers.

    Args:
        min_units: Fewest units (at least 1).
        max_units: Most units.
        developer: Whether the developer may hold units.
        max_units_per_owner: Most units one buyer holds (at least 2).

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, deadline=None)
    ... @given(estates(max_units=12))
    ... def test_ids_unique(estate):
    ...     assert len({u.id for u in estate}) == len(estate)
    >>> test_ids_unique()
    """
    _check_size("units", min_units, max_units, 1)
    if type(max_units_per_owner) is not int or max_units_per_owner < 2:
        msg = (
            "Expected max_units_per_owner to be a whole number ≥ 2, got "
            f"{max_units_per_owner!r}."
        )
        raise InvalidArgument(msg)
    if not isinstance(developer, bool):
        msg = f"Expected developer to be a bool, got {developer!r}."
        raise InvalidArgument(msg)
    return _estate(min_units, max_units, developer, max_units_per_owner)


def ballots(
    estate: Sequence[Unit], *, spellings: bool = True
) -> st.SearchStrategy[dict[str | None, Ballot | str]]:
    """Ballots of some of ``estate``'s persons: ``{owner: ballot}``.

    Each person (each distinct owner, and the developer under ``None``)
    either casts no ballot or casts yes, no or abstain; keys come in a
    drawn order.  Shrinks toward nobody voting.

    Args:
        estate: The units (e.g. drawn from :func:`estates`).
        spellings: Give ballots as :class:`~redcity.meetings.Ballot`
            members or any accepted spelling (``"yes"``, ``"同意"`` …); when
            false, always as members.

    Raises:
        hypothesis.errors.InvalidArgument: ``estate`` holds something that
            is not a Unit.

    >>> from decimal import Decimal
    >>> from hypothesis import given
    >>> from redcity.meetings import Ballot, Unit
    >>> estate = [Unit("u1", Decimal(90), "甲"), Unit("u2", Decimal(90), None)]
    >>> @given(ballots(estate))
    ... def test_only_owners_vote(cast):
    ...     assert set(cast) <= {"甲", None}
    ...     assert all(Ballot.parse(v) in Ballot for v in cast.values())
    >>> test_only_owners_vote()
    """
    if isinstance(estate, str) or not all(isinstance(u, Unit) for u in estate):
        msg = f"Expected estate to be a sequence of Unit, got {estate!r}."
        raise InvalidArgument(msg)
    persons = list(dict.fromkeys(u.owner for u in estate))
    values = _BALLOT_SPELLINGS if spellings else st.sampled_from(Ballot)
    chosen = st.lists(
        st.sampled_from(persons) if persons else st.nothing(),
        unique=True,
        max_size=len(persons),
    )
    return chosen.flatmap(
        lambda who: st.tuples(*(values for _ in who)).map(
            lambda vs: dict(zip(who, vs, strict=True))
        )
    )


@st.composite
def _party_tally(draw: st.DrawFn, party: str, max_members: int) -> PartyTally:
    members = draw(st.integers(0, max_members))
    present = draw(st.integers(0, members))
    yes = draw(st.integers(0, present))
    no = draw(st.integers(0, present - yes))
    abstain = draw(st.integers(0, present - yes - no))
    return PartyTally(
        party, members=members, present=present, yes=yes, no=no, abstain=abstain
    )


@st.composite
def _tally(
    draw: st.DrawFn, min_parties: int, max_parties: int, max_members: int
) -> Tally:
    n = draw(st.integers(min_parties, max_parties))
    # Any: mypy's attrs plugin cannot type Tally's bare ``tuple`` converter.
    parties: Any = tuple(draw(_party_tally(p, max_members)) for p in PARTIES[:n])
    return Tally(parties)


def tallies(
    *, min_parties: int = 1, max_parties: int = 3, max_members: int = 12
) -> st.SearchStrategy[Tally]:
    """Valid :class:`~redcity.meetings.Tally` objects: parties from :data:`PARTIES`.

    Each party has 0–``max_members`` members, some present, and yes, no and
    abstain votes that never exceed those present (some present members may
    cast no vote).  Shrinks toward one party with no members.

    Args:
        min_parties: Fewest parties (at least 0).
        max_parties: Most parties (at most 5).
        max_members: Most members of one party.

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, deadline=None)
    ... @given(tallies())
    ... def test_cast_at_most_present(tally):
    ...     assert all(p.cast <= p.present <= p.members for p in tally)
    >>> test_cast_at_most_present()
    """
    _check_size("parties", min_parties, max_parties)
    if max_parties > len(PARTIES):
        msg = f"Expected max_parties ≤ {len(PARTIES)}, got {max_parties!r}."
        raise InvalidArgument(msg)
    _check_size("members", 0, max_members)
    return _tally(min_parties, max_parties, max_members)
