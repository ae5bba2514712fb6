"""Routing, escalation and whistle policies: examples and properties."""

from __future__ import annotations

import itertools
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcity.calendars import WorkCalendar
from redcity.dispatch.policies import (
    DEFAULT_BOUNDS,
    Assignment,
    BoundedEscalation,
    EscalationPolicy,
    Handler,
    RoutingPolicy,
    Scope,
    TableRouter,
    TableWhistle,
    WhistlePolicy,
    escalate,
    escalation_path,
    handling_node,
    resolution_scope,
    route,
    summoning_node,
)
from redcity.dispatch.sla import SEVERITIES
from redcity.errors import UnknownNode, ValidationError
from redcity.grid import GridTree, Level
from redcity.testing.strategies import grid_trees


def row(id: str, parent: str | None, level: str) -> dict[str, Any]:
    return {"id": id, "parent": parent, "level": level, "name": f"名{id}"}


# A big compound p split into grids g1, g2; grid g3 covering a small compound p2.
TREE = GridTree.from_records(
    [
        row("d", None, "区"),
        row("s", "d", "街道"),
        row("c", "s", "社区"),
        row("p", "c", "小区"),
        row("g1", "p", "网格"),
        row("g2", "p", "网格"),
        row("b1", "g1", "楼栋"),
        row("b3", "g2", "楼栋"),
        row("g3", "c", "网格"),
        row("p2", "g3", "小区"),
        row("b4", "p2", "楼栋"),
    ]
)
CAL = WorkCalendar.china()


def test_protocols_are_met() -> None:
    router: RoutingPolicy = TableRouter()
    escalation: EscalationPolicy = BoundedEscalation()
    whistle: WhistlePolicy = TableWhistle()
    assert router
    assert escalation
    assert whistle


# -- routing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node", "expected"),
    [("b1", "g1"), ("b4", "g3"), ("p2", "g3"), ("g2", "g2"), ("p", "c"), ("s", "s")],
)
def test_handling_node(node: str, expected: str) -> None:
    assert expected == handling_node(TREE, node)


def test_route_to_grid_or_department() -> None:
    router = TableRouter({"street.vending": "enforcement"})
    assert Assignment(Handler("grid", "g1"), Handler("grid", "g1")) == router(
        TREE, "b1", "env.garbage"
    )
    a = router(TREE, "b1", "street.vending")
    assert Handler.department("enforcement") == a.handler
    assert a.responsible == a.handler
    assert not a.passed_on


def test_first_receiver_stays_responsible() -> None:
    hotline = Handler.department("12345")
    a = route(TREE, "b4", "env.garbage", received_by=hotline)
    assert Handler("网格", "g3") == a.handler
    assert hotline == a.responsible
    assert a.passed_on


def test_route_unknown_node_raises() -> None:
    router = TableRouter({"x": "dept"})
    with pytest.raises(UnknownNode):
        router(TREE, "nope", "x")
    with pytest.raises(UnknownNode):
        router(TREE, "nope", "y")
    with pytest.raises(UnknownNode):
        router.route_many(TREE, ["nope"], ["x"])


def test_router_from_taxonomy_like_mapping() -> None:
    class Cat:
        def __init__(self, department: str, needs_whistle: bool) -> None:
            self.department, self.needs_whistle = department, needs_whistle

    taxonomy = {"a": Cat("enforcement", True), "b": Cat("env", False)}
    router = TableRouter.from_taxonomy(taxonomy)
    assert {"a": "enforcement"} == dict(router.departments)
    whistle = TableWhistle.from_taxonomy(taxonomy, "1d")
    assert {"a": ("enforcement",)} == dict(whistle.departments)


def test_handler_validation_and_text() -> None:
    assert "grid:g1" == str(Handler(Level.GRID, "g1"))
    assert "department:城管" == str(Handler("部门", "城管"))
    with pytest.raises(ValueError, match="non-empty"):
        Handler("grid", "")
    with pytest.raises(ValueError, match="level"):
        Handler("nowhere", "x")
    with pytest.raises(ValidationError):
        TableRouter({"a": ""})


# -- escalation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node", "severity", "whistled", "path"),
    [
        ("b1", "small", False, ("b1", "g1")),
        ("b1", "big", False, ("b1", "g1", "p", "c")),  # the big compound is a step
        ("b1", "urgent", False, ("b1", "g1", "p", "c", "s")),
        ("b1", "small", True, ("b1", "g1", "p", "c", "s", "d")),
        ("b4", "small", False, ("b4", "p2", "g3")),  # a compound inside a grid
        ("b4", "big", False, ("b4", "p2", "g3", "c")),
        ("p", "small", False, ("p",)),  # above every grid: no climbing
        ("c", "big", False, ("c",)),
        ("c", "urgent", False, ("c", "s")),
        ("d", "urgent", True, ("d",)),  # the root has nowhere to go
    ],
)
def test_escalation_paths(
    node: str, severity: str, whistled: bool, path: tuple[str, ...]
) -> None:
    assert path == escalation_path(TREE, node, severity, whistled)


def test_configurable_bounds() -> None:
    strict = {"small": "网格", "big": "网格", "urgent": "社区"}
    assert escalate(TREE, "g1", "big", bounds=strict) is None
    assert "c" == escalate(TREE, "g3", "urgent", bounds=strict)
    with pytest.raises(ValidationError) as info:
        BoundedEscalation({"small": "网格", "huge": "社区", "big": "nowhere"})
    assert {"huge", "big", "urgent"} == {p.id for p in info.value.problems}


def test_cut_off_tree_is_in_bounds() -> None:
    tree = GridTree.from_records([row("c", None, "社区"), row("g", "c", "网格")])
    assert "c" == escalate(tree, "g", "urgent")  # no street: the root bounds it
    assert escalate(tree, "g", "small") is None


def test_severity_enum_accepted() -> None:
    import enum

    class Severity(enum.Enum):
        BIG = "big"

    assert "p" == escalate(TREE, "g1", Severity.BIG)


@pytest.mark.parametrize(
    ("resolver", "scope"),
    [
        ("g1", Scope.GRID),
        ("b1", Scope.GRID),
        ("p", Scope.COMMUNITY),
        ("g2", Scope.COMMUNITY),
        ("c", Scope.COMMUNITY),
        ("s", Scope.ABOVE),
        (Handler.department("enforcement"), Scope.ABOVE),
        (Handler("grid", "g1"), Scope.GRID),
    ],
)
def test_resolution_scope(resolver: Handler | str, scope: Scope) -> None:
    assert scope == resolution_scope(TREE, "b1", resolver)


# -- whistle ---------------------------------------------------------------------


def test_whistle_summons_departments_with_deadline() -> None:
    whistle = TableWhistle(
        {"fire.corridor": ["fire", "enforcement"], "build.illegal": "enforcement"},
        respond="4h",
        respond_by_category={"build.illegal": "2d"},
    )
    at = pendulum.datetime(2026, 2, 13, 16, tz="Asia/Shanghai")
    w = whistle(TREE, "b1", "fire.corridor", at, CAL)
    assert w is not None
    assert ("s", ("fire", "enforcement")) == (w.summoner, w.departments)
    # 1.5 h on Friday 02-13, 2.5 h on the make-up Saturday 02-14 (春节 调休).
    assert pendulum.datetime(2026, 2, 14, 11, tz="Asia/Shanghai") == w.respond_by
    w2 = whistle(TREE, "b1", "build.illegal", at, CAL)
    assert w2 is not None
    assert pendulum.datetime(2026, 2, 24, 17, 30, tz="Asia/Shanghai") == w2.respond_by
    assert whistle(TREE, "b1", "env.garbage", at, CAL) is None
    assert whistle.needs_whistle("build.illegal")


def test_summoning_node() -> None:
    assert "s" == summoning_node(TREE, "b4")
    assert "d" == summoning_node(TREE, "d")
    cut = GridTree.from_records([row("c", None, "社区"), row("g", "c", "网格")])
    assert "c" == summoning_node(cut, "g")


# -- properties ------------------------------------------------------------------

severities = st.sampled_from(SEVERITIES)
categories = st.sampled_from(["env.garbage", "street.vending", "fire.corridor", "x"])


@given(grid_trees(max_nodes=40), severities, st.booleans(), st.data())
def test_escalation_never_skips_and_respects_bound(
    tree: GridTree, severity: str, whistled: bool, data: st.DataObject
) -> None:
    start = data.draw(st.sampled_from(tree.ids))
    path = escalation_path(tree, start, severity, whistled)
    for below, above in itertools.pairwise(path):
        assert tree.parent(below) == above  # exactly one level, skipping nothing
    if whistled:
        assert tree.root == path[-1]
        return
    top = BoundedEscalation().bound(tree, start, severity)
    if top is None:
        assert (start,) == path
    else:
        assert all(tree.contains(top, n) for n in path)
        level = DEFAULT_BOUNDS[severity]
        if tree.level(top) is level:  # reaches the bound, not beyond
            assert top == path[-1]


@given(grid_trees(max_nodes=40), st.data())
def test_routing_is_total(tree: GridTree, data: st.DataObject) -> None:
    router = TableRouter({"street.vending": "enforcement"})
    nodes = data.draw(st.lists(st.sampled_from(tree.ids), min_size=1, max_size=10))
    cats = data.draw(st.lists(categories, min_size=len(nodes), max_size=len(nodes)))
    bulk = router.route_many(tree, nodes, cats)
    for node, cat, handler in zip(nodes, cats, bulk, strict=True):
        a = router(tree, node, cat)
        assert a.handler == handler
        if handler.is_department:
            assert "street.vending" == cat
        else:
            assert tree.contains(handler.id, node)
            assert (
                handler.level
                in {
                    Level.GRID,
                    Level.COMMUNITY,
                    Level.STREET,
                    Level.DISTRICT,
                    Level.CITY,
                }
                or handler.id == tree.root
            )


@given(grid_trees(max_nodes=40), st.data())
def test_building_routes_to_its_grid(tree: GridTree, data: st.DataObject) -> None:
    buildings = tree.nodes(Level.BUILDING)
    if buildings:
        b = data.draw(st.sampled_from(buildings))
        assert tree.ancestor(b, Level.GRID) == route(tree, b, "x").handler.id
