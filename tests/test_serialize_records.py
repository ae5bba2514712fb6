"""Every grid, calendar, report and dataset record round-trips through JSON.

People records are covered in ``test_serialize.py``.  Each property test
checks both paths: ``structure(unstructure(x))`` and
``from_json(to_json(x))``.  Derived records (merge results, staffing
reports, party coverages, card histories) come from calling the real
functions on drawn inputs, and their parts are checked one by one.
"""

from __future__ import annotations

import ast
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import redcity.serialize as rs
from redcity.calendars import Period, WorkCalendar
from redcity.datasets import (
    BOZHOU,
    ZUNYI_FACTS,
    ZunyiFacts,
    ZunyiStaffing,
    zunyi,
    zunyi_staffing,
)
from redcity.errors import SerializationError
from redcity.grid import (
    DEFAULT_SCHEME,
    Card,
    CardHistory,
    CardPolicy,
    DivisionCode,
    GridBounds,
    GridError,
    GridLoad,
    GridTree,
    Level,
    LevelScheme,
    MergeResult,
    Node,
    PartyCoverage,
    StaffingReport,
    Threshold,
    evaluate_cards,
)
from redcity.report import DistrictSummary, district_summaries
from redcity.testing.strategies import (
    assignments,
    card_histories,
    card_policies,
    division_codes,
    grid_bounds,
    grid_trees,
    level_schemes,
    levels,
    merge_results,
    metric_values,
    nodes,
    party_coverages,
    party_orgs,
    periods,
    staffing_reports,
    standards,
    thresholds,
    work_calendars,
)


def round_trips(record: Any) -> None:
    cls = type(record)
    assert record == rs.structure(rs.unstructure(record), cls)
    assert record == rs.from_json(rs.to_json(record), cls)


# ---------------------------------------------------------------------------
# Levels, codes, nodes, schemes, trees
# ---------------------------------------------------------------------------


@given(levels())
def test_level_round_trips_by_english_name(level: Level) -> None:
    assert level.en == rs.unstructure(level)
    assert level is rs.from_json(rs.to_json(level), Level)


@given(levels())
def test_level_reads_every_alias(level: Level) -> None:
    for name in level.aliases:
        assert level is rs.structure(name, Level)


@given(division_codes())
def test_division_code_round_trips_as_its_digits(text: str) -> None:
    code = DivisionCode.parse(text)
    assert text == rs.unstructure(code)
    round_trips(code)


@given(nodes())
def test_node_round_trips(node: Node) -> None:
    round_trips(node)


@given(level_schemes())
def test_level_scheme_round_trips(scheme: LevelScheme) -> None:
    round_trips(scheme)


@given(grid_trees())
def test_grid_tree_round_trips(tree: GridTree) -> None:
    round_trips(tree)


@given(grid_trees(max_nodes=20))
def test_tree_nodes_are_node_records(tree: GridTree) -> None:
    data = rs.unstructure(tree)
    assert ["scheme", "nodes"] == list(data)
    assert [rs.unstructure(tree[i]) for i in tree] == data["nodes"]
    assert tree.to_records() == data["nodes"]


@given(level_schemes().flatmap(lambda s: grid_trees(max_nodes=20, scheme=s)))
def test_tree_keeps_its_scheme(tree: GridTree) -> None:
    back = rs.from_json(rs.to_json(tree), GridTree)
    assert tree.scheme == back.scheme
    assert tree == back


@settings(max_examples=30)
@given(grid_trees(min_nodes=2, max_nodes=30), st.data())
def test_subtree_round_trips_with_its_relaxed_scheme(
    tree: GridTree, data: st.DataObject
) -> None:
    round_trips(tree.subtree(data.draw(st.sampled_from(tree.ids))))


def test_zunyi_tree_round_trips() -> None:
    tree = zunyi()
    assert tree == rs.from_json(rs.to_json(tree), GridTree)


def test_tree_reads_a_bare_list_of_records_with_the_default_scheme() -> None:
    tree = zunyi().subtree(BOZHOU)
    assert tree == rs.from_json(tree.to_json(), GridTree)
    assert DEFAULT_SCHEME == rs.structure(tree.to_records(), GridTree).scheme


# ---------------------------------------------------------------------------
# Overlays, staffing, party
# ---------------------------------------------------------------------------


@given(grid_bounds())
def test_grid_bounds_round_trip(bounds: GridBounds) -> None:
    round_trips(bounds)


@given(merge_results())
def test_merge_result_and_its_parts_round_trip(result: MergeResult) -> None:
    round_trips(result)
    for part in (*result.conflicts, *result.out_of_bounds):
        round_trips(part)


@given(standards())
def test_standard_round_trips(standard: Any) -> None:
    round_trips(standard)


@given(assignments())
def test_assignment_round_trips(assignment: Any) -> None:
    round_trips(assignment)


@given(staffing_reports())
def test_staffing_report_and_its_parts_round_trip(report: StaffingReport) -> None:
    round_trips(report)
    for part in (*report.overloaded, *report.unknown_nodes, *report.wrong_level):
        round_trips(part)


@given(
    st.builds(
        GridLoad,
        grid=st.text(min_size=1),
        households=st.integers(0, 10**4),
        workers=st.integers(1, 10),
        per_worker=st.fractions(min_value=0),
    )
)
def test_grid_load_round_trips(load: GridLoad) -> None:
    # staffing_reports() finds overloaded grids only now and then.
    round_trips(load)


@given(party_orgs())
def test_party_org_round_trips(org: Any) -> None:
    round_trips(org)


@given(party_coverages())
def test_party_coverage_round_trips(coverage: PartyCoverage) -> None:
    round_trips(coverage)


# ---------------------------------------------------------------------------
# Cards
# ---------------------------------------------------------------------------


@given(metric_values())
def test_metric_values_keep_their_type(value: Any) -> None:
    policy = CardPolicy([Threshold("x", "higher", yellow=value)])
    back = rs.from_json(rs.to_json(policy), CardPolicy).thresholds[0].yellow
    assert value == back
    assert type(value) is type(back)


@given(thresholds())
def test_threshold_round_trips(threshold: Threshold) -> None:
    round_trips(threshold)


@given(card_policies())
def test_card_policy_round_trips(policy: CardPolicy) -> None:
    round_trips(policy)


@given(card_histories())
def test_card_history_and_its_decisions_round_trip(history: CardHistory) -> None:
    round_trips(history)
    for decision in history.decisions:
        round_trips(decision)
        back = rs.from_json(rs.to_json(decision), type(decision))
        assert [type(v) for v in decision.metrics.values()] == [
            type(v) for v in back.metrics.values()
        ]


def test_metric_values_in_json() -> None:
    policy = CardPolicy(
        [
            Threshold("a", "higher", yellow=Fraction(9, 10), red=Decimal("0.80")),
            Threshold("b", "lower", yellow=2, red=2.5),
        ]
    )
    data = json.loads(rs.to_json(policy))
    assert [("9/10", "0.80"), (2, 2.5)] == [
        (t["yellow"], t["red"]) for t in data["thresholds"]
    ]


# ---------------------------------------------------------------------------
# Calendars, report, datasets
# ---------------------------------------------------------------------------


@given(periods())
def test_period_round_trips(period: Period) -> None:
    round_trips(period)


@given(work_calendars())
def test_work_calendar_round_trips(calendar: WorkCalendar) -> None:
    round_trips(calendar)


def test_work_calendar_json_has_no_private_cache() -> None:
    calendar = WorkCalendar.china()
    calendar.is_working_day(Period.parse("2026-10").start)  # fills the cache
    assert {"tz", "working_hours", "holidays", "workdays", "known_years"} == set(
        rs.unstructure(calendar)
    )


@given(
    st.builds(
        DistrictSummary,
        id=st.text(min_size=1),
        name=st.text(min_size=1),
        code=st.none() | division_codes(),
        counts=st.dictionaries(levels(), st.integers(0, 10**6)),
        households=st.integers(0, 10**7),
        population=st.integers(0, 10**8),
    )
)
def test_district_summary_round_trips(summary: DistrictSummary) -> None:
    round_trips(summary)


def test_zunyi_district_summaries_round_trip() -> None:
    for summary in district_summaries(zunyi()):
        round_trips(summary)
        assert "grid" in rs.unstructure(summary)["counts"]


@given(
    st.builds(
        ZunyiFacts,
        **{
            a.name: st.text() if a.name == "source" else st.integers(0, 10**4)
            for a in attrs.fields(ZunyiFacts)
        },
    )
)
def test_zunyi_facts_round_trip(facts: ZunyiFacts) -> None:
    round_trips(facts)


@given(
    st.builds(
        ZunyiStaffing,
        assignments=st.lists(assignments(), max_size=4).map(tuple),
        party_orgs=st.lists(party_orgs(), max_size=4).map(tuple),
    )
)
def test_zunyi_staffing_round_trips(staffing: ZunyiStaffing) -> None:
    round_trips(staffing)


def test_the_zunyi_sample_records_round_trip() -> None:
    round_trips(ZUNYI_FACTS)
    round_trips(zunyi_staffing())


# ---------------------------------------------------------------------------
# Errors name the path
# ---------------------------------------------------------------------------


def _error(data: Any, cls: Any) -> str:
    with pytest.raises(SerializationError) as info:
        rs.structure(data, cls)
    return str(info.value)


def _row(node_id: str, parent: str | None, level: str, **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "parent": parent, "level": level, "name": node_id} | extra


def test_invalid_tree_problems_are_named_at_their_node() -> None:
    data = {
        "nodes": [
            _row("s", None, "街道"),
            _row("g", "s", "网格"),
            _row("x", "nowhere", "楼栋"),
        ]
    }
    with pytest.raises(SerializationError) as info:
        rs.from_json(json.dumps(data), GridTree)
    message = str(info.value)
    assert message.startswith("Cannot build GridTree from the data: 2 problems found:")
    assert "$.nodes[1].level: a 网格 (grid) may not sit directly under" in message
    assert "$.nodes[2].parent: unknown parent 'nowhere'" in message
    # The tree's own error, with every Problem, is in the chain.
    cause = info.value.__cause__
    assert cause is not None
    assert isinstance(cause.__cause__, GridError)
    assert 2 == len(cause.__cause__.problems)


def test_tree_without_a_root() -> None:
    data = {"nodes": [_row("a", "b", "grid"), _row("b", "a", "grid")]}
    message = _error(data, GridTree)
    assert "$.nodes: no root: every node names a parent" in message
    assert "$.nodes[0].parent: parents form a cycle: a → b → a" in message


def test_tree_field_types_and_keys_are_checked() -> None:
    data = {
        "scheme": {"pairs": [["community", "grid"]], "building_in_one_grid": True},
        "nodes": [
            _row("c", None, "社区", households="12"),
            _row("g", "c", "格"),
        ],
        "colour": "red",
    }
    message = _error(data, GridTree)
    assert "$.nodes[0].households: expected an integer, got '12'" in message
    assert "$.nodes[1].level: expected a level name such as 'grid'" in message
    assert "$: unexpected key 'colour'; GridTree has keys nodes, scheme" in message


def test_tree_must_be_an_object_or_a_list() -> None:
    assert "$: expected an object" in _error("tree", GridTree)
    assert "$.nodes: required key is missing" in _error({}, GridTree)


def test_bad_level_scheme() -> None:
    message = _error(
        {"pairs": [["grid"], ["grid", 5]], "building_in_one_grid": 1}, LevelScheme
    )
    assert "$.pairs[0]:" in message
    assert "$.pairs[1][1]: expected a level name such as 'grid' or '网格', got 5" in (
        message
    )
    assert "$.building_in_one_grid: expected true or false, got 1" in message


def test_bad_division_code() -> None:
    message = _error("520304700001", DivisionCode)
    assert "$: Division code '520304700001': township part 700" in message
    assert "expected a division code of 12 digits" in _error(520304, DivisionCode)


def test_bad_metric_values_are_named() -> None:
    message = _error(
        {"metric": "x", "direction": "up", "yellow": True, "red": "1/0"}, Threshold
    )
    assert "$.direction: 'up' is not a valid Direction" in message
    assert "$.yellow: expected a number: an integer, a float, a fraction" in message
    assert "$.red: expected a fraction with a non-zero denominator" in message
    message = _error({"metric": "x", "direction": "higher", "yellow": "9成"}, Threshold)
    assert "$.yellow: expected a decimal number as a string" in message


def test_card_policy_problems_are_listed_on_one_line() -> None:
    data = {
        "thresholds": [
            {"metric": "结案率", "direction": "higher", "yellow": 80, "red": 90}
        ],
        "promote_after": 0,
        "on_missing": None,
    }
    message = _error(data, CardPolicy)
    assert (
        "$: policy.promote_after: expected a whole number of periods ≥ 1, got 0; "
        "结案率.red: red bound 90 is laxer than yellow bound 80" in message
    )


def test_bad_card_in_a_history() -> None:
    policy = CardPolicy([Threshold("x", "higher", yellow=5)])
    data = json.loads(rs.to_json(evaluate_cards(policy, {"P1": {"g": {"x": 1}}})))
    data["decisions"][0]["card"] = "purple"
    data["decisions"][0]["metrics"]["x"] = None
    message = _error(data, CardHistory)
    assert "$.decisions[0].card: 'purple' is not a valid Card" in message
    assert "$.decisions[0].metrics['x']: expected a number" in message
    assert Card.YELLOW.value == rs.unstructure(Card.YELLOW)


def test_bad_period_and_calendar() -> None:
    message = _error({"kind": "quarter", "year": 2026, "number": 5}, Period)
    assert "$: Expected a quarter number between 1 and 4, got 5" in message
    message = _error(
        {"holidays": ["2031-01-01"], "workdays": ["2031-01-01"]}, WorkCalendar
    )
    assert "$: A day cannot be both a holiday and a workday" in message


def test_district_summary_counts_are_keyed_by_level_name() -> None:
    data = {
        "id": "d",
        "name": "播州区",
        "code": None,
        "counts": {"district": 1, "网格": 2, "5": 3},
        "households": 0,
        "population": 0,
    }
    message = _error(data, DistrictSummary)
    assert "$.counts['5']: expected a level name" in message


# ---------------------------------------------------------------------------
# Layering
# ---------------------------------------------------------------------------


def test_serialize_imports_nothing_of_redcity_but_errors() -> None:
    import redcity.serialize

    tree = ast.parse(Path(redcity.serialize.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert {"redcity.errors"} == {m for m in imported if m.startswith("redcity")}
