"""The strategies themselves, and GridTree checked against networkx as the oracle."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.calendars import Period, WorkCalendar
from redcity.grid import (
    DEFAULT_SCHEME,
    Assignment,
    CardPolicy,
    DivisionCode,
    GridError,
    GridTree,
    Level,
    LevelScheme,
    PartyOrg,
    Threshold,
    TownshipKind,
    VillageKind,
    code_extends,
)
from redcity.testing import strategies
from redcity.testing.strategies import (
    assignments,
    card_histories,
    card_policies,
    division_codes,
    grid_bounds,
    grid_records,
    grid_trees,
    level_schemes,
    levels,
    merge_results,
    party_coverages,
    party_orgs,
    periods,
    staffing_reports,
    thresholds,
    work_calendars,
)

# -- the strategies ----------------------------------------------------------


@given(grid_trees(min_nodes=3, max_nodes=20))
def test_trees_respect_bounds_and_scheme(tree: GridTree) -> None:
    assert 3 <= len(tree) <= 20
    for n in tree:
        parent = tree.parent(n)
        if parent is not None:
            assert DEFAULT_SCHEME.allows(tree.level(parent), tree.level(n))
        if tree.level(n) is Level.BUILDING:
            grids = [a for a in tree.ancestors(n) if tree.level(a) is Level.GRID]
            assert 1 == len(grids)


@given(grid_records(max_nodes=30))
def test_records_have_parents_first(rows: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for row in rows:
        assert row["parent"] is None or row["parent"] in seen
        seen.add(row["id"])
    assert rows[0]["parent"] is None


@given(grid_trees(max_nodes=30))
def test_codes_extend_the_nearest_coded_ancestor(tree: GridTree) -> None:
    for n in tree:
        code = tree[n].code
        if code is None:
            continue
        above = [c for a in tree.ancestors(n) if (c := tree[a].code) is not None]
        if above:
            assert code_extends(code, above[-1])
        if Level.DISTRICT <= tree.level(n) <= Level.COMMUNITY:
            DivisionCode.parse(code.ljust(12, "0"))


def test_trees_shrink_to_small_simple_ones() -> None:
    smallest = find(grid_trees(min_nodes=3), lambda tree: True)
    bare = {"code": None, "households": None, "population": None}
    assert [
        {"id": "n0", "parent": None, "level": "city", "name": "市0", **bare},
        {"id": "n1", "parent": "n0", "level": "district", "name": "区1", **bare},
        {"id": "n2", "parent": "n0", "level": "district", "name": "区2", **bare},
    ] == smallest.to_records()


# Search without shrinking: only that such trees are generated matters here.
SEARCH = settings(phases=[Phase.generate], max_examples=2_000, database=None)


def test_strategies_reach_every_level_and_codes() -> None:
    deep = find(
        grid_trees(max_nodes=30),
        lambda t: t.count(Level.BUILDING) > 0 and t.count(Level.HOUSEHOLD) > 0,
        settings=SEARCH,
    )
    assert deep.count(Level.GRID) >= 1
    coded = find(grid_trees(), lambda t: any(t[n].code for n in t), settings=SEARCH)
    assert any(coded[n].code for n in coded)
    padded = find(
        grid_trees(),
        lambda t: any(
            t.level(n) is Level.DISTRICT and len(t[n].code or "") == 12 for n in t
        ),
        settings=SEARCH,
    )
    assert padded.count(Level.DISTRICT) >= 1


@given(
    grid_trees(scheme=LevelScheme([("社区", "网格"), ("网格", "网格")]), min_nodes=2)
)
def test_custom_scheme(tree: GridTree) -> None:
    assert tree.level(tree.root) in (Level.COMMUNITY, Level.GRID)
    assert all(tree.level(n) is Level.GRID for n in tree.descendants(tree.root))


@given(
    grid_trees(
        scheme=LevelScheme([("小区", "楼栋")], building_in_one_grid=False),
        min_nodes=2,
        max_nodes=5,
    )
)
def test_scheme_without_the_grid_rule(tree: GridTree) -> None:
    assert Level.COMPOUND is tree.level(tree.root)
    assert len(tree) - 1 == tree.count(Level.BUILDING)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_nodes": 0},
        {"min_nodes": 5, "max_nodes": 4},
        {"max_nodes": 2.5},
        {"min_nodes": True},
        {"scheme": "default"},
        {"codes": "yes"},
        {"min_nodes": 2, "scheme": LevelScheme([("街道", "楼栋")])},
    ],
)
def test_bad_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        grid_trees(**kwargs)
    with pytest.raises(InvalidArgument):
        grid_records(**kwargs)


def test_single_node_under_any_scheme() -> None:
    scheme = LevelScheme([("街道", "楼栋")])
    tree = find(grid_trees(max_nodes=1, scheme=scheme), lambda t: True)
    assert 1 == len(tree)


@given(levels())
def test_levels(level: Level) -> None:
    assert Level.parse(level.en) is level


@given(division_codes())
def test_division_codes(code: str) -> None:
    parsed = DivisionCode.parse(code)
    assert 12 == len(code)
    assert parsed.county[4:] != "00"
    if parsed.village != "000":
        assert parsed.township != "000"


@pytest.mark.parametrize("level", [Level.DISTRICT, "街道", "community"])
def test_division_codes_by_level(level: Level | str) -> None:
    expected = Level.parse(level)

    @given(division_codes(level=level))
    def check(code: str) -> None:
        parsed = DivisionCode.parse(code)
        got = (
            Level.DISTRICT
            if parsed.township == "000"
            else Level.STREET
            if parsed.village == "000"
            else Level.COMMUNITY
        )
        assert expected is got

    check()


@pytest.mark.parametrize("kind", [*TownshipKind, *VillageKind])
def test_division_codes_by_kind(kind: TownshipKind | VillageKind) -> None:
    @given(division_codes(kind=kind))
    def check(code: str) -> None:
        parsed = DivisionCode.parse(code)
        if isinstance(kind, TownshipKind):
            assert kind is parsed.township_kind
        else:
            assert kind is parsed.village_kind

    check()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"level": "网格"},
        {"level": "nonsense"},
        {"level": Level.STREET, "kind": VillageKind.RESIDENTS},
        {"level": Level.DISTRICT, "kind": TownshipKind.TOWN},
        {"kind": "街道"},
    ],
)
def test_division_codes_bad_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        division_codes(**kwargs)


@given(level_schemes().flatmap(lambda s: grid_trees(max_nodes=5, scheme=s)))
def test_trees_under_any_scheme(tree: GridTree) -> None:
    # A scheme under which nothing may have a child gives one-node trees.
    assert 1 <= len(tree) <= 5


def test_no_children_means_one_node() -> None:
    tree = find(grid_trees(scheme=LevelScheme([])), lambda t: True)
    assert 1 == len(tree)


# -- record strategies -------------------------------------------------------


@given(thresholds())
def test_thresholds_make_a_policy(threshold: Threshold) -> None:
    assert (threshold,) == CardPolicy([threshold]).thresholds


@given(party_orgs())
def test_party_orgs_are_not_their_own_parent(org: PartyOrg) -> None:
    assert org.parent_id != org.id


@given(st.data())
def test_assignments_on_a_tree_use_its_nodes(data: st.DataObject) -> None:
    tree = data.draw(grid_trees(max_nodes=10))
    a: Assignment = data.draw(assignments(tree=tree))
    assert a.node_id in tree
    assert a.party_member or not a.in_service


@given(periods(min_year=2026, max_year=2026))
def test_periods_within_years(period: Period) -> None:
    assert 2026 == period.year
    assert period == Period.parse(period.label, tz=period.tz)


@given(work_calendars(max_overrides=3))
def test_work_calendars_are_valid(calendar: WorkCalendar) -> None:
    assert calendar == WorkCalendar(
        tz=calendar.tz,
        working_hours=calendar.working_hours,
        holidays=calendar.holidays,
        workdays=calendar.workdays,
        known_years=calendar.known_years,
    )
    assert len(calendar.holidays) <= 3


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "card_policies",
            "CardPolicy(thresholds=(), promote_after=1, on_missing=None)",
        ),
        ("grid_bounds", "GridBounds(min_households=300, max_households=500)"),
        (
            "periods",
            "Period(kind=<PeriodKind.MONTH: 'month'>, year=2000, number=1, "
            "tz='Asia/Shanghai')",
        ),
    ],
)
def test_record_strategies_shrink_to_simple_values(name: str, expected: str) -> None:
    assert expected == repr(find(getattr(strategies, name)(), lambda x: True))


@pytest.mark.parametrize(
    ("strategy", "kwargs"),
    [
        (assignments, {"tree": "n0"}),
        (party_orgs, {"tree": 1}),
        (grid_bounds, {"max_households": -1}),
        (merge_results, {"min_nodes": 0}),
        (merge_results, {"max_layers": 0}),
        (staffing_reports, {"max_assignments": -1}),
        (party_coverages, {"min_nodes": 3, "max_nodes": 2}),
        (card_policies, {"min_thresholds": 2, "max_thresholds": 1}),
        (card_histories, {"max_periods": 13}),
        (card_histories, {"max_nodes": 0}),
        (periods, {"min_year": 0}),
        (periods, {"max_year": 9999}),
        (work_calendars, {"max_overrides": 1.5}),
    ],
)
def test_record_strategies_bad_arguments(strategy: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        strategy(**kwargs)


# -- GridTree against networkx -----------------------------------------------

TREES = grid_trees(max_nodes=40)


@given(TREES)
def test_contains_matches_has_path(tree: GridTree) -> None:
    g = tree.graph
    for a in tree:
        below = nx.descendants(g, a) | {a}
        assert [b in below for b in tree] == [tree.contains(a, b) for b in tree]


@given(TREES, st.data())
def test_contains_on_sampled_pairs(tree: GridTree, data: st.DataObject) -> None:
    ids = st.sampled_from(tree.ids)
    for _ in range(5):
        a, b = data.draw(ids), data.draw(ids)
        assert nx.has_path(tree.graph, a, b) == tree.contains(a, b)


@given(TREES)
def test_ancestors_are_the_path_from_the_root(tree: GridTree) -> None:
    for x in tree:
        path = nx.shortest_path(tree.graph, tree.root, x)
        assert tuple(path[:-1]) == tree.ancestors(x)
        assert len(path) - 1 == tree.depth(x)
        for level in Level:
            on_path = [n for n in path if tree.level(n) is level]
            assert (on_path[-1] if on_path else None) == tree.ancestor(x, level)


@given(TREES)
def test_descendants_in_preorder(tree: GridTree) -> None:
    g = tree.graph
    assert tuple(nx.dfs_preorder_nodes(g, tree.root)) == tree.ids
    for x in tree:
        assert nx.descendants(g, x) == set(tree.descendants(x))
        assert tuple(nx.dfs_preorder_nodes(g, x))[1:] == tree.descendants(x)


@given(TREES)
def test_children_are_successors(tree: GridTree) -> None:
    for x in tree:
        assert tuple(tree.graph.successors(x)) == tree.children(x)
        assert tree.parent(x) == next(iter(tree.graph.predecessors(x)), None)
    assert nx.is_arborescence(tree.graph)


def _expected_rollup(
    tree: GridTree, values: dict[str, Any], zero: Any
) -> dict[str, Any]:
    g = tree.graph
    return {
        x: sum((values.get(d, zero) for d in nx.descendants(g, x)), values.get(x, zero))
        for x in tree
    }


def _values(
    data: st.DataObject, tree: GridTree, numbers: st.SearchStrategy[Any]
) -> dict[str, Any]:
    chosen = data.draw(st.lists(st.sampled_from(tree.ids), unique=True))
    return {x: data.draw(numbers) for x in chosen}


EXACT = [
    (st.integers(-(10**12), 10**12), 0),
    # within Decimal's 28-digit context, so every order of addition is exact
    (st.decimals(-(10**15), 10**15, places=4), Decimal(0)),
    (st.fractions(max_denominator=1000), Fraction(0)),
]


@pytest.mark.parametrize(("numbers", "zero"), EXACT, ids=["int", "Decimal", "Fraction"])
def test_rollup_exact(numbers: st.SearchStrategy[Any], zero: Any) -> None:
    @given(TREES, st.data())
    def check(tree: GridTree, data: st.DataObject) -> None:
        values = _values(data, tree, numbers)
        totals = tree.rollup(values)
        assert _expected_rollup(tree, values, zero) == totals
        assert sum(values.values(), zero) == totals[tree.root]

    check()


@given(TREES, st.data())
def test_rollup_floats(tree: GridTree, data: st.DataObject) -> None:
    values = _values(data, tree, st.floats(-1e6, 1e6))
    totals = tree.rollup(values)
    expected = _expected_rollup(tree, values, 0.0)
    assert set(expected) == set(totals)
    for x in tree:
        assert expected[x] == pytest.approx(totals[x], rel=1e-9, abs=1e-3)


@given(TREES, st.data())
def test_rollup_array_matches_rollup(tree: GridTree, data: st.DataObject) -> None:
    values = data.draw(st.lists(st.integers(-100, 100), min_size=len(tree),
                                max_size=len(tree)))  # fmt: skip
    by_id = tree.rollup(dict(zip(tree.ids, values, strict=True)))
    assert [by_id[x] for x in tree.ids] == tree.rollup_array(values)


@given(TREES, st.data())
def test_contains_many_matches_contains(tree: GridTree, data: st.DataObject) -> None:
    ids = st.sampled_from(tree.ids)
    inners = data.draw(st.lists(ids, max_size=20))
    outer = data.draw(ids)
    assert [tree.contains(outer, i) for i in inners] == tree.contains_many(
        outer, inners
    )
    outers = data.draw(st.lists(ids, min_size=len(inners), max_size=len(inners)))
    assert [
        tree.contains(o, i) for o, i in zip(outers, inners, strict=True)
    ] == tree.contains_many(outers, inners)


@given(TREES, st.data())
def test_subtree(tree: GridTree, data: st.DataObject) -> None:
    x = data.draw(st.sampled_from(tree.ids))
    sub = tree.subtree(x)
    assert (x, *tree.descendants(x)) == sub.ids
    assert sub.parent(x) is None
    assert all(sub[n] == tree[n] for n in tree.descendants(x))
    assert set(nx.descendants(tree.graph, x)) == set(sub.graph.nodes) - {x}
    assert set(nx.descendants(tree.graph, x)) == set(sub.descendants(x))
    inside_a_grid = any(tree.level(a) is Level.GRID for a in tree.ancestors(x))
    if not inside_a_grid:
        assert tree.scheme == sub.scheme
    assert sub == GridTree.from_records(sub.to_records(), scheme=sub.scheme)
    assert sub == GridTree.from_json(sub.to_json(), scheme=sub.scheme)


def test_subtree_inside_a_grid_round_trips_with_its_scheme() -> None:
    tree = GridTree.from_records(
        [
            {"id": "c", "parent": None, "level": "社区", "name": "南社区"},
            {"id": "g", "parent": "c", "level": "网格", "name": "网格1"},
            {"id": "p", "parent": "g", "level": "小区", "name": "兴茂小区"},
            {"id": "b", "parent": "p", "level": "楼栋", "name": "1栋"},
        ]
    )
    sub = tree.subtree("p")
    assert sub.scheme.building_in_one_grid is False
    assert sub == GridTree.from_records(sub.to_records(), scheme=sub.scheme)
    with pytest.raises(GridError, match="exactly one grid"):
        GridTree.from_records(sub.to_records())  # the default scheme wants a grid


@given(TREES)
def test_record_and_json_round_trips(tree: GridTree) -> None:
    assert tree == GridTree.from_records(tree.to_records())
    assert tree == GridTree.from_json(tree.to_json())
    assert hash(tree) == hash(GridTree.from_json(tree.to_json()))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(grid_records(max_nodes=40), st.randoms(use_true_random=False))
def test_shuffled_records_build_the_same_tree(
    rows: list[dict[str, Any]], rnd: random.Random
) -> None:
    tree = GridTree.from_records(rows)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    other = GridTree.from_records(shuffled)
    assert sorted(tree.ids) == sorted(other.ids)
    assert all(tree[n] == other[n] for n in tree)
    assert set(tree.graph.edges) == set(other.graph.edges)
    for n in tree:
        assert set(tree.children(n)) == set(other.children(n))
        assert tree.ancestors(n) == other.ancestors(n)
        assert set(tree.descendants(n)) == set(other.descendants(n))
