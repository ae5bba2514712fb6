"""支部建在网格上: party organisations, the coverage rule and structural checks."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcity.errors import Problem
from redcity.grid.levels import Level
from redcity.grid.party import (
    GRID_LEVEL_KINDS,
    PartyOrg,
    PartyOrgKind,
    party_coverage,
)
from redcity.grid.tree import GridTree


def row(id: str, parent: str | None, level: str, **extra: Any) -> dict[str, Any]:
    return {"id": id, "parent": parent, "level": level, "name": f"名{id}", **extra}


ROWS = [
    row("city", None, "市"),
    row("d1", "city", "区"),
    row("d2", "city", "区"),
    row("s1", "d1", "街道"),
    row("s2", "d2", "街道"),
    row("c1", "s1", "社区"),
    row("c2", "s2", "社区"),
    row("p1", "c1", "小区"),  # a big compound split into two grids
    row("g1", "p1", "网格"),
    row("g2", "p1", "网格"),
    row("g3", "c1", "网格"),
    row("b3", "g3", "楼栋"),
    row("g4", "c2", "网格"),
    row("g5", "c2", "网格"),
]

S, C, G, B, K, W = (
    PartyOrgKind.GROUP,
    PartyOrgKind.COMMITTEE,
    PartyOrgKind.GRID_BRANCH,
    PartyOrgKind.BRANCH,
    PartyOrgKind.GENERAL_BRANCH,
    PartyOrgKind.WORKING_COMMITTEE,
)


@pytest.fixture
def tree() -> GridTree:
    return GridTree.from_records(ROWS)


def org(id: str, kind: PartyOrgKind | str, parent: str | None, *nodes: str) -> PartyOrg:
    return PartyOrg(id, f"组织{id}", kind, parent, frozenset(nodes))


def test_kinds() -> None:
    assert [k.zh for k in PartyOrgKind] == [
        "党工委",
        "党委",
        "党总支",
        "党支部",
        "网格党支部",
        "党小组",
    ]
    assert PartyOrgKind.parse("网格党支部") is G
    assert PartyOrgKind.parse("grid branch") is G
    assert PartyOrgKind.parse("WORKING_COMMITTEE") is W
    assert G.en == "grid branch"
    assert frozenset({G, S}) == GRID_LEVEL_KINDS
    with pytest.raises(ValueError, match="known names: 党工委/WORKING_COMMITTEE"):
        PartyOrgKind.parse("团支部")
    with pytest.raises(ValueError, match="Expected a party"):
        PartyOrgKind.parse(None)  # type: ignore[arg-type]


def test_party_org_validates() -> None:
    o = PartyOrg("o", "名", "党小组")
    assert (o.kind, o.parent_id, o.node_ids) == (S, None, frozenset())
    with pytest.raises(TypeError, match="the string 'g1'"):
        PartyOrg("o", "名", S, None, "g1")
    with pytest.raises(ValueError, match="node ids"):
        PartyOrg("o", "名", S, None, [""])
    with pytest.raises(ValueError, match="name"):
        PartyOrg("o", "", S)
    with pytest.raises(ValueError, match="parent_id"):
        PartyOrg("o", "名", S, "")


def test_coverage_rule(tree: GridTree) -> None:
    orgs = [
        org("w", W, None, "s1", "s2"),
        org("k1", C, "w", "c1"),
        org("k2", C, "w", "c2"),
        org("gb1", G, "k1", "g1"),  # on the grid itself
        org("grp", S, "k1", "b3"),  # on a building inside g3
        org("big", G, "k1", "p1"),  # on the compound above g1, g2: covers none
        org("br", B, "k2", "g4"),  # a plain branch does not count by default
    ]
    report = party_coverage(tree, orgs)
    assert report.grids == 5
    assert report.covered == 2
    assert report.ratio == Fraction(2, 5)
    assert report.uncovered == ("g2", "g4", "g5")
    assert report.covering == {"g1": ("gb1",), "g3": ("grp",)}
    assert report.problems == tuple(
        Problem(g, "party", "no 网格党支部 or 党小组 is built on this grid.")
        for g in ("g2", "g4", "g5")
    )
    wider = party_coverage(tree, orgs, grid_kinds=[G, S, "党支部"])
    assert wider.uncovered == ("g2", "g5")


def test_counts_and_coverage_by_district(tree: GridTree) -> None:
    orgs = [
        org("w", W, None, "s1", "s2"),  # spans both districts: counted in each
        org("gb1", G, "w", "g1"),
        org("gb2", G, "w", "g2"),
        org("grp", S, "w", "g4"),
        org("top", C, None, "city"),  # above every district: counted in none
    ]
    report = party_coverage(tree, orgs)
    assert report.count_level is Level.DISTRICT
    assert list(report.counts) == ["d1", "d2"]
    assert report.counts["d1"][W] == report.counts["d2"][W] == 1
    assert report.counts["d1"][G] == 2
    assert report.counts["d2"][S] == 1
    assert sum(report.counts["d1"].values()) == 3
    assert report.coverage_by == {"d1": Fraction(2, 3), "d2": Fraction(1, 2)}
    by_street = party_coverage(tree, orgs, count_level="街道")
    assert list(by_street.counts) == ["s1", "s2"]


def test_no_grids() -> None:
    tree = GridTree.from_records([row("c", None, "社区")])
    report = party_coverage(tree, [org("k", C, None, "c")], count_level="社区")
    assert (report.grids, report.covered, report.ratio) == (0, 0, None)
    assert report.coverage_by == {"c": None}
    assert report.ok


def test_structural_problems(tree: GridTree) -> None:
    orgs = [
        org("w", W, None, "s1"),
        org("k1", C, "w", "c1", "c2"),  # c2 lies outside the 党工委's s1
        org("gb", G, "k1", "g1", "ghost"),  # unknown node
        org("gb", G, "k1", "g2"),  # duplicate id
        org("x", S, "nobody", "g3"),  # unknown parent
        org("a", K, "b", "c1"),  # a → b → a
        org("b", K, "a", "c1"),
        org("self", S, "self", "g5"),
        org("empty", C, None),
        org("under-empty", G, "empty", "g4"),  # a parent on no node covers nothing
    ]
    report = party_coverage(tree, orgs)
    assert report.duplicate_ids == ("gb",)
    assert report.unknown_nodes == (("gb", "ghost"),)
    assert report.unknown_parents == ("x",)
    assert report.cycles == (("a", "b"), ("self",))
    assert report.outside_parent == (("k1", "c2"), ("under-empty", "g4"))
    # The duplicate is dropped; every grid but g2 is covered.
    assert report.uncovered == ("g2",)
    fields = [(p.id, p.field) for p in report.problems]
    assert fields == [
        ("g2", "party"),
        ("gb", "id"),
        ("gb", "node_ids"),
        ("x", "parent_id"),
        ("a", "parent_id"),
        ("self", "parent_id"),
        ("k1", "node_ids"),
        ("under-empty", "node_ids"),
    ]
    assert "a → b → a" in report.problems[4].message
    assert not report.ok


def test_cycle_rotated_to_smallest_id(tree: GridTree) -> None:
    orgs = [org("z", K, "m", "c1"), org("m", K, "a", "c1"), org("a", K, "z", "c1")]
    assert party_coverage(tree, orgs).cycles == (("a", "z", "m"),)


@given(st.lists(st.sampled_from(["g1", "g2", "g3", "g4", "g5", "b3", "p1"])))
def test_coverage_ratio_matches_attached_grids(nodes: list[str]) -> None:
    tree = GridTree.from_records(ROWS)
    orgs = [org(f"o{i}", S, None, n) for i, n in enumerate(nodes)]
    report = party_coverage(tree, orgs)
    expected = {tree.ancestor(n, Level.GRID) for n in nodes} - {None}
    assert set(report.covering) == expected
    assert report.ratio == Fraction(len(expected), 5)
    assert report.covered + len(report.uncovered) == report.grids
