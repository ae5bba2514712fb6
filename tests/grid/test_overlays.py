"""多网合一: merge_layers in both modes, its conflicts, bounds and laws."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcity.errors import Problem
from redcity.grid.levels import Level
from redcity.grid.overlays import (
    URBAN_GRID_BOUNDS,
    ConflictKind,
    GridBounds,
    LayerConflict,
    MergeMode,
    MergeResult,
    layer_from_tree,
    merge_layers,
)
from redcity.grid.tree import GridTree


def row(id: str, parent: str | None, level: str, **extra: Any) -> dict[str, Any]:
    return {"id": id, "parent": parent, "level": level, "name": f"名{id}", **extra}


ROWS = [
    row("s", None, "街道"),
    row("c1", "s", "社区"),
    row("c2", "s", "社区"),
    row("g1", "c1", "网格"),
    row("g2", "c1", "网格"),
    row("g3", "c2", "网格"),
    row("b1", "g1", "楼栋", households=100),
    row("b2", "g1", "楼栋", households=150),
    row("b3", "g2", "楼栋", households=200),
    row("b4", "g2", "楼栋", households=120),
    row("b5", "g3", "楼栋", households=300),
    row("b6", "g3", "楼栋"),
]


@pytest.fixture
def tree() -> GridTree:
    return GridTree.from_records(ROWS)


def blocks(result: MergeResult) -> list[list[str]]:
    return [sorted(g) for g in result.grids]


# -- the two modes ----------------------------------------------------------


def test_coarsest_joins_chains_of_shared_grids(tree: GridTree) -> None:
    layers = {
        "党建": {
            "b1": "P1",
            "b2": "P1",
            "b3": "P2",
            "b4": "P2",
            "b5": "P3",
            "b6": "P3",
        },
        "城管": {
            "b1": "U1",
            "b2": "U2",
            "b3": "U2",
            "b4": "U3",
            "b5": "U4",
            "b6": "U4",
        },
    }
    result = merge_layers(tree, layers)
    assert result.mode == MergeMode.COARSEST
    assert result.layers == ("党建", "城管")
    assert blocks(result) == [["b1", "b2", "b3", "b4"], ["b5", "b6"]]
    assert result.households == (570, 300)
    assert result.conflicts == ()
    assert result.unknown_households == ("b6",)


def test_refinement_splits_wherever_a_layer_differs(tree: GridTree) -> None:
    layers = {
        "党建": {
            "b1": "P1",
            "b2": "P1",
            "b3": "P2",
            "b4": "P2",
            "b5": "P3",
            "b6": "P3",
        },
        "城管": {
            "b1": "U1",
            "b2": "U2",
            "b3": "U2",
            "b4": "U3",
            "b5": "U4",
            "b6": "U4",
        },
    }
    result = merge_layers(tree, layers, mode="refinement")
    assert result.mode == MergeMode.REFINEMENT
    assert blocks(result) == [["b1"], ["b2"], ["b3"], ["b4"], ["b5", "b6"]]
    assert result.households == (100, 150, 200, 120, 300)


def test_same_grid_id_in_two_layers_is_two_grids(tree: GridTree) -> None:
    layers = {"甲": {"b1": "X", "b3": "Y"}, "乙": {"b3": "X"}}
    # 甲's X and 乙's X are different grids: b1 and b3 are not joined.
    result = merge_layers(tree, layers, bounds=None)
    assert blocks(result)[0] == ["b1"]


def test_mode_parse() -> None:
    assert MergeMode.REFINEMENT is MergeMode.parse("公共加细")
    assert MergeMode.COARSEST is MergeMode.parse(" Coarsest ")
    assert MergeMode.REFINEMENT.zh == "公共加细"
    with pytest.raises(ValueError, match="'finest'"):
        MergeMode.parse("finest")


# -- conflicts --------------------------------------------------------------


def test_every_conflict_is_reported(tree: GridTree) -> None:
    layers = {
        "综治": {
            "b1": "Z1",
            "b2": "Z1",
            "b3": "Z1",
            "b5": "Z1",  # Z1 straddles c1 and c2
            "b4": "Z2",
            "nowhere": "Z2",  # unknown id
            "g3": "Z2",  # not a building
        },
    }
    result = merge_layers(tree, layers)
    kinds = [(c.kind, c.building or c.grid) for c in result.conflicts]
    assert kinds == [
        (ConflictKind.UNKNOWN_BUILDING, "nowhere"),
        (ConflictKind.NOT_A_BUILDING, "g3"),
        (ConflictKind.MISSING_BUILDING, "b6"),
        (ConflictKind.STRADDLES_COMMUNITIES, "Z1"),
    ]
    straddle = result.conflicts[-1]
    assert straddle.communities == ("c1", "c2")
    assert Problem("Z1", "综治", straddle.message) == straddle.problem
    assert "exactly one community" in straddle.message
    assert not result.ok
    # Unknown ids and non-buildings are left out; the missing b6 stands alone.
    assert blocks(result) == [["b1", "b2", "b3", "b5"], ["b4"], ["b6"]]


def test_missing_building_is_a_singleton_in_refinement(tree: GridTree) -> None:
    layers = {
        "甲": dict.fromkeys(("b1", "b2", "b3", "b4"), "A"),
        "乙": {"b1": "B", "b2": "B"},  # b3 and b4 missing
    }
    result = merge_layers(tree, layers, mode=MergeMode.REFINEMENT, bounds=None)
    assert blocks(result) == [["b1", "b2"], ["b3"], ["b4"], ["b5"], ["b6"]]
    missing = {
        (c.layer, c.building)
        for c in result.conflicts
        if c.kind is ConflictKind.MISSING_BUILDING
    }
    assert {("甲", "b5"), ("甲", "b6"), ("乙", "b3"), ("乙", "b4")} <= missing


def test_tree_without_communities_reports_no_straddling() -> None:
    tree = GridTree.from_records(
        [row("g", None, "网格"), row("b1", "g", "楼栋"), row("b2", "g", "楼栋")]
    )
    result = merge_layers(tree, {"甲": {"b1": "A", "b2": "A"}}, bounds=None)
    assert result.conflicts == ()
    assert result.ok


# -- households and bounds --------------------------------------------------


def test_out_of_bounds_grids(tree: GridTree) -> None:
    layer = {"b1": "A", "b2": "A", "b3": "B", "b4": "B", "b5": "C", "b6": "C"}
    result = merge_layers(tree, {"党建": layer}, bounds=GridBounds(300, 310))
    assert result.households == (250, 320, 300)
    low, high = result.out_of_bounds
    assert (low.index, low.households, low.bound, low.below) == (0, 250, 300, True)
    assert (high.index, high.households, high.bound, high.below) == (1, 320, 310, False)
    assert low.unknown == ()
    fields = [(p.id, p.field) for p in result.problems]
    assert fields == [
        ("merged grid 0", "households"),
        ("merged grid 1", "households"),
        ("b6", "households"),
    ]
    assert "fewer than 300" in result.problems[0].message


def test_unknown_households_are_named_in_out_of_bounds(tree: GridTree) -> None:
    result = merge_layers(
        tree, {"党建": {"b5": "C", "b6": "C"}}, bounds=GridBounds(301)
    )
    (c,) = [o for o in result.out_of_bounds if "b6" in o.buildings]
    assert c.unknown == ("b6",)
    assert "unknown size" in result.problems[-2].message


def test_default_bounds_are_urban_practice(tree: GridTree) -> None:
    assert GridBounds() == URBAN_GRID_BOUNDS == GridBounds(300, 500)
    everything = dict.fromkeys(tree.nodes(Level.BUILDING), "one")
    result = merge_layers(tree, {"党建": everything})
    assert result.households == (870,)
    assert result.out_of_bounds[0].bound == 500
    assert merge_layers(tree, {"党建": everything}, bounds=None).out_of_bounds == ()


def test_grid_bounds_validate() -> None:
    with pytest.raises(ValueError, match="max_households ≥ min_households"):
        GridBounds(min_households=10, max_households=5)
    with pytest.raises(ValueError, match="min_households"):
        GridBounds(min_households=-1)
    with pytest.raises(ValueError, match="max_households"):
        GridBounds(max_households=True)
    assert GridBounds(0, 0).allows(0)


# -- arguments --------------------------------------------------------------


def test_bad_arguments_raise_at_once(tree: GridTree) -> None:
    with pytest.raises(ValueError, match="at least one layer"):
        merge_layers(tree, {})
    with pytest.raises(TypeError, match="non-empty strings"):
        merge_layers(tree, {"": {"b1": "A"}})
    with pytest.raises(TypeError, match="map building ids"):
        merge_layers(tree, {"甲": [("b1", "A")]})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="str grid ids"):
        merge_layers(tree, {"甲": {"b1": 7}})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="coarsest"):
        merge_layers(tree, {"甲": {}}, mode="union")


# -- helpers ----------------------------------------------------------------


def test_layer_from_tree_reproduces_the_tree_grids(tree: GridTree) -> None:
    own = layer_from_tree(tree)
    assert own["b1"] == "g1"
    for mode in MergeMode:
        result = merge_layers(tree, {"网格": own}, mode=mode, bounds=None)
        expected = [
            sorted(b for b in tree.descendants(g) if tree[b].level is Level.BUILDING)
            for g in tree.nodes(Level.GRID)
        ]
        assert expected == blocks(result)
        assert result.ok


def test_as_layer_chains(tree: GridTree) -> None:
    result = merge_layers(tree, {"甲": dict.fromkeys(("b1", "b2", "b3"), "A")})
    relabelled = result.as_layer(prefix="M")
    assert relabelled["b3"] == "M1"
    assert relabelled["b6"] == "M4"
    again = merge_layers(tree, {"合并": relabelled})
    assert result.grids == again.grids


def test_conflict_problem_without_ids() -> None:
    c = LayerConflict(kind=ConflictKind.MISSING_BUILDING, layer="甲", message="x")
    assert Problem("", "甲", "x") == c.problem


# -- laws -------------------------------------------------------------------

GRID_IDS = st.sampled_from(["A", "B", "C", "D"])


@st.composite
def trees_and_layers(draw: st.DrawFn) -> tuple[GridTree, dict[str, dict[str, str]]]:
    """A street of 1–3 communities, 1–3 grids each, 0–3 buildings per grid,
    and 1–3 layers assigning buildings (some missing, some unknown) to grids."""
    rows = [row("s", None, "街道")]
    for c in range(draw(st.integers(1, 3))):
        rows.append(row(f"c{c}", "s", "社区"))
        for g in range(draw(st.integers(1, 3))):
            rows.append(row(f"c{c}g{g}", f"c{c}", "网格"))
            for b in range(draw(st.integers(0, 3))):
                households = draw(st.none() | st.integers(0, 400))
                rows.append(
                    row(f"c{c}g{g}b{b}", f"c{c}g{g}", "楼栋", households=households)
                )
    tree = GridTree.from_records(rows)
    buildings = tree.nodes(Level.BUILDING)
    layers: dict[str, dict[str, str]] = {}
    for k in range(draw(st.integers(1, 3))):
        grids = draw(st.lists(st.none() | GRID_IDS, min_size=len(buildings),
                              max_size=len(buildings)))  # fmt: skip
        layer = {b: g for b, g in zip(buildings, grids, strict=True) if g is not None}
        if draw(st.booleans()):
            layer["ghost"] = draw(GRID_IDS)
        layers[f"L{k}"] = layer
    return tree, layers


def valid(tree: GridTree, layer: dict[str, str]) -> dict[str, str]:
    return {b: g for b, g in layer.items() if b in tree}


def is_partition(tree: GridTree, result: MergeResult) -> bool:
    flat = [b for g in result.grids for b in g]
    return sorted(flat) == sorted(tree.nodes(Level.BUILDING)) and all(result.grids)


@given(trees_and_layers())
def test_coarsest_never_splits_a_department_grid(
    case: tuple[GridTree, dict[str, dict[str, str]]],
) -> None:
    tree, layers = case
    result = merge_layers(tree, layers)
    assert is_partition(tree, result)
    where = {b: k for k, g in enumerate(result.grids) for b in g}
    for layer in layers.values():
        by_grid: dict[str, set[int]] = {}
        for b, g in valid(tree, layer).items():
            by_grid.setdefault(g, set()).add(where[b])
        assert all(len(ks) == 1 for ks in by_grid.values())


@given(trees_and_layers())
def test_coarsest_is_the_finest_such_partition(
    case: tuple[GridTree, dict[str, dict[str, str]]],
) -> None:
    tree, layers = case
    graph = nx.Graph()
    graph.add_nodes_from(tree.nodes(Level.BUILDING))
    for name, layer in layers.items():
        graph.add_edges_from((b, (name, g)) for b, g in valid(tree, layer).items())
    expected = {
        frozenset(n for n in component if isinstance(n, str))
        for component in nx.connected_components(graph)
    } - {frozenset()}
    assert expected == set(merge_layers(tree, layers).grids)


@given(trees_and_layers())
def test_refinement_never_joins_buildings_a_layer_separates(
    case: tuple[GridTree, dict[str, dict[str, str]]],
) -> None:
    tree, layers = case
    result = merge_layers(tree, layers, mode=MergeMode.REFINEMENT)
    assert is_partition(tree, result)
    for grid in result.grids:
        if len(grid) > 1:
            for layer in layers.values():
                assert len({layer.get(b) for b in grid}) == 1
                assert None not in {layer.get(b) for b in grid}
    # ... and it is the coarsest such partition: equal signatures stay together.
    signature: dict[tuple[str | None, ...], set[str]] = {}
    for b in tree.nodes(Level.BUILDING):
        key = tuple(layer.get(b) for layer in layers.values())
        if None not in key:
            signature.setdefault(key, set()).add(b)
    assert set(map(frozenset, signature.values())) <= set(result.grids)


@given(trees_and_layers())
def test_refinement_refines_coarsest_and_order_is_deterministic(
    case: tuple[GridTree, dict[str, dict[str, str]]],
) -> None:
    tree, layers = case
    coarse = merge_layers(tree, layers)
    fine = merge_layers(tree, layers, mode=MergeMode.REFINEMENT)
    assert all(any(f <= c for c in coarse.grids) for f in fine.grids)
    for result in (coarse, fine):
        firsts = [min(map(tree.index, g)) for g in result.grids]
        assert sorted(firsts) == firsts
        total = sum(tree[b].households or 0 for b in tree.nodes(Level.BUILDING))
        assert total == sum(result.households)
    reversed_layers = {k: dict(reversed(v.items())) for k, v in layers.items()}
    assert coarse.grids == merge_layers(tree, reversed_layers).grids
