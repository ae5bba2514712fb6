"""Decision rules on a Tally: presets at their edges, factories, properties."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import redcity.serialize as rs
from redcity.meetings import (
    DecisionRule,
    Outcome,
    PartyTally,
    Tally,
    all_of,
    attendance,
    owners_committee_meeting,
    party_consent,
    party_quorum,
    per_party_consent,
    quorum_per_party,
    residents_meeting,
    share_of_members,
    share_of_present,
    simple_majority,
    three_quarters,
    two_thirds,
)
from redcity.testing.strategies import tallies

PRESETS: dict[str, DecisionRule] = {
    "simple_majority": simple_majority,
    "two_thirds": two_thirds,
    "three_quarters": three_quarters,
    "quorum_per_party": quorum_per_party,
    "per_party_consent": per_party_consent,
    "residents_meeting": residents_meeting,
    "owners_committee_meeting": owners_committee_meeting,
    "all_of": all_of(quorum_per_party, per_party_consent, two_thirds),
    "party_quorum(1/2)": party_quorum(Fraction(1, 2)),
    "share_of_members(2/3)": share_of_members(Fraction(2, 3)),
}
RULES = st.sampled_from(sorted(PRESETS)).map(PRESETS.__getitem__)


def body(
    members: int, present: int, yes: int = 0, no: int = 0, abstain: int = 0
) -> Tally:
    """A meeting that votes as one body."""
    return Tally(
        [
            PartyTally(
                "全体",
                members=members,
                present=present,
                yes=yes,
                no=no,
                abstain=abstain,
            )
        ]
    )


def three(*counts: tuple[int, int, int, int]) -> Tally:
    """居委会, 业委会, 物业 with (members, present, yes, no) each."""
    names = ("居委会", "业委会", "物业")
    return Tally(
        [
            PartyTally(n, members=m, present=p, yes=y, no=no)
            for n, (m, p, y, no) in zip(names, counts, strict=True)
        ]
    )


# ---------------------------------------------------------------------------
# Share of those present
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "yes", "passed"),
    [(4, 2, False), (4, 3, True), (5, 3, True), (1, 1, True), (1, 0, False)],
)
def test_simple_majority_is_more_than_half(
    present: int, yes: int, passed: bool
) -> None:
    o = simple_majority(body(9, present, yes, present - yes))
    assert passed == o.passed
    assert o.quorum_met
    assert Fraction(yes, present) == o.ratios["yes/present"]


def test_abstentions_and_silence_do_not_approve() -> None:
    assert not simple_majority(body(9, 4, yes=2, abstain=2)).passed
    assert not simple_majority(body(9, 4, yes=2)).passed  # two present cast nothing


@pytest.mark.parametrize(
    ("present", "yes", "passed"),
    [(3, 2, True), (9, 5, False), (9, 6, True), (6, 3, False)],
)
def test_two_thirds_is_at_least_two_thirds(
    present: int, yes: int, passed: bool
) -> None:
    assert passed == two_thirds(body(12, present, yes)).passed


@pytest.mark.parametrize(
    ("present", "yes", "passed"),
    [(4, 3, True), (8, 5, False), (8, 6, True), (7, 5, False)],
)
def test_three_quarters_is_at_least_three_quarters(
    present: int, yes: int, passed: bool
) -> None:
    assert passed == three_quarters(body(12, present, yes)).passed


def test_nobody_present_decides_nothing() -> None:
    for rule in (simple_majority, two_thirds, three_quarters, share_of_members(0)):
        o = rule(body(5, 0))
        assert (False, False) == (o.passed, o.quorum_met)
        assert {} == o.ratios


def test_share_of_members_counts_the_absent() -> None:
    rule = share_of_members(Fraction(1, 2), strict=True)
    assert not rule(body(7, 4, yes=3)).passed  # 3/7
    assert rule(body(7, 4, yes=4)).passed  # 4/7
    assert Fraction(4, 7) == rule(body(7, 4, yes=4)).ratios["yes/members"]


# ---------------------------------------------------------------------------
# Per party
# ---------------------------------------------------------------------------


def test_quorum_per_party_needs_someone_from_every_party() -> None:
    assert quorum_per_party(three((5, 1, 0, 0), (5, 1, 0, 0), (2, 1, 0, 0))).quorum_met
    o = quorum_per_party(three((5, 5, 5, 0), (5, 5, 5, 0), (2, 0, 0, 0)))
    assert (False, False) == (o.quorum_met, o.passed)
    assert any("物业" in r for r in o.reasons)
    assert not quorum_per_party(
        three((5, 1, 0, 0), (0, 0, 0, 0), (2, 1, 0, 0))
    ).quorum_met
    assert not quorum_per_party(Tally([])).quorum_met


def test_party_quorum_share() -> None:
    half = party_quorum(Fraction(1, 2))
    assert half(three((4, 2, 0, 0), (5, 3, 0, 0), (2, 1, 0, 0))).quorum_met
    assert not half(three((4, 1, 0, 0), (5, 3, 0, 0), (2, 1, 0, 0))).quorum_met
    more_than_half = party_quorum(Fraction(1, 2), strict=True)
    assert not more_than_half(
        three((4, 2, 0, 0), (5, 3, 0, 0), (2, 2, 0, 0))
    ).quorum_met
    assert more_than_half(three((4, 3, 0, 0), (5, 3, 0, 0), (2, 2, 0, 0))).quorum_met


def test_per_party_consent_fails_when_one_party_dissents_though_totals_pass() -> None:
    t = three((5, 5, 5, 0), (5, 5, 5, 0), (2, 1, 0, 1))
    assert simple_majority(t).passed  # 10 of 11 present vote yes
    o = per_party_consent(t)
    assert o.quorum_met
    assert not o.passed
    assert Fraction(0) == o.ratios["物业:yes/present"]


def test_per_party_consent_edges() -> None:
    assert per_party_consent(three((5, 3, 2, 1), (5, 1, 1, 0), (2, 1, 1, 0))).passed
    # Exactly half of a party is not more than half.
    assert not per_party_consent(three((5, 4, 2, 2), (5, 1, 1, 0), (2, 1, 1, 0))).passed
    # A party with nobody present gives no consent.
    o = per_party_consent(three((5, 5, 5, 0), (5, 5, 5, 0), (2, 0, 0, 0)))
    assert (False, False) == (o.passed, o.quorum_met)
    assert party_consent(strict=False)(
        three((5, 4, 2, 2), (5, 1, 1, 0), (2, 1, 1, 0))
    ).passed


# ---------------------------------------------------------------------------
# Residents' meeting and owners' committee meeting
# ---------------------------------------------------------------------------


def test_residents_meeting_edges() -> None:
    # 城市居民委员会组织法 第十条: 过半数 present, 出席人的过半数 decides.
    o = residents_meeting(body(10, 5, yes=5))
    assert (False, False) == (o.quorum_met, o.passed)  # exactly half present
    o = residents_meeting(body(10, 6, yes=3, no=3))
    assert (True, False) == (o.quorum_met, o.passed)  # exactly half of those present
    o = residents_meeting(body(10, 6, yes=4, no=2))
    assert (True, True) == (o.quorum_met, o.passed)
    assert {
        "present/members": Fraction(3, 5),
        "yes/present": Fraction(2, 3),
    } == o.ratios


def test_owners_committee_meeting_counts_all_members() -> None:
    o = owners_committee_meeting(body(7, 3, yes=3))
    assert (False, False) == (o.quorum_met, o.passed)  # 3 of 7 present
    o = owners_committee_meeting(body(7, 4, yes=4))
    assert (True, True) == (o.quorum_met, o.passed)  # 4 of all 7 agree
    o = owners_committee_meeting(body(7, 5, yes=3, no=2))
    assert (True, False) == (o.quorum_met, o.passed)  # 3/5 present but only 3/7
    assert simple_majority(body(7, 5, yes=3, no=2)).passed
    o = owners_committee_meeting(body(6, 4, yes=3, no=1))
    assert (True, False) == (o.quorum_met, o.passed)  # 3 of 6 is half, not more


def test_requirements_are_bilingual_and_named() -> None:
    assert residents_meeting.requirement.startswith("居民会议：")
    assert "more than half of those present" in residents_meeting.requirement
    assert owners_committee_meeting.requirement.startswith("业主委员会会议：")
    assert "of all members" in owners_committee_meeting.requirement
    assert "出席人四分之三以上同意" in three_quarters.requirement
    assert simple_majority(body(3, 3, 2)).requirement == simple_majority.requirement


# ---------------------------------------------------------------------------
# all_of and the factories
# ---------------------------------------------------------------------------


def test_all_of_passes_only_when_all_pass() -> None:
    rule = all_of(quorum_per_party, per_party_consent, two_thirds, name="三方共议")
    ok = three((5, 3, 2, 1), (5, 3, 3, 0), (2, 1, 1, 0))
    o = rule(ok)
    assert (True, True) == (o.quorum_met, o.passed)
    assert o.requirement.startswith("三方共议：")
    assert 3 == o.requirement.count("；") + 1
    # Per-party consent holds but the total is 5/8 < 2/3.
    short = three((5, 3, 2, 1), (5, 3, 2, 1), (2, 2, 1, 1))
    assert not per_party_consent(short).passed or not two_thirds(short).passed
    assert not rule(short).passed
    # A quorum failure anywhere fails the quorum.
    absent = three((5, 3, 3, 0), (5, 3, 3, 0), (2, 0, 0, 0))
    assert not rule(absent).quorum_met


def test_all_of_with_a_rule_of_ones_own() -> None:
    def chair_agrees(tally: Tally, /) -> Outcome:
        yes = tally["居委会"].yes > 0
        return Outcome(passed=yes, quorum_met=True, requirement="主任同意")

    rule = all_of(simple_majority, chair_agrees)
    assert rule(three((5, 3, 1, 2), (5, 3, 3, 0), (2, 1, 1, 0))).passed
    assert not rule(three((5, 3, 0, 3), (5, 3, 3, 0), (2, 2, 2, 0))).passed
    outcome = rule(three((5, 3, 1, 2), (5, 3, 3, 0), (2, 1, 1, 0)))
    assert outcome.requirement.endswith("；主任同意")
    assert rule.requirement.endswith("；chair_agrees")


def test_factories_refuse_bad_shares() -> None:
    with pytest.raises(TypeError, match="float"):
        share_of_present(0.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Fraction"):
        party_quorum("1/2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        share_of_present(Fraction(3, 2))
    with pytest.raises(ValueError, match="never pass"):
        share_of_members(1, strict=True)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        attendance(Decimal("NaN"))
    with pytest.raises(TypeError, match="at least one rule"):
        all_of()
    with pytest.raises(TypeError, match="callables"):
        all_of(simple_majority, "two_thirds")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Tally"):
        simple_majority(PartyTally("x", members=1, present=1))  # type: ignore[arg-type]


def test_factories_store_exact_fractions() -> None:
    assert Fraction(3, 5) == share_of_present(Decimal("0.6")).share
    assert Fraction(1) == share_of_present(1).share
    assert share_of_present(Fraction(2, 3)) == two_thirds
    assert attrs.evolve(two_thirds, strict=True).strict


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


def one_more_yes(tally: Tally, party: str, how: str) -> Tally | None:
    """``tally`` with one no/abstention/silent/absent member of ``party`` now yes."""
    out = []
    for p in tally:
        if p.party == party:
            if how == "no" and p.no:
                p = attrs.evolve(p, no=p.no - 1, yes=p.yes + 1)
            elif how == "abstain" and p.abstain:
                p = attrs.evolve(p, abstain=p.abstain - 1, yes=p.yes + 1)
            elif how == "silent" and p.present > p.cast:
                p = attrs.evolve(p, yes=p.yes + 1)
            elif how == "absent" and p.members > p.present:
                p = attrs.evolve(p, present=p.present + 1, yes=p.yes + 1)
            else:
                return None
        out.append(p)
    return Tally(out)


@given(RULES, tallies(min_parties=1), st.data())
def test_one_more_yes_never_turns_a_pass_into_a_fail(
    rule: DecisionRule, tally: Tally, data: st.DataObject
) -> None:
    party = data.draw(st.sampled_from([p.party for p in tally]))
    how = data.draw(st.sampled_from(["no", "abstain", "silent", "absent"]))
    more = one_more_yes(tally, party, how)
    if more is None:
        return
    before, after = rule(tally), rule(more)
    assert after.passed or not before.passed
    assert after.quorum_met or not before.quorum_met


@given(RULES, tallies(min_parties=0))
def test_passed_implies_quorum_met(rule: DecisionRule, tally: Tally) -> None:
    o = rule(tally)
    assert not o.passed or o.quorum_met
    assert all(0 <= r <= 1 for r in o.ratios.values())
    assert o.reasons


@given(RULES, tallies(min_parties=2), st.randoms(use_true_random=False))
def test_independent_of_party_order(rule: DecisionRule, tally: Tally, rnd: Any) -> None:
    parties = list(tally)
    rnd.shuffle(parties)
    a, b = rule(tally), rule(Tally(parties))
    assert (a.passed, a.quorum_met, a.ratios) == (b.passed, b.quorum_met, b.ratios)


@given(tallies(min_parties=1))
def test_share_of_present_agrees_with_the_definition(tally: Tally) -> None:
    t = tally.total
    if t.present:
        assert (Fraction(t.yes, t.present) > Fraction(1, 2)) == simple_majority(
            tally
        ).passed
        assert (Fraction(t.yes, t.present) >= Fraction(2, 3)) == two_thirds(
            tally
        ).passed
    else:
        assert not simple_majority(tally).passed


@given(tallies(min_parties=1))
def test_per_party_consent_agrees_with_the_definition(tally: Tally) -> None:
    expected = all(p.present and 2 * p.yes > p.present for p in tally)
    assert expected == per_party_consent(tally).passed


@given(RULES, tallies(min_parties=0))
def test_outcome_round_trips_through_json(rule: DecisionRule, tally: Tally) -> None:
    o = rule(tally)
    assert o == rs.from_json(rs.to_json(o), Outcome)
