"""The Zunyi sample: every seed figure exact, names and codes, validity."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from redcity.datasets import (
    BAOLI,
    BOZHOU,
    HONGHUAGANG,
    HUICHUAN,
    LONGQUAN,
    XINGMAO,
    ZUNYI,
    ZUNYI_FACTS,
    zunyi,
    zunyi_model_compounds,
    zunyi_records,
    zunyi_staffing,
)
from redcity.datasets.zunyi import _generate
from redcity.grid import (
    DivisionCode,
    GridTree,
    Level,
    TownshipKind,
    VillageKind,
    code_extends,
)
from redcity.grid.party import PartyOrgKind, party_coverage
from redcity.grid.staffing import Post, post_counts, staffing_report

SEED_COMMUNITIES = {
    "娄山社区",
    "火车站社区",
    "南社区",
    "洗马社区",
    "航空社区",
    "仁和苑社区",
    "永和社区",
    "凉厅社区",
    "兰家堡社区",
    "南门社区",
    "新华桥社区",
}


@pytest.fixture(scope="module")
def tree() -> GridTree:
    return zunyi()


def count_in(tree: GridTree, top: str, level: Level) -> int:
    return sum(tree.contains(top, n) for n in tree.nodes(level))


# -- the seed figures ------------------------------------------------------


def test_seed_figures_are_exact(tree: GridTree) -> None:
    facts = ZUNYI_FACTS
    assert facts.honghuagang_grids == count_in(tree, HONGHUAGANG, Level.GRID)
    assert facts.huichuan_communities == count_in(tree, HUICHUAN, Level.COMMUNITY)
    assert facts.huichuan_grids == count_in(tree, HUICHUAN, Level.GRID)
    assert facts.bozhou_streets == count_in(tree, BOZHOU, Level.STREET)
    assert facts.bozhou_communities == count_in(tree, BOZHOU, Level.COMMUNITY)
    assert facts.bozhou_grids == count_in(tree, BOZHOU, Level.GRID)


def test_seed_figures_match_design() -> None:
    facts = ZUNYI_FACTS
    assert (968, 115) == (facts.honghuagang_grids, facts.honghuagang_service_stations)
    assert (62, 532) == (facts.huichuan_communities, facts.huichuan_grids)
    assert (5, 27, 432) == (
        facts.bozhou_streets,
        facts.bozhou_communities,
        facts.bozhou_grids,
    )
    assert (432, 39, 229) == (
        facts.bozhou_grid_workers,
        facts.bozhou_grid_party_branches,
        facts.bozhou_grid_party_groups,
    )
    assert (11, 65) == (facts.bozhou_model_compounds, facts.bozhou_deliberation_venues)
    assert 2022 == facts.year
    assert "DESIGN" in facts.source


def test_model_compounds(tree: GridTree) -> None:
    compounds = zunyi_model_compounds()
    assert ZUNYI_FACTS.bozhou_model_compounds == len(set(compounds))
    assert XINGMAO in compounds
    for c in compounds:
        assert tree.level(c) is Level.COMPOUND
        assert tree.contains(BOZHOU, c)
    assert compounds == tuple(sorted(compounds, key=tree.index))


def test_size_and_shape(tree: GridTree) -> None:
    assert 10_000 <= len(tree) <= 15_000
    assert tree.root == ZUNYI
    assert 1 == tree.count(Level.CITY)
    assert 3 == tree.count(Level.DISTRICT)
    assert 23 == tree.count(Level.STREET)
    assert 88 + 62 + 27 == tree.count(Level.COMMUNITY)
    assert 968 + 532 + 432 == tree.count(Level.GRID)
    assert 0 == tree.count(Level.HOUSEHOLD)
    per_grid = Counter(tree.ancestor(b, Level.GRID) for b in tree.nodes("楼栋"))
    assert set(per_grid) == set(tree.nodes(Level.GRID))
    assert min(per_grid.values()) >= 3
    assert max(per_grid.values()) <= 8


# -- names and codes -------------------------------------------------------


def test_districts_and_streets(tree: GridTree) -> None:
    assert "遵义市" == tree[ZUNYI].name
    assert "520300000000" == tree[ZUNYI].code
    assert [
        ("520302", "红花岗区"),
        ("520303", "汇川区"),
        ("520304", "播州区"),
    ] == [(tree[d].code, tree[d].name) for d in tree.children(ZUNYI)]
    assert [
        ("520304001", "南白街道"),
        ("520304002", "播南街道"),
        ("520304003", "影山湖街道"),
        ("520304004", "桂花桥街道"),
        ("520304005", "龙坑街道"),
    ] == [(tree[s].code, tree[s].name) for s in tree.children(BOZHOU)]
    assert [
        ("520303001", "上海路街道"),
        ("520303002", "洗马路街道"),
        ("520303003", "大连路街道"),
        ("520303004", "高桥街道"),
        ("520303005", "董公寺街道"),
        ("520303006", "高坪街道"),
    ] == [(tree[s].code, tree[s].name) for s in tree.children(HUICHUAN)]
    streets = tree.children(HONGHUAGANG)
    assert [f"红花岗区第{i}街道" for i in range(1, 13)] == [
        tree[s].name for s in streets
    ]
    assert [f"520302{i:03d}" for i in range(1, 13)] == [tree[s].code for s in streets]


def test_only_seed_community_names_are_real(tree: GridTree) -> None:
    names = [tree[c].name for c in tree.nodes(Level.COMMUNITY)]
    real = [n for n in names if n in SEED_COMMUNITIES]
    assert sorted(SEED_COMMUNITIES) == sorted(real)
    synthetic = re.compile(r"^.+(街道)第\d+社区$")
    for c in tree.nodes(Level.COMMUNITY):
        name = tree[c].name
        if name not in SEED_COMMUNITIES:
            parent = tree.parent(c)
            assert parent is not None
            street = tree[parent].name
            assert synthetic.match(name), name
            assert name.startswith(street)
    assert "洗马社区" in [tree[c].name for c in tree.children("520303002")]


def test_named_compounds(tree: GridTree) -> None:
    expected = ("兴茂小区", "龙泉小区", "保利小区")
    assert expected == tuple(tree[c].name for c in (XINGMAO, LONGQUAN, BAOLI))
    assert tree.contains(BOZHOU, XINGMAO)
    assert tree[tree.ancestor(LONGQUAN, Level.COMMUNITY)].name == "火车站社区"
    assert tree.contains(HUICHUAN, BAOLI)
    for c in (XINGMAO, LONGQUAN, BAOLI):
        assert tree.children(c)
        assert all(tree.level(g) is Level.GRID for g in tree.children(c))
    named = {"兴茂小区", "龙泉小区", "保利小区"}
    synthetic = re.compile(r"^.+社区第\d+小区$")
    for c in tree.nodes(Level.COMPOUND):
        assert tree[c].name in named or synthetic.match(tree[c].name)


def test_codes(tree: GridTree) -> None:
    for node_id in tree:
        node = tree[node_id]
        if Level.DISTRICT <= node.level <= Level.GRID and node.level != Level.COMPOUND:
            assert node.code == node_id
        if node.level in (Level.COMPOUND, Level.BUILDING):
            assert node.code is None
        if node.level is Level.STREET:
            assert node.code is not None
            code = DivisionCode.parse(node.code.ljust(12, "0"))
            assert TownshipKind.STREET is code.township_kind
        if node.level is Level.COMMUNITY:
            assert node.code is not None
            assert VillageKind.RESIDENTS is DivisionCode.parse(node.code).village_kind
        if node.level is Level.GRID:
            community = tree.ancestor(node_id, Level.COMMUNITY)
            assert community is not None
            assert re.fullmatch(community + r"\d{3}", node_id)
        if node.level is Level.BUILDING:
            grid = tree.ancestor(node_id, Level.GRID)
            assert grid is not None
            assert re.fullmatch(grid + r"-B\d{2}", node_id)
        if node.level is Level.COMPOUND:
            community = tree.ancestor(node_id, Level.COMMUNITY)
            assert re.fullmatch(f"{community}-C\\d{{2}}", node_id)
        coded = [c for a in tree.ancestors(node_id) if (c := tree[a].code)]
        if node.code and coded:
            assert code_extends(node.code, coded[-1])


# -- validity, determinism -------------------------------------------------


def test_every_building_in_exactly_one_grid(tree: GridTree) -> None:
    for b in tree.nodes(Level.BUILDING):
        above = [a for a in tree.ancestors(b) if tree.level(a) is Level.GRID]
        assert 1 == len(above)


def test_grids_and_compounds_nest_both_ways(tree: GridTree) -> None:
    parents = Counter(
        (tree.level(p), tree.level(n))
        for n in tree
        if (p := tree.parent(n)) is not None
    )
    assert parents[(Level.COMPOUND, Level.GRID)] > 0
    assert parents[(Level.GRID, Level.COMPOUND)] > 0
    assert parents[(Level.GRID, Level.BUILDING)] > 0
    assert parents[(Level.COMPOUND, Level.BUILDING)] > 0


def test_valid_and_round_trips(tree: GridTree) -> None:
    assert tree == GridTree.from_records(zunyi_records())
    assert tree == GridTree.from_json(tree.to_json())


def test_deterministic() -> None:
    assert zunyi() is zunyi()
    assert _generate() == _generate()
    assert zunyi() == GridTree.from_records(_generate())


# -- households and population ---------------------------------------------


def test_households(tree: GridTree) -> None:
    for g in tree.nodes(Level.GRID):
        assert 300 <= (tree[g].households or 0) <= 500
    buildings = tree.nodes(Level.BUILDING)
    assert all((tree[b].households or 0) > 0 for b in buildings)
    households = tree.rollup({b: tree[b].households or 0 for b in buildings})
    assert {n: tree[n].households for n in tree} == households
    people = tree.rollup({b: tree[b].population or 0 for b in buildings})
    assert {n: tree[n].population for n in tree} == people
    root = tree[tree.root]
    assert root.households is not None
    assert root.population is not None
    assert 2.5 < root.population / root.households < 2.7


# -- staff and party organisations ---------------------------------------------


def test_staffing_figures(tree: GridTree) -> None:
    staff = zunyi_staffing()
    bozhou = tree.subtree(BOZHOU)
    workers = {a.person_id for a in staff.assignments if a.post.is_worker}
    assert ZUNYI_FACTS.bozhou_grid_workers == len(workers)
    counts = post_counts(tree, staff.assignments, within=BOZHOU)
    assert 432 == counts[Post.FULL_TIME_WORKER]
    assert 432 == counts[Post.GRID_LEADER]
    report = staffing_report(bozhou, staff.assignments)
    assert report.ok
    assert 432 == report.fully_staffed
    assert all(tree.contains(BOZHOU, a.node_id) for a in staff.assignments)


def test_party_figures(tree: GridTree) -> None:
    staff = zunyi_staffing()
    kinds = Counter(org.kind for org in staff.party_orgs)
    assert ZUNYI_FACTS.bozhou_grid_party_branches == kinds[PartyOrgKind.GRID_BRANCH]
    assert ZUNYI_FACTS.bozhou_grid_party_groups == kinds[PartyOrgKind.GROUP]
    assert 5 == kinds[PartyOrgKind.WORKING_COMMITTEE]
    assert 1 + 27 == kinds[PartyOrgKind.COMMITTEE]
    report = party_coverage(tree, staff.party_orgs, count_level="区")
    assert 1 == report.coverage_by[BOZHOU]
    assert 39 == report.counts[BOZHOU][PartyOrgKind.GRID_BRANCH]
    assert 229 == report.counts[BOZHOU][PartyOrgKind.GROUP]
    assert 0 == report.counts[HUICHUAN][PartyOrgKind.GROUP]
    own = party_coverage(tree.subtree(BOZHOU), staff.party_orgs)
    assert () == own.problems
    assert 432 == own.covered
    assert zunyi_staffing() is staff
