"""GridTree examples: the contract of DESIGN §4 and every validation problem."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcity.errors import RedcityError, UnknownNode
from redcity.grid import DEFAULT_SCHEME, GridError, GridTree, Level, LevelScheme, Node
from redcity.testing.strategies import grid_trees


def row(id: str, parent: str | None, level: str, **extra: Any) -> dict[str, Any]:
    return {"id": id, "parent": parent, "level": level, "name": f"名{id}", **extra}


SMALL = [
    row("d", None, "区", code="520304"),
    row("s", "d", "街道", code="520304001"),
    row("c", "s", "社区", code="520304001001"),
    row("p", "c", "小区"),
    row("g1", "p", "网格", code="520304001001001", households=320),
    row("g2", "p", "网格", code="520304001001002", households=410),
    row("b1", "g1", "楼栋"),
    row("b2", "g1", "楼栋"),
    row("b3", "g2", "楼栋"),
    row("g3", "c", "网格", households=300),
    row("p2", "g3", "小区"),
    row("b4", "p2", "楼栋"),
]


@pytest.fixture
def tree() -> GridTree:
    return GridTree.from_records(SMALL)


def problems_of(rows: list[dict[str, Any]], **kw: Any) -> set[tuple[str, str]]:
    with pytest.raises(GridError) as info:
        GridTree.from_records(rows, **kw)
    return {(p.id, p.field) for p in info.value.problems}


# -- the contract ---------------------------------------------------------


def test_contract_queries(tree: GridTree) -> None:
    assert len(tree) == 12
    assert tree["g1"] == Node("g1", "p", Level.GRID, "名g1", "520304001001001", 320)
    assert tree.count(Level.GRID) == 3
    assert tree.count("楼栋") == 4
    assert tree.count() == 12
    assert tree.parent("d") is None
    assert tree.parent("b4") == "p2"
    assert tree.children("c") == ("p", "g3")
    assert tree.children("b1") == ()
    assert tree.nodes(level=Level.GRID) == ("g1", "g2", "g3")
    assert tree.nodes() == tree.ids
    assert tree.descendants("p") == ("g1", "b1", "b2", "g2", "b3")
    assert tree.ancestors("b3") == ("d", "s", "c", "p", "g2")
    assert tree.ancestors("d") == ()
    assert tree.ancestor("b4", Level.GRID) == "g3"
    assert tree.ancestor("b4", Level.COMPOUND) == "p2"
    assert tree.ancestor("b1", Level.COMPOUND) == "p"
    assert tree.ancestor("s", Level.COMMUNITY) is None
    assert tree.ancestor("c", "社区") == "c"
    assert tree.contains("c", "b4")
    assert tree.contains("b4", "b4")
    assert not tree.contains("g1", "b3")
    assert not tree.contains("b1", "g1")
    assert tree.depth("b1") == 5
    assert tree.root == "d"


def test_graph_is_frozen_view(tree: GridTree) -> None:
    g = tree.graph
    assert nx.is_frozen(g)
    assert set(g.edges) == {
        (n.parent, n.id) for n in map(tree.__getitem__, tree) if n.parent
    }
    assert g.nodes["g1"]["level"] is Level.GRID
    assert g.nodes["g1"]["households"] == 320
    assert "code" not in g.nodes["p"]
    with pytest.raises(nx.NetworkXError):
        g.add_edge("d", "x")


def test_rollup(tree: GridTree) -> None:
    totals = tree.rollup({"g1": 1, "b1": 2, "b3": 4, "b4": 8})
    assert totals["d"] == 15
    assert totals["p"] == 7
    assert totals["g3"] == 8
    assert totals["b2"] == 0
    assert set(totals) == set(tree)
    assert tree.rollup({"b1": Decimal("0.1"), "b2": Decimal("0.2")})["d"] == Decimal(
        "0.3"
    )
    assert tree.rollup({"b1": Fraction(1, 3), "b4": Fraction(2, 3)})["c"] == 1
    assert tree.rollup({"b1": 0.5, "b4": 0.25})["d"] == 0.75


def test_rollup_rejects_unknown_ids(tree: GridTree) -> None:
    with pytest.raises(UnknownNode, match="nope"):
        tree.rollup({"nope": 1})


def test_array_forms(tree: GridTree) -> None:
    values = list(range(len(tree)))
    by_pass = tree.rollup(dict(zip(tree.ids, values, strict=True)))
    assert [by_pass[i] for i in tree.ids] == tree.rollup_array(values)
    assert tree.contains_many("p", list(tree)) == [tree.contains("p", i) for i in tree]
    outers = list(reversed(tree.ids))
    assert tree.contains_many(outers, list(tree)) == [
        tree.contains(o, i) for o, i in zip(outers, tree, strict=True)
    ]
    assert tree.select(tree.contains_many("g1", list(tree))) == ("g1", "b1", "b2")
    with pytest.raises(ValueError, match="aligned"):
        tree.rollup_array([1, 2])
    with pytest.raises(ValueError, match="as many"):
        tree.contains_many(["d"], ["d", "s"])


def test_unknown_node_errors(tree: GridTree) -> None:
    for call in (tree.__getitem__, tree.parent, tree.children, tree.ancestors):
        with pytest.raises(UnknownNode, match="'zz'") as info:
            call("zz")
        assert isinstance(info.value, KeyError)
        assert isinstance(info.value, RedcityError)
    with pytest.raises(UnknownNode):
        tree.contains("d", "zz")
    with pytest.raises(UnknownNode):
        tree.contains_many("d", ["s", "zz"])
    assert "zz" not in tree
    assert "d" in tree


def test_subtree(tree: GridTree) -> None:
    sub = tree.subtree("p")
    assert sub.root == "p"
    assert sub.parent("p") is None
    assert sub.ids == ("p", "g1", "b1", "b2", "g2", "b3")
    assert sub.rollup({"b1": 1})["p"] == 1
    assert sub.ancestors("b3") == ("p", "g2")


def test_round_trips(tree: GridTree) -> None:
    assert GridTree.from_records(tree.to_records()) == tree
    assert GridTree.from_json(tree.to_json()) == tree
    assert hash(GridTree.from_json(tree.to_json())) == hash(tree)
    assert "楼栋" not in tree.to_json()  # levels are written by English name
    assert "名d" in tree.to_json()  # Chinese kept readable


def test_records_in_any_order_build_the_same_tree() -> None:
    a = GridTree.from_records(list(reversed(SMALL)))
    b = GridTree.from_records(SMALL)
    assert set(a.graph.edges) == set(b.graph.edges)
    assert sorted(a.ids) == sorted(b.ids)
    assert a.children("c") == ("g3", "p")  # siblings keep their record order


def test_to_frame(tree: GridTree) -> None:
    frame = tree.to_frame()
    assert list(frame.index) == list(tree.ids)
    assert frame.loc["b1", "depth"] == 5
    assert frame.loc["p", "subtree_size"] == 6


def test_repr_and_html(tree: GridTree) -> None:
    assert "nodes=12" in repr(tree)
    html = tree._repr_html_()
    assert "网格" in html
    assert "名d" in html


def test_not_built_directly() -> None:
    with pytest.raises(TypeError, match="from_records"):
        GridTree()


# -- every validation problem ---------------------------------------------


def test_duplicate_id() -> None:
    assert ("s", "id") in problems_of([*SMALL, row("s", "d", "街道")])


def test_unknown_parent() -> None:
    assert problems_of([*SMALL, row("x", "nowhere", "楼栋")]) >= {("x", "parent")}


def test_several_roots() -> None:
    assert ("d2", "parent") in problems_of([*SMALL, row("d2", None, "区")])


def test_no_root_and_cycle() -> None:
    rows = [row("a", "b", "社区"), row("b", "a", "社区")]
    found = problems_of(rows)
    assert ("", "parent") in found  # no root
    assert ("a", "parent") in found  # the cycle a → b → a


def test_cycle_beside_a_valid_tree() -> None:
    rows = [*SMALL, row("x", "y", "网格"), row("y", "x", "网格")]
    with pytest.raises(GridError) as info:
        GridTree.from_records(rows)
    [problem] = info.value.problems
    assert (problem.id, problem.field) == ("x", "parent")
    assert "cycle" in problem.message
    assert "x → y → x" in problem.message


def test_self_parent() -> None:
    assert ("x", "parent") in problems_of([*SMALL, row("x", "x", "网格")])


def test_level_pair_the_scheme_forbids() -> None:
    # A grid directly under a street is never allowed (DESIGN §2).
    found = problems_of([*SMALL, row("gx", "s", "网格")])
    assert found == {("gx", "level")}


def test_building_outside_any_grid() -> None:
    found = problems_of([*SMALL, row("p3", "c", "小区"), row("bx", "p3", "楼栋")])
    assert found == {("bx", "parent")}


def test_building_under_two_grids() -> None:
    rows = [
        *SMALL,
        row("p4", "g3", "小区"),
        row("g4", "p4", "网格"),
        row("by", "g4", "楼栋"),
    ]
    assert problems_of(rows) == {("by", "parent")}


def test_code_must_extend_parents() -> None:
    found = problems_of([*SMALL, row("g9", "c", "网格", code="520303001001009")])
    assert found == {("g9", "code")}


def test_code_extends_nearest_coded_ancestor() -> None:
    # p has no code: b's code must extend g1's (nearest coded node above it).
    ok = [*SMALL, row("b9", "g1", "楼栋", code="520304001001001009")]
    assert GridTree.from_records(ok)["b9"].code == "520304001001001009"
    assert problems_of(
        [*SMALL, row("b8", "g1", "楼栋", code="520304001001002009")]
    ) == {("b8", "code")}


def test_bad_fields_each_reported() -> None:
    rows = [
        *SMALL,
        {"id": "", "parent": "c", "level": "网格", "name": "x"},
        {"id": "x1", "parent": "c", "level": "tower", "name": "x"},
        {"id": "x2", "parent": "c", "level": "网格", "name": ""},
        {"id": "x3", "parent": "c", "level": "网格", "name": "x", "households": -1},
        {"id": "x4", "parent": "c", "level": "网格", "name": "x", "population": 2.5},
        {"id": "x5", "parent": "c", "level": "网格", "name": "x", "code": "52a"},
        {"id": "x6", "level": "网格", "name": "x"},
        {"id": "x7", "parent": "c", "level": "网格", "name": "x", "colour": "red"},
        {
            "id": "x8",
            "parent": "c",
            "level": "社区",
            "name": "x",
            "code": "520304001999",
        },
        ["not", "a", "mapping"],
    ]
    assert problems_of(rows) == {
        ("row 12", "id"),
        ("x1", "level"),
        ("x2", "name"),
        ("x3", "households"),
        ("x4", "population"),
        ("x5", "code"),
        ("x6", "parent"),
        ("x7", "colour"),
        ("x8", "code"),
        ("row 21", ""),
    }


def test_every_problem_at_once_and_message_names_them() -> None:
    rows = [
        *SMALL,
        row("s", "d", "街道"),
        row("gx", "s", "网格"),
        row("x", "zz", "楼栋"),
    ]
    with pytest.raises(GridError) as info:
        GridTree.from_records(rows)
    err = info.value
    assert isinstance(err, ValueError)
    assert len(err.problems) == 3
    text = str(err)
    assert text.startswith("3 problems found:")
    for p in err.problems:
        assert p.id in text


def test_from_json_rejects_non_list() -> None:
    with pytest.raises(GridError, match="JSON list"):
        GridTree.from_json('{"id": "x"}')


def test_custom_scheme() -> None:
    flat = LevelScheme([("社区", "楼栋")], building_in_one_grid=False)
    rows = [row("c", None, "社区"), row("b", "c", "楼栋")]
    assert GridTree.from_records(rows, scheme=flat).count(Level.BUILDING) == 1
    assert problems_of(rows, scheme=DEFAULT_SCHEME) == {("b", "level"), ("b", "parent")}


def test_empty_input_builds_empty_tree() -> None:
    empty = GridTree.from_records([])
    assert len(empty) == 0
    assert empty.rollup({}) == {}


def test_children_of_a_rejected_row_are_not_orphans() -> None:
    # x3 is rejected for its households; its child must not be reported as
    # having an unknown parent: the one real problem is reported, once.
    rows = [*SMALL, row("x3", "c", "网格", households=-1), row("bz", "x3", "楼栋")]
    assert problems_of(rows) == {("x3", "households")}


def test_positions_and_contains_array(tree: GridTree) -> None:
    pos = tree.positions(list(tree))
    assert list(range(len(tree))) == list(pos)
    with pytest.raises(UnknownNode):
        tree.positions(["d", "zz"])
    with pytest.raises(IndexError, match="outers"):
        tree.contains_array([-1], [0])
    with pytest.raises(IndexError, match="inners"):
        tree.contains_array([0], [len(tree)])
    with pytest.raises(ValueError, match="as many"):
        tree.contains_array([0], [0, 1])
    assert [] == tree.contains_array([], [])


@given(grid_trees(max_nodes=40), st.data())
def test_contains_array_agrees_with_contains(
    tree: GridTree, data: st.DataObject
) -> None:
    pairs = data.draw(
        st.lists(st.tuples(*[st.sampled_from(tree.ids)] * 2), max_size=30)
    )
    outers = tree.positions([a for a, _ in pairs])
    inners = tree.positions([b for _, b in pairs])
    expected = [tree.contains(a, b) for a, b in pairs]
    assert expected == tree.contains_array(outers, inners)
    assert expected == [nx.has_path(tree.graph, a, b) for a, b in pairs]


@given(grid_trees(max_nodes=40))
def test_ancestors_shared_tuples_are_right(tree: GridTree) -> None:
    for node_id in tree:
        path = nx.shortest_path(tree.graph, tree.root, node_id)
        assert tuple(path[:-1]) == tree.ancestors(node_id)
        assert len(path) - 1 == tree.depth(node_id)


def test_problems_name_the_row_they_were_found_in() -> None:
    rows: list[Any] = [
        {"id": "a", "parent": None, "level": "区", "name": "A"},
        {"id": "b", "parent": "a", "level": "nowhere", "name": "B"},
        {"id": "a", "parent": None, "level": "区", "name": "A again"},
        5,
        {"id": "c", "parent": "missing", "level": "街道", "name": "C"},
    ]
    with pytest.raises(GridError) as info:
        GridTree.from_records(rows)
    found = {(p.id, p.field): p.row for p in info.value.problems}
    assert found[("b", "level")] == 1
    assert found[("a", "id")] == 2  # the duplicate's own row
    assert found[("row 3", "")] == 3
    # found after reading every row: the node id says where
    assert found[("c", "parent")] is None
