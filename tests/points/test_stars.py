"""Star levels (星级志愿者), star tables, distributions and team stars."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import redcity.serialize as rs
from redcity.errors import ValidationError
from redcity.points import (
    BEIJING,
    DEFAULT_TEAM_RULE,
    MAX_STARS,
    NATIONAL,
    TeamBasis,
    TeamStarRule,
    check_thresholds,
    star_distribution,
    star_level,
    team_star_level,
    team_stars,
)
from redcity.testing.strategies import star_thresholds, team_star_rules

HOURS = st.one_of(
    st.integers(0, 3000),
    st.fractions(min_value=0, max_value=3000, max_denominator=3600),
    st.decimals(min_value=0, max_value=3000, places=2),
    st.floats(min_value=0, max_value=3000),
)

# ---------------------------------------------------------------------------
# The two presets, exactly at their boundaries (DESIGN §2)
# ---------------------------------------------------------------------------


def test_presets() -> None:
    assert (100, 300, 600, 1000, 1500) == NATIONAL
    assert (100, 200, 500, 800, 1000) == BEIJING
    assert 5 == MAX_STARS


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (0, 0),
        (Decimal("99.99"), 0),
        (99.99, 0),
        (Fraction(359999, 3600), 0),  # one second short of 100 h
        (100, 1),
        (Decimal("100.00"), 1),
        (100.0, 1),
        (299, 1),
        (Decimal("299.99"), 1),
        (300, 2),
        (599, 2),
        (600, 3),
        (999, 3),
        (1000, 4),
        (1499, 4),
        (Fraction(2999, 2), 4),
        (1500, 5),
        (10**6, 5),
    ],
)
def test_national_boundaries(
    hours: int | Fraction | Decimal | float, expected: int
) -> None:
    assert expected == star_level(hours)
    assert expected == star_level(hours, NATIONAL)
    assert expected == star_level(hours, thresholds=NATIONAL)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (Decimal("99.99"), 0),
        (100, 1),
        (199, 1),
        (200, 2),
        (499, 2),
        (500, 3),
        (799, 3),
        (800, 4),
        (Decimal("999.9"), 4),
        (1000, 5),
        (1500, 5),
    ],
)
def test_beijing_boundaries(hours: int | Decimal, expected: int) -> None:
    assert expected == star_level(hours, BEIJING)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@given(HOURS, HOURS, star_thresholds() | st.sampled_from((NATIONAL, BEIJING)))
def test_monotone_in_hours(a: object, b: object, table: tuple[object, ...]) -> None:
    low, high = sorted((a, b), key=Fraction)  # type: ignore[arg-type]
    assert star_level(low, table) <= star_level(high, table)  # type: ignore[arg-type]


@given(star_thresholds())
def test_any_increasing_table_is_accepted_and_exact(table: tuple[object, ...]) -> None:
    exact = check_thresholds(table)  # type: ignore[arg-type]
    assert 5 == len(exact)
    for k, threshold in enumerate(exact, 1):
        assert k == star_level(threshold, table)  # type: ignore[arg-type]
        assert k - 1 == star_level(threshold - Fraction(1, 10**6), table)  # type: ignore[arg-type]
    assert 0 == star_level(0, table)  # type: ignore[arg-type]


@given(st.lists(st.integers(1, 10_000), min_size=5, max_size=5, unique=True))
def test_a_table_is_accepted_only_in_increasing_order(values: list[int]) -> None:
    increasing = tuple(sorted(values))
    assert increasing == check_thresholds(increasing)
    if tuple(values) != increasing:
        with pytest.raises(ValueError, match="is not above"):
            check_thresholds(tuple(values))


@given(HOURS, star_thresholds())
def test_level_counts_thresholds_reached(
    hours: object, table: tuple[object, ...]
) -> None:
    exact = check_thresholds(table)  # type: ignore[arg-type]
    expected = sum(Fraction(hours) >= t for t in exact)  # type: ignore[arg-type]
    assert expected == star_level(hours, table)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Bad arguments
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ((100, 300, 600, 1000), "4 values given"),
        ((100, 300, 600, 1000, 1500, 2000), "6 values given"),
        (
            (100, 300, 300, 1000, 1500),
            "threshold 3 (300) is not above threshold 2 (300)",
        ),
        ((1500, 1000, 600, 300, 100), "threshold 2 (1000) is not above threshold 1"),
        ((0, 300, 600, 1000, 1500), "threshold 1 got 0, not above 0"),
        ((-5, 300, 600, 1000, 1500), "threshold 1 got -5, not above 0"),
        ((100, "300", 600, 1000, 1500), "threshold 2 got '300', not a number"),
        ((100, True, 600, 1000, 1500), "threshold 2 got True, not a number"),
        ((100, 300, float("nan"), 1000, 1500), "threshold 3 got the non-finite nan"),
        ((100, 300, 600, 1000, float("inf")), "threshold 5 got the non-finite inf"),
        ((100, 300, 600, 1000, Decimal("NaN")), "non-finite"),
    ],
)
def test_bad_tables_are_refused_clearly(
    table: tuple[object, ...], message: str
) -> None:
    with pytest.raises(
        ValueError, match="Expected thresholds to be 5 strictly increasing"
    ) as info:
        star_level(200, table)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_every_problem_of_a_table_is_named() -> None:
    with pytest.raises(ValueError, match="Expected thresholds") as info:
        check_thresholds((0, 300, 200, 1000))
    message = str(info.value)
    assert "4 values given" in message
    assert "threshold 1 got 0" in message
    assert "threshold 3 (200) is not above threshold 2 (300)" in message


@pytest.mark.parametrize("table", ["100,200", 100, None, {1, 2, 3, 4, 5}])
def test_a_table_must_be_a_sequence(table: object) -> None:
    with pytest.raises(TypeError, match="sequence of 5 hours"):
        check_thresholds(table)  # type: ignore[arg-type]


def test_a_list_table_works_too() -> None:
    assert 2 == star_level(250, [100, 200, 500, 800, 1000])


@pytest.mark.parametrize(
    ("hours", "error", "message"),
    [
        (-1, ValueError, "got -1"),
        (Decimal("-0.01"), ValueError, "got Decimal('-0.01')"),
        (float("nan"), ValueError, "non-finite"),
        (float("inf"), ValueError, "non-finite"),
        ("100", TypeError, "not a number"),
        (None, TypeError, "not a number"),
        (True, TypeError, "not a number"),
    ],
)
def test_bad_hours_are_refused(
    hours: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(
        error, match="Expected hours to be a number of hours ≥ 0"
    ) as info:
        star_level(hours)  # type: ignore[arg-type]
    assert message in str(info.value)


# ---------------------------------------------------------------------------
# Distribution
# ---------------------------------------------------------------------------


def test_distribution_lists_every_level() -> None:
    assert {0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0} == star_distribution({})
    hours = {"a": 99, "b": 100, "c": 300, "d": 800, "e": 1000, "f": 5000}
    assert {0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1} == star_distribution(hours)
    assert {0: 1, 1: 1, 2: 1, 3: 0, 4: 1, 5: 2} == star_distribution(hours, BEIJING)


def test_distribution_reports_every_bad_member() -> None:
    with pytest.raises(ValidationError) as info:
        star_distribution({"a": -1, "b": 5, "c": "x"})  # type: ignore[dict-item]
    assert [("a", "hours"), ("c", "hours")] == [
        (p.id, p.field) for p in info.value.problems
    ]


@given(st.dictionaries(st.text(max_size=3), HOURS, max_size=20))
def test_distribution_counts_every_member(hours: dict[str, object]) -> None:
    counts = star_distribution(hours)  # type: ignore[arg-type]
    assert len(hours) == sum(counts.values())
    for level in range(6):
        expected = sum(star_level(h) == level for h in hours.values())  # type: ignore[arg-type]
        assert expected == counts[level]


# ---------------------------------------------------------------------------
# Team stars
# ---------------------------------------------------------------------------


def test_default_team_rule_is_half_the_members() -> None:
    assert TeamBasis.SHARE is DEFAULT_TEAM_RULE.basis
    assert Fraction(1, 2) == DEFAULT_TEAM_RULE.share
    # levels 3, 2, 1, 0: two of four (half) have at least 2 stars
    assert 2 == team_star_level([600, 300, 100, 0])
    # levels 3, 2, 1: two of three needed, they have at least 2
    assert 2 == team_star_level({"a": 600, "b": 300, "c": 100})
    assert 0 == team_star_level([])


def test_team_bases() -> None:
    hours = [100, 200, 300, 1400]  # mean 500, total 2000
    assert 2 == team_star_level(hours, rule=TeamStarRule(basis="mean"))
    assert 3 == team_star_level(hours, BEIJING, rule=TeamStarRule(basis="人均时长"))
    team_table = (500, 1000, 2000, 4000, 8000)
    assert 3 == team_star_level(
        hours, team_table, rule=TeamStarRule(basis=TeamBasis.TOTAL)
    )
    # the whole team must reach it
    assert 1 == team_star_level(hours, rule=TeamStarRule(share=1))
    # one in four is enough
    assert 4 == team_star_level(hours, rule=TeamStarRule(share=Fraction(1, 4)))


@given(
    st.lists(HOURS, max_size=12),
    st.integers(0, 11),
    st.integers(0, 500),
    team_star_rules(),
    star_thresholds(),
)
def test_team_stars_monotone_in_each_members_hours(
    hours: list[object],
    i: int,
    extra: int,
    rule: TeamStarRule,
    table: tuple[object, ...],
) -> None:
    more = list(hours)
    if more:
        more[i % len(more)] = Fraction(more[i % len(more)]) + extra  # type: ignore[arg-type]
    before = team_star_level(hours, table, rule=rule)  # type: ignore[arg-type]
    assert 0 <= before <= 5
    assert before <= team_star_level(more, table, rule=rule)  # type: ignore[arg-type]


@given(st.lists(HOURS, min_size=1, max_size=12), star_thresholds())
def test_share_rule_lies_between_the_weakest_and_strongest_member(
    hours: list[object], table: tuple[object, ...]
) -> None:
    levels = [star_level(h, table) for h in hours]  # type: ignore[arg-type]
    assert min(levels) <= team_star_level(hours, table) <= max(levels)  # type: ignore[arg-type]
    assert min(levels) == team_star_level(hours, table, rule=TeamStarRule(share=1))  # type: ignore[arg-type]


def test_team_stars_by_team() -> None:
    hours = {"a": 150, "b": 350, "c": 10}
    teams = {"t1": ["a", "b"], "t2": ["c", "d"], "t3": []}
    assert {"t1": 2, "t2": 0, "t3": 0} == team_stars(hours, teams)
    with pytest.raises(ValidationError, match=r"x\.hours"):
        team_stars({"x": -3}, teams)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"share": 0}, ValueError, r"share in \(0, 1\], got 0"),
        ({"share": Fraction(3, 2)}, ValueError, "got Fraction"),
        ({"share": 0.5}, TypeError, "floats are inexact"),
        ({"share": "1/2"}, TypeError, "Fraction or Decimal"),
        ({"share": Decimal("NaN")}, ValueError, "share in"),
        ({"basis": "median"}, ValueError, "known names"),
    ],
)
def test_bad_team_rules(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        TeamStarRule(**kwargs)  # type: ignore[arg-type]


def test_team_rule_must_be_a_rule() -> None:
    with pytest.raises(TypeError, match="TeamStarRule"):
        team_star_level([1], rule="share")  # type: ignore[arg-type]


def test_team_basis_names() -> None:
    assert TeamBasis.TOTAL is TeamBasis.parse("总时长")
    assert TeamBasis.SHARE is TeamBasis.parse(" Share ")
    assert ["达标比例", "人均时长", "总时长"] == [b.zh for b in TeamBasis]


@given(team_star_rules())
def test_team_rule_round_trips(rule: TeamStarRule) -> None:
    assert rule == rs.structure(rs.unstructure(rule), TeamStarRule)
    assert rule == rs.from_json(rs.to_json(rule), TeamStarRule)


def test_team_rule_json() -> None:
    assert '{"basis": "share", "share": "1/2"}' == rs.to_json(DEFAULT_TEAM_RULE)
