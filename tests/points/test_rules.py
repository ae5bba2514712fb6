"""Rulebooks: building, loading, writing back, and every validation problem."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import redcity.serialize as rs
from redcity.errors import Problem, SerializationError, ValidationError
from redcity.grid import GridTree
from redcity.points import (
    FIELDS,
    Cap,
    CapPeriod,
    Condition,
    Deduct,
    FactKind,
    Fixed,
    Op,
    PerHour,
    PerRating,
    Rounding,
    Rule,
    RuleBook,
    RuleBookError,
    compile_rulebook,
)
from redcity.testing.strategies import rulebooks

EXAMPLES = Path(__file__).parents[2] / "src" / "redcity" / "points" / "rulebooks"


def load(name: str) -> RuleBook:
    return RuleBook.load(EXAMPLES / f"{name}.toml")


def base() -> dict[str, Any]:
    """A valid rulebook as data, for the validation cases to break."""
    return {
        "id": "book",
        "version": "1",
        "issuer_id": "org",
        "effective_from": "2026-01-01",
        "rules": [
            {
                "id": "service",
                "kind": "service",
                "when": [{"field": "category", "op": "in", "value": ["助老"]}],
                "award": {"type": "per_hour", "rate": 10, "max_hours": 2},
            },
            {
                "id": "wish",
                "kind": "micro_wish",
                "award": {"type": "fixed", "points": 5},
            },
        ],
        "caps": [{"id": "daily", "per": "day", "max_points": 40}],
    }


def problems_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(RuleBookError) as info:
        RuleBook.from_dict(data)
    return [(p.id, p.field) for p in info.value.problems]


# -- the examples ------------------------------------------------------------


@pytest.mark.parametrize("name", ["kunshan", "hailin", "party"])
def test_examples_round_trip_through_every_form(name: str) -> None:
    book = load(name)
    assert book == RuleBook.from_toml(book.to_toml())
    assert book == RuleBook.from_json(book.to_json())
    assert book == RuleBook.from_dict(book.to_dict())
    assert book == rs.from_json(rs.to_json(book), RuleBook)
    assert book == rs.structure(rs.unstructure(book), RuleBook)


def test_kunshan_built_in_python_equals_the_file() -> None:
    built = RuleBook(
        id="kunshan-volunteer",
        version="2025.1",
        title="昆山市志愿服务积分",
        issuer_id="kunshan-social-work",
        effective_from=date(2025, 7, 1),
        rules=[
            Rule(
                id="service-hours",
                kind=FactKind.SERVICE,
                title="志愿服务时长积分",
                title_en="service hours",
                award=PerHour(rate=10),
            )
        ],
    )
    assert built == load("kunshan")


def test_the_examples_say_what_the_docs_say() -> None:
    hailin = load("hailin")
    award = hailin.rules[0].award
    assert isinstance(award, PerHour)
    assert (Decimal(1), Decimal(2)) == (award.rate, award.max_hours)
    assert Rounding.DOWN is hailin.rounding
    party = load("party")
    caps = {c.id: c for c in party.caps}
    assert (CapPeriod.YEAR, 60, ("base",)) == (
        caps["base-once-a-year"].per,
        caps["base-once-a-year"].max_points,
        caps["base-once-a-year"].rules,
    )
    assert (CapPeriod.YEAR, 0, None, ()) == (
        caps["floor"].per,
        caps["floor"].min_points,
        caps["floor"].max_points,
        caps["floor"].rules,
    )
    assert date(2027, 1, 1) == party.effective_until


# -- records built in Python ------------------------------------------------


def test_conditions_normalise_their_values() -> None:
    assert frozenset({"助老"}) == Condition("category", "in", "助老").value
    assert frozenset({6, 7}) == Condition("weekday", "not_in", [7, 6, 7]).value
    assert Decimal("1.5") == Condition("hours", "≥", 1.5).value
    assert Op.GE is Condition("hours", "at_least", 2).op
    assert frozenset({"g1"}) == Condition("node", "within", "g1").value
    assert "hours >= 2" == str(Condition("hours", ">=", Decimal("2.0")))


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("hours", ">=", "two"), ValueError),
        (("hours", ">=", True), TypeError),
        (("hours", ">=", float("nan")), ValueError),
        (("hours", "=~", 2), ValueError),
        (("category", "in", [1, "a"]), TypeError),
        (("category", "in", {"a": 1}), TypeError),
        (("node", "within", [1]), TypeError),
        ((7, "in", ["a"]), TypeError),
    ],
)
def test_bad_condition_arguments_raise_at_once(
    args: tuple[Any, ...], error: type[Exception]
) -> None:
    with pytest.raises(error):
        Condition(*args)


@pytest.mark.parametrize(
    "build",
    [
        lambda: PerHour(rate=object()),
        lambda: PerHour(rate=1, coefficients=[(1, 2)]),
        lambda: PerHour(rate=1, coefficients="ab"),
        lambda: PerRating({"five": 3}),
        lambda: PerRating([(5, 1.5)]),
        lambda: Fixed("5"),
        lambda: Deduct(max_points=2.5),
        lambda: Rule(id="r", kind="parade", award=Fixed(1)),
        lambda: Rule(id="r", kind="service", award="10"),
        lambda: Rule(id="r", kind="service", award=Fixed(1), precedence="1"),
        lambda: Cap(id="c", per="fortnight", max_points=1),
    ],
)
def test_bad_record_arguments_raise_at_once(build: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        build()


def test_awards_answer_per_category_and_per_score() -> None:
    award = PerHour(rate="2.5", coefficients={"应急": "1.5"}, default_coefficient=2)
    assert (Decimal("1.5"), Decimal(2)) == (
        award.coefficient("应急"),
        award.coefficient("助老"),
    )
    assert {
        "type": "per_hour",
        "rate": "2.5",
        "default_coefficient": 2,
        "coefficients": {"应急": "1.5"},
    } == award.to_dict()
    rating = PerRating({"5": 3, 1: -2})
    assert (3, -2, 0) == (
        rating.points_for(5),
        rating.points_for(1),
        rating.points_for(3),
    )


def test_enums_parse_their_names() -> None:
    assert Rounding.HALF_EVEN is Rounding.parse("四舍六入五成双")
    assert CapPeriod.MONTH is CapPeriod.parse("月")
    assert ("每季度", "quarterly") == (CapPeriod.QUARTER.zh, CapPeriod.QUARTER.en)
    with pytest.raises(ValueError, match="known names"):
        Rounding.parse("banker")


@given(st.integers(-(10**6), 10**6), st.integers(1, 1000))
def test_rounding_matches_decimal_quantize(n: int, d: int) -> None:
    exact = Decimal(n) / Decimal(d)
    modes = {
        Rounding.HALF_UP: "ROUND_HALF_UP",
        Rounding.HALF_EVEN: "ROUND_HALF_EVEN",
        Rounding.DOWN: "ROUND_DOWN",
        Rounding.UP: "ROUND_UP",
    }
    for mode, name in modes.items():
        assert int(exact.quantize(Decimal(1), rounding=name)) == mode.apply(n, d)
        assert mode.apply(n, d) == mode.apply(-n, -d)
    assert Rounding.DOWN.apply(n, d) == int(Fraction(n, d))


def test_fields_table_lists_each_kinds_fields() -> None:
    assert "hours" in FIELDS[FactKind.SERVICE]
    assert ("day", "member_id", "node", "points", "weekday") == FIELDS[
        FactKind.DEDUCTION
    ]
    assert FactKind.REDEMPTION not in FIELDS


# -- every validation problem ------------------------------------------------


def _set(path: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parts, last = path.split("/")
        target: Any = data
        for part in parts:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


_DELETE = object()

CASES: list[tuple[str, Any, tuple[str, str], str]] = [
    (
        "unknown fact kind",
        _set("rules/0/kind", "parade"),
        ("service", "kind"),
        "parade",
    ),
    (
        "unknown field",
        _set("rules/0/when/0/field", "colour"),
        ("service", "when[0].field"),
        "no field 'colour'",
    ),
    (
        "operator for another type",
        _set("rules/0/when/0/op", ">="),
        ("service", "when[0].value"),
        "Expected a number",
    ),
    (
        "comparison on text",
        _set("rules/0/when/0", {"field": "category", "op": ">=", "value": 2}),
        ("service", "when[0].op"),
        "does not apply to category",
    ),
    (
        "unknown operator",
        _set("rules/0/when/0/op", "like"),
        ("service", "when[0].op"),
        "operator",
    ),
    (
        "value outside the field's values",
        _set("rules/0/when/0", {"field": "weekday", "op": "in", "value": [8]}),
        ("service", "when[0].value"),
        "got 8",
    ),
    (
        "text field given numbers",
        _set("rules/0/when/0/value", [1, 2]),
        ("service", "when[0].value"),
        "is text",
    ),
    (
        "negative rate",
        _set("rules/0/award/rate", -5),
        ("service", "award.rate"),
        "negative",
    ),
    (
        "negative coefficient",
        _set("rules/0/award/coefficients", {"助老": "-1"}),
        ("service", "award.coefficients.助老"),
        "negative",
    ),
    (
        "negative default coefficient",
        _set("rules/0/award/default_coefficient", -1),
        ("service", "award.default_coefficient"),
        "negative",
    ),
    (
        "zero max hours",
        _set("rules/0/award/max_hours", 0),
        ("service", "award.max_hours"),
        "> 0",
    ),
    (
        "award for another kind",
        _set("rules/1/award", {"type": "per_hour", "rate": 1}),
        ("wish", "award.type"),
        "applies to service facts",
    ),
    (
        "unknown award type",
        _set("rules/1/award", {"type": "bonus"}),
        ("wish", "award.type"),
        "bonus",
    ),
    (
        "fixed award of nothing",
        _set("rules/1/award/points", 0),
        ("wish", "award.points"),
        "earns nothing",
    ),
    (
        "rating outside 1-5",
        _set(
            "rules/1",
            {
                "id": "wish",
                "kind": "rating",
                "award": {"type": "per_rating", "points": {"7": 1}},
            },
        ),
        ("wish", "award.points.7"),
        "1 to 5",
    ),
    (
        "empty rating table",
        _set(
            "rules/1",
            {
                "id": "wish",
                "kind": "rating",
                "award": {"type": "per_rating", "points": {}},
            },
        ),
        ("wish", "award.points"),
        "empty",
    ),
    (
        "deduction cap of nothing",
        _set(
            "rules/1",
            {
                "id": "wish",
                "kind": "deduction",
                "award": {"type": "deduct", "max_points": 0},
            },
        ),
        ("wish", "award.max_points"),
        "> 0",
    ),
    (
        "redemptions are not scored",
        _set("rules/1/kind", "redemption"),
        ("wish", "kind"),
        "points bank",
    ),
    (
        "reversals are not scored",
        _set("rules/1/kind", "reversal"),
        ("wish", "kind"),
        "as if",
    ),
    (
        "cap without a period",
        _set("caps/0/per", _DELETE),
        ("daily", "per"),
        "no period",
    ),
    (
        "cap of unknown period",
        _set("caps/0/per", "fortnight"),
        ("daily", "per"),
        "fortnight",
    ),
    (
        "cap bounding nothing",
        _set("caps/0/max_points", _DELETE),
        ("daily", "max_points"),
        "bounds nothing",
    ),
    ("cap of zero", _set("caps/0/max_points", 0), ("daily", "max_points"), "> 0"),
    ("floor above zero", _set("caps/0/min_points", 5), ("daily", "min_points"), "≤ 0"),
    (
        "cap naming no rule",
        _set("caps/0/rules", ["nope"]),
        ("daily", "rules[0]"),
        "nope",
    ),
    ("cap id of a rule", _set("caps/0/id", "wish"), ("wish", "id"), "already"),
    (
        "cap bound not a number",
        _set("caps/0/max_points", "40"),
        ("daily", "max_points"),
        "whole",
    ),
    (
        "duplicate rule id",
        _set("rules/1/id", "service"),
        ("service", "id"),
        "two rules",
    ),
    (
        "overlapping rules of equal precedence",
        lambda d: (
            [r.update(group="g") for r in d["rules"]]
            and d["rules"].append(
                {
                    "id": "service-2",
                    "kind": "service",
                    "group": "g",
                    "when": [{"field": "hours", "op": ">=", "value": 1}],
                    "award": {"type": "fixed", "points": 1},
                }
            )
        ),
        ("service-2", "precedence"),
        "overlaps rule 'service'",
    ),
    (
        "hours that can never be",
        _set(
            "rules/0/when",
            [
                {"field": "hours", "op": ">=", "value": 5},
                {"field": "hours", "op": "<", "value": 2},
            ],
        ),
        ("service", "when[0]"),
        "can never match",
    ),
    (
        "category in an empty set",
        _set("rules/0/when/0/value", []),
        ("service", "when[0]"),
        "can never match",
    ),
    (
        "category in and not in",
        lambda d: d["rules"][0]["when"].append(
            {"field": "category", "op": "not_in", "value": ["助老"]}
        ),
        ("service", "when[0]"),
        "can never match",
    ),
    (
        "score above five",
        _set(
            "rules/1",
            {
                "id": "wish",
                "kind": "rating",
                "when": [{"field": "score", "op": ">", "value": 5}],
                "award": {"type": "fixed", "points": 1},
            },
        ),
        ("wish", "when[0]"),
        "can never match",
    ),
    (
        "every weekday excluded",
        lambda d: d["rules"][1].update(
            when=[{"field": "weekday", "op": "not_in", "value": [1, 2, 3, 4, 5, 6, 7]}]
        ),
        ("wish", "when[0]"),
        "can never match",
    ),
    (
        "no hours at all",
        _set("rules/0/when/0", {"field": "hours", "op": "<=", "value": 0}),
        ("service", "when[0]"),
        "can never match",
    ),
    (
        "within no node",
        _set("rules/0/when/0", {"field": "node", "op": "within", "value": []}),
        ("service", "when[0]"),
        "can never match",
    ),
    (
        "ends before it starts",
        _set("effective_until", "2025-12-31"),
        ("book", "effective_until"),
        "exclusive",
    ),
    (
        "not a date",
        _set("effective_from", "next spring"),
        ("book", "effective_from"),
        "date",
    ),
    (
        "missing start",
        _set("effective_from", _DELETE),
        ("book", "effective_from"),
        "missing",
    ),
    ("unknown zone", _set("tz", "Mars/Olympus"), ("book", "tz"), "IANA"),
    ("unknown rounding", _set("rounding", "banker"), ("book", "rounding"), "rounding"),
    ("empty version", _set("version", ""), ("book", "version"), "version"),
    ("version as a number", _set("version", 1.5), ("book", "version"), "version"),
    ("missing issuer", _set("issuer_id", _DELETE), ("book", "issuer_id"), "missing"),
    ("missing rules", _set("rules", _DELETE), ("book", "rules"), "missing"),
    ("rules not a list", _set("rules", {"a": 1}), ("book", "rules"), "list"),
    ("rule not a table", _set("rules/1", "wish"), ("rules[1]", ""), "table"),
    ("rule without id", _set("rules/1/id", _DELETE), ("rules[1]", "id"), "missing"),
    ("rule without kind", _set("rules/1/kind", _DELETE), ("wish", "kind"), "missing"),
    (
        "rule without award",
        _set("rules/1/award", _DELETE),
        ("wish", "award"),
        "missing",
    ),
    ("award not a table", _set("rules/1/award", 5), ("wish", "award"), "table"),
    (
        "award missing its number",
        _set("rules/0/award/rate", _DELETE),
        ("service", "award.rate"),
        "needs rate",
    ),
    (
        "award of bad number",
        _set("rules/0/award/rate", "ten"),
        ("service", "award"),
        "ten",
    ),
    ("unknown book key", _set("colour", "red"), ("book", "colour"), "unknown key"),
    (
        "unknown rule key",
        _set("rules/1/colour", "red"),
        ("wish", "colour"),
        "unknown key",
    ),
    (
        "unknown award key",
        _set("rules/1/award/rate", 2),
        ("wish", "award.rate"),
        "unknown key",
    ),
    (
        "unknown cap key",
        _set("caps/0/colour", "red"),
        ("daily", "colour"),
        "unknown key",
    ),
    (
        "unknown condition key",
        _set("rules/0/when/0/colour", "red"),
        ("service", "when[0].colour"),
        "unknown key",
    ),
    (
        "condition without value",
        _set("rules/0/when/0/value", _DELETE),
        ("service", "when[0].value"),
        "missing",
    ),
    (
        "condition not a table",
        _set("rules/0/when/0", "hours > 2"),
        ("service", "when[0]"),
        "table",
    ),
    (
        "conditions not a list",
        _set("rules/0/when", "hours > 2"),
        ("service", "when"),
        "list",
    ),
    (
        "precedence not a number",
        _set("rules/0/precedence", "high"),
        ("service", "precedence"),
        "whole",
    ),
    ("group not text", _set("rules/0/group", 3), ("service", "group"), "string"),
    ("title not text", _set("rules/0/title", 3), ("service", "title"), "string"),
    ("cap not a table", _set("caps/0", 40), ("caps[0]", ""), "table"),
    ("cap rules not ids", _set("caps/0/rules", [1]), ("daily", "rules"), "rule ids"),
]


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [pytest.param(c, w, m, id=name) for name, c, w, m in CASES],
)
def test_every_problem_is_reported_with_its_rule_and_field(
    change: Any, where: tuple[str, str], words: str
) -> None:
    data = base()
    change(data)
    with pytest.raises(RuleBookError) as info:
        RuleBook.from_dict(data)
    found = {(p.id, p.field): p.message for p in info.value.problems}
    assert where in found, found
    assert words in found[where]
    assert isinstance(info.value, ValidationError)
    assert isinstance(info.value, ValueError)


def test_the_base_case_is_valid() -> None:
    assert 2 == len(RuleBook.from_dict(base()).rules)


def test_every_problem_is_reported_at_once() -> None:
    data = base()
    data["tz"] = "Nowhere/City"
    data["rules"][0]["award"]["rate"] = -1
    data["rules"][0]["when"].append({"field": "colour", "op": "in", "value": ["red"]})
    data["rules"][1]["kind"] = "parade"
    del data["caps"][0]["per"]
    data["caps"].append(
        {"id": "weekly", "per": "week", "max_points": 10, "rules": ["x"]}
    )
    assert [
        ("book", "tz"),
        ("service", "when[1].field"),
        ("service", "award.rate"),
        ("wish", "kind"),
        ("daily", "per"),
        ("weekly", "rules[0]"),
    ] == problems_of(data)


def test_a_rule_that_failed_to_load_is_no_unknown_rule_for_a_cap() -> None:
    data = base()
    data["rules"][1]["kind"] = "parade"
    data["caps"][0]["rules"] = ["wish"]
    assert [("wish", "kind")] == problems_of(data)


def test_the_message_lists_every_problem_readably() -> None:
    data = base()
    data["rules"][0]["award"]["rate"] = -1
    with pytest.raises(RuleBookError) as info:
        RuleBook.from_dict(data)
    assert (
        "1 problem found:\n  - service.award.rate: the rate is negative (-1); "
        "points per hour must be ≥ 0."
    ) == str(info.value)


def test_building_in_python_validates_the_whole_book() -> None:
    with pytest.raises(RuleBookError) as info:
        RuleBook(
            id="b",
            version="1",
            issuer_id="o",
            effective_from=date(2026, 1, 1),
            effective_until=date(2026, 1, 1),
            rules=[
                Rule(id="a", kind="service", award=PerHour(rate=-1)),
                Rule(id="a", kind="rating", award=PerHour(rate=1)),
                Rule(id="", kind="rating", award=Fixed(1)),
                "not a rule",  # type: ignore[list-item]
            ],
            caps=[Cap(id="c", max_points=3), "nor a cap"],  # type: ignore[list-item]
            tz="Nowhere/City",
        )
    fields = {(p.id, p.field) for p in info.value.problems}
    assert {
        ("b", "effective_until"),
        ("b", "tz"),
        ("b", "rules[3]"),
        ("b", "caps[1]"),
        ("a", "award.rate"),
        ("a", "id"),
        ("a", "award.type"),
        ("b", "rules"),
        ("c", "per"),
    } <= fields


def test_empty_book_fields_are_problems() -> None:
    with pytest.raises(RuleBookError) as info:
        RuleBook(
            id=" ", version="", issuer_id="", effective_from=date(2026, 1, 1), rules=[]
        )
    assert [("rulebook", "id"), ("rulebook", "version"), ("rulebook", "issuer_id")] == [
        (p.id, p.field) for p in info.value.problems
    ]


def test_rules_of_one_group_may_share_a_precedence_when_they_cannot_meet() -> None:
    data = base()
    data["rules"].append(
        {
            "id": "service-other",
            "kind": "service",
            "when": [{"field": "category", "op": "in", "value": ["环境整治"]}],
            "award": {"type": "per_hour", "rate": 5},
        }
    )
    for rule in data["rules"][0], data["rules"][2]:
        rule["group"] = "service"
    assert 3 == len(RuleBook.from_dict(data).rules)
    # hours below 2 and hours at least 2 never meet either
    data["rules"][2]["when"] = [{"field": "hours", "op": "<", "value": 2}]
    data["rules"][0]["when"].append({"field": "hours", "op": ">=", "value": 2})
    assert 3 == len(RuleBook.from_dict(data).rules)
    # different precedence: the higher wins, no overlap
    data["rules"][2]["when"] = []
    data["rules"][2]["precedence"] = 1
    assert 3 == len(RuleBook.from_dict(data).rules)


def test_not_json_or_toml_is_one_problem() -> None:
    with pytest.raises(RuleBookError, match="not valid JSON"):
        RuleBook.from_json("{")
    with pytest.raises(RuleBookError, match="not valid TOML"):
        RuleBook.from_toml("id = ")
    with pytest.raises(RuleBookError, match="table"):
        RuleBook.from_json("[1, 2]")
    with pytest.raises(ValueError, match=r"\.toml or \.json"):
        RuleBook.load(EXAMPLES / "missing.yaml")


def test_the_converter_reports_rulebook_problems() -> None:
    data = base()
    data["rules"][0]["award"]["rate"] = -1
    with pytest.raises(SerializationError, match="the rate is negative"):
        rs.structure(data, RuleBook)


# -- the grid: what only a tree tells --------------------------------------


@pytest.fixture
def tree() -> GridTree:
    return GridTree.from_records(
        [
            {"id": "s", "parent": None, "level": "街道", "name": "南白街道"},
            {"id": "c1", "parent": "s", "level": "社区", "name": "南社区"},
            {"id": "c2", "parent": "s", "level": "社区", "name": "娄山社区"},
            {"id": "g1", "parent": "c1", "level": "网格", "name": "网格1"},
            {"id": "g2", "parent": "c2", "level": "网格", "name": "网格2"},
        ]
    )


def node_book(*whens: list[str], group: str | None = "g") -> RuleBook:
    return RuleBook(
        id="b",
        version="1",
        issuer_id="o",
        effective_from=date(2026, 1, 1),
        rules=[
            Rule(
                id=f"r{i}",
                kind="micro_wish",
                group=group,
                award=Fixed(i + 1),
                when=[Condition("node", "within", nodes)],
            )
            for i, nodes in enumerate(whens)
        ],
    )


def test_nested_subtrees_of_equal_precedence_overlap_on_the_tree(
    tree: GridTree,
) -> None:
    book = node_book(["c1"], ["g1"])  # loading cannot tell: different names
    with pytest.raises(RuleBookError) as info:
        compile_rulebook(book, tree=tree)
    assert [("r1", "precedence")] == [(p.id, p.field) for p in info.value.problems]
    compile_rulebook(node_book(["c1"], ["g2"]), tree=tree)  # disjoint: fine


def test_unknown_nodes_and_empty_intersections_on_the_tree(tree: GridTree) -> None:
    book = RuleBook(
        id="b",
        version="1",
        issuer_id="o",
        effective_from=date(2026, 1, 1),
        rules=[
            Rule(
                id="gone",
                kind="micro_wish",
                award=Fixed(1),
                when=[Condition("node", "within", ["g9"])],
            ),
            Rule(
                id="apart",
                kind="micro_wish",
                award=Fixed(1),
                when=[
                    Condition("node", "within", ["c1"]),
                    Condition("node", "within", ["g2"]),
                ],
            ),
            Rule(
                id="carved",
                kind="micro_wish",
                award=Fixed(1),
                when=[
                    Condition("node", "within", ["g1"]),
                    Condition("node", "not_within", ["c1"]),
                ],
            ),
        ],
    )
    with pytest.raises(RuleBookError) as info:
        compile_rulebook(book, tree=tree)
    assert [
        ("gone", "when[0].value"),
        ("apart", "when[0]"),
        ("carved", "when[0]"),
    ] == [(p.id, p.field) for p in info.value.problems]


def test_a_node_condition_needs_the_tree() -> None:
    with pytest.raises(RuleBookError, match="needs the tree"):
        compile_rulebook(node_book(["c1"]))
    with pytest.raises(TypeError, match="GridTree"):
        compile_rulebook(node_book(["c1"]), tree="tree")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="WorkCalendar"):
        compile_rulebook(node_book(), calendar="cal")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="RuleBook"):
        compile_rulebook({"id": "b"})  # type: ignore[arg-type]


# -- writing back ------------------------------------------------------------


@settings(max_examples=60)
@given(rulebooks(node_ids=["g1", "c1"], max_rules=4))
def test_drawn_rulebooks_round_trip(book: RuleBook) -> None:
    assert book == RuleBook.from_toml(book.to_toml())
    assert book == RuleBook.from_json(book.to_json())
    assert book == rs.from_json(rs.to_json(book), RuleBook)


@given(
    st.text(max_size=20),
    st.text(min_size=1, max_size=10).filter(str.strip),
    st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False),
)
def test_any_text_and_decimal_survive_toml(
    title: str, category: str, rate: Decimal
) -> None:
    book = RuleBook(
        id="b",
        version="1",
        issuer_id="o",
        title=title,
        effective_from=date(2026, 1, 1),
        rules=[
            Rule(
                id="r",
                kind="service",
                title=title,
                award=PerHour(rate=rate, coefficients={category: rate}),
                when=[Condition("category", "in", [category])],
            )
        ],
    )
    assert book == RuleBook.from_toml(book.to_toml())


def test_toml_writes_every_part() -> None:
    book = RuleBook(
        id="b",
        version="2",
        issuer_id="o",
        effective_from=date(2026, 1, 1),
        effective_until=date(2027, 1, 1),
        rules=[
            Rule(
                id="r",
                kind="rating",
                group="stars",
                precedence=2,
                when=[
                    Condition("score", ">=", "3.5"),
                    Condition("day", "in", ["rest"]),
                ],
                award=PerRating({5: 3, 4: -1}),
            ),
            Rule(id="d", kind="deduction", award=Deduct(max_points=10)),
        ],
        caps=[Cap(id="c", per="week", max_points=9, min_points=-3, rules=["r"])],
    )
    text = book.to_toml()
    assert 'when = [\n  { field = "score", op = ">=", value = 3.5 },' in text
    assert 'award = { type = "per_rating", points = { 4 = -1, 5 = 3 } }' in text
    assert "effective_until = 2027-01-01" in text
    assert book == RuleBook.from_toml(text)
    assert json.loads(book.to_json())["caps"] == [
        {"id": "c", "per": "week", "max_points": 9, "min_points": -3, "rules": ["r"]}
    ]
    empty = RuleBook(
        id="e", version="1", issuer_id="o", effective_from=date(2026, 1, 1), rules=[]
    )
    assert "rules = []" in empty.to_toml()
    assert empty == RuleBook.from_toml(empty.to_toml())


def test_problem_records_print_their_place() -> None:
    assert "r.award.rate: bad." == str(Problem("r", "award.rate", "bad."))


def test_the_strategy_refuses_bad_arguments() -> None:
    with pytest.raises(InvalidArgument):
        rulebooks(min_rules=3, max_rules=2).example()
    with pytest.raises(InvalidArgument, match="monotone"):
        rulebooks(monotone=True).example()
    with pytest.raises(InvalidArgument, match="kinds"):
        rulebooks(kinds=["redemption"]).example()
    with pytest.raises(InvalidArgument, match="categories"):
        rulebooks(categories=[]).example()


def test_deep_copies_are_equal() -> None:
    book = load("party")
    assert book == copy.deepcopy(book)
    assert hash(book) == hash(copy.deepcopy(book))


@pytest.mark.parametrize("name", ["kunshan", "hailin", "party"])
def test_the_shipped_examples_load_by_name(name: str) -> None:
    from redcity.points.examples import example_rulebook, example_rulebook_text

    assert (EXAMPLES / f"{name}.toml").read_text("utf-8") == example_rulebook_text(name)
    assert RuleBook.from_toml(example_rulebook_text(name)) == example_rulebook(name)
