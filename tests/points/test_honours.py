"""Annual honours: top N or top p % per community, deterministic tie-breaks."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import redcity.serialize as rs
from redcity.errors import ValidationError
from redcity.people import MemberRegistration, MemberRegistry
from redcity.points import Honour, honours

MEMBERS = [f"m{i:02d}" for i in range(30)]
POINTS = st.one_of(
    st.integers(-50, 300),
    st.decimals(min_value=-50, max_value=300, places=1),
)
HOURS = st.one_of(
    st.integers(0, 50), st.fractions(min_value=0, max_value=50, max_denominator=4)
)


@st.composite
def inputs(draw: st.DrawFn) -> dict[str, Any]:
    members = draw(st.lists(st.sampled_from(MEMBERS), unique=True, max_size=20))
    where = {m: draw(st.sampled_from(("c1", "c2", "c3"))) for m in members}
    scored = draw(st.lists(st.sampled_from(members), unique=True)) if members else []
    # Few distinct values, so ties are common.
    points = {m: draw(POINTS | st.sampled_from((0, 10, 20))) for m in scored}
    hours = (
        {
            m: draw(HOURS | st.sampled_from((0, 5)))
            for m in draw(st.lists(st.sampled_from(members), unique=True))
        }
        if members and draw(st.booleans())
        else None
    )
    quota: dict[str, Any] = draw(
        st.one_of(
            st.integers(1, 6).map(lambda n: {"top_n": n}),
            st.fractions(
                min_value=Fraction(1, 100), max_value=1, max_denominator=100
            ).map(lambda s: {"top_share": s}),
            st.decimals(min_value=Decimal("0.01"), max_value=1, places=2).map(
                lambda s: {"top_share": s}
            ),
        )
    )
    return {"points": points, "where": where, "hours": hours, "quota": quota}


def run(case: dict[str, Any]) -> tuple[Honour, ...]:
    return honours(
        case["points"], case["where"], hours_by_member=case["hours"], **case["quota"]
    )


def shuffled(
    mapping: dict[str, Any] | None, rng: random.Random
) -> dict[str, Any] | None:
    if mapping is None:
        return None
    items = list(mapping.items())
    rng.shuffle(items)
    return dict(items)


# ---------------------------------------------------------------------------
# Examples
# ---------------------------------------------------------------------------


def test_ties_break_on_hours_then_member_id() -> None:
    points = {"b": 100, "a": 100, "c": 100, "d": 100, "e": 120}
    where = dict.fromkeys(points, "c1")
    result = honours(points, where, top_n=4, hours_by_member={"c": 10, "d": 10, "a": 2})
    # e has most points; c and d tie on points and hours, so the id decides;
    # then a (2 h) before b (0 h).
    assert ["e", "c", "d", "a"] == [h.member_id for h in result]
    assert [1, 2, 3, 4] == [h.rank for h in result]
    assert [Fraction(0), Fraction(10), Fraction(10), Fraction(2)] == [
        h.hours for h in result
    ]
    # without hours: points, then id
    assert ["e", "a", "b"] == [h.member_id for h in honours(points, where, top_n=3)]
    assert {None} == {h.hours for h in honours(points, where, top_n=3)}


def test_top_n_is_per_community() -> None:
    points = {"a": 5, "b": 9, "c": 7, "d": 1}
    where = {"a": "c2", "b": "c1", "c": "c2", "d": "c1"}
    result = honours(points, where, top_n=1)
    assert [("c1", "b"), ("c2", "c")] == [(h.community_id, h.member_id) for h in result]
    assert [2, 2] == [h.out_of for h in result]


def test_top_n_larger_than_the_community() -> None:
    result = honours({"a": 3, "b": 2}, {"a": "c", "b": "c"}, top_n=10)
    assert ["a", "b"] == [h.member_id for h in result]


@pytest.mark.parametrize(
    ("size", "share", "expected"),
    [
        (25, Fraction(1, 10), 2),  # 2.5 rounds down
        (9, Fraction(1, 10), 0),  # 0.9 rounds down to nobody
        (10, Fraction(1, 10), 1),
        (10, Decimal("0.15"), 1),
        (20, Decimal("0.15"), 3),
        (7, Fraction(1, 2), 3),
        (7, 1, 7),
        (3, Fraction(1, 3), 1),
    ],
)
def test_top_share_rounds_down(
    size: int, share: Fraction | Decimal, expected: int
) -> None:
    points = {f"m{i:02d}": 100 - i for i in range(size)}
    where = dict.fromkeys(points, "c1")
    result = honours(points, where, top_share=share)
    assert expected == len(result)
    assert [f"m{i:02d}" for i in range(expected)] == [h.member_id for h in result]


def test_quota_base_counts_members_without_points() -> None:
    where = {f"m{i}": "c1" for i in range(10)}
    points = {"m0": 10, "m1": 20}  # eight members earned nothing
    assert ["m1"] == [
        h.member_id for h in honours(points, where, top_share=Fraction(1, 10))
    ]
    assert {10} == {h.out_of for h in honours(points, where, top_n=5)}


def test_members_without_positive_points_are_never_honoured() -> None:
    points = {"a": 0, "b": -5, "c": Decimal("0.5")}
    where = dict.fromkeys(points, "c1")
    assert ["c"] == [h.member_id for h in honours(points, where, top_n=3)]
    assert () == honours({"a": 0}, {"a": "c1"}, top_n=1)


def test_decimal_and_int_points_rank_together() -> None:
    points = {"a": Decimal("10.5"), "b": 10, "c": 11}
    where = dict.fromkeys(points, "c1")
    assert ["c", "a", "b"] == [h.member_id for h in honours(points, where, top_n=3)]


def test_a_registry_places_members() -> None:
    registry = MemberRegistry.from_registrations(
        MemberRegistration(
            member_id=m, community_id=c, employer_id="o", registered_on=date(2025, 1, 1)
        )
        for m, c in (("a", "c1"), ("b", "c1"), ("c", "c2"))
    )
    points = {"a": 1, "b": 2, "c": 3}
    assert honours(points, registry, top_n=1) == honours(
        points, registry.community_map(), top_n=1
    )


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, ValueError, "exactly one of top_n and top_share"),
        ({"top_n": 1, "top_share": Fraction(1, 2)}, ValueError, "exactly one"),
        ({"top_n": 0}, ValueError, "top_n to be a whole number ≥ 1, got 0"),
        ({"top_n": True}, ValueError, "top_n"),
        ({"top_n": 1.0}, ValueError, "top_n"),
        ({"top_share": 0.1}, TypeError, "floats are inexact"),
        ({"top_share": 0}, ValueError, r"\(0, 1\]"),
        ({"top_share": Fraction(11, 10)}, ValueError, r"\(0, 1\]"),
    ],
)
def test_bad_arguments_raise_at_once(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        honours({"a": 1}, {"a": "c"}, **kwargs)


def test_every_bad_member_is_reported() -> None:
    with pytest.raises(ValidationError) as info:
        honours(
            {"a": 1.5, "b": True, "c": 3, "d": 1},  # type: ignore[dict-item]
            {"a": "c1", "b": "c1", "d": "c1"},
            top_n=1,
            hours_by_member={"d": -1},
        )
    found = [(p.id, p.field) for p in info.value.problems]
    assert [
        ("a", "points"),
        ("b", "points"),
        ("c", "community"),
        ("d", "hours"),
    ] == found
    assert "floats are inexact" in info.value.problems[0].message
    assert "'c' has points but no community" in info.value.problems[2].message


def test_communities_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match="MemberRegistry or a mapping"):
        honours({"a": 1}, ["c1"], top_n=1)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@given(inputs(), st.randoms(use_true_random=False))
def test_independent_of_input_order(case: dict[str, Any], rng: random.Random) -> None:
    again = {
        "points": shuffled(case["points"], rng),
        "where": shuffled(case["where"], rng),
        "hours": shuffled(case["hours"], rng),
        "quota": case["quota"],
    }
    assert run(case) == run(again)


@given(inputs())
def test_honours_are_the_best_within_the_quota(case: dict[str, Any]) -> None:
    result = run(case)
    points, where, hours = case["points"], case["where"], case["hours"] or {}
    size = Counter(where.values())
    by_community: dict[str, list[Honour]] = {}
    for h in result:
        by_community.setdefault(h.community_id, []).append(h)
    assert list(result) == sorted(result, key=lambda h: (h.community_id, h.rank))
    for community in size:
        got = by_community.get(community, [])
        eligible = [
            m for m, c in where.items() if c == community and points.get(m, 0) > 0
        ]
        if "top_n" in case["quota"]:
            quota = case["quota"]["top_n"]
        else:
            quota = math.floor(Fraction(case["quota"]["top_share"]) * size[community])
        assert min(quota, len(eligible)) == len(got)
        assert list(range(1, len(got) + 1)) == [h.rank for h in got]

        def key(m: str) -> tuple[Any, ...]:
            return (-points[m], -Fraction(hours.get(m, 0)), m)

        chosen = [h.member_id for h in got]
        assert chosen == sorted(chosen, key=key)
        rest = [m for m in eligible if m not in chosen]
        if chosen and rest:
            assert key(chosen[-1]) < min(map(key, rest))
        for h in got:
            assert points[h.member_id] == h.points
            assert size[community] == h.out_of


@given(inputs())
def test_honours_round_trip(case: dict[str, Any]) -> None:
    result = run(case)
    assert result == rs.structure(rs.unstructure(result), tuple[Honour, ...])
    assert result == rs.from_json(rs.to_json(result), tuple[Honour, ...])
    for h in result:
        assert h == rs.from_json(rs.to_json(h), Honour)
