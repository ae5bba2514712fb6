"""The member registry replayed from registration facts (双报到)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcity.errors import NaiveDatetimeError, ValidationError
from redcity.people import MemberRegistration
from redcity.points import Registration, Reversal, ServiceRecord, registry_from_facts

CST = timezone(timedelta(hours=8))
T0 = datetime(2025, 3, 1, 9, tzinfo=CST)


def registration(id: str, member: str, community: str, days: int = 0) -> Registration:
    return Registration(
        id=id,
        at=T0 + timedelta(days=days),
        member_id=member,
        node_id=community,
        employer_id=f"o-{member}",
    )


def reversal(id: str, reverses: str, days: int = 1) -> Reversal:
    return Reversal(
        id=id,
        at=T0 + timedelta(days=days),
        member_id="m-1",
        node_id="c-1",
        reverses=reverses,
        reason="登记有误。",
    )


def test_registrations_become_an_in_service_party_members_record() -> None:
    registry = registry_from_facts([registration("r1", "m-1", "c-1")])
    expected = MemberRegistration(
        member_id="m-1",
        community_id="c-1",
        employer_id="o-m-1",
        registered_on=date(2025, 3, 1),
    )
    assert expected == registry["m-1"]


def test_registered_on_is_read_in_shanghai_by_default() -> None:
    late = Registration(
        id="r1",
        at=datetime(2025, 2, 28, 17, tzinfo=UTC),  # 01:00 on 1 March in 上海
        member_id="m-1",
        node_id="c-1",
        employer_id="o-1",
    )
    assert date(2025, 3, 1) == registry_from_facts([late])["m-1"].registered_on
    assert (
        date(2025, 2, 28) == registry_from_facts([late], tz="UTC")["m-1"].registered_on
    )


def test_the_latest_registration_holds() -> None:
    facts = [
        registration("r2", "m-1", "c-2", days=30),
        registration("r1", "m-1", "c-1"),
        registration("r3", "m-2", "c-1"),
    ]
    registry = registry_from_facts(facts)
    assert "c-2" == registry.community_of("m-1")
    assert ("m-2",) == registry.members_of("c-1")


def test_same_moment_breaks_on_fact_id() -> None:
    facts = [registration("rb", "m-1", "c-b"), registration("ra", "m-1", "c-a")]
    assert "c-b" == registry_from_facts(facts).community_of("m-1")


def test_until_gives_the_registry_as_it_stood() -> None:
    facts = [
        registration("r1", "m-1", "c-1"),
        registration("r2", "m-1", "c-2", days=30),
    ]
    assert "c-1" == registry_from_facts(
        facts, until=T0 + timedelta(days=1)
    ).community_of("m-1")
    assert 0 == len(registry_from_facts(facts, until=T0 - timedelta(seconds=1)))


def test_reversals_undo_and_redo() -> None:
    r1, r2 = registration("r1", "m-1", "c-1"), registration("r2", "m-1", "c-2", days=30)
    x1 = reversal("x1", "r2", days=31)
    assert "c-1" == registry_from_facts([r1, r2, x1]).community_of("m-1")
    # Reversing the reversal brings the move back.
    x2 = reversal("x2", "x1", days=32)
    assert "c-2" == registry_from_facts([r1, r2, x1, x2]).community_of("m-1")
    # A reversal after `until` has not happened yet.
    assert "c-2" == registry_from_facts(
        [r1, r2, x1], until=T0 + timedelta(days=30)
    ).community_of("m-1")


def test_other_facts_are_ignored() -> None:
    service = ServiceRecord(
        id="s1",
        at=T0,
        member_id="m-1",
        node_id="c-1",
        end=T0 + timedelta(hours=1),
        category="助老",
        organizer_id="o-1",
    )
    assert 0 == len(registry_from_facts([service, reversal("x1", "s1"), "noise"]))


def test_duplicates_count_once_but_conflicts_are_reported() -> None:
    r1 = registration("r1", "m-1", "c-1")
    assert 1 == len(registry_from_facts([r1, r1]))
    with pytest.raises(ValidationError) as info:
        registry_from_facts([r1, registration("r1", "m-1", "c-2"), reversal("x", "y")])
    assert [("r1", "id")] == [(p.id, p.field) for p in info.value.problems]


def rev(id: str, reverses: str) -> Reversal:
    return Reversal(
        id=id, at=T0, member_id="m", node_id="n", reverses=reverses, reason="r"
    )


def test_long_chains_of_reversals() -> None:
    facts: list[object] = [registration("r1", "m-1", "c-1"), rev("x0", "r1")]
    facts += [rev(f"x{i}", f"x{i - 1}") for i in range(1, 5001)]
    # x5000 undoes x4999 … an even count of undoings above x0 leaves x0 standing
    assert 0 == len(registry_from_facts(facts))
    assert 1 == len(registry_from_facts(facts[:-1]))


def test_a_cycle_among_reversals_alone_is_harmless() -> None:
    facts = [registration("r1", "m-1", "c-1"), rev("a", "b"), rev("b", "a")]
    assert 1 == len(registry_from_facts(facts))


def test_bad_arguments() -> None:
    with pytest.raises(NaiveDatetimeError):
        registry_from_facts([], until=datetime(2025, 1, 1))
    with pytest.raises(TypeError):
        registry_from_facts([], until=date(2025, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="IANA time zone"):
        registry_from_facts([], tz="Mars/Olympus")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["m-1", "m-2", "m-3"]),
            st.sampled_from(["c-1", "c-2"]),
            st.integers(0, 400),
        ),
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_replay_is_order_independent_and_keeps_the_latest(
    rows: list[tuple[str, str, int]], rng: random.Random
) -> None:
    facts = [registration(f"r{i}", m, c, days=d) for i, (m, c, d) in enumerate(rows)]
    shuffled = list(facts)
    rng.shuffle(shuffled)
    registry = registry_from_facts(facts)
    assert registry == registry_from_facts(shuffled)
    for member in registry:
        latest = max(
            (f for f in facts if f.member_id == member), key=lambda f: (f.at, f.id)
        )
        assert latest.node_id == registry.community_of(member)
    assert {m for m, _, _ in rows} == set(registry)
