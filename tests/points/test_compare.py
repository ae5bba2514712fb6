"""The impact of a rule change: per member, per rule, rolled up the grid."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings

from redcity.grid import GridTree, Level
from redcity.points import (
    AreaChange,
    Comparison,
    Fact,
    Fixed,
    MemberChange,
    MicroWish,
    Rule,
    RuleBook,
    RuleDelta,
    ServiceRecord,
    compare,
    compile_rulebook,
    score,
)
from redcity.testing.strategies import fact_lists, rulebooks

EXAMPLES = Path(__file__).parents[2] / "src" / "redcity" / "points" / "rulebooks"
CST = timezone(timedelta(hours=8))


def load(name: str) -> RuleBook:
    return attrs.evolve(
        RuleBook.load(EXAMPLES / f"{name}.toml"), effective_from=date(2026, 1, 1)
    )


TREE = GridTree.from_records(
    [
        {"id": "s", "parent": None, "level": "街道", "name": "南白街道"},
        {"id": "c1", "parent": "s", "level": "社区", "name": "南社区"},
        {"id": "c2", "parent": "s", "level": "社区", "name": "娄山社区"},
        {"id": "g1", "parent": "c1", "level": "网格", "name": "网格1"},
        {"id": "g2", "parent": "c1", "level": "网格", "name": "网格2"},
        {"id": "g3", "parent": "c2", "level": "网格", "name": "网格3"},
        {"id": "b1", "parent": "g3", "level": "楼栋", "name": "1栋"},
    ]
)


def service(
    fid: str, member: str, node: str, minutes: int, day: int = 1
) -> ServiceRecord:
    start = datetime(2026, 5, day, 9, tzinfo=CST)
    return ServiceRecord(
        id=fid,
        at=start,
        end=start + timedelta(minutes=minutes),
        member_id=member,
        node_id=node,
        category="助老",
        organizer_id="org",
    )


FACTS = [
    service("a", "m1", "g1", 60),  # 昆山 10, 海林 1
    service("b", "m1", "g2", 180, day=2),  # 昆山 30, 海林 2
    service("c", "m2", "b1", 150),  # 昆山 25, 海林 2
    MicroWish(
        id="w",
        at=datetime(2026, 5, 3, tzinfo=CST),
        member_id="m3",
        node_id="g3",
        wish_id="x",
    ),
]


def test_kunshan_to_hailin_by_hand() -> None:
    report = compare(load("kunshan"), load("hailin"), FACTS, tree=TREE)
    assert "kunshan-volunteer v2025.1" == report.old
    assert "hailin-volunteer v1" == report.new
    assert (
        MemberChange("m1", 40, 3, (RuleDelta("service-hours", 40, 3),)),
        MemberChange("m2", 25, 2, (RuleDelta("service-hours", 25, 2),)),
    ) == report.members
    assert (RuleDelta("service-hours", 65, 5),) == report.rules
    assert [
        ("s", Level.STREET, 65, 5),
        ("c1", Level.COMMUNITY, 40, 3),
        ("g1", Level.GRID, 10, 1),
        ("g2", Level.GRID, 30, 2),
        ("c2", Level.COMMUNITY, 25, 2),
        ("g3", Level.GRID, 25, 2),
    ] == [(a.node_id, a.level, a.old, a.new) for a in report.areas]
    assert (65, 5) == (report.total_old, report.total_new)
    assert [] == report.winners()
    assert ["m1", "m2"] == [m.member_id for m in report.losers()]
    assert MemberChange("m3", 0, 0) == report.member("m3")
    assert -37 == report.member("m1").diff


def test_adding_a_rule_names_it_as_the_cause() -> None:
    old = load("kunshan")
    new = attrs.evolve(
        old,
        version="2026.1",
        rules=[*old.rules, Rule(id="wish", kind="micro_wish", award=Fixed(5))],
    )
    report = compare(old, new, FACTS)
    assert MemberChange("m3", 0, 5, (RuleDelta("wish", 0, 5),)) == report.member("m3")
    assert MemberChange("m1", 40, 40, ()) == report.member("m1")
    assert ["m3"] == [m.member_id for m in report.winners()]
    assert () == report.areas  # no tree, no rollups


def test_levels_and_compiled_books() -> None:
    old = compile_rulebook(load("kunshan"))
    report = compare(old, load("hailin"), FACTS, tree=TREE, levels=["楼栋", "street"])
    assert [("s", 65, 5), ("b1", 25, 2)] == [
        (a.node_id, a.old, a.new) for a in report.areas
    ]
    assert AreaChange("b1", Level.BUILDING, "1栋", 25, 2) == report.areas[1]


def test_frames_and_html() -> None:
    report = compare(load("kunshan"), load("hailin"), FACTS, tree=TREE)
    members = report.to_frame()
    assert ["old", "new", "diff", "causes"] == list(members.columns)
    assert (40, 3, -37, "service-hours -37") == tuple(members.loc["m1"])
    areas = report.to_frame("areas")
    assert ("community", "南社区", -37) == (
        areas.loc["c1", "level"],
        areas.loc["c1", "name"],
        areas.loc["c1", "diff"],
    )
    assert 65 == report.to_frame("rules").loc["service-hours", "old"]
    with pytest.raises(ValueError, match="'members', 'areas' or 'rules'"):
        report.to_frame("streets")
    html = report._repr_html_()
    assert "kunshan-volunteer v2025.1 → hailin-volunteer v1" in html
    assert "南社区" in html
    assert "service-hours -37" in html
    many = Comparison(
        "a", "b", tuple(MemberChange(f"m{i}", 0, i + 1) for i in range(30))
    )
    assert "… and 10 more members" in many._repr_html_()
    assert "&lt;b&gt;" in Comparison("a", "<b>")._repr_html_()


@settings(max_examples=40)
@given(
    rulebooks(node_ids=["g1", "c1"]),
    rulebooks(node_ids=["g2", "c2"]),
    fact_lists(max_size=20, node_ids=["g1", "g2", "g3", "b1"]),
)
def test_sums_agree_with_scoring_each_book(
    old: RuleBook, new: RuleBook, facts: list[Fact]
) -> None:
    report = compare(old, new, facts, tree=TREE)
    for book, total in ((old, report.total_old), (new, report.total_new)):
        postings = list(score(book, facts, tree=TREE))
        assert sum(p.points for p in postings) == total
        by_member: dict[str, int] = {}
        for p in postings:
            by_member[p.member_id] = by_member.get(p.member_id, 0) + p.points
        side = "old" if book is old else "new"
        assert {k: v for k, v in by_member.items() if v} == {
            m.member_id: getattr(m, side) for m in report.members if getattr(m, side)
        }
    street = report.areas[0]
    assert ("s", report.total_old, report.total_new) == (
        street.node_id,
        street.old,
        street.new,
    )
    for m in report.members:
        assert m.diff == sum(c.diff for c in m.causes)
    assert report.total_new - report.total_old == sum(r.diff for r in report.rules)
