"""绿牌/黄牌/红牌: policy validation, hysteresis and the laws of the history."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcity.errors import ValidationError
from redcity.grid.cards import (
    DEFAULT_PROMOTE_AFTER,
    Card,
    CardDecision,
    CardHistory,
    CardPolicy,
    Direction,
    Threshold,
    evaluate_cards,
)

RATE = Threshold("满意率", "higher", yellow=Fraction(9, 10), red=Fraction(4, 5))
OVERDUE = Threshold("逾期件数", Direction.LOWER_IS_BETTER, yellow=2, red=5)
POLICY = CardPolicy([RATE, OVERDUE])


def run(policy: CardPolicy, *rates: Any, **kw: Any) -> CardHistory:
    """One node g over periods P0, P1 … with the given 满意率."""
    data = {f"P{i}": {"g": {"满意率": r}} for i, r in enumerate(rates)}
    return evaluate_cards(policy, data, **kw)


def cards(history: CardHistory, node: str = "g") -> list[Card]:
    return [d.card for d in history.for_node(node)]


GOOD, FAIR, BAD = Fraction(95, 100), Fraction(85, 100), Fraction(1, 2)
G, Y, R = Card.GREEN, Card.YELLOW, Card.RED


# -- cards, directions, thresholds ------------------------------------------


def test_card_names_and_order() -> None:
    assert [c.zh for c in Card] == ["绿牌", "黄牌", "红牌"]
    assert [c.severity for c in Card] == [0, 1, 2]
    assert (R.better(), Y.better(), G.better()) == (Y, G, G)
    assert Card.parse("红") is R
    assert Card.parse("Yellow") is Y
    with pytest.raises(ValueError, match="known names: 绿牌/green"):
        Card.parse("blue")
    with pytest.raises(ValueError, match="Expected a card"):
        Card.parse(1)  # type: ignore[arg-type]


def test_directions() -> None:
    assert Direction.parse("higher-is-better") is Direction.HIGHER_IS_BETTER
    assert Direction.parse("LOWER_IS_BETTER") is Direction.LOWER_IS_BETTER
    with pytest.raises(ValueError, match="'sideways'"):
        Direction.parse("sideways")
    with pytest.raises(ValueError, match="'sideways'"):
        Threshold("x", "sideways")


def test_threshold_bounds_are_inclusive() -> None:
    assert RATE.card(Fraction(9, 10)) is G
    assert RATE.card(Fraction(89, 100)) is Y
    assert RATE.card(Fraction(4, 5)) is Y
    assert RATE.card(Fraction(79, 100)) is R
    assert OVERDUE.card(2) is G
    assert OVERDUE.card(3) is Y
    assert OVERDUE.card(6) is R
    assert Threshold("x", "lower", red=1).card(2) is R
    assert Threshold("x", "lower").card(10**9) is G


def test_policy_qualifying_card_is_the_worst_breach() -> None:
    assert POLICY({"满意率": GOOD, "逾期件数": 0}) is G
    assert POLICY({"满意率": FAIR, "逾期件数": 0}) is Y
    assert POLICY({"满意率": FAIR, "逾期件数": 9}) is R
    assert POLICY({"满意率": Decimal("0.5")}) is R
    assert POLICY({"满意率": 0.95, "逾期件数": 3}) is Y
    card, why = POLICY.assess({"满意率": FAIR})
    assert card is Y
    assert why == "满意率 17/20 < 9/10 (yellow); 逾期件数 missing (not checked)"
    strict = CardPolicy([RATE, OVERDUE], on_missing=Card.YELLOW)
    assert strict({"满意率": GOOD}) is Y
    assert strict.assess({})[1] == "满意率 missing (yellow); 逾期件数 missing (yellow)"
    assert CardPolicy([])({"anything": 1}) is G


# -- validation collects every problem --------------------------------------


def test_policy_validation_collects_everything() -> None:
    with pytest.raises(ValidationError) as info:
        CardPolicy(
            [
                Threshold("a", "higher", yellow=80, red=90),  # red laxer
                Threshold("b", "lower", yellow=5, red=2),  # red laxer
                Threshold("a", "higher", yellow="high"),  # type: ignore[arg-type]
                Threshold("c", "lower", yellow=float("nan"), red=True),
            ],
            promote_after=0,
            on_missing="red",  # type: ignore[arg-type]
        )
    assert isinstance(info.value, ValueError)
    assert [(p.id, p.field) for p in info.value.problems] == [
        ("policy", "promote_after"),
        ("policy", "on_missing"),
        ("a", "red"),
        ("b", "red"),
        ("a", "metric"),
        ("a", "yellow"),
        ("c", "yellow"),
        ("c", "red"),
    ]


def test_equal_bounds_are_allowed() -> None:
    policy = CardPolicy([Threshold("x", "higher", yellow=5, red=5)])
    assert (policy({"x": 5}), policy({"x": 4})) == (G, R)


def test_from_mapping() -> None:
    policy = CardPolicy.from_mapping(
        {
            "thresholds": {
                "满意率": {"direction": "higher", "yellow": Fraction(9, 10)},
                "逾期件数": {"direction": "lower", "yellow": 2, "red": 5},
            },
            "promote_after": 3,
            "on_missing": "黄牌",
        }
    )
    assert policy.promote_after == 3
    assert policy.on_missing is Y
    assert [t.metric for t in policy.thresholds] == ["满意率", "逾期件数"]
    assert CardPolicy.from_mapping({"thresholds": {}}).promote_after == 2


def test_from_mapping_collects_everything() -> None:
    with pytest.raises(ValidationError) as info:
        CardPolicy.from_mapping(
            {
                "thresholds": {
                    "a": {"direction": "sideways", "yellow": "x"},
                    "b": {"direction": "lower", "yellow": 5, "red": 1, "amber": 3},
                    "c": 7,
                },
                "promote_after": -1,
                "on_missing": "purple",
                "colour": "red",
            }
        )
    assert [(p.id, p.field) for p in info.value.problems] == [
        ("policy", "colour"),
        ("a", "direction"),
        ("a", "yellow"),
        ("b", "amber"),
        ("c", ""),
        ("policy", "on_missing"),
        ("policy", "promote_after"),
        ("b", "red"),
    ]
    with pytest.raises(ValidationError, match="mapping of metrics"):
        CardPolicy.from_mapping({})


# -- hysteresis -------------------------------------------------------------


def test_first_period_takes_the_qualifying_card() -> None:
    assert cards(run(POLICY, BAD)) == [R]
    assert run(POLICY, BAD).decisions[0].previous is None
    assert "first period" in run(POLICY, BAD).decisions[0].reason


def test_demotion_is_immediate_even_two_colours() -> None:
    assert cards(run(POLICY, GOOD, BAD)) == [G, R]
    assert cards(run(POLICY, GOOD, FAIR, BAD)) == [G, Y, R]


def test_promotion_waits_and_climbs_one_colour_at_a_time() -> None:
    history = run(POLICY, BAD, GOOD, GOOD, GOOD, GOOD)
    assert cards(history) == [R, R, Y, Y, G]
    assert [d.streak for d in history.for_node("g")] == [0, 1, 0, 1, 0]
    assert [d.qualifying for d in history.for_node("g")] == [R, G, G, G, G]
    assert "1 of 2 qualifying periods" in history.decisions[1].reason


def test_an_interrupted_run_starts_again() -> None:
    assert cards(run(POLICY, BAD, GOOD, BAD, GOOD, GOOD)) == [R, R, R, R, Y]
    # Qualifying for the same card also breaks the run.
    assert cards(run(POLICY, FAIR, GOOD, FAIR, GOOD, GOOD)) == [Y, Y, Y, Y, G]
    # Any better card counts: yellow then green both qualify a red for yellow.
    assert cards(run(POLICY, BAD, FAIR, GOOD)) == [R, R, Y]


def test_promote_after_one_and_three() -> None:
    fast = CardPolicy([RATE], promote_after=1)
    assert cards(run(fast, BAD, GOOD, GOOD)) == [R, Y, G]
    slow = CardPolicy([RATE], promote_after=3)
    assert cards(run(slow, FAIR, GOOD, GOOD, GOOD)) == [Y, Y, Y, G]
    assert DEFAULT_PROMOTE_AFTER == POLICY.promote_after == 2


def test_initial_cards_and_decisions() -> None:
    assert cards(run(POLICY, GOOD, GOOD, initial={"g": R})) == [R, Y]
    assert cards(run(POLICY, FAIR, initial={"g": "green"})) == [Y]
    half = run(POLICY, BAD, GOOD)
    later = run(POLICY, GOOD, initial=half.last())
    assert cards(later) == [Y]
    # A node only in `initial` is carded on no metrics every period.
    history = run(POLICY, GOOD, initial={"other": R})
    assert history.nodes == ("g", "other")
    assert [d.qualifying for d in history.for_node("other")] == [G]


def test_periods_are_sorted_and_may_come_as_pairs() -> None:
    pairs = [
        ("2026-Q2", {"g": {"满意率": GOOD}}),
        ("2026-Q1", {"g": {"满意率": BAD}}),
    ]
    history = evaluate_cards(POLICY, pairs)
    assert history.periods == ("2026-Q1", "2026-Q2")
    assert cards(history) == [R, R]
    assert history == evaluate_cards(POLICY, dict(pairs))


def test_bad_inputs_raise_at_once() -> None:
    with pytest.raises(ValueError, match="comes twice"):
        evaluate_cards(POLICY, [("P", {}), ("P", {})])
    with pytest.raises(ValueError, match="strings"):
        evaluate_cards(POLICY, {3: {}})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="pairs"):
        evaluate_cards(POLICY, [("P", {}, "extra")])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="map node ids"):
        evaluate_cards(POLICY, {"P": [1, 2]})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="metric '满意率' of node 'g' in period 'P'"):
        evaluate_cards(POLICY, {"P": {"g": {"满意率": "high"}}})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got True"):
        evaluate_cards(POLICY, {"P": {"g": {"满意率": True}}})


# -- the history ------------------------------------------------------------


def test_history_views() -> None:
    data = {
        "P1": {"a": {"满意率": GOOD}, "b": {"满意率": BAD}, "c": {"满意率": FAIR}},
        "P2": {"a": {"满意率": BAD}, "b": {"满意率": GOOD}, "c": {"满意率": FAIR}},
    }
    history = evaluate_cards(POLICY, data)
    assert history.nodes == ("a", "b", "c")
    assert len(history.decisions) == 6
    assert [d.node_id for d in history.for_period("P2")] == ["a", "b", "c"]
    assert history.current() == {"a": R, "b": R, "c": Y}
    assert history.counts() == {G: 0, Y: 1, R: 2}
    assert history.counts("P1") == {G: 1, Y: 1, R: 1}
    assert [(d.node_id, d.period) for d in history.changes()] == [("a", "P2")]
    assert history.decisions[0].metrics == {"满意率": GOOD}
    assert history.policy is POLICY
    with pytest.raises(KeyError, match="'P9'"):
        history.for_period("P9")
    with pytest.raises(KeyError, match="'z'"):
        history.for_node("z")
    empty = evaluate_cards(POLICY, {})
    assert (empty.decisions, empty.last(), empty.counts()) == (
        (),
        {},
        dict.fromkeys(Card, 0),
    )


def test_decision_record() -> None:
    d = run(POLICY, GOOD, BAD).decisions[1]
    assert isinstance(d, CardDecision)
    assert (d.node_id, d.period, d.previous, d.card, d.changed) == (
        "g",
        "P1",
        G,
        R,
        True,
    )
    assert d.reason.startswith("demoted 绿牌 → 红牌 at once; 满意率 1/2 < 4/5 (red)")


# -- laws -------------------------------------------------------------------

NODES = ("n1", "n2", "n3")
METRIC_VALUES = st.none() | st.integers(0, 10)


@st.composite
def policies(draw: st.DrawFn) -> CardPolicy:
    y, r = sorted(draw(st.lists(st.integers(0, 10), min_size=2, max_size=2)))
    up = Threshold("up", "higher", yellow=r, red=y)  # red ≤ yellow
    a, b = sorted(draw(st.lists(st.integers(0, 10), min_size=2, max_size=2)))
    down = Threshold("down", "lower", yellow=a, red=b)  # red ≥ yellow
    return CardPolicy(
        [up, down],
        promote_after=draw(st.integers(1, 3)),
        on_missing=draw(st.none() | st.sampled_from(Card)),
    )


@st.composite
def metric_tables(draw: st.DrawFn) -> dict[str, dict[str, dict[str, int]]]:
    """Every node in every period (some metrics missing), periods P00 …"""
    table: dict[str, dict[str, dict[str, int]]] = {}
    for p in range(draw(st.integers(0, 8))):
        row: dict[str, dict[str, int]] = {}
        for node in NODES:
            values = {"up": draw(METRIC_VALUES), "down": draw(METRIC_VALUES)}
            row[node] = {k: v for k, v in values.items() if v is not None}
        table[f"P{p:02d}"] = row
    return table


@given(policies(), metric_tables())
def test_history_covers_every_node_in_every_period(
    policy: CardPolicy, table: dict[str, dict[str, dict[str, int]]]
) -> None:
    history = evaluate_cards(policy, table)
    assert len(history.decisions) == len(history.periods) * len(history.nodes)
    assert history.periods == tuple(sorted(table))
    for p, period in enumerate(history.periods):
        for d in history.for_period(period):
            assert d.period == period
            assert d.qualifying is policy(table[period][d.node_id])
            assert (d.previous is None) == (p == 0)


@given(policies(), metric_tables())
def test_demotion_immediate_and_never_better_than_qualifying(
    policy: CardPolicy, table: dict[str, dict[str, dict[str, int]]]
) -> None:
    for d in evaluate_cards(policy, table).decisions:
        assert d.card.severity >= d.qualifying.severity
        if d.previous is None or d.qualifying.severity > d.previous.severity:
            assert d.card is d.qualifying


@given(policies(), metric_tables())
def test_never_promoted_faster_than_policy(
    policy: CardPolicy, table: dict[str, dict[str, dict[str, int]]]
) -> None:
    history = evaluate_cards(policy, table)
    k = policy.promote_after
    for node in history.nodes:
        ds = history.for_node(node)
        for i, d in enumerate(ds):
            if d.previous is None or d.card.severity >= d.previous.severity:
                continue
            # One colour up, after k consecutive periods qualifying for better.
            assert d.card.severity == d.previous.severity - 1
            assert i >= k
            run = ds[i - k + 1 : i + 1]
            assert all(x.qualifying.severity < d.previous.severity for x in run)
            assert all(x.card is d.previous for x in ds[i - k + 1 : i])


@given(policies(), metric_tables(), st.randoms(use_true_random=False))
def test_evaluation_is_deterministic(
    policy: CardPolicy,
    table: dict[str, dict[str, dict[str, int]]],
    rnd: random.Random,
) -> None:
    history = evaluate_cards(policy, table)
    periods = list(table.items())
    rnd.shuffle(periods)
    shuffled = {}
    for period, row in periods:
        nodes = list(row.items())
        rnd.shuffle(nodes)
        shuffled[period] = dict(nodes)
    assert history == evaluate_cards(policy, shuffled)
    assert history == evaluate_cards(policy, periods)


@given(policies(), metric_tables(), st.integers(0, 8))
def test_splitting_the_periods_changes_nothing(
    policy: CardPolicy, table: dict[str, dict[str, dict[str, int]]], cut: int
) -> None:
    items = sorted(table.items())
    whole = evaluate_cards(policy, table)
    first = evaluate_cards(policy, dict(items[:cut]))
    rest = evaluate_cards(policy, dict(items[cut:]), initial=first.last())
    if first.decisions and rest.decisions:
        assert first.decisions + rest.decisions == whole.decisions
