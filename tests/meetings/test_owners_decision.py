"""owners_decision: 民法典 第二百七十八条 and 司法解释 第八条、第九条.

Example tests sit exactly on the legal edges (2/3 participation, 1/2 and
3/4 approval); properties check the counting rules (the developer is one
person, a buyer of several units is one person), monotonicity, order
independence and agreement with a plain Fraction oracle written from the
article's text.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import redcity.serialize as rs
from redcity.errors import ValidationError
from redcity.meetings import Ballot, Matter, OwnersDecision, Unit, owners_decision
from redcity.testing.strategies import ballots, estates, units

SPECIAL = (Matter.RAISE_REPAIR_FUND, Matter.REBUILD, Matter.CHANGE_COMMON_USE)
ORDINARY = tuple(m for m in Matter if m not in SPECIAL)
MATTERS = st.sampled_from(Matter)


def flats(n: int, area: str = "100", *, prefix: str = "o") -> list[Unit]:
    """``n`` units of ``area`` m², each held by its own buyer o0, o1 …"""
    return [Unit(f"u{i}", Decimal(area), f"{prefix}{i}") for i in range(n)]


def votes(yes: int = 0, no: int = 0, abstain: int = 0) -> dict[str | None, str]:
    """Ballots of o0 … in order: ``yes`` yes, then ``no`` no, then abstentions."""
    kinds = ["yes"] * yes + ["no"] * no + ["abstain"] * abstain
    return {f"o{i}": k for i, k in enumerate(kinds)}


def oracle(
    matter: Matter, estate: list[Unit], cast: dict[Any, Any]
) -> tuple[bool, bool]:
    """(quorum_met, passed) straight from the article, in Fractions."""
    persons: dict[str | None, Fraction] = {}
    for u in estate:
        persons[u.owner] = persons.get(u.owner, Fraction(0)) + Fraction(u.area)
    parsed = {o: Ballot.parse(v) for o, v in cast.items()}
    total_area = sum(persons.values(), Fraction(0))
    part_area = sum((persons[o] for o in parsed), Fraction(0))
    yes_area = sum(
        (persons[o] for o, b in parsed.items() if b is Ballot.YES), Fraction(0)
    )
    part_n = len(parsed)
    yes_n = sum(1 for b in parsed.values() if b is Ballot.YES)
    quorum = part_area / total_area >= Fraction(2, 3) and Fraction(
        part_n, len(persons)
    ) >= Fraction(2, 3)
    if part_n == 0:
        return quorum, False
    a, p = yes_area / part_area, Fraction(yes_n, part_n)
    if matter in SPECIAL:
        majority = a >= Fraction(3, 4) and p >= Fraction(3, 4)
    else:
        majority = a > Fraction(1, 2) and p > Fraction(1, 2)
    return quorum, quorum and majority


@st.composite
def decisions_input(
    draw: st.DrawFn, /, **kwargs: Any
) -> tuple[Matter, list[Unit], dict[str | None, Ballot | str]]:
    estate = draw(estates(**kwargs))
    return draw(MATTERS), estate, draw(ballots(estate))


# ---------------------------------------------------------------------------
# The quorum: 2/3 of the area and 2/3 of the persons take part
# ---------------------------------------------------------------------------


def test_exactly_two_thirds_by_area_and_persons_meets_the_quorum() -> None:
    d = owners_decision(Matter.HIRE_MANAGER, flats(9), votes(yes=6))
    assert Fraction(2, 3) == d.participation_by_area
    assert Fraction(2, 3) == d.participation_by_persons
    assert d.quorum_met
    assert d.passed


def test_one_person_fewer_misses_the_quorum_even_with_the_area() -> None:
    # o0 holds 400 m² of 1200, so o0 … o4 hold exactly 2/3 of the area.
    estate = [Unit("u0", Decimal("400"), "o0"), *flats(9)[1:]]
    d = owners_decision(Matter.HIRE_MANAGER, estate, votes(yes=5))
    assert Fraction(2, 3) == d.participation_by_area
    assert Fraction(5, 9) == d.participation_by_persons
    assert not d.quorum_met
    assert not d.passed
    d = owners_decision(Matter.HIRE_MANAGER, estate, votes(yes=6))
    assert Fraction(2, 3) == d.participation_by_persons
    assert d.quorum_met


def test_a_hundredth_of_a_square_metre_short_misses_the_quorum() -> None:
    # Persons 6 of 9; area just below 2/3: o8's unit is 0.03 m² larger.
    estate = [*flats(8), Unit("u8", Decimal("100.03"), "o8")]
    d = owners_decision(Matter.HIRE_MANAGER, estate, votes(yes=6))
    assert Fraction(2, 3) == d.participation_by_persons
    assert d.participation_by_area < Fraction(2, 3)
    assert not d.quorum_met
    assert not d.passed


def test_an_abstention_takes_part_but_does_not_approve() -> None:
    with_abstainer = owners_decision(
        Matter.HIRE_MANAGER, flats(3), votes(yes=1, abstain=1)
    )
    assert with_abstainer.quorum_met
    assert Fraction(1, 2) == with_abstainer.approval_by_persons
    assert not with_abstainer.passed
    without = owners_decision(Matter.HIRE_MANAGER, flats(3), votes(yes=1))
    assert not without.quorum_met


def test_ballots_in_any_accepted_spelling_count() -> None:
    cast: dict[str | None, Ballot | str] = {
        "o0": " Yes ",
        "o1": "YES",
        "o2": Ballot.YES,
        "o3": "同意",
        "o4": "Abstain",
    }
    d = owners_decision(Matter.HIRE_MANAGER, flats(5), cast)
    assert (5, 4) == (d.participating_persons, d.approving_persons)


def test_no_ballots() -> None:
    d = owners_decision(Matter.OTHER_MAJOR, flats(3), {})
    assert (False, False) == (d.quorum_met, d.passed)
    assert (0, 0) == (d.participating_persons, d.approving_persons)
    assert Fraction(0) == d.approval_by_area == d.approval_by_persons


# ---------------------------------------------------------------------------
# The majorities: more than 1/2; 3/4 or more for (六)(七)(八)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("matter", ORDINARY)
def test_exactly_half_fails_an_ordinary_matter(matter: Matter) -> None:
    d = owners_decision(matter, flats(4), votes(yes=2, no=2))
    assert d.quorum_met
    assert Fraction(1, 2) == d.approval_by_area == d.approval_by_persons
    assert not d.passed
    assert (Fraction(1, 2), True) == (d.threshold, d.strict)


@pytest.mark.parametrize("matter", ORDINARY)
def test_just_over_half_passes_an_ordinary_matter(matter: Matter) -> None:
    d = owners_decision(matter, flats(5), votes(yes=3, no=2))
    assert d.passed


def test_half_the_persons_is_not_enough_even_with_most_of_the_area() -> None:
    estate = [Unit("u0", Decimal("300"), "o0"), *flats(4)[1:]]
    d = owners_decision(Matter.HIRE_MANAGER, estate, votes(yes=2, no=2))
    assert Fraction(4, 6) == d.approval_by_area
    assert Fraction(1, 2) == d.approval_by_persons
    assert not d.passed


def test_half_the_area_is_not_enough_even_with_most_of_the_persons() -> None:
    estate = [Unit("u0", Decimal("200"), "o0"), *flats(3)[1:]]
    d = owners_decision(
        Matter.HIRE_MANAGER, estate, {"o0": "no", "o1": "yes", "o2": "yes"}
    )
    assert Fraction(1, 2) == d.approval_by_area
    assert Fraction(2, 3) == d.approval_by_persons
    assert not d.passed


@pytest.mark.parametrize("matter", SPECIAL)
def test_exactly_three_quarters_passes_a_special_matter(matter: Matter) -> None:
    d = owners_decision(matter, flats(4), votes(yes=3, no=1))
    assert Fraction(3, 4) == d.approval_by_area == d.approval_by_persons
    assert d.passed
    assert (Fraction(3, 4), False) == (d.threshold, d.strict)


@pytest.mark.parametrize("matter", SPECIAL)
def test_just_below_three_quarters_fails_a_special_matter(matter: Matter) -> None:
    # Persons exactly 3/4, area a hundredth of a m² short of it.
    estate = [*flats(3), Unit("u3", Decimal("100.01"), "o3")]
    d = owners_decision(matter, estate, votes(yes=3, no=1))
    assert Fraction(3, 4) == d.approval_by_persons
    assert d.approval_by_area < Fraction(3, 4)
    assert not d.passed
    # 2 of 3 (more than half, less than 3/4) passes only ordinary matters.
    d = owners_decision(matter, flats(3), votes(yes=2, no=1))
    assert not d.passed


def test_using_repair_funds_is_ordinary_raising_them_special() -> None:
    two_of_three = votes(yes=2, no=1)
    use = owners_decision(Matter.USE_REPAIR_FUND, flats(3), two_of_three)
    raise_ = owners_decision(Matter.RAISE_REPAIR_FUND, flats(3), two_of_three)
    assert (True, Fraction(1, 2)) == (use.passed, use.threshold)
    assert (False, Fraction(3, 4)) == (raise_.passed, raise_.threshold)
    assert owners_decision("(五)", flats(3), two_of_three) == use


# ---------------------------------------------------------------------------
# Who counts as one person (司法解释 第九条)
# ---------------------------------------------------------------------------


def test_all_developer_units_are_one_person() -> None:
    estate = [*flats(2), *(Unit(f"d{i}", Decimal("50"), None) for i in range(10))]
    d = owners_decision(Matter.HIRE_MANAGER, estate, {None: "yes", "o0": "no"})
    assert 3 == d.total_persons
    assert Decimal("700") == d.total_area
    assert Decimal("600") == d.participating_area
    assert Decimal("500") == d.approving_area
    # 1 of 2 persons approves: exactly half, so not passed despite 5/6 of area.
    assert Fraction(1, 2) == d.approval_by_persons
    assert not d.passed


def test_a_buyer_of_several_units_is_one_person_with_their_summed_area() -> None:
    estate = [
        Unit("1-101", Decimal("89.5"), "钱"),
        Unit("2-101", Decimal("120.25"), "钱"),
        Unit("3-101", Decimal("40"), "钱"),
        Unit("1-102", Decimal("90"), "孙"),
    ]
    d = owners_decision(Matter.HIRE_MANAGER, estate, {"钱": "同意"})
    assert 2 == d.total_persons
    assert (Decimal("249.75"), 1) == (d.participating_area, d.participating_persons)
    assert Fraction(1, 2) == d.participation_by_persons
    assert not d.quorum_met


@given(decisions_input(), units(), st.data())
def test_another_developer_unit_adds_area_not_a_person(
    given_input: tuple[Matter, list[Unit], dict[Any, Any]],
    extra: Unit,
    data: st.DataObject,
) -> None:
    matter, estate, cast = given_input
    before = owners_decision(matter, estate, cast)
    added = Unit("extra-developer-unit", extra.area, None)
    after = owners_decision(matter, [*estate, added], cast)
    had_developer = any(u.owner is None for u in estate)
    assert before.total_persons + (0 if had_developer else 1) == after.total_persons
    assert before.total_area + extra.area == after.total_area


@given(decisions_input(), st.data())
def test_another_unit_of_a_buyer_adds_area_not_a_person(
    given_input: tuple[Matter, list[Unit], dict[Any, Any]], data: st.DataObject
) -> None:
    matter, estate, cast = given_input
    buyer = data.draw(st.sampled_from([u.owner for u in estate]))
    area = data.draw(st.decimals(min_value=1, max_value=200, places=2))
    before = owners_decision(matter, estate, cast)
    after = owners_decision(matter, [*estate, Unit("extra", area, buyer)], cast)
    assert before.total_persons == after.total_persons
    voted = buyer in cast
    assert (
        before.participating_area + (area if voted else 0) == after.participating_area
    )
    assert before.participating_persons == after.participating_persons


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@given(decisions_input())
def test_agrees_with_the_article(
    given_input: tuple[Matter, list[Unit], dict[Any, Any]],
) -> None:
    matter, estate, cast = given_input
    d = owners_decision(matter, estate, cast)
    assert oracle(matter, estate, cast) == (d.quorum_met, d.passed)
    assert len({u.owner for u in estate}) == d.total_persons
    assert sum((u.area for u in estate), Decimal(0)) == d.total_area
    assert (
        Fraction(d.participating_area) / Fraction(d.total_area)
        == d.participation_by_area
    )


@given(decisions_input())
def test_passed_implies_quorum_met(
    given_input: tuple[Matter, list[Unit], dict[Any, Any]],
) -> None:
    d = owners_decision(*given_input)
    assert not d.passed or d.quorum_met


@given(decisions_input(), st.data())
def test_one_more_yes_never_turns_a_pass_into_a_fail(
    given_input: tuple[Matter, list[Unit], dict[Any, Any]], data: st.DataObject
) -> None:
    matter, estate, cast = given_input
    person = data.draw(st.sampled_from(sorted({u.owner or "" for u in estate})))
    key = person or None  # the developer's ballot is under None
    more = {**cast, key: data.draw(st.sampled_from(["yes", "同意", Ballot.YES]))}
    before = owners_decision(matter, estate, cast)
    after = owners_decision(matter, estate, more)
    assert after.passed or not before.passed
    assert after.quorum_met or not before.quorum_met


@given(decisions_input(), st.randoms(use_true_random=False))
def test_independent_of_unit_and_ballot_order(
    given_input: tuple[Matter, list[Unit], dict[Any, Any]], rnd: Any
) -> None:
    matter, estate, cast = given_input
    shuffled_units = estate[:]
    rnd.shuffle(shuffled_units)
    items = list(cast.items())
    rnd.shuffle(items)
    assert owners_decision(matter, estate, cast) == owners_decision(
        matter, shuffled_units, dict(items)
    )


@given(decisions_input())
def test_rows_and_units_decide_alike(
    given_input: tuple[Matter, list[Unit], dict[Any, Any]],
) -> None:
    matter, estate, cast = given_input
    rows = [{"id": u.id, "area": str(u.area), "owner": u.owner} for u in estate]
    assert owners_decision(matter, estate, cast) == owners_decision(matter, rows, cast)


@given(decisions_input())
def test_decision_round_trips_through_json(
    given_input: tuple[Matter, list[Unit], dict[Any, Any]],
) -> None:
    d = owners_decision(*given_input)
    assert d == rs.from_json(rs.to_json(d), OwnersDecision)
    assert d == rs.structure(rs.unstructure(d), OwnersDecision)


@given(units())
def test_unit_round_trips_through_json(unit: Unit) -> None:
    assert unit == rs.from_json(rs.to_json(unit), Unit)


def test_json_form_is_exact() -> None:
    d = owners_decision(Matter.CHANGE_COMMON_USE, flats(4, "90.50"), votes(yes=3, no=1))
    data = rs.unstructure(d)
    assert "change_common_use" == data["matter"]
    assert "3/4" == data["threshold"] == data["approval_by_persons"]
    assert "362.00" == data["total_area"]
    assert '"yes"' == rs.to_json(Ballot.YES)


# ---------------------------------------------------------------------------
# The result explains itself
# ---------------------------------------------------------------------------


def test_explanation_and_outcome() -> None:
    d = owners_decision(Matter.CHANGE_COMMON_USE, flats(4), votes(yes=3, no=1))
    assert "四分之三以上" in d.explanation
    assert "at least three quarters" in d.explanation
    assert d.explanation.endswith("结果：通过 — Result: passed.")
    assert "民法典第二百七十八条" in d.requirement
    outcome = d.to_outcome()
    assert (True, True) == (outcome.passed, outcome.quorum_met)
    assert Fraction(3, 4) == outcome.ratios["approval_by_area"]
    assert 4 == len(outcome.reasons)
    failed = owners_decision(Matter.HIRE_MANAGER, flats(4), votes(yes=2, no=2))
    assert "过半数" in failed.explanation
    assert failed.explanation.endswith("结果：未通过 — Result: not passed.")


# ---------------------------------------------------------------------------
# Bad input: every problem at once, with its id and field
# ---------------------------------------------------------------------------


def test_every_problem_is_listed_with_its_id_and_field() -> None:
    rows: list[Any] = [
        Unit("A-1", Decimal("80"), "赵"),
        {"id": "A-1", "area": Decimal("80"), "owner": "钱"},  # duplicate id
        {"id": "A-2", "area": 80.5, "owner": "孙"},  # float area
        {"id": "A-3", "area": Decimal("0"), "owner": "李"},  # not positive
        {"id": "A-4", "area": "-3", "owner": "周"},  # negative
        {"id": "A-5", "area": "lots", "owner": "吴"},  # not a number
        {"id": "", "area": Decimal("10"), "owner": "郑"},  # no id
        {"id": "A-6", "area": Decimal("10"), "owner": ""},  # empty owner
    ]
    cast = {"赵": "yes", "王": "yes", "钱": "maybe", None: "no"}
    with pytest.raises(ValidationError) as info:
        owners_decision(Matter.HIRE_MANAGER, rows, cast)
    found = {(p.id, p.field) for p in info.value.problems}
    assert {
        ("A-1", "id"),
        ("A-2", "area"),
        ("A-3", "area"),
        ("A-4", "area"),
        ("A-5", "area"),
        ("row 6", "id"),
        ("A-6", "owner"),
        ("王", "ballot"),
        ("钱", "ballot"),
        ("None", "ballot"),
    } == found
    assert isinstance(info.value, ValueError)


def test_duplicate_unit_objects_are_refused() -> None:
    estate = flats(3)
    with pytest.raises(ValidationError) as info:
        owners_decision(Matter.HIRE_MANAGER, [*estate, estate[0]], {})
    assert [("u0", "id")] == [(p.id, p.field) for p in info.value.problems]
    assert "appears 2 times" in str(info.value)


def test_empty_estate() -> None:
    with pytest.raises(ValidationError) as info:
        owners_decision(Matter.HIRE_MANAGER, [], {})
    assert [("estate", "units")] == [(p.id, p.field) for p in info.value.problems]


def test_a_bad_ballot_value_and_an_unknown_owner_both_reported() -> None:
    bad: dict[Any, Any] = {"o0": "perhaps", "x": ["yes"]}
    with pytest.raises(ValidationError) as info:
        owners_decision(Matter.HIRE_MANAGER, flats(2), bad)
    assert [("o0", "ballot"), ("x", "ballot"), ("x", "ballot")] == [
        (p.id, p.field) for p in info.value.problems
    ]


def test_bad_arguments_raise_at_once() -> None:
    with pytest.raises(ValueError, match="民法典 278 matter"):
        owners_decision("(十)", flats(1), {})
    with pytest.raises(TypeError, match="mapping"):
        owners_decision(Matter.HIRE_MANAGER, flats(1), [("o0", "yes")])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="iterable"):
        owners_decision(Matter.HIRE_MANAGER, 5, {})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("area", "error"),
    [
        (89.5, TypeError),
        (90, TypeError),
        ("90", TypeError),
        (Decimal("0"), ValueError),
        (Decimal("-1"), ValueError),
        (Decimal("NaN"), ValueError),
        (Decimal("Infinity"), ValueError),
    ],
)
def test_unit_refuses_a_bad_area(area: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="positive Decimal"):
        Unit("u", area, "o")


@pytest.mark.parametrize(("uid", "owner"), [("", "o"), (" ", "o"), ("u", ""), (3, "o")])
def test_unit_refuses_an_empty_id_or_owner(uid: Any, owner: Any) -> None:
    with pytest.raises(ValueError, match="non-empty string"):
        Unit(uid, Decimal(1), owner)


def test_unit_from_records() -> None:
    rows: list[dict[str, Any]] = [
        {"id": "A-1", "area": "75.20", "owner": "赵", "building": "A"},
        {"id": "A-2", "area": 80, "owner": None},
        {"id": "A-3", "area": Decimal("60.5")},
    ]
    assert (
        Unit("A-1", Decimal("75.20"), "赵"),
        Unit("A-2", Decimal("80"), None),
        Unit("A-3", Decimal("60.5"), None),
    ) == Unit.from_records(rows)
    junk: list[Any] = [{"id": "A-1", "area": True, "owner": "x"}, "junk"]
    with pytest.raises(ValidationError) as info:
        Unit.from_records(junk)
    assert [("A-1", "area"), ("row 1", "")] == [
        (p.id, p.field) for p in info.value.problems
    ]


@pytest.mark.parametrize(
    ("text", "ballot"),
    [
        ("yes", Ballot.YES),
        ("同意", Ballot.YES),
        (" YES ", Ballot.YES),
        ("no", Ballot.NO),
        ("反对", Ballot.NO),
        ("abstain", Ballot.ABSTAIN),
        ("弃权", Ballot.ABSTAIN),
        (Ballot.NO, Ballot.NO),
    ],
)
def test_ballot_parse(text: Any, ballot: Ballot) -> None:
    assert ballot is Ballot.parse(text)


def test_ballot_parse_refuses() -> None:
    with pytest.raises(ValueError, match="Expected a ballot"):
        Ballot.parse("赞成 maybe")
    with pytest.raises(ValueError, match="Expected a ballot"):
        Ballot.parse(1)
