"""四定: posts, assignments, the staffing report and counts per subtree."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcity.grid.levels import Level
from redcity.grid.staffing import (
    DEFAULT_MAX_HOUSEHOLDS_PER_WORKER,
    DEFAULT_POST_LEVELS,
    Assignment,
    Post,
    Standard,
    post_counts,
    post_counts_by,
    staffing_report,
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
    row("g1", "c1", "网格", households=480),
    row("g2", "c1", "网格"),  # households from its buildings
    row("g3", "c2", "网格"),  # unknown: one building without households
    row("b1", "g1", "楼栋"),
    row("b2", "g2", "楼栋", households=300),
    row("b3", "g2", "楼栋", households=250),
    row("b4", "g3", "楼栋", households=100),
    row("b5", "g3", "楼栋"),
]

DUTIES = ("信息采集", "矛盾调解")
STANDARD = Standard(visit_every_days=30, report_within_hours=2)


def full(person: str, node: str, post: str, **kw: Any) -> Assignment:
    return Assignment(person, node, post, duties=DUTIES, standard=STANDARD, **kw)


@pytest.fixture
def tree() -> GridTree:
    return GridTree.from_records(ROWS)


@pytest.fixture
def staff() -> list[Assignment]:
    return [
        full("p1", "g1", "网格长"),
        full("p2", "g1", "专职网格员"),
        full("p3", "g2", "网格长"),
        full("p4", "g2", "专职网格员"),
        full("p5", "g2", "兼职网格员"),
        full("p6", "g3", "网格长"),
        full("p7", "g3", "兼职网格员"),
        full("p8", "g1", "网格指导员", party_member=True, in_service=True),
        full("p9", "b1", "楼栋长"),
    ]


def test_posts() -> None:
    assert [p.zh for p in Post] == [
        "网格长",
        "专职网格员",
        "兼职网格员",
        "网格指导员",
        "楼栋长",
    ]
    assert Post.GRID_INSTRUCTOR.en == "grid instructor"
    assert Post.parse("Grid Instructor") is Post.GRID_INSTRUCTOR
    assert Post.parse("PART_TIME_WORKER") is Post.PART_TIME_WORKER
    assert Post.FULL_TIME_WORKER.is_worker
    assert not Post.GRID_LEADER.is_worker
    with pytest.raises(ValueError, match="known names: 网格长/GRID_LEADER"):
        Post.parse("书记")
    with pytest.raises(ValueError, match="Expected a post"):
        Post.parse(3)  # type: ignore[arg-type]
    assert DEFAULT_POST_LEVELS[Post.BUILDING_LEADER] == frozenset({Level.BUILDING})


def test_assignment_and_standard_validate() -> None:
    a = Assignment("p", "g", Post.GRID_LEADER, duties=["巡查"])
    assert a.duties == ("巡查",)
    assert a.standard is None
    assert not a.party_member
    with pytest.raises(TypeError, match="the string '巡查'"):
        Assignment("p", "g", "网格长", duties="巡查")
    with pytest.raises(ValueError, match="non-empty string"):
        Assignment("p", "g", "网格长", duties=[""])
    with pytest.raises(ValueError, match="person_id"):
        Assignment("", "g", "网格长")
    with pytest.raises(ValueError, match="Expected a post"):
        Assignment("p", "g", "村长")
    with pytest.raises(TypeError):
        Assignment("p", "g", "网格长", party_member="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="visit_every_days"):
        Standard(visit_every_days=0)
    with pytest.raises(ValueError, match="report_within_hours"):
        Standard(report_within_hours=1.5)  # type: ignore[arg-type]


def test_fully_staffed_tree_is_ok(tree: GridTree, staff: list[Assignment]) -> None:
    report = staffing_report(tree, staff)
    assert report.grids == 3
    assert report.fully_staffed == 3
    assert report.without_leader == ()
    assert report.without_worker == ()
    assert report.overloaded == ()
    assert report.unknown_households == ("g3",)
    assert report.max_households_per_worker == DEFAULT_MAX_HOUSEHOLDS_PER_WORKER == 500
    assert [p.field for p in report.problems] == ["households"]
    assert report.counts == {
        Post.GRID_LEADER: 3,
        Post.FULL_TIME_WORKER: 2,
        Post.PART_TIME_WORKER: 2,
        Post.GRID_INSTRUCTOR: 1,
        Post.BUILDING_LEADER: 1,
    }
    staffed = staffing_report(GridTree.from_records(ROWS[:-1]), staff)
    assert staffed.ok


def test_missing_leader_and_worker(tree: GridTree, staff: list[Assignment]) -> None:
    report = staffing_report(tree, [a for a in staff if a.node_id != "g2"])
    assert report.without_leader == ("g2",)
    assert report.without_worker == ("g2",)
    assert report.fully_staffed == 2
    fields = {(p.id, p.field) for p in report.problems}
    assert {("g2", "GRID_LEADER"), ("g2", "workers")} <= fields
    assert not report.ok


def test_households_per_worker(tree: GridTree, staff: list[Assignment]) -> None:
    # g2 has 550 households (from its buildings) for two workers: 275 each.
    report = staffing_report(tree, staff, max_households_per_worker=250)
    loads = {o.grid: o for o in report.overloaded}
    assert sorted(loads) == ["g1", "g2"]
    assert loads["g2"].households == 550
    assert loads["g2"].workers == 2
    assert loads["g2"].per_worker == Fraction(275)
    assert loads["g1"].per_worker == Fraction(480)
    messages = [p.message for p in report.problems if p.id == "g2"]
    assert messages == [
        "550 households for 2 worker(s) is 275.0 per worker, more than 250."
    ]
    assert staffing_report(tree, staff, max_households_per_worker=None).overloaded == ()
    for bad in (0, -5, 2.5, True):
        with pytest.raises(ValueError, match="max_households_per_worker"):
            staffing_report(tree, staff, max_households_per_worker=bad)  # type: ignore[arg-type]


def test_same_person_listed_twice_counts_once(tree: GridTree) -> None:
    staff = [full("p", "g1", "专职网格员"), full("p", "g1", "专职网格员")]
    staff.append(Assignment("p", "g1", "专职网格员"))  # no duties: a different record
    report = staffing_report(tree, staff, max_households_per_worker=100)
    assert report.overloaded[0].workers == 1
    assert len(report.without_duties) == 1


def test_wrong_level_unknown_node_and_instructors(tree: GridTree) -> None:
    staff = [
        full("p1", "b1", "网格长"),  # a grid post on a building
        full("p2", "g1", "楼栋长"),  # a building post on a grid
        full("p3", "nowhere", "专职网格员"),
        full("p4", "g1", "网格指导员", party_member=True),  # not in service
        full("p5", "nowhere", "网格指导员"),
        Assignment("p6", "g2", "兼职网格员"),
    ]
    report = staffing_report(tree, staff)
    assert [a.person_id for a in report.wrong_level] == ["p1", "p2"]
    assert [a.person_id for a in report.unknown_nodes] == ["p3", "p5"]
    assert [a.person_id for a in report.unqualified_instructors] == ["p4", "p5"]
    assert [a.person_id for a in report.without_duties] == ["p6"]
    assert [a.person_id for a in report.without_standard] == ["p6"]
    # Invalid assignments cover nothing: g1's leader sits on a building.
    assert report.without_leader == ("g1", "g2", "g3")
    assert report.without_worker == ("g1", "g3")
    assert report.counts[Post.GRID_LEADER] == 0
    fields = [(p.id, p.field) for p in report.problems]
    for expected in [
        ("p1", "post"),
        ("p3", "node_id"),
        ("p4", "in_service"),
        ("p6", "duties"),
        ("p6", "standard"),
    ]:
        assert expected in fields


def test_post_levels_are_configurable(tree: GridTree) -> None:
    staff = [full("p1", "b1", "网格长"), full("p2", "b1", "专职网格员")]
    report = staffing_report(
        tree,
        staff,
        post_levels={
            Post.GRID_LEADER: ["网格", "楼栋"],
            Post.FULL_TIME_WORKER: ["楼栋"],
        },
    )
    assert report.wrong_level == ()
    # Posts on buildings count for the grid above them.
    assert "g1" not in report.without_leader
    assert "g1" not in report.without_worker
    with pytest.raises(ValueError, match="level"):
        staffing_report(tree, staff, post_levels={Post.GRID_LEADER: ["星球"]})


def test_post_on_a_node_above_any_grid_counts_for_no_grid(tree: GridTree) -> None:
    report = staffing_report(
        tree, [full("p", "c1", "网格长")], post_levels={"网格长": [Level.COMMUNITY]}
    )
    assert report.wrong_level == ()
    assert report.counts[Post.GRID_LEADER] == 1
    assert report.without_leader == ("g1", "g2", "g3")


def test_post_counts_per_subtree(tree: GridTree, staff: list[Assignment]) -> None:
    everything = post_counts(tree, [*staff, full("p0", "nowhere", "网格长")])
    assert everything[Post.GRID_LEADER] == 3
    d2 = post_counts(tree, staff, within="d2")
    assert d2 == {
        Post.GRID_LEADER: 1,
        Post.FULL_TIME_WORKER: 0,
        Post.PART_TIME_WORKER: 1,
        Post.GRID_INSTRUCTOR: 0,
        Post.BUILDING_LEADER: 0,
    }
    by_district = post_counts_by(tree, staff)
    assert list(by_district) == ["d1", "d2"]
    assert by_district["d2"] == d2
    assert by_district["d1"][Post.BUILDING_LEADER] == 1
    by_grid = post_counts_by(tree, [*staff, full("p0", "c1", "网格长")], Level.GRID)
    assert [n[Post.GRID_LEADER] for n in by_grid.values()] == [1, 1, 1]


def test_part_timer_in_two_grids_counts_once_per_subtree(tree: GridTree) -> None:
    staff = [full("p", "g1", "兼职网格员"), full("p", "g2", "兼职网格员")]
    assert post_counts(tree, staff)[Post.PART_TIME_WORKER] == 1
    by_grid = post_counts_by(tree, staff, "网格")
    assert [n[Post.PART_TIME_WORKER] for n in by_grid.values()] == [1, 1, 0]


@given(
    leaders=st.sets(st.sampled_from(["g1", "g2", "g3"])),
    workers=st.sets(st.sampled_from(["g1", "g2", "g3", "b1", "nowhere"])),
)
def test_report_partitions_grids(leaders: set[str], workers: set[str]) -> None:
    tree = GridTree.from_records(ROWS)
    staff = [full(f"L{g}", g, "网格长") for g in sorted(leaders)]
    staff += [full(f"W{g}", g, "专职网格员") for g in sorted(workers)]
    report = staffing_report(tree, staff)
    assert set(report.without_leader) == {"g1", "g2", "g3"} - leaders
    assert set(report.without_worker) == {"g1", "g2", "g3"} - workers
    assert report.counts[Post.GRID_LEADER] == len(leaders)
    assert (
        sum(n[Post.FULL_TIME_WORKER] for n in post_counts_by(tree, staff).values())
        == (post_counts(tree, staff)[Post.FULL_TIME_WORKER])
    )
    again = staffing_report(tree, list(reversed(staff)))
    assert (again.without_leader, again.without_worker, again.counts) == (
        report.without_leader,
        report.without_worker,
        report.counts,
    )
