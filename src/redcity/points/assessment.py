"""Dual assessment (双考双评) of in-service members registered with a community.

An in-service party member who registered with their home community
(双报到) is assessed each year from four sources: their employer unit's
party organisation, the community's party organisation, residents and
fellow members (peers).  Each source's scores (0–100) are averaged, the
averages combined with :class:`AssessmentWeights` and the result graded
优秀 / 合格 / 基本合格 / 不合格 by :class:`GradeCutoffs`.  Weights and
cut-offs are local practice, so they are configuration with documented
defaults; all arithmetic is exact (Fractions), so a score on a cut-off
is graded the same everywhere.

评价权: only the community where the member registered may give the
community evaluation, and only the member's employer unit the employer
evaluation; nobody evaluates themself.  :func:`check_evaluation` refuses
a single evaluation at once with :class:`~redcity.errors.EvaluationRefused`
(use it when recording one); :func:`assess` checks a whole year's
evaluations and reports every problem together.

References:
    中共中央组织部 关于在职党员到社区报到 (双报到) practice: in-service
    party members register with the community where they live, serve there,
    and are assessed by both the community and their employer unit's party
    organisation (双考双评).

>>> from datetime import date, datetime, timezone
>>> from redcity.people import MemberRegistration, MemberRegistry
>>> from redcity.points import Evaluation, assess
>>> registry = MemberRegistry.from_registrations([MemberRegistration(
...     member_id="m-1", community_id="c-nanmen", employer_id="o-school",
...     registered_on=date(2025, 3, 1))])
>>> at = datetime(2025, 12, 20, tzinfo=timezone.utc)
>>> evals = [
...     Evaluation(id="e1", member_id="m-1", evaluator_id="o-school",
...                source="employer", score=92, year=2025, at=at),
...     Evaluation(id="e2", member_id="m-1", evaluator_id="c-nanmen",
...                source="社区", score=88, year=2025, at=at),
...     Evaluation(id="e3", member_id="m-1", evaluator_id="r-7",
...                source="群众", score=95, year=2025, at=at),
...     Evaluation(id="e4", member_id="m-1", evaluator_id="m-2",
...                source="互评", score=90, year=2025, at=at),
... ]
>>> a = assess(evals, registry, year=2025)["m-1"]
>>> a.score, a.grade.zh
(Fraction(91, 1), '优秀')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any, Final

import attrs

from redcity._names import parse_member
from redcity._validators import aware, non_empty_text
from redcity.errors import EvaluationRefused, Problem, UnknownMember, ValidationError
from redcity.people import MemberRegistry
from redcity.points._exact import ExactScore, exact_problem

__all__ = [
    "DEFAULT_CUTOFFS",
    "DEFAULT_WEIGHTS",
    "MAX_SCORE",
    "Assessment",
    "AssessmentWeights",
    "Evaluation",
    "EvaluationSource",
    "Grade",
    "GradeCutoffs",
    "assess",
    "check_evaluation",
]

MAX_SCORE: Final = 100
"""Scores run from 0 to 100."""


class EvaluationSource(enum.Enum):
    """Who gives an evaluation: the four sources of 双考双评.

    >>> [s.zh for s in EvaluationSource]
    ['单位党组织评价', '社区党组织评价', '群众评价', '党员互评']
    >>> EvaluationSource.parse("社区") is EvaluationSource.COMMUNITY
    True
    """

    EMPLOYER = "employer"
    """The employer unit's party organisation (单位党组织)."""
    COMMUNITY = "community"
    """The registered community's party organisation (社区党组织)."""
    RESIDENTS = "residents"
    """Residents of the community (群众评价)."""
    PEERS = "peers"
    """Fellow members (党员互评)."""

    @property
    def zh(self) -> str:
        """单位党组织评价, 社区党组织评价, 群众评价 or 党员互评.

        >>> EvaluationSource.PEERS.zh
        '党员互评'
        """
        return _SOURCE_NAMES[self][0]

    @classmethod
    def parse(cls, value: EvaluationSource | str) -> EvaluationSource:
        """A source from an EvaluationSource, its English or Chinese name.

        Accepts ``"employer"``/``"单位"``/``"单位评价"``,
        ``"community"``/``"社区"``/``"社区评价"``,
        ``"residents"``/``"群众"``/``"居民评价"``, ``"peers"``/``"互评"`` and
        the full Chinese names.

        Raises:
            ValueError: The value names no source.

        >>> EvaluationSource.parse("群众评价")
        <EvaluationSource.RESIDENTS: 'residents'>
        """
        return parse_member(
            cls, value, what="an evaluation source", names=_source_names
        )


_SOURCE_NAMES: dict[EvaluationSource, tuple[str, ...]] = {
    EvaluationSource.EMPLOYER: ("单位党组织评价", "单位", "单位评价", "单位考评"),
    EvaluationSource.COMMUNITY: ("社区党组织评价", "社区", "社区评价", "社区考评"),
    EvaluationSource.RESIDENTS: ("群众评价", "群众", "居民评价", "居民", "resident"),
    EvaluationSource.PEERS: ("党员互评", "互评", "peer"),
}


def _source(value: EvaluationSource | str) -> EvaluationSource:
    return EvaluationSource.parse(value)


def _source_names(source: EvaluationSource) -> tuple[str, ...]:
    zh, *aliases = _SOURCE_NAMES[source]
    return (zh, source.value, source.name, *aliases)


class Grade(enum.Enum):
    """An assessment grade: 优秀, 合格, 基本合格 or 不合格, best first.

    >>> Grade.parse("基本合格"), Grade.EXCELLENT.zh, Grade.QUALIFIED.rank
    (<Grade.BASICALLY_QUALIFIED: 'basically_qualified'>, '优秀', 2)
    """

    EXCELLENT = "excellent"
    QUALIFIED = "qualified"
    BASICALLY_QUALIFIED = "basically_qualified"
    UNQUALIFIED = "unqualified"

    @property
    def zh(self) -> str:
        """优秀, 合格, 基本合格 or 不合格.

        >>> Grade.BASICALLY_QUALIFIED.zh
        '基本合格'
        """
        return _GRADE_ZH[self]

    @property
    def rank(self) -> int:
        """3 for 优秀 down to 0 for 不合格: higher is better.

        >>> sorted(Grade, key=lambda g: g.rank)[0].zh
        '不合格'
        """
        return _GRADE_RANK[self]

    @classmethod
    def parse(cls, value: Grade | str) -> Grade:
        """A grade from a Grade, its English name or its Chinese name.

        Raises:
            ValueError: The value names no grade.

        >>> Grade.parse("优秀"), Grade.parse("basically qualified")
        (<Grade.EXCELLENT: 'excellent'>, <Grade.BASICALLY_QUALIFIED: 'basically_qualified'>)
        """  # noqa: E501
        return parse_member(cls, value, what="a grade", names=_grade_names)


_GRADE_ZH = {
    Grade.EXCELLENT: "优秀",
    Grade.QUALIFIED: "合格",
    Grade.BASICALLY_QUALIFIED: "基本合格",
    Grade.UNQUALIFIED: "不合格",
}
_GRADE_RANK = {
    Grade.EXCELLENT: 3,
    Grade.QUALIFIED: 2,
    Grade.BASICALLY_QUALIFIED: 1,
    Grade.UNQUALIFIED: 0,
}


def _grade_names(grade: Grade) -> tuple[str, ...]:
    return (grade.zh, grade.value, grade.value.replace("_", " "))


# --------------------------------------------------------------------------
# Weights and cut-offs
# --------------------------------------------------------------------------


def _weight(value: object) -> Fraction:
    """A weight as an exact Fraction; floats and non-numbers refused at once."""
    if isinstance(value, float):
        msg = (
            f"Expected a weight as a Fraction, Decimal or int, got the float "
            f"{value!r}; floats are inexact and could not sum to 1 exactly: "
            "pass Fraction(3, 10) or Decimal('0.3')."
        )
        raise TypeError(msg)
    if isinstance(value, bool) or not isinstance(value, int | Fraction | Decimal):
        msg = f"Expected a weight as a Fraction, Decimal or int, got {value!r}."
        raise TypeError(msg)
    if isinstance(value, Decimal) and not value.is_finite():
        msg = f"Expected a finite weight, got {value!r}."
        raise ValueError(msg)
    return Fraction(value)


@attrs.frozen(kw_only=True)
class AssessmentWeights:
    """How the four sources' scores combine: weights ≥ 0 summing to exactly 1.

    The defaults — employer 3/10, community 3/10, residents 1/5, peers
    1/5 — are a common local practice (the two organisations weigh the
    same, residents' and peers' voices together as much as either); they
    are configuration, not law.  Give weights as Fractions, Decimals or
    ints; they are stored as Fractions, so ``Decimal("0.3")`` is exactly
    3/10.

    Attributes:
        employer: Weight of the employer unit's party organisation.
        community: Weight of the community's party organisation.
        residents: Weight of residents' evaluation.
        peers: Weight of peer evaluation.

    Raises:
        TypeError: A weight is a float or not a number.
        ValidationError: Listing every negative weight, and a sum other
            than exactly 1.

    >>> from decimal import Decimal
    >>> w = AssessmentWeights(employer=Decimal("0.4"), community=Decimal("0.4"),
    ...                       residents=Decimal("0.1"), peers=Decimal("0.1"))
    >>> w.of(EvaluationSource.EMPLOYER)
    Fraction(2, 5)
    >>> AssessmentWeights(employer=Decimal("0.5"))
    Traceback (most recent call last):
    ...
    redcity.errors.ValidationError: 1 problem found:
      - weights: Expected the weights to sum to exactly 1, got 6/5 (employer 1/2, community 3/10, residents 1/5, peers 1/5).
    """  # noqa: E501

    employer: Fraction = attrs.field(default=Fraction(3, 10), converter=_weight)
    community: Fraction = attrs.field(default=Fraction(3, 10), converter=_weight)
    residents: Fraction = attrs.field(default=Fraction(1, 5), converter=_weight)
    peers: Fraction = attrs.field(default=Fraction(1, 5), converter=_weight)

    def __attrs_post_init__(self) -> None:
        problems = [
            Problem(
                "weights",
                source.value,
                f"Expected a weight ≥ 0, got {self.of(source)}.",
            )
            for source in EvaluationSource
            if self.of(source) < 0
        ]
        total = sum((self.of(s) for s in EvaluationSource), Fraction(0))
        if total != 1:
            parts = ", ".join(f"{s.value} {self.of(s)}" for s in EvaluationSource)
            problems.append(
                Problem(
                    "weights",
                    "",
                    f"Expected the weights to sum to exactly 1, got {total} ({parts}).",
                )
            )
        if problems:
            raise ValidationError(problems)

    def of(self, source: EvaluationSource | str) -> Fraction:
        """The weight of ``source`` (an EvaluationSource or any of its names).

        >>> DEFAULT_WEIGHTS.of("群众")
        Fraction(1, 5)
        """
        return getattr(self, EvaluationSource.parse(source).value)  # type: ignore[no-any-return]

    def combine(
        self, scores: Mapping[EvaluationSource, ExactScore | Fraction]
    ) -> Fraction:
        """The weighted score of one member from each source's (mean) score.

        Every source with a positive weight must have a score.

        Raises:
            ValueError: A source with a positive weight has no score.

        >>> S = EvaluationSource
        >>> DEFAULT_WEIGHTS.combine({S.EMPLOYER: 90, S.COMMUNITY: 80,
        ...                          S.RESIDENTS: 100, S.PEERS: 70})
        Fraction(85, 1)
        """
        missing = [s.value for s in EvaluationSource if self.of(s) and s not in scores]
        if missing:
            msg = (
                f"Expected a score from every source with a positive weight, "
                f"got none from {', '.join(missing)}."
            )
            raise ValueError(msg)
        return sum(
            (self.of(s) * Fraction(scores[s]) for s in EvaluationSource if self.of(s)),
            Fraction(0),
        )


DEFAULT_WEIGHTS: Final = AssessmentWeights()
"""Employer 3/10, community 3/10, residents 1/5, peers 1/5 (local practice)."""


@attrs.frozen(kw_only=True)
class GradeCutoffs:
    """The lowest combined score of each grade (local configuration).

    A score at or above ``excellent`` is 优秀, at or above ``qualified`` 合格,
    at or above ``basically_qualified`` 基本合格, below it 不合格.  The
    defaults 90 / 70 / 60 follow the common 百分制 practice of party-member
    appraisals; set your district's.  Cut-offs are ints or Decimals with
    ``0 < basically_qualified < qualified < excellent ≤ 100``.

    Attributes:
        excellent: Lowest score graded 优秀 (default 90).
        qualified: Lowest score graded 合格 (default 70).
        basically_qualified: Lowest score graded 基本合格 (default 60).

    Raises:
        ValidationError: Listing every cut-off that is not an int or
            Decimal, out of range or out of order.

    >>> from decimal import Decimal
    >>> c = GradeCutoffs(excellent=Decimal("92.5"))
    >>> c.grade(Decimal("92.5")).zh, c.grade(Decimal("92.4")).zh, c.grade(59).zh
    ('优秀', '合格', '不合格')
    """

    excellent: ExactScore = 90
    qualified: ExactScore = 70
    basically_qualified: ExactScore = 60

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        names = ("basically_qualified", "qualified", "excellent")
        values = [getattr(self, n) for n in names]
        for name, value in zip(names, values, strict=True):
            problem = exact_problem(value)
            if problem is None and not 0 < value <= MAX_SCORE:
                problem = f"got {value!r}, outside (0, {MAX_SCORE}]"
            if problem is not None:
                problems.append(
                    Problem("cutoffs", name, f"Expected an int or Decimal, {problem}.")
                )
        if not problems:
            for (low, a), (high, b) in pairwise(zip(names, values, strict=True)):
                if not a < b:
                    problems.append(
                        Problem(
                            "cutoffs",
                            high,
                            f"Expected {high} ({b!r}) to be above {low} ({a!r}).",
                        )
                    )
        if problems:
            raise ValidationError(problems)

    def grade(self, score: ExactScore | Fraction) -> Grade:
        """The grade of a combined score.

        >>> [DEFAULT_CUTOFFS.grade(s).zh for s in (90, 89, 70, 60, 59)]
        ['优秀', '合格', '合格', '基本合格', '不合格']
        """
        exact = Fraction(score)
        if exact >= Fraction(self.excellent):
            return Grade.EXCELLENT
        if exact >= Fraction(self.qualified):
            return Grade.QUALIFIED
        if exact >= Fraction(self.basically_qualified):
            return Grade.BASICALLY_QUALIFIED
        return Grade.UNQUALIFIED


DEFAULT_CUTOFFS: Final = GradeCutoffs()
"""优秀 ≥ 90, 合格 ≥ 70, 基本合格 ≥ 60, else 不合格 (local practice)."""


# --------------------------------------------------------------------------
# Evaluations
# --------------------------------------------------------------------------


def _score(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    problem = exact_problem(value)
    if problem is None:
        assert isinstance(value, int | Decimal)
        if not 0 <= value <= MAX_SCORE:
            problem = f"got {value!r}"
    if problem is not None:
        msg = f"Expected a score from 0 to {MAX_SCORE} (int or Decimal), {problem}."
        raise ValueError(msg)


def _year(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9999:
        msg = f"Expected {attribute.name} to be a year such as 2025, got {value!r}."
        raise ValueError(msg)


@attrs.frozen(kw_only=True)
class Evaluation:
    """One evaluator's score of one member for one year: an immutable fact.

    Attributes:
        id: Unique id of the evaluation.
        member_id: The member evaluated.
        evaluator_id: Who evaluated: for :attr:`~EvaluationSource.COMMUNITY`
            the community's grid node id (its party organisation evaluates
            in its name), for :attr:`~EvaluationSource.EMPLOYER` the
            employer unit's id, otherwise the resident's or peer's id.
        source: The :class:`EvaluationSource` (any of its names is accepted).
        score: 0 to 100, an int or Decimal.
        year: The year assessed (an evaluation of 2025 may be given in
            January 2026).
        at: When the evaluation was given (timezone-aware).

    >>> from datetime import datetime, timezone
    >>> e = Evaluation(id="e1", member_id="m-1", evaluator_id="r-3",
    ...                source="群众", score=95, year=2025,
    ...                at=datetime(2026, 1, 5, tzinfo=timezone.utc))
    >>> e.source
    <EvaluationSource.RESIDENTS: 'residents'>
    """

    id: str = attrs.field(validator=non_empty_text)
    member_id: str = attrs.field(validator=non_empty_text)
    evaluator_id: str = attrs.field(validator=non_empty_text)
    source: EvaluationSource = attrs.field(converter=_source)
    score: ExactScore = attrs.field(validator=_score)
    year: int = attrs.field(validator=_year)
    at: datetime = attrs.field(validator=aware)


def _refusal(evaluation: Evaluation, registry: MemberRegistry) -> str | None:
    """Why ``evaluation`` may not be given (评价权), or None when it may.

    Assumes the member is registered.
    """
    e = evaluation
    reg = registry[e.member_id]
    if e.evaluator_id == e.member_id:
        return (
            f"Refused {e.source.value} evaluation {e.id!r}: member {e.member_id!r} "
            "may not evaluate themself."
        )
    # 双报到: only the registered community holds the community's 评价权.
    if e.source is EvaluationSource.COMMUNITY and e.evaluator_id != reg.community_id:
        return (
            f"Refused community evaluation {e.id!r} of member {e.member_id!r} by "
            f"{e.evaluator_id!r}: the member registered with community "
            f"{reg.community_id!r}, which alone may give the community "
            "evaluation (评价权)."
        )
    # 双考双评: the employer evaluation comes from the member's own unit.
    if e.source is EvaluationSource.EMPLOYER and e.evaluator_id != reg.employer_id:
        whose = (
            f"the member's employer unit is {reg.employer_id!r}, which alone"
            if reg.employer_id is not None
            else "the member is not in service and has no employer unit, so nobody"
        )
        return (
            f"Refused employer evaluation {e.id!r} of member {e.member_id!r} by "
            f"{e.evaluator_id!r}: {whose} may give the employer evaluation "
            "(评价权)."
        )
    return None


def check_evaluation(evaluation: Evaluation, registry: MemberRegistry) -> Evaluation:
    """Check the evaluator's right to give ``evaluation`` (评价权); return it.

    Call it when recording an evaluation, so that a refused one is never
    stored.  The community evaluation must come from the community where
    the member registered, the employer evaluation from the member's
    employer unit, and no member may evaluate themself.

    Args:
        evaluation: The evaluation to record.
        registry: Where each member registered.

    Returns:
        ``evaluation``, unchanged.

    Raises:
        EvaluationRefused: The evaluator has no right to give it; the
            message names the member, the evaluator and the registered
            community (or unit).
        UnknownMember: The member has not registered.
        TypeError: ``evaluation`` or ``registry`` has the wrong type.

    References:
        中共中央组织部 关于在职党员到社区报到 (双报到) practice: the
        community where a member registered evaluates their service there.

    >>> from datetime import date, datetime, timezone
    >>> from redcity.people import MemberRegistration, MemberRegistry
    >>> registry = MemberRegistry.from_registrations([MemberRegistration(
    ...     member_id="m-1", community_id="c-nanmen", employer_id="o-school",
    ...     registered_on=date(2025, 3, 1))])
    >>> e = Evaluation(id="e9", member_id="m-1", evaluator_id="c-xima",
    ...                source="community", score=60, year=2025,
    ...                at=datetime(2025, 12, 1, tzinfo=timezone.utc))
    >>> check_evaluation(e, registry)
    Traceback (most recent call last):
    ...
    redcity.errors.EvaluationRefused: Refused community evaluation 'e9' of member 'm-1' by 'c-xima': the member registered with community 'c-nanmen', which alone may give the community evaluation (评价权).
    """  # noqa: E501
    if not isinstance(evaluation, Evaluation):
        msg = f"Expected an Evaluation, got {evaluation!r}."
        raise TypeError(msg)
    _check_registry(registry)
    if evaluation.member_id not in registry:
        raise UnknownMember(_unregistered(evaluation))
    refusal = _refusal(evaluation, registry)
    if refusal is not None:
        raise EvaluationRefused(refusal)
    return evaluation


def _check_registry(registry: object) -> None:
    if not isinstance(registry, MemberRegistry):
        msg = f"Expected registry to be a MemberRegistry, got {registry!r}."
        raise TypeError(msg)


def _unregistered(e: Evaluation) -> str:
    return (
        f"Refused evaluation {e.id!r}: member {e.member_id!r} has not registered "
        "with any community (双报到), so nobody may assess them; register them first."
    )


# --------------------------------------------------------------------------
# Assessment
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Assessment:
    """One member's assessment for one year (双考双评).

    Attributes:
        member_id: The member.
        year: The year assessed.
        community_id: The community the member registered with.
        employer_id: The member's employer unit, if in service.
        employer: Mean of the employer evaluations, or ``None`` if none.
        community: Mean of the community evaluations, or ``None``.
        residents: Mean of the residents' evaluations, or ``None``.
        peers: Mean of the peer evaluations, or ``None``.
        score: The weighted score, or ``None`` when it cannot be given
            (see :func:`assess`).
        grade: The grade of ``score``, or ``None`` with it.
        missing: Sources with a positive weight and no evaluation.
        evaluation_ids: The evaluations counted, in id order.

    >>> from fractions import Fraction
    >>> a = Assessment(member_id="m-1", year=2025, community_id="c-1",
    ...                employer_id=None, employer=None, community=Fraction(80),
    ...                residents=None, peers=None, score=None, grade=None,
    ...                missing=(EvaluationSource.EMPLOYER,), evaluation_ids=("e1",))
    >>> a.source_score("社区")
    Fraction(80, 1)
    """

    member_id: str
    year: int
    community_id: str
    employer_id: str | None
    employer: Fraction | None
    community: Fraction | None
    residents: Fraction | None
    peers: Fraction | None
    score: Fraction | None
    grade: Grade | None
    missing: tuple[EvaluationSource, ...]
    evaluation_ids: tuple[str, ...]

    def source_score(self, source: EvaluationSource | str) -> Fraction | None:
        """The mean score from ``source`` (any of its names), or ``None``.

        >>> from fractions import Fraction
        >>> Assessment(member_id="m", year=2025, community_id="c",
        ...            employer_id=None, employer=None, community=None,
        ...            residents=Fraction(90), peers=None, score=None,
        ...            grade=None, missing=(),
        ...            evaluation_ids=()).source_score("residents")
        Fraction(90, 1)
        """
        return getattr(self, EvaluationSource.parse(source).value)  # type: ignore[no-any-return]


def _check_options(
    year: object, weights: object, cutoffs: object, require_all: object
) -> None:
    _year(None, attrs.fields(Evaluation).year, year)
    if not isinstance(weights, AssessmentWeights):
        msg = f"Expected weights to be AssessmentWeights, got {weights!r}."
        raise TypeError(msg)
    if not isinstance(cutoffs, GradeCutoffs):
        msg = f"Expected cutoffs to be GradeCutoffs, got {cutoffs!r}."
        raise TypeError(msg)
    if not isinstance(require_all, bool):
        msg = f"Expected require_all to be True or False, got {require_all!r}."
        raise TypeError(msg)


def _select(
    evaluations: Iterable[Evaluation], registry: MemberRegistry, year: int
) -> dict[tuple[str, str, EvaluationSource], Evaluation]:
    """The year's evaluations that count, checked as a whole.

    The same evaluation (same id, same content) counts once.  When one
    evaluator evaluated a member from one source more than once, the
    latest (by ``at``, then id) replaces the earlier ones.

    Raises:
        ValidationError: Listing every problem.
    """
    problems: list[Problem] = []
    seen: dict[str, Evaluation] = {}
    latest: dict[tuple[str, str, EvaluationSource], Evaluation] = {}
    for i, e in enumerate(evaluations):
        if not isinstance(e, Evaluation):
            problems.append(Problem(f"#{i}", "", f"Expected an Evaluation, got {e!r}."))
            continue
        if e.year != year:
            continue
        before = seen.setdefault(e.id, e)
        if before is not e:
            if before != e:
                problems.append(
                    Problem(
                        e.id,
                        "id",
                        f"Evaluation id {e.id!r} is used twice with different "
                        f"content: {before!r} and {e!r}.",
                    )
                )
            continue
        if e.member_id not in registry:
            problems.append(Problem(e.id, "member_id", _unregistered(e)))
            continue
        refusal = _refusal(e, registry)
        if refusal is not None:
            problems.append(Problem(e.id, "evaluator_id", refusal))
            continue
        key = (e.member_id, e.evaluator_id, e.source)
        current = latest.get(key)
        if current is None or (current.at, current.id) < (e.at, e.id):
            latest[key] = e
    if problems:
        raise ValidationError(problems)
    return latest


def assess(
    evaluations: Iterable[Evaluation],
    registry: MemberRegistry,
    *,
    year: int,
    weights: AssessmentWeights = DEFAULT_WEIGHTS,
    cutoffs: GradeCutoffs = DEFAULT_CUTOFFS,
    require_all: bool = True,
    members: Iterable[str] | None = None,
) -> dict[str, Assessment]:
    """Assess every registered member for ``year`` from their evaluations.

    Only evaluations of ``year`` count; the others are ignored.  Each
    source's score is the exact mean of its evaluations (one per evaluator:
    when an evaluator evaluated a member from one source twice, the later
    one, by ``at`` then id, replaces the earlier).  The sources' means are
    combined with ``weights`` and graded with ``cutoffs``.

    When a source with a positive weight has no evaluation, it is listed in
    :attr:`Assessment.missing` and, with ``require_all=True`` (the
    default), the member gets no score or grade; with ``require_all=False``
    the weights of the sources present are scaled up to sum to 1.

    Args:
        evaluations: Evaluations of any years, in any order.
        registry: Where each member registered (decides 评价权).
        year: The year assessed.
        weights: How sources combine (:data:`DEFAULT_WEIGHTS`).
        cutoffs: Grade boundaries (:data:`DEFAULT_CUTOFFS`).
        require_all: Whether every positively weighted source is needed
            for a grade.
        members: Assess only these registered members; every registered
            member by default.

    Returns:
        ``{member_id: Assessment}`` in member-id order.

    Raises:
        ValidationError: Listing every problem among the year's
            evaluations: not an Evaluation, an id reused with different
            content, an unregistered member, or an evaluator without the
            right to evaluate (评价权: the message names the member, the
            evaluator and the registered community or unit).
        UnknownMember: A member in ``members`` has not registered.
        TypeError, ValueError: A bad argument.

    References:
        中共中央组织部 关于在职党员到社区报到 (双报到) practice (双考双评).

    >>> from datetime import date, datetime, timezone
    >>> from redcity.people import MemberRegistration, MemberRegistry
    >>> registry = MemberRegistry.from_registrations([MemberRegistration(
    ...     member_id="m-1", community_id="c-1", employer_id="o-1",
    ...     registered_on=date(2025, 3, 1))])
    >>> at = datetime(2025, 12, 1, tzinfo=timezone.utc)
    >>> evals = [Evaluation(id=f"e{i}", member_id="m-1", evaluator_id=f"r-{i}",
    ...                     source="residents", score=s, year=2025, at=at)
    ...          for i, s in enumerate((80, 90))]
    >>> a = assess(evals, registry, year=2025)["m-1"]
    >>> a.residents, a.grade, [s.value for s in a.missing]
    (Fraction(85, 1), None, ['employer', 'community', 'peers'])
    >>> assess(evals, registry, year=2025, require_all=False)["m-1"].grade.zh
    '合格'
    """
    _check_registry(registry)
    _check_options(year, weights, cutoffs, require_all)
    chosen = _select(evaluations, registry, year)
    if members is None:
        wanted: Iterable[str] = registry
    else:
        wanted = sorted(set(members))
        for m in wanted:
            registry[m]  # raises UnknownMember
    by_member: dict[str, list[Evaluation]] = {}
    for e in chosen.values():
        by_member.setdefault(e.member_id, []).append(e)
    return {
        m: _assess_one(
            registry, m, year, by_member.get(m, []), weights, cutoffs, require_all
        )
        for m in wanted
    }


def _assess_one(
    registry: MemberRegistry,
    member_id: str,
    year: int,
    evaluations: list[Evaluation],
    weights: AssessmentWeights,
    cutoffs: GradeCutoffs,
    require_all: bool,
) -> Assessment:
    sums: dict[EvaluationSource, Fraction] = {}
    counts: dict[EvaluationSource, int] = {}
    for e in evaluations:
        sums[e.source] = sums.get(e.source, Fraction(0)) + Fraction(e.score)
        counts[e.source] = counts.get(e.source, 0) + 1
    means = {s: sums[s] / counts[s] for s in sums}
    missing = tuple(s for s in EvaluationSource if weights.of(s) and s not in means)
    present = [s for s in EvaluationSource if weights.of(s) and s in means]
    total = sum((weights.of(s) for s in present), Fraction(0))
    score: Fraction | None = None
    if present and not (missing and require_all):
        score = sum((weights.of(s) * means[s] for s in present), Fraction(0)) / total
    reg = registry[member_id]
    return Assessment(
        member_id=member_id,
        year=year,
        community_id=reg.community_id,
        employer_id=reg.employer_id,
        employer=means.get(EvaluationSource.EMPLOYER),
        community=means.get(EvaluationSource.COMMUNITY),
        residents=means.get(EvaluationSource.RESIDENTS),
        peers=means.get(EvaluationSource.PEERS),
        score=score,
        grade=None if score is None else cutoffs.grade(score),
        missing=missing,
        evaluation_ids=tuple(sorted(e.id for e in evaluations)),
    )
