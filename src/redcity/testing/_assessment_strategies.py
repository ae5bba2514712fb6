"""Strategies for the member registry, star tables and dual assessment.

Re-exported from :mod:`redcity.testing.strategies`: registrations with a
community (:func:`registrations`, :func:`member_registries`), star tables
and team rules (:func:`star_thresholds`, :func:`team_star_rules`) and
双考双评 configuration and evaluations (:func:`assessment_weights`,
:func:`grade_cutoffs`, :func:`evaluations`).  Every value is valid by
construction; evaluations drawn against a registry respect 评价权.

>>> from hypothesis import given, settings
>>> from redcity.points import check_evaluation
>>> @settings(max_examples=20, deadline=None)
... @given(st.data())
... def test_drawn_evaluations_are_allowed(data):
...     registry = data.draw(member_registries(min_members=1))
...     check_evaluation(data.draw(evaluations(registry=registry)), registry)
>>> test_drawn_evaluations_are_allowed()
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.people import MemberRegistration, MemberRegistry
from redcity.points import (
    DEFAULT_CUTOFFS,
    DEFAULT_WEIGHTS,
    MAX_SCORE,
    AssessmentWeights,
    Evaluation,
    EvaluationSource,
    GradeCutoffs,
    TeamBasis,
    TeamStarRule,
)

__all__ = [
    "assessment_weights",
    "evaluations",
    "grade_cutoffs",
    "member_registries",
    "registrations",
    "star_thresholds",
    "team_star_rules",
]

_MEMBER_IDS = st.integers(0, 999).map("m-{}".format)
_COMMUNITY_IDS = st.integers(0, 9).map("c-{}".format)
_EMPLOYER_IDS = st.integers(0, 19).map("o-{}".format)
_DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
_OFFSETS = st.sampled_from(
    (timezone(timedelta(hours=8)), UTC, timezone(timedelta(hours=-5)))
)
_MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=_OFFSETS
)
_SCORES: st.SearchStrategy[int | Decimal] = st.integers(0, MAX_SCORE) | st.decimals(
    min_value=0, max_value=MAX_SCORE, places=1
)
_EVALUATOR_IDS = st.integers(0, 999).map("r-{}".format)


def _check_strategy(name: str, value: object) -> None:
    if value is not None and not isinstance(value, st.SearchStrategy):
        msg = f"Expected {name} to be a SearchStrategy or None, got {value!r}."
        raise InvalidArgument(msg)


@st.composite
def _registration(
    draw: st.DrawFn,
    member_ids: st.SearchStrategy[str],
    community_ids: st.SearchStrategy[str],
    employer_ids: st.SearchStrategy[str],
) -> MemberRegistration:
    in_service = draw(st.booleans().map(lambda b: not b))  # shrinks to True
    employer = draw(employer_ids) if in_service or draw(st.booleans()) else None
    return MemberRegistration(
        member_id=draw(member_ids),
        community_id=draw(community_ids),
        employer_id=employer,
        registered_on=draw(_DATES),
        party_member=draw(st.booleans().map(lambda b: not b)),
        in_service=in_service,
    )


def registrations(
    *,
    member_ids: st.SearchStrategy[str] | None = None,
    community_ids: st.SearchStrategy[str] | None = None,
    employer_ids: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[MemberRegistration]:
    """Valid :class:`~redcity.people.MemberRegistration` records (双报到).

    In-service members always name an employer; others sometimes do.
    Shrinks toward an in-service party member.

    Args:
        member_ids: Member ids; default ``"m-0"`` … ``"m-999"``.
        community_ids: Community node ids; default ``"c-0"`` … ``"c-9"``.
        employer_ids: Employer unit ids; default ``"o-0"`` … ``"o-19"``.

    Raises:
        hypothesis.errors.InvalidArgument: An argument is not a strategy.

    >>> from hypothesis import find
    >>> r = find(registrations(community_ids=st.just("c-nanmen")), lambda r: True)
    >>> r.community_id, r.in_service, r.party_member
    ('c-nanmen', True, True)
    """
    _check_strategy("member_ids", member_ids)
    _check_strategy("community_ids", community_ids)
    _check_strategy("employer_ids", employer_ids)
    return _registration(
        member_ids if member_ids is not None else _MEMBER_IDS,
        community_ids if community_ids is not None else _COMMUNITY_IDS,
        employer_ids if employer_ids is not None else _EMPLOYER_IDS,
    )


def member_registries(
    *,
    min_members: int = 0,
    max_members: int = 12,
    community_ids: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[MemberRegistry]:
    """Valid :class:`~redcity.people.MemberRegistry` objects: one
    registration per member.

    Args:
        min_members: Fewest members (≥ 0).
        max_members: Most members.
        community_ids: Community node ids; default ``"c-0"`` … ``"c-9"``.

    Raises:
        hypothesis.errors.InvalidArgument: Bad bounds, or ``community_ids``
            is not a strategy.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None)
    ... @given(member_registries(min_members=3, max_members=5))
    ... def check(registry):
    ...     assert 3 <= len(registry) <= 5
    >>> check()
    """
    if type(min_members) is not int or min_members < 0:
        msg = f"Expected min_members to be a whole number ≥ 0, got {min_members!r}."
        raise InvalidArgument(msg)
    if type(max_members) is not int or max_members < min_members:
        msg = (
            f"Expected max_members to be a whole number ≥ min_members={min_members},"
            f" got {max_members!r}."
        )
        raise InvalidArgument(msg)
    _check_strategy("community_ids", community_ids)
    return st.lists(
        registrations(community_ids=community_ids),
        min_size=min_members,
        max_size=max_members,
        unique_by=lambda r: r.member_id,
    ).map(MemberRegistry.from_registrations)


_THRESHOLD_STEPS = st.lists(
    st.one_of(
        st.integers(1, 500),
        st.fractions(min_value=Fraction(1, 100), max_value=500, max_denominator=100),
        st.decimals(min_value=Decimal("0.01"), max_value=500, places=2),
    ),
    min_size=5,
    max_size=5,
)


def star_thresholds() -> st.SearchStrategy[tuple[int | Fraction | Decimal, ...]]:
    """Valid star tables: five strictly increasing positive hours.

    Values mix ints, Fractions and Decimals; shrinks toward
    ``(1, 2, 3, 4, 5)``.

    >>> from hypothesis import find
    >>> find(star_thresholds(), lambda t: True)
    (1, 2, 3, 4, 5)
    """
    return _THRESHOLD_STEPS.map(_increasing)


def _increasing(
    steps: list[int | Fraction | Decimal],
) -> tuple[int | Fraction | Decimal, ...]:
    total = Fraction(0)
    out: list[int | Fraction | Decimal] = []
    for step in steps:
        total += Fraction(step)
        if isinstance(step, int):
            out.append(int(total) if total.denominator == 1 else total)
        elif isinstance(step, Decimal) and (total * 100).denominator == 1:
            out.append(Decimal(total.numerator) / Decimal(total.denominator))
        else:
            out.append(total)
    return tuple(out)


def team_star_rules() -> st.SearchStrategy[TeamStarRule]:
    """Valid :class:`~redcity.points.TeamStarRule` objects.

    >>> from hypothesis import find
    >>> find(team_star_rules(), lambda r: True) == TeamStarRule()
    True
    """
    return st.builds(
        TeamStarRule,
        basis=st.sampled_from(TeamBasis),
        share=st.just(Fraction(1, 2))
        | st.fractions(min_value=Fraction(1, 100), max_value=1, max_denominator=100),
    )


@st.composite
def _weights(draw: st.DrawFn) -> AssessmentWeights:
    parts = draw(st.lists(st.integers(0, 20), min_size=4, max_size=4))
    if not any(parts):
        parts[draw(st.integers(0, 3))] = 1
    total = sum(parts)
    employer, community, residents, peers = (Fraction(p, total) for p in parts)
    return AssessmentWeights(
        employer=employer, community=community, residents=residents, peers=peers
    )


def assessment_weights() -> st.SearchStrategy[AssessmentWeights]:
    """Valid :class:`~redcity.points.AssessmentWeights`: ≥ 0, summing to 1.

    Some weights may be 0.  Shrinks toward the default weights.

    >>> from hypothesis import find
    >>> find(assessment_weights(), lambda w: True) == DEFAULT_WEIGHTS
    True
    """
    return st.just(DEFAULT_WEIGHTS) | _weights()


@st.composite
def _cutoffs(draw: st.DrawFn) -> GradeCutoffs:
    values = draw(
        st.lists(
            _SCORES.filter(lambda s: s > 0), min_size=3, max_size=3, unique=True
        ).filter(lambda v: len(set(map(Fraction, v))) == 3)
    )
    low, mid, high = sorted(values, key=Fraction)
    return GradeCutoffs(excellent=high, qualified=mid, basically_qualified=low)


def grade_cutoffs() -> st.SearchStrategy[GradeCutoffs]:
    """Valid :class:`~redcity.points.GradeCutoffs`: ``0 < b < q < e ≤ 100``.

    Cut-offs are ints or Decimals with one decimal place.  Shrinks toward
    the default cut-offs.

    >>> from hypothesis import find
    >>> find(grade_cutoffs(), lambda c: True) == DEFAULT_CUTOFFS
    True
    """
    return st.just(DEFAULT_CUTOFFS) | _cutoffs()


@st.composite
def _evaluation(
    draw: st.DrawFn,
    registry: MemberRegistry | None,
    ids: st.SearchStrategy[str],
    min_year: int,
    max_year: int,
) -> Evaluation:
    source = draw(st.sampled_from(EvaluationSource))
    if registry is None:
        member = draw(_MEMBER_IDS)
        evaluator = draw(_EVALUATOR_IDS)
    else:
        member = draw(st.sampled_from(registry.keys()))
        reg = registry[member]
        if source is EvaluationSource.EMPLOYER and reg.employer_id is None:
            source = EvaluationSource.COMMUNITY
        if source is EvaluationSource.COMMUNITY:
            evaluator = reg.community_id
        elif source is EvaluationSource.EMPLOYER:
            assert reg.employer_id is not None
            evaluator = reg.employer_id
        else:
            evaluator = draw(_EVALUATOR_IDS | _MEMBER_IDS.filter(lambda m: m != member))
    return Evaluation(
        id=draw(ids),
        member_id=member,
        evaluator_id=evaluator,
        source=source,
        score=draw(_SCORES),
        year=draw(st.integers(min_year, max_year)),
        at=draw(_MOMENTS),
    )


def evaluations(
    *,
    registry: MemberRegistry | None = None,
    ids: st.SearchStrategy[str] | None = None,
    min_year: int = 2020,
    max_year: int = 2030,
) -> st.SearchStrategy[Evaluation]:
    """Valid :class:`~redcity.points.Evaluation` records (双考双评).

    Against a ``registry``, each evaluation is of a registered member and
    allowed (评价权): a community evaluation comes from the member's
    community, an employer evaluation from their unit, residents and peers
    are never the member themself.  Scores are ints or one-place Decimals
    from 0 to 100.

    Args:
        registry: Draw members and rightful evaluators from it (non-empty).
        ids: Evaluation ids; default ``"e-0"`` … ``"e-99999"`` (draw
            unique ids yourself when you need them).
        min_year: Earliest year assessed.
        max_year: Latest year assessed.

    Raises:
        hypothesis.errors.InvalidArgument: An empty or non-registry
            ``registry``, bad years, or ``ids`` not a strategy.

    >>> from hypothesis import find
    >>> e = find(evaluations(min_year=2025), lambda e: True)
    >>> e.year, e.score, e.source.value
    (2025, 0, 'employer')
    """
    if registry is not None and (
        not isinstance(registry, MemberRegistry) or not len(registry)
    ):
        msg = f"Expected registry to be a non-empty MemberRegistry, got {registry!r}."
        raise InvalidArgument(msg)
    _check_strategy("ids", ids)
    if type(min_year) is not int or not 1 <= min_year <= 9999:
        msg = f"Expected min_year to be a year from 1 to 9999, got {min_year!r}."
        raise InvalidArgument(msg)
    if type(max_year) is not int or not min_year <= max_year <= 9999:
        msg = (
            f"Expected max_year to be a year from min_year={min_year} to 9999, "
            f"got {max_year!r}."
        )
        raise InvalidArgument(msg)
    return _evaluation(
        registry,
        ids if ids is not None else st.integers(0, 99_999).map("e-{}".format),
        min_year,
        max_year,
    )
