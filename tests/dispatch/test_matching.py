"""Tests for redcity.dispatch.matching: optimality, the greedy baseline, records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.dispatch import DispatchError
from redcity.dispatch.matching import (
    DEFAULT_COST,
    CostPolicy,
    Match,
    Matching,
    MatchingError,
    Reason,
    Request,
    Unmatched,
    Volunteer,
    match,
)
from redcity.errors import RedcityError
from redcity.grid import GridTree, Level
from redcity.people import MemberRegistration
from redcity.testing._matching_strategies import (
    match_requests,
    matching_problems,
    volunteers,
)
from redcity.testing.strategies import grid_trees

# --------------------------------------------------------------------------
# A small district: 2 streets; street s1 has communities c1, c2; grids and
# buildings below.
# --------------------------------------------------------------------------

ROWS = [
    ("d", None, "区", "播州区"),
    ("s1", "d", "街道", "南白街道"),
    ("s2", "d", "街道", "播南街道"),
    ("c1", "s1", "社区", "南社区"),
    ("c2", "s1", "社区", "火车站社区"),
    ("c3", "s2", "社区", "社区三"),
    ("g1", "c1", "网格", "网格一"),
    ("g2", "c1", "网格", "网格二"),
    ("g3", "c2", "网格", "网格三"),
    ("g4", "c3", "网格", "网格四"),
    ("b1", "g1", "楼栋", "1栋"),
    ("b2", "g1", "楼栋", "2栋"),
    ("b3", "g2", "楼栋", "3栋"),
    ("b4", "g3", "楼栋", "4栋"),
    ("b5", "g4", "楼栋", "5栋"),
]
TREE = GridTree.from_records(
    {"id": i, "parent": p, "level": lv, "name": n} for i, p, lv, n in ROWS
)


def naive_cost(tree: GridTree, a: str, b: str, cost: CostPolicy) -> int | None:
    """The pair's cost found the slow way: shared ancestors by level."""
    up_a = {tree.level(x): x for x in (*tree.ancestors(a), a)}
    up_b = {tree.level(x): x for x in (*tree.ancestors(b), b)}
    for level, price in zip(
        (Level.BUILDING, Level.GRID, Level.COMMUNITY, Level.STREET),
        cost.costs,
        strict=True,
    ):
        if level in up_a and up_a.get(level) == up_b.get(level):
            return price
    return cost.elsewhere


def exhaustive(
    tree: GridTree,
    requests: Sequence[Request],
    members: Sequence[Volunteer],
    cost: CostPolicy = DEFAULT_COST,
) -> tuple[int, int, int]:
    """The best (matched, priority, -cost) over every assignment."""
    options = [
        [
            (j, c)
            for j, v in enumerate(members)
            if r.skills <= v.skills
            and (c := naive_cost(tree, r.node_id, v.node_id, cost)) is not None
        ]
        for r in requests
    ]
    left = [v.capacity for v in members]
    best = (0, 0, 0)

    def search(i: int, matched: int, priority: int, total: int) -> None:
        nonlocal best
        if i == len(requests):
            best = max(best, (matched, priority, -total))
            return
        search(i + 1, matched, priority, total)
        for j, c in options[i]:
            if left[j]:
                left[j] -= 1
                search(i + 1, matched + 1, priority + requests[i].priority, total + c)
                left[j] += 1

    search(0, 0, 0, 0)
    return best


def check_valid(
    tree: GridTree,
    requests: Sequence[Request],
    members: Sequence[Volunteer],
    result: Matching,
    cost: CostPolicy = DEFAULT_COST,
) -> None:
    """Capacities, skills, costs and the bookkeeping of a result."""
    by_id = {r.id: r for r in requests}
    by_member = {v.member_id: v for v in members}
    ids = [m.request_id for m in result.matches] + [
        u.request_id for u in result.unmatched
    ]
    assert sorted(by_id) == sorted(ids)
    taken: dict[str, int] = dict.fromkeys(by_member, 0)
    for m in result.matches:
        r, v = by_id[m.request_id], by_member[m.member_id]
        assert r.skills <= v.skills
        assert naive_cost(tree, r.node_id, v.node_id, cost) == m.cost
        taken[m.member_id] += 1
    assert all(taken[k] <= by_member[k].capacity for k in taken)
    assert sorted(taken.items()) == list(result.loads)
    assert sum(m.cost for m in result.matches) == result.total_cost
    assert sum(by_id[m.request_id].priority for m in result.matches) == (
        result.priority
    )
    for u in result.unmatched:
        r = by_id[u.request_id]
        skilled = [v for v in members if r.skills <= v.skills]
        if not skilled:
            assert Reason.NO_SKILL == u.reason
        elif all(naive_cost(tree, r.node_id, v.node_id, cost) is None for v in skilled):
            assert Reason.OUT_OF_REACH == u.reason
        else:
            assert Reason.NO_CAPACITY == u.reason


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

costs = st.sampled_from(
    [DEFAULT_COST, CostPolicy(elsewhere=None), CostPolicy(grid=0, community=0)]
)


@settings(max_examples=150, deadline=None)
@given(matching_problems(TREE), costs)
def test_flow_is_optimal(problem, cost):
    tree, requests, members = problem
    result = match(tree, requests, members, cost=cost)
    check_valid(tree, requests, members, result, cost)
    assert exhaustive(tree, requests, members, cost) == result.objective


@settings(max_examples=60, deadline=None)
@given(grid_trees(max_nodes=14).flatmap(matching_problems))
def test_flow_is_optimal_on_drawn_trees(problem):
    tree, requests, members = problem
    result = match(tree, requests, members)
    check_valid(tree, requests, members, result)
    assert exhaustive(tree, requests, members) == result.objective


@given(matching_problems(TREE), costs)
def test_greedy_never_beats_flow(problem, cost):
    tree, requests, members = problem
    greedy = match(tree, requests, members, cost=cost, method="greedy")
    check_valid(tree, requests, members, greedy, cost)
    assert greedy.objective <= match(tree, requests, members, cost=cost).objective


@given(matching_problems(TREE), st.randoms(use_true_random=False), costs)
def test_independent_of_input_order(problem, rng, cost):
    tree, requests, members = problem
    shuffled_r, shuffled_m = list(requests), list(members)
    rng.shuffle(shuffled_r)
    rng.shuffle(shuffled_m)
    for method in ("flow", "greedy"):
        expected = match(tree, requests, members, cost=cost, method=method)
        actual = match(tree, shuffled_r, shuffled_m, cost=cost, method=method)
        assert (expected.matched, expected.total_cost) == (
            actual.matched,
            actual.total_cost,
        )
        assert expected == actual  # ids sorted first: the very same matching


@settings(max_examples=40, deadline=None)
@given(matching_problems(TREE, max_requests=8, max_priority=0))
def test_flow_agrees_with_networkx_on_the_plain_network(problem):
    """Without priorities, the hub network gives max_flow_min_cost's optimum
    on the textbook network (an arc per eligible pair)."""
    tree, requests, members = problem
    graph = nx.DiGraph()
    graph.add_node("s")
    graph.add_node("t")
    for r in requests:
        graph.add_edge("s", ("r", r.id), capacity=1, weight=0)
        for v in members:
            if r.skills <= v.skills:
                c = naive_cost(tree, r.node_id, v.node_id, DEFAULT_COST)
                graph.add_edge(("r", r.id), ("v", v.member_id), capacity=1, weight=c)
    for v in members:
        graph.add_edge(("v", v.member_id), "t", capacity=v.capacity, weight=0)
    flow = nx.max_flow_min_cost(graph, "s", "t")
    value = sum(flow["s"].values())
    result = match(tree, requests, members)
    assert (value, nx.cost_of_flow(graph, flow)) == (
        result.matched,
        result.total_cost,
    )


# --------------------------------------------------------------------------
# Costs
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("b1", "b1", 0),  # same building
        ("b1", "b2", 1),  # same grid
        ("b1", "g1", 1),  # a grid and a building in it
        ("b1", "b3", 3),  # same community
        ("b1", "b4", 6),  # same street
        ("b1", "b5", 10),  # elsewhere
        ("b1", "d", 10),  # the district shares no priced level
        ("c1", "c1", 3),  # the same community node, no building or grid
    ],
)
def test_default_costs(a, b, expected):
    assert expected == DEFAULT_COST.between(TREE, a, b)
    assert expected == DEFAULT_COST.between(TREE, b, a)


def test_costs_are_configurable():
    cost = CostPolicy(building=1, grid=2, community=4, street=8, elsewhere=None)
    assert (1, 2, 4, 8) == cost.costs
    assert cost.between(TREE, "b1", "b5") is None
    assert 8 == cost.highest


@pytest.mark.parametrize(
    "kwargs",
    [
        {"grid": -1},
        {"grid": 1.5},
        {"street": True},
        {"building": None},
        {"community": 7},  # above the street's 6
        {"elsewhere": 5},  # below the street's 6
    ],
)
def test_bad_costs_raise(kwargs):
    with pytest.raises(ValueError, match="Expected"):
        CostPolicy(**kwargs)


# --------------------------------------------------------------------------
# Examples
# --------------------------------------------------------------------------


def test_nearest_volunteer_by_level():
    members = [
        Volunteer("far", "b5"),
        Volunteer("street", "b4"),
        Volunteer("community", "b3"),
        Volunteer("grid", "b2"),
        Volunteer("building", "b1"),
    ]
    result = match(TREE, [Request("w", "b1")], members)
    assert {"w": "building"} == result.assignments
    assert 0 == result.total_cost
    for member, price in [("grid", 1), ("community", 3), ("street", 6), ("far", 10)]:
        members = [v for v in members if v.member_id != result.member_of("w")]
        result = match(TREE, [Request("w", "b1")], members)
        assert (member, price) == (result.member_of("w"), result.total_cost)


def test_greedy_is_beaten_by_flow():
    # Greedy gives w1 (first by id) to the member in its building, the only
    # barber; the haircut then finds nobody.
    requests = [Request("w1", "b1"), Request("w2", "b1", skills="理发")]
    members = [Volunteer("m1", "b1", skills="理发"), Volunteer("m2", "b2")]
    greedy = match(TREE, requests, members, method="greedy")
    flow = match(TREE, requests, members)
    assert {"w1": "m1"} == greedy.assignments
    assert (Unmatched("w2", Reason.NO_CAPACITY),) == greedy.unmatched
    assert {"w1": "m2", "w2": "m1"} == flow.assignments
    assert (2, 0, -1) == flow.objective
    assert (1, 0, 0) == greedy.objective


def test_count_before_priority_before_cost():
    # One member of capacity 1 near w-low, far from w-high: priority wins
    # over distance.
    members = [Volunteer("m", "b1")]
    result = match(
        TREE, [Request("low", "b1"), Request("high", "b5", priority=2)], members
    )
    assert {"high": "m"} == result.assignments
    assert (1, 2, -10) == result.objective
    # Two members: matching both beats giving the high-priority one its
    # only eligible member.
    requests = [
        Request("a", "b1", skills="助老", priority=5),
        Request("b", "b1", priority=0),
        Request("c", "b1", skills="理发", priority=0),
    ]
    members = [Volunteer("x", "b1", skills={"助老", "理发"}), Volunteer("y", "b5")]
    result = match(TREE, requests, members)
    assert 2 == result.matched
    assert {"a": "x", "b": "y"} == result.assignments


def test_skills_capacity_and_reasons():
    requests = [
        Request("haircut", "b1", skills="理发"),
        Request("repair", "b1", skills={"维修", "电工"}),
        Request("chat1", "b1"),
        Request("chat2", "b1"),
        Request("chat3", "b5"),
    ]
    members = [
        Volunteer("m1", "b1", skills="维修", capacity=2),  # lacks 电工
        Volunteer("m2", "b2", skills="理发", capacity=1),
        Volunteer("m3", "b1", capacity=0),
    ]
    result = match(TREE, requests, members, cost=CostPolicy(elsewhere=None))
    check_valid(TREE, requests, members, result, CostPolicy(elsewhere=None))
    assert {"haircut": "m2", "chat1": "m1", "chat2": "m1"} == result.assignments
    assert (
        Unmatched("chat3", Reason.OUT_OF_REACH),
        Unmatched("repair", Reason.NO_SKILL),
    ) == result.unmatched
    assert (("m1", 2), ("m2", 1), ("m3", 0)) == result.loads
    assert 2 == result.load("m1")
    assert "无人具备所需技能" == Reason.NO_SKILL.zh
    with pytest.raises(KeyError, match="nobody"):
        result.load("nobody")


def test_empty_inputs():
    for method in ("flow", "greedy"):
        nothing = match(TREE, [], [], method=method)
        assert (0, 0, 0) == nothing.objective
        assert () == nothing.matches == nothing.unmatched == nothing.loads
        alone = match(TREE, [Request("w", "b1")], [], method=method)
        assert (Unmatched("w", Reason.NO_SKILL),) == alone.unmatched
        idle = match(TREE, [], [Volunteer("m", "b1")], method=method)
        assert (("m", 0),) == idle.loads


def test_whole_input_errors_listed_together():
    requests = [Request("w", "b1"), Request("w", "nowhere")]
    members = [Volunteer("m", "b1"), Volunteer("m", "b9")]
    with pytest.raises(MatchingError) as info:
        match(TREE, requests, members)
    assert [
        ("w", "id"),
        ("w", "node_id"),
        ("m", "member_id"),
        ("m", "node_id"),
    ] == [(p.id, p.field) for p in info.value.problems]
    assert isinstance(info.value, RedcityError)
    assert isinstance(info.value, DispatchError)
    assert isinstance(info.value, ValueError)
    assert "unknown node 'nowhere'" in str(info.value)


def test_bad_arguments_raise_at_once():
    with pytest.raises(ValueError, match="method 'flow' or 'greedy'"):
        match(TREE, [], [], method="hungarian")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="CostPolicy"):
        match(TREE, [], [], cost={"grid": 1})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Request"):
        match(TREE, [("w", "b1")], [])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="Volunteer"):
        match(TREE, [], ["m"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (lambda: Request("", "b1"), "id"),
        (lambda: Request("w", "b1", priority=-1), "priority"),
        (lambda: Request("w", "b1", skills=[""]), "skills"),
        (lambda: Volunteer("m", " "), "node_id"),
        (lambda: Volunteer("m", "b1", capacity=True), "capacity"),
    ],
)
def test_bad_records_raise(make, text):
    with pytest.raises(ValueError, match=text):
        make()


def test_records_are_frozen_and_skills_normalised():
    r = Request("w", "b1", skills=["a", "a", "b"])
    assert frozenset({"a", "b"}) == r.skills
    assert frozenset() == Request("w", "b1", skills=None).skills
    with pytest.raises(AttributeError):
        r.priority = 3  # type: ignore[misc]
    assert Match("w", "m", 1) == Match("w", "m", 1)


def test_from_registration():
    reg = MemberRegistration(
        member_id="m-1",
        community_id="c1",
        employer_id="o-1",
        registered_on=date(2024, 3, 1),
    )
    assert Volunteer("m-1", "c1", None, 1) == Volunteer.from_registration(reg)
    assert "b2" == Volunteer.from_registration(reg, node_id="b2").node_id


# --------------------------------------------------------------------------
# The elder meal-delivery example (居民派单 + 食堂接单 + 志愿送餐)
# --------------------------------------------------------------------------


def test_meal_delivery_two_stages():
    # Stage 1: residents order meals; canteens accept up to their capacity.
    orders = [
        Request("o1", "b1", skills="低糖"),  # a diabetic elder
        Request("o2", "b2"),
        Request("o3", "b3"),
        Request("o4", "b4", priority=1),  # lives alone: served first
    ]
    canteens = [
        Volunteer("食堂-南", "g1", skills="低糖", capacity=2),
        Volunteer("食堂-火车站", "g3", capacity=1),
    ]
    accepted = match(TREE, orders, canteens)
    assert {"o1": "食堂-南", "o2": "食堂-南", "o4": "食堂-火车站"} == (
        accepted.assignments
    )
    assert (Unmatched("o3", Reason.NO_CAPACITY),) == accepted.unmatched
    # Stage 2: each accepted order becomes a delivery to the resident's
    # building, for volunteers who deliver meals.
    by_id = {o.id: o for o in orders}
    deliveries = [
        Request(f"送-{m.request_id}", by_id[m.request_id].node_id, skills="送餐")
        for m in accepted.matches
    ]
    riders = [
        Volunteer("v1", "b2", skills={"送餐"}, capacity=2),
        Volunteer("v2", "b4", skills={"送餐"}, capacity=2),
        Volunteer("v3", "b1", skills={"理发"}, capacity=5),
    ]
    delivered = match(TREE, deliveries, riders)
    assert {"送-o1": "v1", "送-o2": "v1", "送-o4": "v2"} == delivered.assignments
    assert (1 + 0 + 0) == delivered.total_cost


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------


@given(volunteers(TREE, max_capacity=3), match_requests(TREE, max_priority=1))
def test_strategies_respect_bounds(v, r):
    assert 0 <= v.capacity <= 3
    assert r.priority <= 1
    assert v.node_id in TREE
    assert r.node_id in TREE


@pytest.mark.parametrize(
    "make",
    [
        lambda: matching_problems(max_requests=-1),
        lambda: matching_problems(min_volunteers=3, max_volunteers=2),
        lambda: matching_problems(skills="abc"),
        lambda: matching_problems(skills=[""]),
        lambda: matching_problems(max_capacity=-1),
        lambda: volunteers("tree"),  # type: ignore[arg-type]
        lambda: match_requests(max_priority=1.5),  # type: ignore[arg-type]
    ],
)
def test_strategy_arguments_checked(make):
    with pytest.raises(InvalidArgument):
        make()
