"""Synthetic trees: exact size, reproducible, valid, shaped like the real ones."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcity.datasets import MAX_NODES, synthetic, synthetic_records
from redcity.grid import DivisionCode, GridTree, Level, code_extends


@pytest.mark.parametrize("n", [*range(1, 31), 99, 100, 101, 1_000, 12_345])
def test_exact_size(n: int) -> None:
    tree = synthetic(n)
    assert n == len(tree)
    assert Level.CITY is tree.level(tree.root)


@given(st.integers(1, 3_000), st.integers(0, 2**32))
def test_any_size_any_seed_is_valid(n: int, seed: int) -> None:
    rows = synthetic_records(n, seed=seed)
    assert n == len(rows)
    assert n == len(GridTree.from_records(rows))


def test_reproducible_by_seed() -> None:
    assert synthetic_records(2_000, seed=5) == synthetic_records(2_000, seed=5)
    assert synthetic(2_000, seed=5) == synthetic(2_000, seed=5)
    assert synthetic_records(2_000, seed=5) != synthetic_records(2_000, seed=6)
    assert synthetic(2_000) == synthetic(2_000, seed=0)


def test_rows_are_in_preorder() -> None:
    rows = synthetic_records(5_000, seed=2)
    assert [r["id"] for r in rows] == list(synthetic(5_000, seed=2).ids)


def test_shape_like_a_real_city() -> None:
    tree = synthetic(100_000, seed=1)
    counts = {level: tree.count(level) for level in Level}
    assert 1 == counts[Level.CITY]
    assert 5 <= counts[Level.DISTRICT] <= 20
    assert 0 == counts[Level.HOUSEHOLD]
    assert 8 <= counts[Level.STREET] / counts[Level.DISTRICT] <= 16
    assert 5 <= counts[Level.COMMUNITY] / counts[Level.STREET] <= 12
    assert 8 <= counts[Level.GRID] / counts[Level.COMMUNITY] <= 16
    assert 3 <= counts[Level.BUILDING] / counts[Level.GRID] <= 8
    pairs = Counter(
        (tree.level(p), tree.level(n))
        for n in tree
        if (p := tree.parent(n)) is not None
    )
    assert pairs[(Level.COMPOUND, Level.GRID)] > 0  # compounds split into grids
    assert pairs[(Level.GRID, Level.COMPOUND)] > 0  # grids over small compounds
    assert pairs[(Level.COMPOUND, Level.BUILDING)] > 0
    assert pairs[(Level.GRID, Level.BUILDING)] > 0


def test_small_tree_still_has_every_level() -> None:
    tree = synthetic(100)
    for level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID):
        assert tree.count(level) >= 1
    assert tree.count(Level.BUILDING) > tree.count(Level.GRID)


def test_every_building_in_one_grid() -> None:
    tree = synthetic(20_000, seed=3)
    for b in tree.nodes(Level.BUILDING):
        above = [a for a in tree.ancestors(b) if tree.level(a) is Level.GRID]
        assert 1 == len(above)


def test_households_add_up() -> None:
    tree = synthetic(20_000, seed=4)
    buildings = tree.nodes(Level.BUILDING)
    households = {b: tree[b].households or 0 for b in buildings}
    assert {n: tree[n].households for n in tree} == tree.rollup(households)
    people = {b: tree[b].population or 0 for b in buildings}
    assert {n: tree[n].population for n in tree} == tree.rollup(people)
    for g in tree.nodes(Level.GRID):
        if any(tree.level(d) is Level.BUILDING for d in tree.descendants(g)):
            assert 300 <= (tree[g].households or 0) <= 500
    root = tree[tree.root]
    assert root.households
    assert root.population
    assert 2.5 < root.population / root.households < 2.7


def test_codes() -> None:
    tree = synthetic(20_000, seed=8)
    assert "990100000000" == tree[tree.root].code
    for n in tree:
        node = tree[n]
        if node.level in (Level.COMPOUND, Level.BUILDING):
            assert node.code is None
            continue
        assert n == node.code
        if Level.DISTRICT <= node.level <= Level.COMMUNITY:
            DivisionCode.parse(n.ljust(12, "0"))
        parent = node.parent
        while parent is not None and tree[parent].code is None:
            parent = tree.parent(parent)
        if parent is not None:
            assert code_extends(n, tree[parent].code or "")


def test_without_households_or_codes() -> None:
    rows = synthetic_records(500, households=False, codes=False)
    assert all(r["households"] is None and r["population"] is None for r in rows)
    assert all(r["code"] is None for r in rows)
    bare = GridTree.from_records(rows)
    full = synthetic(500)
    assert bare.ids == full.ids


@pytest.mark.parametrize("bad", [0, -1, 1.5, "100", True, MAX_NODES + 1])
def test_bad_sizes(bad: object) -> None:
    with pytest.raises(ValueError, match="n_nodes"):
        synthetic_records(bad)  # type: ignore[arg-type]
