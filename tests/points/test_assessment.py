"""Dual assessment (双考双评): weights, cut-offs, 评价权 and grading."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import redcity.serialize as rs
from redcity.errors import (
    EvaluationRefused,
    NaiveDatetimeError,
    RedcityError,
    UnknownMember,
    ValidationError,
)
from redcity.people import MemberRegistration, MemberRegistry
from redcity.points import (
    DEFAULT_CUTOFFS,
    DEFAULT_WEIGHTS,
    Assessment,
    AssessmentWeights,
    Evaluation,
    EvaluationSource,
    Grade,
    GradeCutoffs,
    assess,
    check_evaluation,
)
from redcity.testing.strategies import (
    assessment_weights,
    evaluations,
    grade_cutoffs,
    member_registries,
)

S = EvaluationSource
CST = timezone(timedelta(hours=8))
AT = datetime(2025, 12, 20, 10, tzinfo=CST)
SCORES = st.integers(0, 100) | st.decimals(min_value=0, max_value=100, places=1)


@pytest.fixture
def registry() -> MemberRegistry:
    return MemberRegistry.from_registrations(
        [
            MemberRegistration(
                member_id="m-1",
                community_id="c-nanmen",
                employer_id="o-school",
                registered_on=date(2025, 3, 1),
            ),
            MemberRegistration(
                member_id="m-2",
                community_id="c-xima",
                employer_id=None,
                in_service=False,
                registered_on=date(2025, 3, 1),
            ),
        ]
    )


def ev(
    id: str,
    source: S | str,
    score: int | Decimal,
    evaluator: str | None = None,
    member: str = "m-1",
    **kw: Any,
) -> Evaluation:
    default = {S.EMPLOYER: "o-school", S.COMMUNITY: "c-nanmen"}.get(
        S.parse(source), f"r-{id}"
    )
    return Evaluation(
        id=id,
        member_id=member,
        evaluator_id=evaluator or default,
        source=source,
        score=score,
        year=kw.pop("year", 2025),
        at=kw.pop("at", AT),
    )


def full(scores: tuple[Any, Any, Any, Any], member: str = "m-1") -> list[Evaluation]:
    return [
        ev(f"e{i}", s, x, member=member)
        for i, (s, x) in enumerate(zip(S, scores, strict=True))
    ]


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def test_grade_names_and_order() -> None:
    assert ["优秀", "合格", "基本合格", "不合格"] == [g.zh for g in Grade]
    assert [3, 2, 1, 0] == [g.rank for g in Grade]
    for grade in Grade:
        assert grade is Grade.parse(grade.zh)
        assert grade is Grade.parse(grade.value.upper())
        assert grade is Grade.parse(grade)
    with pytest.raises(ValueError, match="known names: 优秀/excellent"):
        Grade.parse("良好")


def test_source_names() -> None:
    assert S.EMPLOYER is S.parse("单位")
    assert S.COMMUNITY is S.parse("社区党组织评价")
    assert S.RESIDENTS is S.parse("居民评价")
    assert S.PEERS is S.parse("互评")
    with pytest.raises(ValueError, match="an evaluation source"):
        S.parse("上级")


# ---------------------------------------------------------------------------
# Weights
# ---------------------------------------------------------------------------


def test_default_weights() -> None:
    w = DEFAULT_WEIGHTS
    expected = (Fraction(3, 10), Fraction(3, 10), Fraction(1, 5), Fraction(1, 5))
    assert expected == (w.employer, w.community, w.residents, w.peers)
    assert 1 == sum(w.of(s) for s in S)


def test_weights_from_decimals_are_exact() -> None:
    w = AssessmentWeights(
        employer=Decimal("0.1"),
        community=Decimal("0.2"),
        residents=Decimal("0.3"),
        peers=Decimal("0.4"),
    )
    assert Fraction(1, 10) == w.employer
    zero = AssessmentWeights(employer=0, community=1, residents=0, peers=0)
    assert 0 == zero.of("employer")


def test_float_weights_are_refused() -> None:
    with pytest.raises(TypeError, match="floats are inexact"):
        AssessmentWeights(employer=0.3)


def test_weight_problems_are_listed_together() -> None:
    with pytest.raises(ValidationError) as info:
        AssessmentWeights(employer=-1, community=Fraction(1, 2), residents=2, peers=0)
    assert [("weights", "employer"), ("weights", "")] == [
        (p.id, p.field) for p in info.value.problems
    ]
    assert "sum to exactly 1, got 3/2" in info.value.problems[1].message


def test_combine_needs_every_weighted_source() -> None:
    w = AssessmentWeights(
        employer=Fraction(1, 2), community=Fraction(1, 2), residents=0, peers=0
    )
    assert Fraction(85) == w.combine({S.EMPLOYER: 80, S.COMMUNITY: 90})
    with pytest.raises(ValueError, match="none from community"):
        w.combine({S.EMPLOYER: 80})


# ---------------------------------------------------------------------------
# Cut-offs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, Grade.EXCELLENT),
        (90, Grade.EXCELLENT),
        (Fraction(8999, 100), Grade.QUALIFIED),
        (Decimal("89.9"), Grade.QUALIFIED),
        (70, Grade.QUALIFIED),
        (Fraction(699999, 10000), Grade.BASICALLY_QUALIFIED),
        (60, Grade.BASICALLY_QUALIFIED),
        (Decimal("59.99"), Grade.UNQUALIFIED),
        (0, Grade.UNQUALIFIED),
    ],
)
def test_default_cutoffs_at_their_boundaries(score: Any, grade: Grade) -> None:
    assert grade is DEFAULT_CUTOFFS.grade(score)


def test_custom_cutoffs() -> None:
    c = GradeCutoffs(
        excellent=Decimal("92.5"), qualified=75, basically_qualified=Decimal("60.5")
    )
    assert Grade.EXCELLENT is c.grade(Decimal("92.5"))
    assert Grade.QUALIFIED is c.grade(Fraction(185, 2) - Fraction(1, 10**9))
    assert Grade.BASICALLY_QUALIFIED is c.grade(Fraction(149, 2))
    assert Grade.UNQUALIFIED is c.grade(60)


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        (
            {"excellent": 60, "qualified": 70, "basically_qualified": 80},
            ["qualified", "excellent"],
        ),
        ({"excellent": 90, "qualified": 90}, ["excellent"]),
        ({"excellent": 101}, ["excellent"]),
        ({"basically_qualified": 0}, ["basically_qualified"]),
        ({"qualified": 70.5}, ["qualified"]),
        ({"qualified": Decimal("NaN"), "excellent": "90"}, ["qualified", "excellent"]),
    ],
)
def test_bad_cutoffs_list_every_problem(
    kwargs: dict[str, Any], fields: list[str]
) -> None:
    with pytest.raises(ValidationError) as info:
        GradeCutoffs(**kwargs)
    assert fields == [p.field for p in info.value.problems]


# ---------------------------------------------------------------------------
# Evaluation records
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("score", 101, ValueError),
        ("score", -1, ValueError),
        ("score", 88.5, ValueError),
        ("score", True, ValueError),
        ("score", Decimal("Infinity"), ValueError),
        ("year", 0, ValueError),
        ("year", "2025", ValueError),
        ("source", "上级", ValueError),
        ("id", "", ValueError),
        ("evaluator_id", " ", ValueError),
        ("at", datetime(2025, 12, 1), NaiveDatetimeError),
    ],
)
def test_evaluation_fields_are_checked(
    field: str, value: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        attrs.evolve(ev("e1", "residents", 90), **{field: value})


# ---------------------------------------------------------------------------
# 评价权
# ---------------------------------------------------------------------------


def test_rightful_evaluations_pass(registry: MemberRegistry) -> None:
    for e in full((90, 90, 90, 90)):
        assert e is check_evaluation(e, registry)


def test_another_community_is_refused_naming_everyone(registry: MemberRegistry) -> None:
    e = ev("e9", "community", 95, evaluator="c-xima")
    with pytest.raises(EvaluationRefused) as info:
        check_evaluation(e, registry)
    message = str(info.value)
    assert "'m-1'" in message  # the member
    assert "'c-xima'" in message  # the evaluator
    assert "registered with community 'c-nanmen'" in message
    assert "评价权" in message
    assert isinstance(info.value, PermissionError)
    assert isinstance(info.value, RedcityError)


def test_another_employer_is_refused(registry: MemberRegistry) -> None:
    with pytest.raises(EvaluationRefused, match="employer unit is 'o-school'"):
        check_evaluation(ev("e1", "employer", 90, evaluator="o-other"), registry)


def test_nobody_gives_an_employer_evaluation_without_an_employer(
    registry: MemberRegistry,
) -> None:
    e = ev("e1", "employer", 90, evaluator="o-school", member="m-2")
    with pytest.raises(
        EvaluationRefused, match="not in service and has no employer unit"
    ):
        check_evaluation(e, registry)


@pytest.mark.parametrize("source", ["peers", "residents"])
def test_nobody_evaluates_themself(registry: MemberRegistry, source: str) -> None:
    with pytest.raises(EvaluationRefused, match="may not evaluate themself"):
        check_evaluation(ev("e1", source, 100, evaluator="m-1"), registry)


def test_an_unregistered_member_cannot_be_evaluated(registry: MemberRegistry) -> None:
    with pytest.raises(UnknownMember, match="'m-9' has not registered"):
        check_evaluation(ev("e1", "residents", 90, member="m-9"), registry)


def test_check_evaluation_arguments(registry: MemberRegistry) -> None:
    with pytest.raises(TypeError, match="Expected an Evaluation"):
        check_evaluation("e1", registry)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="MemberRegistry"):
        check_evaluation(ev("e1", "residents", 90), {"m-1": "c-nanmen"})  # type: ignore[arg-type]


def test_batch_collects_every_problem(registry: MemberRegistry) -> None:
    bad = [
        *full((90, 90, 90, 90)),
        ev("x1", "community", 95, evaluator="c-xima"),
        ev("x2", "residents", 95, member="m-9"),
        ev("x3", "peers", 95, evaluator="m-1"),
        ev("e0", "employer", 10),  # same id as an earlier one, other content
        ev("x4", "community", 95, evaluator="c-xima", year=2024),  # other year: ignored
        "not an evaluation",
    ]
    with pytest.raises(ValidationError) as info:
        assess(bad, registry, year=2025)  # type: ignore[arg-type]
    found = [(p.id, p.field) for p in info.value.problems]
    assert [
        ("x1", "evaluator_id"),
        ("x2", "member_id"),
        ("x3", "evaluator_id"),
        ("e0", "id"),
        ("#9", ""),
    ] == found
    assert "registered with community 'c-nanmen'" in info.value.problems[0].message
    assert isinstance(info.value, ValueError)


# ---------------------------------------------------------------------------
# assess
# ---------------------------------------------------------------------------


def test_weighted_and_graded(registry: MemberRegistry) -> None:
    result = assess(full((92, 88, Decimal("95.5"), 90)), registry, year=2025)
    a = result["m-1"]
    assert Fraction(911, 10) == a.score  # .3·92 + .3·88 + .2·95.5 + .2·90
    assert Grade.EXCELLENT is a.grade
    assert ("e0", "e1", "e2", "e3") == a.evaluation_ids
    assert ("c-nanmen", "o-school") == (a.community_id, a.employer_id)
    assert () == a.missing
    assert ["m-1", "m-2"] == list(result)
    assert None is result["m-2"].grade


def test_sources_are_averaged_per_evaluator(registry: MemberRegistry) -> None:
    evals = [
        *full((80, 80, 80, 80)),
        ev("r2", "residents", 90),
        ev("r3", "residents", Decimal("70.5")),
    ]
    a = assess(evals, registry, year=2025)["m-1"]
    assert Fraction(481, 6) == a.residents  # (80 + 90 + 70.5) / 3
    assert Fraction(80) == a.source_score(S.PEERS)


def test_a_later_evaluation_by_the_same_evaluator_replaces_the_earlier(
    registry: MemberRegistry,
) -> None:
    evals = [
        *full((80, 80, 80, 80)),
        ev("e1b", "community", 100, at=AT + timedelta(days=1)),
    ]
    a = assess(evals, registry, year=2025)["m-1"]
    assert Fraction(100) == a.community
    assert "e1" not in a.evaluation_ids


def test_the_same_evaluation_twice_counts_once(registry: MemberRegistry) -> None:
    once = assess(full((80, 70, 60, 50)), registry, year=2025)
    twice = assess(full((80, 70, 60, 50)) * 2, registry, year=2025)
    assert once == twice


def test_missing_sources(registry: MemberRegistry) -> None:
    evals = [ev("e1", "community", 80), ev("e2", "residents", 95)]
    strict = assess(evals, registry, year=2025)["m-1"]
    assert (S.EMPLOYER, S.PEERS) == strict.missing
    assert (None, None) == (strict.score, strict.grade)
    lenient = assess(evals, registry, year=2025, require_all=False)["m-1"]
    assert (S.EMPLOYER, S.PEERS) == lenient.missing
    assert Fraction(86) == lenient.score  # (.3·80 + .2·95) / .5
    assert Grade.QUALIFIED is lenient.grade
    nothing = assess([], registry, year=2025, require_all=False)["m-1"]
    assert (None, None, tuple(S)) == (nothing.score, nothing.grade, nothing.missing)


def test_zero_weight_sources_are_never_missing(registry: MemberRegistry) -> None:
    community_only = AssessmentWeights(employer=0, community=1, residents=0, peers=0)
    a = assess(
        [ev("e1", "community", 60)], registry, year=2025, weights=community_only
    )["m-2"]
    assert (S.COMMUNITY,) == a.missing
    a = assess(
        [ev("e1", "community", 60, evaluator="c-xima", member="m-2")],
        registry,
        year=2025,
        weights=community_only,
    )["m-2"]
    assert ((), Grade.BASICALLY_QUALIFIED) == (a.missing, a.grade)


def test_only_the_year_counts(registry: MemberRegistry) -> None:
    evals = [*full((90, 90, 90, 90)), ev("old", "community", 10, year=2024)]
    assert Fraction(90) == assess(evals, registry, year=2025)["m-1"].score
    assert (S.EMPLOYER, S.RESIDENTS, S.PEERS) == assess(evals, registry, year=2024)[
        "m-1"
    ].missing


def test_members_argument(registry: MemberRegistry) -> None:
    assert ["m-1"] == list(assess([], registry, year=2025, members=["m-1", "m-1"]))
    with pytest.raises(UnknownMember):
        assess([], registry, year=2025, members=["m-9"])


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"year": "2025"}, ValueError),
        ({"year": 2025, "weights": {"employer": 1}}, TypeError),
        ({"year": 2025, "cutoffs": (90, 70, 60)}, TypeError),
        ({"year": 2025, "require_all": 1}, TypeError),
    ],
)
def test_bad_arguments_raise_at_once(
    registry: MemberRegistry, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        assess([], registry, **kwargs)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@given(
    st.tuples(SCORES, SCORES, SCORES, SCORES),
    st.integers(0, 3),
    st.integers(0, 100) | st.decimals(min_value=0, max_value=100, places=1),
    assessment_weights(),
    grade_cutoffs(),
)
def test_grade_is_monotone_in_each_score(
    scores: tuple[Any, ...],
    which: int,
    higher: Any,
    weights: AssessmentWeights,
    cutoffs: GradeCutoffs,
) -> None:
    registry = MemberRegistry.from_registrations(
        [
            MemberRegistration(
                member_id="m-1",
                community_id="c-nanmen",
                employer_id="o-school",
                registered_on=date(2025, 1, 1),
            )
        ]
    )
    raised = list(scores)
    raised[which] = max(scores[which], higher)
    before = assess(full(scores), registry, year=2025, weights=weights, cutoffs=cutoffs)
    after = assess(
        full(tuple(raised)), registry, year=2025, weights=weights, cutoffs=cutoffs
    )
    a, b = before["m-1"], after["m-1"]
    assert a.score is not None
    assert b.score is not None
    assert a.score <= b.score
    assert a.grade is not None
    assert b.grade is not None
    assert a.grade.rank <= b.grade.rank
    assert 0 <= a.score <= 100


@st.composite
def assessed_inputs(draw: st.DrawFn) -> tuple[MemberRegistry, list[Evaluation]]:
    registry = draw(member_registries(min_members=1, max_members=6))
    ids = st.integers(0, 10**6).map("e-{}".format)
    evals = draw(
        st.lists(
            evaluations(registry=registry, ids=ids, min_year=2025, max_year=2026),
            max_size=20,
            unique_by=lambda e: e.id,
        )
    )
    return registry, evals


@given(assessed_inputs(), st.booleans(), st.randoms(use_true_random=False))
def test_rightful_evaluations_always_assess_in_any_order(
    data: tuple[MemberRegistry, list[Evaluation]], require_all: bool, rng: random.Random
) -> None:
    registry, evals = data
    result = assess(evals, registry, year=2025, require_all=require_all)
    assert list(registry) == list(result)
    shuffled = list(evals)
    rng.shuffle(shuffled)
    assert result == assess(shuffled, registry, year=2025, require_all=require_all)
    used = {i for a in result.values() for i in a.evaluation_ids}
    assert used <= {e.id for e in evals if e.year == 2025}
    for a in result.values():
        assert (a.score is None) == (a.grade is None)
        if a.score is not None:
            assert 0 <= a.score <= 100


# ---------------------------------------------------------------------------
# Serialization
# ---------------------------------------------------------------------------


@given(evaluations())
def test_evaluation_round_trips(e: Evaluation) -> None:
    assert e == rs.structure(rs.unstructure(e), Evaluation)
    assert e == rs.from_json(rs.to_json(e), Evaluation)


@given(assessment_weights())
def test_weights_round_trip(w: AssessmentWeights) -> None:
    assert w == rs.structure(rs.unstructure(w), AssessmentWeights)
    assert w == rs.from_json(rs.to_json(w), AssessmentWeights)


@given(grade_cutoffs())
def test_cutoffs_round_trip(c: GradeCutoffs) -> None:
    assert c == rs.structure(rs.unstructure(c), GradeCutoffs)
    assert c == rs.from_json(rs.to_json(c), GradeCutoffs)


@given(assessed_inputs(), st.booleans())
def test_assessments_round_trip(
    data: tuple[MemberRegistry, list[Evaluation]], require_all: bool
) -> None:
    registry, evals = data
    for a in assess(evals, registry, year=2025, require_all=require_all).values():
        assert a == rs.structure(rs.unstructure(a), Assessment)
        assert a == rs.from_json(rs.to_json(a), Assessment)


def test_json_forms() -> None:
    assert (
        '{"employer": "3/10", "community": "3/10", "residents": "1/5", "peers": "1/5"}'
        == (rs.to_json(DEFAULT_WEIGHTS))
    )
    assert (
        '{"excellent": 90, "qualified": 70, "basically_qualified": 60}'
        == rs.to_json(DEFAULT_CUTOFFS)
    )
    e = ev("e1", "群众", Decimal("87.5"))
    assert '"source": "residents", "score": "87.5"' in rs.to_json(e)


def test_reading_bad_weights_reports_the_sum() -> None:
    with pytest.raises(RedcityError, match="sum to exactly 1"):
        rs.structure({"employer": "1/2"}, AssessmentWeights)
